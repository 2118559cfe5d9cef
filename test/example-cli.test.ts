/**
 * The examples whose stacks name placeholder accounts synthesize with the CDK CLI exactly as their headers say, on a
 * machine with no AWS credentials (issue 28): their lookups are recorded beside them (cdk.context.json), as the CLI
 * records lookups, so the CLI never needs to call AWS ("Need to perform AWS calls for account 111111111111").
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// As test/examples.test.ts synthesizes these examples: without aws-cdk-lib's built-in template validation (about 3 s a
// stack), since cfn-lint checks their templates there; this file is about the CLI and the lookups.
process.env.CDK_VALIDATION = 'false';

const root = path.join(__dirname, '..');
const EXAMPLES = ['hub-and-spoke', 'proxy', 'access-and-ci'];

/** The `npx cdk synth ...` line of an example's header comment, as written. */
function headerCommand(example: string): string {
  const source = fs.readFileSync(path.join(root, 'examples', example, 'app.ts'), 'utf8');
  const m = /^ \*\s+(npx cdk synth .*)$/m.exec(source);
  if (!m) throw new Error(`examples/${example}/app.ts: no "npx cdk synth" line in its header`);
  return m[1].trim();
}

/** The environment of a machine with no AWS credentials (no profile, no keys, no instance metadata to ask). */
function noCredentials(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^AWS_/.test(k)) env[k] = v;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null' };
}

interface Run { command: string; status: number | null; stderr: string; outdir: string }

function run(example: string): Promise<Run> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `peks-cli-${example}-`));
  // The header's command as written; the output goes to a temporary directory instead of ./cdk.out.
  const command = `${headerCommand(example)} -o ${outdir}`;
  return new Promise(resolve => {
    const child = spawn('bash', ['-c', command], { cwd: root, env: noCredentials() });
    let stderr = '';
    child.stderr.on('data', d => { stderr += String(d); });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('close', status => { clearTimeout(timer); resolve({ command, status, stderr, outdir }); });
  });
}

// One CLI run per example (each takes many seconds), the two at once.
const runs: Record<string, Run> = {};
beforeAll(async () => {
  const results = await Promise.all(EXAMPLES.map(run));
  EXAMPLES.forEach((e, i) => { runs[e] = results[i]; });
}, 180_000);

test.each(EXAMPLES)('%s: the header\'s `npx cdk synth` runs without AWS credentials and asks for no lookup', (example) => {
  const r = runs[example];
  expect(r.stderr).not.toMatch(/Need to perform AWS calls/);
  expect({ command: r.command, status: r.status }).toEqual({ command: r.command, status: 0 });
  const manifest = JSON.parse(fs.readFileSync(path.join(r.outdir, 'manifest.json'), 'utf8'));
  expect(manifest.missing ?? []).toEqual([]);
  // Every stack's plan line says 0 check errors.
  const plans = r.stderr.split('\n').filter(l => l.startsWith('private EKS plan:'));
  expect(plans.length).toBeGreaterThan(0);
  for (const p of plans) expect(p).toMatch(/ 0 check error\(s\)\./);
});

test('the recorded lookups answer what the placeholder accounts ask, no more (every key is one the CLI would record)', () => {
  // access-and-ci's stack is environment-agnostic: it asks for no lookup, so it records none.
  for (const example of EXAMPLES.filter(e => e !== 'access-and-ci')) {
    const recorded = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'examples', example, 'cdk.context.json'), 'utf8'))).filter(k => k !== '//');
    for (const k of recorded) expect(k).toMatch(/^(availability-zones|endpoint-service-availability-zones):account=\d{12}:region=eu-west-1(:serviceName=com\.amazonaws\.eu-west-1\.[a-z0-9.-]+)?$/);
    expect(recorded.length).toBeGreaterThan(0);
  }
});
