import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** A fresh app and an environment-agnostic stack. */
export function newStack(id = 'Test'): Stack {
  const app = new App();
  return new Stack(app, id);
}

/** A cluster with no capacity, in a VPC with public and isolated subnets: the fixture of the part-level tests. */
export function clusterFixture(stack: Stack): { vpc: ec2.Vpc; cluster: eks.Cluster } {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_36,
    vpc,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    endpointAccess: eks.EndpointAccess.PRIVATE,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
  });
  return { vpc, cluster };
}

/** Resources of one type in a template, as [logicalId, resource] pairs. */
export function resourcesOfType(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

/** Short service names of every VPC endpoint in a template (`com.amazonaws.<region>.<name>` -> `<name>`), sorted. */
export function endpointServices(template: Template): string[] {
  return resourcesOfType(template, 'AWS::EC2::VPCEndpoint')
    .map(([, r]) => (typeof r.Properties.ServiceName === 'string'
      ? r.Properties.ServiceName.split('.').slice(4 - (r.Properties.ServiceName.startsWith('cn.') ? 0 : 1)).join('.')
      : ((r.Properties.ServiceName['Fn::Join'][1] as string[]).slice(-1)[0]).replace(/^\./, '')))
    .sort();
}

/** Replaces asset hashes (64 hex characters) so snapshots change only when the template does. */
export function stripAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, '[ASSET HASH]'));
}

/** Warnings attached to constructs during synthesis, as `path: id: message`. */
export function warningsOf(assembly: CloudAssembly): string[] {
  const out: string[] = [];
  for (const stack of assembly.stacks) {
    for (const msg of stack.messages) {
      if (msg.level === 'warning') out.push(`${msg.id}: ${String(msg.entry.data)}`);
    }
  }
  return out;
}

/** The feature flags of the root cdk.json (those a new `cdk init` app sets): examples synthesize as users' apps do. */
export const USER_APP_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/**
 * Runs `f` with console.error captured: aws-cdk-lib prints its validation report (warnings, plugin findings) there
 * during synth; tests read the report from the assembly instead, and passing tests print nothing.
 */
export function quietly<T>(f: () => T): { result: T; stderr: string } {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  try {
    return { result: f(), stderr: lines.join('\n') };
  } finally {
    console.error = original;
  }
}

/** Synthesizes an example's `build(app)` into a fresh temporary directory, with the flags of a new app. */
export function synthExample(build: (app: App) => Stack[]): { assembly: CloudAssembly; stacks: Stack[]; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-eks-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  const stacks = build(app);
  const assembly = quietly(() => app.synth()).result;
  return { assembly, stacks, outdir };
}

/** One cfn-lint finding. */
export interface LintFinding {
  readonly level: string;
  readonly rule: string;
  readonly message: string;
  readonly file: string;
}

/**
 * Runs cfn-lint over templates and returns its findings. Fails with a clear message when cfn-lint is missing:
 * a test that silently skips linting would prove nothing.
 */
export function cfnLint(files: string[]): LintFinding[] {
  // Where scripts/ensure-cfn-lint.js looks: the project's .venv first, then the PATH.
  const local = path.join(__dirname, '..', '.venv', 'bin', 'cfn-lint');
  const cmd = fs.existsSync(local) ? local : 'cfn-lint';
  const probe = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('cfn-lint is not installed or does not run (`cfn-lint --version` failed). Install it with `pip install cfn-lint` (1.x); the template checks need it.');
  }
  let stdout: string;
  try {
    stdout = execFileSync(cmd, ['--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e: any) {
    // cfn-lint exits non-zero when it finds anything (2 errors, 4 warnings, 8 informational); the JSON is on stdout.
    if (typeof e.stdout !== 'string' || e.stdout.trim() === '') throw e;
    stdout = e.stdout;
  }
  const raw = stdout.trim() === '' ? [] : JSON.parse(stdout);
  return raw.map((f: any) => ({ level: f.Level, rule: f.Rule.Id, message: f.Message, file: f.Filename }));
}

/**
 * A CloudFormation value as CloudFormation would render it at deploy time: `Ref` and `Fn::GetAtt` from `refs` (else
 * `{Name}` / `{Name.Attr}`), `Fn::Join`, `Fn::Base64`, `Fn::Sub` and `Fn::Select` evaluated. Enough for user data.
 */
export function renderCfn(value: any, refs: Record<string, string> = {}): any {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map(v => renderCfn(v, refs));
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys;
    const v = value[k];
    if (k === 'Ref') return refs[v] ?? `{${v}}`;
    if (k === 'Fn::GetAtt') return refs[`${v[0]}.${v[1]}`] ?? `{${v[0]}.${v[1]}}`;
    if (k === 'Fn::Join') return (renderCfn(v[1], refs) as string[]).join(v[0]);
    if (k === 'Fn::Base64') return Buffer.from(String(renderCfn(v, refs)), 'utf8').toString('base64');
    if (k === 'Fn::Select') return (renderCfn(v[1], refs) as string[])[Number(v[0])];
    if (k === 'Fn::Sub') return (typeof v === 'string' ? v : v[0]).replace(/\$\{([^}]+)\}/g, (_m: string, n: string) => refs[n] ?? `{${n}}`);
  }
  return Object.fromEntries(keys.map(k => [k, renderCfn(value[k], refs)]));
}

/** The user data script of an instance in the template, rendered as the instance receives it. */
export function renderedUserData(template: Template, refs: Record<string, string> = {}, logicalId?: string): string {
  const instances = Object.entries(template.findResources('AWS::EC2::Instance')).filter(([id]) => !logicalId || id === logicalId);
  if (instances.length !== 1) throw new Error(`expected one instance, found ${instances.length}`);
  return Buffer.from(renderCfn(instances[0][1].Properties.UserData, refs), 'base64').toString('utf8');
}

/** The files a user data script writes with the library's `writeFileLine`, by path, decoded. */
export function filesWritten(script: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of script.matchAll(/printf '%s' '([A-Za-z0-9+/=]*)' \| base64 -d > (\S+)/g)) out[m[2]] = Buffer.from(m[1], 'base64').toString('utf8');
  return out;
}

/** A JSON file a user data script writes with the library's `writeJsonFileLines`, put together as the host does. */
export function jsonWritten(script: string, file: string): any {
  const files = filesWritten(script);
  const dir = `/etc/private-eks/json${file}.d`;
  const fill = (v: any): any => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).join() === '$file') return files[`${dir}/${v.$file}`];
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const template = files[`${dir}/template.json`];
  if (template === undefined) throw new Error(`the script writes no ${file}`);
  return fill(JSON.parse(template));
}
