/**
 * The README and the guides (docs/*.md, every one, picked up as it appears) are documentation users copy and read as
 * the truth:
 * - every ```ts snippet type-checks against the library, and every snippet synthesizes as a teammate's checkout would
 *   (cdk.json's feature flags, and the lookups answered as cdk.context.json records them);
 * - every output a page shows (the plan line, the report excerpt, the diagram, the rule reference) is what the current
 *   code produces; sample output sits in a fence or a table, never as headings of the page;
 * - the README stays a front door (under 60 KB), and links between the pages lead somewhere.
 * After a change to the report, the diagram or a rule list, `UPDATE_DOCS=1 npx jest test/readme.test.ts` rewrites
 * those blocks (and docs/plan-fully-private.svg) from the code; review the diff.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ts from 'typescript';
import { build as buildDefaultExample } from '../examples/fully-private/app';
import { PrivateEksCluster } from '../lib';
import { contractTable } from './contract-table';
import { ruleReferenceTable, ruleRows } from './rule-table';
import { quietly, synthExample, USER_APP_CONTEXT } from './util';
import { acknowledgementTable } from '../lib/core/acknowledgements';
import { withPortableFonts } from '../lib/plan/diagram';

const root = path.join(__dirname, '..');
const UPDATE = process.env.UPDATE_DOCS === '1' || process.env.UPDATE_README === '1';

/** The pages: the README and every guide in docs/, as paths relative to the repository. */
const PAGES = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];
const read = (page: string) => fs.readFileSync(path.join(root, page), 'utf8');

/** Guides other sessions write; a link to one is not broken while it is being written. */
const WRITTEN_ELSEWHERE = ['docs/access-and-ci.md', 'docs/gitops-and-upgrades.md'];

/** The lines of a page outside fenced code blocks and HTML comments, with their line numbers. */
function proseLines(text: string): Array<{ line: string; n: number }> {
  const out: Array<{ line: string; n: number }> = [];
  let fence: string | undefined;
  let comment = false;
  text.split('\n').forEach((line, i) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = undefined;
      return;
    }
    if (f) {
      fence = f[1];
      return;
    }
    if (comment) {
      if (line.includes('-->')) comment = false;
      return;
    }
    if (line.trim().startsWith('<!--') && !line.includes('-->')) {
      comment = true;
      return;
    }
    out.push({ line, n: i + 1 });
  });
  return out;
}

/** The Markdown headings of a page (not lines in fences: those are sample output, not the page's outline). */
function headings(text: string): Array<{ level: number; title: string; n: number }> {
  return proseLines(text).flatMap(({ line, n }) => {
    const h = /^(#{1,6}) (.+?)\s*#*\s*$/.exec(line);
    return h ? [{ level: h[1].length, title: h[2].trim(), n }] : [];
  });
}

/** GitHub's anchor for a heading. */
function slug(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
}

interface Snippet {
  /** The page and the heading the snippet is under: how the tests name it. */
  readonly name: string;
  readonly page: string;
  readonly code: string;
}

function tsSnippets(page: string): Snippet[] {
  const out: Snippet[] = [];
  let heading = '';
  const lines = read(page).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6} (.+)$/.exec(lines[i]);
    if (h) heading = h[1];
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    out.push({ name: `${page} › ${heading}`, page, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  return out;
}

const SNIPPETS = PAGES.flatMap(tsSnippets);

/**
 * Fragments that are not a whole app, and the text that makes them one: `replace` is swapped for `with`. Each entry
 * says why. A snippet that neither runs as written nor has an entry here fails the test.
 */
const PREAMBLES: Record<string, { replace: string; with: string; why: string }> = {
  'docs/security.md › Checks you can run': {
    replace: '// ... your stacks ...',
    with: "require('../examples/fully-private/app').build(app);",
    why: 'the snippet shows where the plugin goes in an app of yours; the default example stands in for "your stacks"',
  },
};

/** Snippets not synthesized, with the reason. Keep it empty or short. */
const NOT_SYNTHESIZED: Record<string, string> = {};

describe('the pages', () => {
  test('the README and every guide are found, and the snippets these tests name exist', () => {
    expect(PAGES).toContain('README.md');
    expect(PAGES.length).toBeGreaterThanOrEqual(9);
    const names = SNIPPETS.map(s => s.name);
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(10);
    for (const n of [...Object.keys(PREAMBLES), ...Object.keys(NOT_SYNTHESIZED)]) expect(names).toContain(n);
    // One snippet per heading of a page, so a page and a heading name a snippet.
    expect(new Set(names).size).toBe(names.length);
  });

  test('the README is a front door: under 60 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThan(60 * 1024);
  });

  test('the README installs the tarball `npm pack` writes for this version (the package is not on npm yet)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const tarball = `${pkg.name}-${pkg.version}.tgz`;
    const install = /^npm install (\S+\.tgz) /m.exec(read('README.md'));
    expect(install?.[1]).toBe(`../cdk-private-eks/${tarball}`);
    expect(read('README.md')).toContain(`npm pack   # writes ${tarball}`);
  });

  test('each page has one title, and its headings go down one level at a time', () => {
    for (const page of PAGES) {
      const hs = headings(read(page));
      expect({ page, titles: hs.filter(h => h.level === 1).length }).toEqual({ page, titles: 1 });
      const jumps = hs.filter((h, i) => i > 0 && h.level > hs[i - 1].level + 1).map(h => `${page}:${h.n} ${h.title}`);
      expect(jumps).toEqual([]);
    }
  });

  test('every relative link leads to a page that exists, and to a heading of it', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const { line, n } of proseLines(read(page))) {
        for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = m[1];
          if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
          const [file, anchor] = target.split('#');
          const to = file ? path.normalize(path.join(path.dirname(page), file)) : page;
          if (!fs.existsSync(path.join(root, to))) {
            if (!WRITTEN_ELSEWHERE.includes(to)) broken.push(`${page}:${n} ${target} (no file ${to})`);
            continue;
          }
          if (anchor && to.endsWith('.md') && !headings(read(to)).some(h => slug(h.title) === anchor)) {
            broken.push(`${page}:${n} ${target} (no heading #${anchor} in ${to})`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

/**
 * Every snippet as a file under test/docs-snippets/, which `npx projen test` type-checks with the test sources
 * (`tsc --noEmit -p test/tsconfig.json`, its first step: strict, noUnusedLocals), so this suite does not build a
 * second TypeScript program. The files are generated: after a snippet changes, `UPDATE_DOCS=1` rewrites them.
 */
const SNIPPET_DIR = path.join(root, 'test', 'docs-snippets');

function snippetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const perPage = new Map<string, number>();
  for (const s of SNIPPETS) {
    const n = (perPage.get(s.page) ?? 0) + 1;
    perPage.set(s.page, n);
    const code = s.code.replace(/from 'cdk-private-eks'/g, "from '../../lib'");
    // Top-level names are exported, so a name the snippet leaves for the reader (`const preflight = ...`) is used.
    const names = [...code.matchAll(/^(?:const|let|class|function) (\w+)/gm)].map(m => m[1]);
    files.set(`${path.basename(s.page, '.md')}-${n}.ts`, [
      `// Generated from ${s.page} (${s.name.split(' › ')[1]}) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.`,
      '// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).',
      '/* eslint-disable */',
      code.trimEnd(),
      ...(names.length > 0 ? [`export { ${names.join(', ')} };`] : []),
      '',
    ].join('\n'));
  }
  return files;
}

test('every TypeScript snippet is type-checked: test/docs-snippets holds each one as the page has it', () => {
  // GIVEN the files the pages' snippets make
  const expected = snippetFiles();
  if (UPDATE) {
    fs.rmSync(SNIPPET_DIR, { recursive: true, force: true });
    fs.mkdirSync(SNIPPET_DIR);
    for (const [name, text] of expected) fs.writeFileSync(path.join(SNIPPET_DIR, name), text);
  }

  // THEN the directory holds exactly them, and the test sources' type-check covers it
  const present = fs.existsSync(SNIPPET_DIR) ? fs.readdirSync(SNIPPET_DIR).sort() : [];
  expect(present).toEqual([...expected.keys()].sort());
  for (const [name, text] of expected) expect({ name, text: fs.readFileSync(path.join(SNIPPET_DIR, name), 'utf8') }).toEqual({ name, text });
  const tsconfig = fs.readFileSync(path.join(root, 'test', 'tsconfig.json'), 'utf8');
  expect(tsconfig).toMatch(/"include": \[\s*"\*\*\/\*\.ts"\s*\]/);
  expect(tsconfig).toMatch(/"extends": "\.\.\/tsconfig\.json"/);
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
  const preamble = PREAMBLES[snippet.name];
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

describe('every TypeScript snippet synthesizes', () => {
  test.each(SNIPPETS.filter(s => !(s.name in NOT_SYNTHESIZED)).map(s => [s.name, s] as const))('%s', (_name, snippet) => {
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
    const snippet = SNIPPETS.find(s => s.page === 'docs/existing-or-shared-vpc.md' && /existingEndpointServices/.test(s.code))!;
    const { recorded } = synthSnippet(snippet);
    expect(recorded.some(k => k.startsWith('vpc-provider:'))).toBe(true);
    expect(snippet.code).toMatch(/'eks-auth'/);
    expect(snippet.code).toMatch(/'logs'/);
  });
});

test('the quick start adds an endpoint the default does not create', () => {
  const quickStart = SNIPPETS.find(s => s.name === 'README.md › Quick start')!;
  const added = [...(/additionalEndpoints: \[([^\]]*)\]/.exec(quickStart.code)?.[1] ?? '').matchAll(/'([^']+)'/g)].map(m => m[1]);
  expect(added.length).toBeGreaterThan(0);
  // The default cluster, as the snippet builds it without that prop.
  const cluster = new PrivateEksCluster(new Stack(new App(), 'PrivateEks'), 'Eks', { version: eks.KubernetesVersion.V1_36 });
  for (const service of added) expect(cluster.endpoints!.interfaceEndpoint(service)).toBeUndefined();
});

/* ----------------------------------------------------------------------------------------------------------------
 * Outputs the pages show, generated from the code.
 * A generated block sits between `<!-- generated:NAME ... -->` and `<!-- /generated:NAME -->`: a fence (```text,
 * ```markdown) whose text is compared, or, for a table, the lines themselves.
 * -------------------------------------------------------------------------------------------------------------- */

const BLOCK = (name: string) => new RegExp(`(<!-- generated:${name}([^>]*)-->\\n(\`\`\`[a-z]*\\n)?)([\\s\\S]*?)((?:\`\`\`\\n)?<!-- /generated:${name} -->)`);

/** Page PAGE's block NAME: its marker's attributes, whether it is fenced, and its text. */
function block(page: string, name: string): { attributes: string; fenced: boolean; text: string } {
  const m = BLOCK(name).exec(read(page));
  if (!m) throw new Error(`${page} has no block <!-- generated:${name} --> ... <!-- /generated:${name} -->`);
  return { attributes: m[2], fenced: m[3] !== undefined, text: m[4] };
}

/** Compares block NAME of PAGE with the generated text; with UPDATE_DOCS=1 writes the generated text into it. */
function expectBlock(page: string, name: string, generated: string) {
  const text = generated.endsWith('\n') ? generated : `${generated}\n`;
  if (UPDATE) {
    const file = path.join(root, page);
    fs.writeFileSync(file, read(page).replace(BLOCK(name), (_all, open: string, _a, _f, _old, close: string) => `${open}${text}${close}`));
  }
  expect(block(page, name).text).toBe(text);
}

/** Word-wraps a line at `width` columns (how the guide prints the one-line plan summary). */
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

const PLAN_PAGE = 'docs/plan-and-checks.md';

describe('the outputs the pages show are what the code produces', () => {
  let generated: { planLine: string; report: string; dot: string };

  beforeAll(() => {
    // As `npx cdk synth` of the default example writes them: no SVG unless asked for.
    const previous = process.env.CDK_PRIVATE_EKS_SVG;
    delete process.env.CDK_PRIVATE_EKS_SVG;
    try {
      const { assembly, outdir } = synthExample(buildDefaultExample);
      const base = path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks');
      const planLine = assembly.getStackByName('FullyPrivateEks').messages
        .map(m => String(m.entry.data)).find(d => d.startsWith('private EKS plan: '));
      generated = { planLine: planLine!, report: fs.readFileSync(`${base}.md`, 'utf8'), dot: fs.readFileSync(`${base}.dot`, 'utf8') };
    } finally {
      if (previous !== undefined) process.env.CDK_PRIVATE_EKS_SVG = previous;
    }
  });

  test('the plan line of a default synth (it names only the files that synth writes)', () => {
    expect(generated.planLine).toBeDefined();
    expect(generated.planLine).not.toMatch(/\.svg/);
    expectBlock(PLAN_PAGE, 'plan-line', wrap(generated.planLine));
  });

  test('the report excerpt (the sections the guide names, verbatim)', () => {
    const titles = /sections="([^"]+)"/.exec(block(PLAN_PAGE, 'report-excerpt').attributes)![1].split('|');
    expectBlock(PLAN_PAGE, 'report-excerpt', reportSections(generated.report, titles));
  });

  test('the diagram (docs/plan-fully-private.svg): the default synth\'s diagram, rendered as `planSvg` renders it', () => {
    // The library's renderer (lib/plan/render-svg.cjs, Graphviz in WebAssembly) over the .dot the synth wrote.
    const viz = require.resolve('@viz-js/viz');
    const out = spawnSync(process.execPath, [path.join(root, 'lib', 'plan', 'render-svg.cjs'), viz], { input: generated.dot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(out.status).toBe(0);
    const svg = withPortableFonts(out.stdout);
    const file = path.join(root, 'docs', 'plan-fully-private.svg');
    if (UPDATE) fs.writeFileSync(file, svg);
    expect(fs.readFileSync(file, 'utf8')).toBe(svg);
  });

  test('no heading of the README or a guide comes from sample output', () => {
    // The report's headings, and every line inside a generated block, are sample output.
    const sample = new Set(headings(generated.report).map(h => h.title));
    for (const page of PAGES) {
      const text = read(page);
      const inBlocks = new Set<number>();
      for (const m of text.matchAll(/<!-- generated:([a-z-]+)[^>]*-->[\s\S]*?<!-- \/generated:\1 -->/g)) {
        const first = text.slice(0, m.index).split('\n').length;
        m[0].split('\n').forEach((_l, i) => inBlocks.add(first + i));
      }
      const fromSample = headings(text).filter(h => sample.has(h.title) || inBlocks.has(h.n)).map(h => `${page}:${h.n} ${h.title}`);
      expect(fromSample).toEqual([]);
    }
    // The excerpt is fenced: its `##` lines are text, not headings of the page.
    expect(block(PLAN_PAGE, 'report-excerpt').fenced).toBe(true);
    expect(block(PLAN_PAGE, 'report-excerpt').text).toMatch(/^## /m);
  });
});

describe('the rule reference (docs/plan-and-checks.md)', () => {
  test('is the table generated from every rule list the code registers', () => {
    expect(ruleRows().length).toBeGreaterThanOrEqual(50);
    expectBlock(PLAN_PAGE, 'rule-reference', ruleReferenceTable());
  });

  test('names every rule ID and every warning ID the library reports', () => {
    // GIVEN the IDs in lib/: rule IDs (PEKS-<FAMILY>-<n>) and the warnings reported under cdk-private-eks:<name>
    const libFiles: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach(e => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) libFiles.push(p);
    });
    walk(path.join(root, 'lib'));
    const sources = libFiles.map(f => fs.readFileSync(f, 'utf8')).join('\n');
    const ruleIds = new Set([...sources.matchAll(/'(PEKS-[A-Z]+-\d+)'/g)].map(m => m[1]));
    const constants = new Map([...sources.matchAll(/const ([A-Z_]+) = '(cdk-private-eks:\w+)'/g)].map(m => [m[1], m[2]]));
    const warningIds = new Set([...sources.matchAll(/addWarningV2\(\s*(?:'(cdk-private-eks:[a-zA-Z]\w*)'|([A-Z_]+)\b)/g)]
      .map(m => m[1] ?? constants.get(m[2])).filter((id): id is string => id !== undefined));
    expect(ruleIds.size).toBeGreaterThanOrEqual(50);
    expect(warningIds.size).toBeGreaterThanOrEqual(8);

    // THEN the guide names each one in a table row
    const guide = read(PLAN_PAGE);
    const rows = guide.split('\n').filter(l => l.startsWith('| `'));
    expect([...ruleIds].filter(id => !rows.some(r => r.startsWith(`| \`${id}\` |`)))).toEqual([]);
    expect([...warningIds].filter(id => !rows.some(r => r.startsWith(`| \`${id}\` |`)))).toEqual([]);
  });
});

describe('the tables the guides render from the code', () => {
  test('the acknowledgement table (docs/security.md) is the one the code applies', () => {
    expectBlock('docs/security.md', 'acknowledgements', acknowledgementTable());
  });

  test('the component contract table (docs/addons-and-controllers.md) is the registry\'s', () => {
    const page = 'docs/addons-and-controllers.md';
    const file = path.join(root, page);
    if (UPDATE) fs.writeFileSync(file, read(page).replace(/(<!-- contracts:start -->\n)[\s\S]*?(\n<!-- contracts:end -->)/, (_a, open: string, close: string) => `${open}${contractTable()}${close}`));
    expect(/<!-- contracts:start -->\n([\s\S]*?)\n<!-- contracts:end -->/.exec(read(page))?.[1]).toBe(contractTable());
  });
});
