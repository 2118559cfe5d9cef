/**
 * The README is documentation users copy and read as the truth:
 * - every ```ts snippet type-checks against the library, and every snippet synthesizes as a teammate's checkout would
 *   (cdk.json's feature flags, and the lookups answered as cdk.context.json records them);
 * - every output the README shows (the plan line, the report excerpt, the diagram) is what the current code produces
 *   for the default example. After a change to the report or the diagram, `UPDATE_README=1 npx jest test/readme.test.ts`
 *   rewrites those blocks (and docs/plan-fully-private.svg) from the code; review the diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ts from 'typescript';
import { build as buildDefaultExample } from '../examples/fully-private/app';
import { PrivateEksCluster } from '../lib';
import { quietly, synthExample, USER_APP_CONTEXT } from './util';

const root = path.join(__dirname, '..');
const README = path.join(root, 'README.md');
const readme = () => fs.readFileSync(README, 'utf8');
const UPDATE = process.env.UPDATE_README === '1';

interface Snippet {
  /** The README heading the snippet is under: how the tests name it. */
  readonly heading: string;
  readonly code: string;
}

function tsSnippets(text: string): Snippet[] {
  const out: Snippet[] = [];
  let heading = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6} (.+)$/.exec(lines[i]);
    if (h) heading = h[1];
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    out.push({ heading, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return out;
}

const SNIPPETS = tsSnippets(readme());

/**
 * Fragments that are not a whole app, and the text that makes them one: `replace` is swapped for `with`. Each entry
 * says why. A snippet that neither runs as written nor has an entry here fails the test.
 */
const PREAMBLES: Record<string, { replace: string; with: string; why: string }> = {
  'Checks you can run': {
    replace: '// ... your stacks ...',
    with: "require('../examples/fully-private/app').build(app);",
    why: 'the snippet shows where the plugin goes in an app of yours; the default example stands in for "your stacks"',
  },
};

/** Snippets not synthesized, with the reason. Keep it empty or short. */
const NOT_SYNTHESIZED: Record<string, string> = {};

test('the README has the snippets these tests name', () => {
  const headings = SNIPPETS.map(s => s.heading);
  expect(SNIPPETS.length).toBeGreaterThanOrEqual(7);
  for (const h of [...Object.keys(PREAMBLES), ...Object.keys(NOT_SYNTHESIZED)]) expect(headings).toContain(h);
  // One snippet per heading, so a heading names a snippet.
  expect(new Set(headings).size).toBe(headings.length);
});

test('every TypeScript snippet in the README type-checks against the library', () => {
  // GIVEN the ```ts blocks of the README, with the package name pointing at lib/
  const files = SNIPPETS.map((s, i) => {
    const file = path.join(root, 'test', `.readme-snippet-${i}.ts`);
    fs.writeFileSync(file, s.code.replace(/from 'cdk-private-eks'/g, "from '../lib'"));
    return file;
  });

  try {
    // WHEN the compiler checks them with the project's settings
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .map(d => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);

    // THEN there is no error
    expect(diagnostics).toEqual([]);
  } finally {
    files.forEach(f => fs.rmSync(f, { force: true }));
  }
});

/**
 * What `cdk synth` would have recorded in cdk.context.json for a lookup (no AWS call): three AZs per region, every
 * endpoint service offered in all of them, and a VPC with two isolated subnets in a subnet group named `Nodes`.
 */
function recordedAnswer(m: cxschema.MissingContext): unknown {
  const props = m.props as Record<string, any>;
  const azs = ['a', 'b', 'c'].map(s => `${props.region}${s}`);
  switch (m.provider) {
    case cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER:
    case cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER:
      return azs;
    case cxschema.ContextProvider.VPC_PROVIDER:
      return {
        vpcId: props.filter['vpc-id'],
        vpcCidrBlock: '10.20.0.0/16',
        ownerAccountId: props.account,
        availabilityZones: [],
        subnetGroups: [{
          name: 'Nodes',
          type: 'Isolated',
          subnets: [0, 1].map(i => ({
            subnetId: `subnet-0${i}aaa1111`, cidr: `10.20.${i * 32}.0/19`, availabilityZone: azs[i], routeTableId: `rtb-0${i}aaa1111`,
          })),
        }],
      };
    default:
      throw new Error(`no recorded answer for the ${m.provider} lookup ${m.key}: add one to recordedAnswer()`);
  }
}

/** Runs a snippet as the app it is (the package name pointing at lib/) with this context; returns its App. */
function runSnippet(code: string, context: Record<string, unknown>): App {
  const js = ts.transpileModule(code.replace(/from 'cdk-private-eks'/g, "from '../lib'"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  // The app: `app` where the snippet names one, the root of its `stack` otherwise.
  const body = `${js}\nreturn typeof app !== 'undefined' ? app : stack.node.root;`;
  const previous = process.env[cxapi.CONTEXT_ENV];
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify(context);
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('require', 'exports', 'module', body)(require, {}, { exports: {} }) as App;
  } finally {
    if (previous === undefined) delete process.env[cxapi.CONTEXT_ENV];
    else process.env[cxapi.CONTEXT_ENV] = previous;
  }
}

/**
 * Synthesizes a snippet as `cdk synth` does in a teammate's checkout: cdk.json's feature flags; when the app looks
 * something up, the answers cdk.context.json holds (the CLI's second pass). Fails on any synth error.
 */
function synthSnippet(snippet: Snippet): { app: App; assembly: cxapi.CloudAssembly; recorded: string[] } {
  const preamble = PREAMBLES[snippet.heading];
  const code = preamble ? snippet.code.replace(preamble.replace, preamble.with) : snippet.code;
  if (preamble) expect(code).not.toBe(snippet.code);
  const first = runSnippet(code, USER_APP_CONTEXT);
  const firstAssembly = quietly(() => first.synth()).result;
  const missing = firstAssembly.manifest.missing ?? [];
  if (missing.length === 0) return { app: first, assembly: firstAssembly, recorded: [] };
  const recorded = Object.fromEntries(missing.map(m => [m.key, recordedAnswer(m)]));
  const app = runSnippet(code, { ...USER_APP_CONTEXT, ...recorded });
  const assembly = quietly(() => app.synth()).result;
  return { app, assembly, recorded: Object.keys(recorded) };
}

describe('every TypeScript snippet in the README synthesizes', () => {
  test.each(SNIPPETS.filter(s => !(s.heading in NOT_SYNTHESIZED)).map(s => [s.heading, s] as const))('%s', (_heading, snippet) => {
    // WHEN the snippet runs and its app synthesizes (with the recorded lookups, when it looks something up)
    const { assembly } = synthSnippet(snippet);

    // THEN nothing is left to look up, no stack has an error, and the synth-time checks ran (none waits for lookups)
    expect(assembly.manifest.missing ?? []).toEqual([]);
    for (const stack of assembly.stacks) {
      const messages = stack.messages.map(m => ({ level: m.level, id: m.id, text: String(m.entry.data) }));
      expect(messages.filter(m => m.level === 'error')).toEqual([]);
      expect(messages.filter(m => /wait for the context lookups/.test(m.text))).toEqual([]);
    }
  });

  test('the shared-VPC snippet needs its recorded lookups, and declares what the defaults need', () => {
    const snippet = SNIPPETS.find(s => /existingEndpointServices/.test(s.code))!;
    const { recorded } = synthSnippet(snippet);
    expect(recorded.some(k => k.startsWith('vpc-provider:'))).toBe(true);
    expect(snippet.code).toMatch(/'eks-auth'/);
    expect(snippet.code).toMatch(/'logs'/);
  });
});

/* ----------------------------------------------------------------------------------------------------------------
 * Outputs the README shows, generated from the code.
 * A generated block sits between `<!-- generated:NAME ... -->` and `<!-- /generated:NAME -->`, in a ```text fence.
 * -------------------------------------------------------------------------------------------------------------- */

/** The README's block NAME: its marker's attributes and the text inside its fence. */
function readmeBlock(name: string): { attributes: string; text: string } {
  const m = new RegExp(`<!-- generated:${name}([^>]*)-->\\n\`\`\`text\\n([\\s\\S]*?)\`\`\`\\n<!-- /generated:${name} -->`).exec(readme());
  if (!m) throw new Error(`README.md has no block <!-- generated:${name} --> ... <!-- /generated:${name} --> around a \`\`\`text fence`);
  return { attributes: m[1], text: m[2] };
}

/** Compares README block NAME with the generated text; with UPDATE_README=1 writes the generated text into it. */
function expectReadmeBlock(name: string, generated: string) {
  const text = generated.endsWith('\n') ? generated : `${generated}\n`;
  if (UPDATE) {
    const re = new RegExp(`(<!-- generated:${name}[^>]*-->\\n\`\`\`text\\n)[\\s\\S]*?(\`\`\`\\n<!-- /generated:${name} -->)`);
    fs.writeFileSync(README, readme().replace(re, (_all, open: string, close: string) => `${open}${text}${close}`));
  }
  expect(readmeBlock(name).text).toBe(text);
}

/** Word-wraps a line at `width` columns (how the README prints the one-line plan summary). */
function wrap(line: string, width = 116): string {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  return [...out, current].join('\n');
}

/** The `## <title>` sections of a Markdown report, verbatim, in the order asked. */
function reportSections(markdown: string, titles: string[]): string {
  const sections = markdown.split(/\n(?=## )/);
  return titles.map(title => {
    const found = sections.find(s => s.startsWith(`## ${title}`));
    if (!found) throw new Error(`the report has no section "## ${title}"; its sections: ${sections.map(s => s.split('\n')[0]).join(' | ')}`);
    return found.trim();
  }).join('\n\n');
}

describe('the outputs the README shows are what the code produces for the default example', () => {
  let generated: { planLine: string; report: string; svg: string };

  beforeAll(() => {
    // As `npx cdk synth` of the default example writes them (the SVG rendered as under the CLI).
    const previous = process.env.CDK_PRIVATE_EKS_SVG;
    process.env.CDK_PRIVATE_EKS_SVG = '1';
    try {
      const { assembly, outdir } = synthExample(buildDefaultExample);
      const base = path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks');
      const planLine = assembly.getStackByName('FullyPrivateEks').messages
        .map(m => String(m.entry.data)).find(d => d.startsWith('private EKS plan: '));
      generated = { planLine: planLine!, report: fs.readFileSync(`${base}.md`, 'utf8'), svg: fs.readFileSync(`${base}.svg`, 'utf8') };
    } finally {
      if (previous === undefined) delete process.env.CDK_PRIVATE_EKS_SVG;
      else process.env.CDK_PRIVATE_EKS_SVG = previous;
    }
  });

  test('the plan line', () => {
    expect(generated.planLine).toBeDefined();
    expectReadmeBlock('plan-line', wrap(generated.planLine));
  });

  test('the report excerpt (the sections the README names, verbatim)', () => {
    const titles = /sections="([^"]+)"/.exec(readmeBlock('report-excerpt').attributes)![1].split('|');
    expectReadmeBlock('report-excerpt', reportSections(generated.report, titles));
  });

  test('the diagram (docs/plan-fully-private.svg)', () => {
    const file = path.join(root, 'docs', 'plan-fully-private.svg');
    if (UPDATE) fs.writeFileSync(file, generated.svg);
    expect(fs.readFileSync(file, 'utf8')).toBe(generated.svg);
  });
});

test('the quick start adds an endpoint the default does not create', () => {
  const usage = SNIPPETS.find(s => s.heading === 'Usage')!;
  const added = [...usage.code.matchAll(/addInterfaceEndpoint\('([^']+)'\)/g)].map(m => m[1]);
  expect(added.length).toBeGreaterThan(0);
  // The default cluster, as the snippet builds it without that line.
  const app = new App();
  const stack = new Stack(app, 'PrivateEks');
  const cluster = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36 });
  for (const service of added) expect(cluster.endpoints!.interfaceEndpoint(service)).toBeUndefined();
});
