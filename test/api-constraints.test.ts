/**
 * Every literal value the library sends to an AWS API through CloudFormation, checked against the API's own
 * constraints (pattern, length, enum) from the service's API model, over the examples that cover the variants:
 * CloudFormation's schemas are often looser than the API (issue 28: the hub's Route 53 Profile names passed synth and
 * cfn-lint and would have failed at the API call).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { API_CONSTRAINT_VARIANTS, variantOutdirs, variantTemplates } from './api-constraint-variants';
import { API_CONSTRAINTS, ApiConstraint, ApiConstraintResult, checkApiConstraints } from '../lib/contracts/api-constraints';
import { CALLER_CALLS, MANAGED_POLICY_CALLERS } from '../lib/contracts/caller-calls';
import { proofRows, ProofSource } from '../lib/contracts/proof-sources';
import { provenRows } from '../lib/plan/report';

let templates: { [name: string]: any };
let result: ApiConstraintResult;
beforeAll(() => {
  templates = variantTemplates();
  result = checkApiConstraints(templates);
});

describe('the examples and variants against the API models', () => {
  test('no value any API refuses (each refusal names the resource, the property path and the constraint)', () => {
    expect(result.refused.map(r => `${r.resource} ${r.path}: "${r.value}" ${r.reason}`)).toEqual([]);
  });

  test('every variant is read, and the check reaches the values it is there for', () => {
    expect(Object.keys(templates).length).toBe(8); // hub-and-spoke 3 stacks, existing-vpc 2, the others 1 each
    for (const v of Object.keys(API_CONSTRAINT_VARIANTS)) expect(Object.keys(templates).some(k => k.startsWith(v))).toBe(true);
    // Names, descriptions and enums of the library's own resources, each seen at least once across the variants.
    const seen = new Set<string>();
    for (const [name, t] of Object.entries(templates)) {
      const one = checkApiConstraints({ [name]: t });
      for (const row of API_CONSTRAINTS) {
        if (checkApiConstraints({ [name]: t }, [row]).valuesChecked > 0) seen.add(`${row.cfnType} ${row.property}`);
      }
      expect(one.refused).toEqual([]);
    }
    expect([...seen]).toEqual(expect.arrayContaining([
      'AWS::Route53Profiles::ProfileResourceAssociation Name',
      'AWS::Route53Profiles::Profile Name',
      'AWS::EC2::SecurityGroup GroupDescription',
      'AWS::EC2::SecurityGroup SecurityGroupEgress[].Description',
      'AWS::IAM::ManagedPolicy Description',
      'AWS::Lambda::Function Description',
      'AWS::Logs::LogGroup LogGroupName',
      'AWS::ECR::PullThroughCacheRule EcrRepositoryPrefix',
      'AWS::EKS::Nodegroup AmiType',
    ]));
    expect(result.valuesChecked).toBeGreaterThan(300);
    expect(result.propertiesMapped).toBe(new Set(API_CONSTRAINTS.map(r => `${r.cfnType} ${r.property}`)).size);
  });

  test('values that hold deploy-time tokens are listed by name with what was not checked', () => {
    // The kubectl provider's log groups are named after their function (a Ref): no literal part to check.
    expect(result.unchecked.length).toBeGreaterThan(0);
    for (const u of result.unchecked) expect(u.reason).toMatch(/resolved at deploy time/);
    expect(result.unchecked.map(u => `${u.resource} ${u.path}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/ FullyPrivateEks\/EksKubectlProviderHandlerLogGroup[0-9A-F]{8} LogGroupName$/),
    ]));
  });
});

describe('checkApiConstraints', () => {
  const profileRow = API_CONSTRAINTS.find(r => r.cfnType === 'AWS::Route53Profiles::ProfileResourceAssociation')!;
  const sgRow = API_CONSTRAINTS.find(r => r.cfnType === 'AWS::EC2::SecurityGroup' && r.property === 'SecurityGroupEgress[].Description')!;
  const tpl = (type: string, properties: unknown) => ({ Resources: { Thing1234: { Type: type, Properties: properties } } });

  test('fails when a Route 53 Profile association name has a dot, naming the resource and the property', () => {
    const r = checkApiConstraints({ Hub: tpl(profileRow.cfnType, { Name: 'endpoint-ecr.api' }) }, [profileRow]);
    expect(r.refused).toEqual([expect.objectContaining({ resource: 'Hub/Thing1234', path: 'Name', value: 'endpoint-ecr.api' })]);
    expect(r.refused[0].reason).toMatch(/does not match .* \(route53profiles AssociateResourceToProfile Name; botocore/);
  });

  test('passes the same name without the dot', () => {
    const r = checkApiConstraints({ Hub: tpl(profileRow.cfnType, { Name: 'endpoint-ecr-api' }) }, [profileRow]);
    expect(r.refused).toEqual([]);
    expect(r.valuesChecked).toBe(1);
  });

  test('fails when a security group rule description has an apostrophe (EC2 refuses it), naming the list index', () => {
    const r = checkApiConstraints({ S: tpl(sgRow.cfnType, { SecurityGroupEgress: [{ Description: 'ok' }, { Description: 'S3\'s addresses' }] }) }, [sgRow]);
    expect(r.refused.map(x => x.path)).toEqual(['SecurityGroupEgress[1].Description']);
  });

  test('fails when the literal parts of a joined token break the pattern or the length; passes the parts that fit', () => {
    const joined = (lit: string) => ({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, lit]] });
    const bad = checkApiConstraints({ H: tpl(profileRow.cfnType, { Name: joined('-endpoint.ecr') }) }, [profileRow]);
    expect(bad.refused).toEqual([expect.objectContaining({ path: 'Name', reason: expect.stringMatching(/characters "\." are outside/) })]);
    const long = checkApiConstraints({ H: tpl(profileRow.cfnType, { Name: joined('x'.repeat(65)) }) }, [profileRow]);
    expect(long.refused[0].reason).toMatch(/literal parts alone are 65 characters, more than 64/);
    const good = checkApiConstraints({ H: tpl(profileRow.cfnType, { Name: joined('-endpoints') }) }, [profileRow]);
    expect(good.refused).toEqual([]);
    expect(good.partlyChecked).toBe(1);
    expect(good.unchecked).toEqual([expect.objectContaining({ reason: expect.stringMatching(/\$\{Ref AWS::StackName\} resolved at deploy time: its full length not checked/) })]);
  });

  test('fails on a value outside an enum; an opaque token is listed as unchecked, not passed', () => {
    const row = API_CONSTRAINTS.find(r => r.cfnType === 'AWS::EKS::Nodegroup' && r.property === 'AmiType')!;
    expect(checkApiConstraints({ N: tpl(row.cfnType, { AmiType: 'AL2023_X86_64' }) }, [row]).refused[0].reason).toMatch(/not one of AL2_x86_64, /);
    const token = checkApiConstraints({ N: tpl(row.cfnType, { AmiType: { Ref: 'Ami' } }) }, [row]);
    expect(token.valuesChecked).toBe(0);
    expect(token.unchecked).toEqual([{ resource: 'N/Thing1234', path: 'AmiType', reason: expect.stringMatching(/^\$\{Ref Ami\} is resolved at deploy time/) }]);
  });
});

/** botocore's data directory, found by asking python3 once; undefined with the reason when it cannot be found. */
function botocoreData(): { dir?: string; reason?: string } {
  const r = spawnSync('python3', ['-c', 'import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),"data"))'], { encoding: 'utf8' });
  if (r.error) return { reason: `python3 is not on the PATH (${r.error.message})` };
  if (r.status !== 0) return { reason: `python3 has no botocore (${r.stderr.trim().split('\n').pop()})` };
  const dir = r.stdout.trim();
  return fs.existsSync(dir) ? { dir } : { reason: `botocore's data directory ${dir} is missing` };
}

/** The constraint of an operation's input member, as the installed model says. */
const models = new Map<string, any>();
interface ModelConstraint { shape: string; pattern?: string; min?: number; max?: number; enum?: string[]; documentation: string }
function modelConstraint(dir: string, row: ApiConstraint): ModelConstraint {
  if (!models.has(row.service)) {
    // The newest API version of the service, as botocore loads it.
    const versions = fs.readdirSync(path.join(dir, row.service)).sort();
    const file = path.join(dir, row.service, versions[versions.length - 1], 'service-2.json.gz');
    const raw = fs.existsSync(file) ? zlib.gunzipSync(fs.readFileSync(file)).toString('utf8') : fs.readFileSync(file.replace(/\.gz$/, ''), 'utf8');
    models.set(row.service, JSON.parse(raw));
  }
  const model = models.get(row.service);
  let shapeName: string = model.operations[row.operation].input.shape;
  let shape = model.shapes[shapeName];
  let documentation = '';
  for (const seg of row.member.split('.')) {
    if (seg === '[]') {
      shapeName = shape.member.shape;
    } else {
      const m = shape.members[seg];
      if (!m) throw new Error(`${row.service} ${row.operation}: no member ${seg} of ${row.member}`);
      documentation = m.documentation ?? '';
      shapeName = m.shape;
    }
    shape = model.shapes[shapeName];
  }
  const text = documentation.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return { shape: shapeName, pattern: shape.pattern, min: shape.min, max: shape.max, enum: shape.enum, documentation: text };
}

const botocore = botocoreData();
const drift = botocore.dir ? test : test.skip;
drift(`the rows equal what the installed API models say${botocore.dir ? '' : ` (skipped: ${botocore.reason})`}`, () => {
  const differences: string[] = [];
  for (const row of API_CONSTRAINTS) {
    const m = modelConstraint(botocore.dir!, row);
    const expected = row.documented
      ? { shape: row.shape, pattern: undefined, min: undefined, max: undefined, enum: undefined, documents: true }
      : { shape: row.shape, pattern: row.pattern, min: row.min, max: row.max, enum: row.enum, documents: true };
    const documents = row.documented ? m.documentation.includes(row.documented) : true;
    const actual = { shape: m.shape, pattern: m.pattern, min: m.min, max: m.max, enum: m.enum, documents };
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      differences.push(`${row.cfnType} ${row.property} (${row.service} ${row.operation} ${row.member}): row ${JSON.stringify(expected)}, model ${JSON.stringify(actual)}`);
    }
  }
  expect(differences).toEqual([]);
});

describe('the plan says what is proven, against which source (issue 28)', () => {
  test('the rows follow the data the proofs run on: every simulated caller, every mapped property', () => {
    const rows = proofRows();
    const simulated = rows.filter(r => r.source === ProofSource.SIMULATED);
    expect(simulated.map(r => r.kind).sort()).toEqual([...new Set(CALLER_CALLS.map(c => c.caller))].map(c => `IAM policies of the ${c} role`).sort());
    for (const r of simulated) expect(r.where).toMatch(/test\/iam-simulation\.test\.ts/);
    const managedOnly = MANAGED_POLICY_CALLERS.filter(m => !CALLER_CALLS.some(c => c.caller === m.caller));
    expect(rows.filter(r => r.source === ProofSource.OUR_READING && r.kind.startsWith('IAM policies of')).length).toBe(managedOnly.length);
    const counted = rows.filter(r => r.source === ProofSource.API_MODEL).map(r => Number(/^(\d+) properties/.exec(r.proven)![1]));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(result.propertiesMapped);
  });

  test('the spoke\'s report prints the section (a second-level section of the report, never a top-level heading)', () => {
    const md = fs.readFileSync(path.join(variantOutdirs['hub and spokes (examples/hub-and-spoke)'], 'private-eks-report.SpokeTeamA-Eks.md'), 'utf8');
    const section = md.split('\n## ').find(x => x.startsWith('What is proven, and against which source'))!;
    expect(section).toBeDefined();
    expect(md).not.toMatch(/^# What is proven/m);
    expect(section).toMatch(/\| IAM policies of the karpenter role \| simulated \| \d+ calls evaluated/);
    expect(section).toMatch(/\| names, descriptions, paths and enums of .*AWS::Route53Profiles::ProfileResourceAssociation.* \| API model \|/);
    expect(section).toMatch(/\| network: .* \| join proof \| every client and service path of this cluster .* \| this synth \|/);
    // The example's hub binds each team to its CIDRs and keeps ECR to pulls: as narrow as the cluster's own endpoints.
    expect(section).toMatch(/\| endpoint policies of the endpoint hub EndpointHub\/Endpoints \| our reading \| as narrow as this cluster's own endpoints/);
  });

  test('says the widening when a hub does not bind its accounts or keeps ECR open, and when it cannot know', () => {
    const hub = { name: 'the hub', services: ['ecr.api'], cidrs: ['10.0.0.0/16'], resolution: 'route53-profile' };
    const row = (extra: object) => provenRows({ hub: { ...hub, ...extra } }).slice(-1)[0].proven;
    expect(row({ accountsBoundToCidrs: false, ecrPullOnly: false })).toMatch(/^wider than this cluster's own endpoints: an admitted account's credentials work from any VPC attached to the hub .*; its ECR endpoints admit every ECR action/);
    expect(row({})).toMatch(/not known to this app/);
    expect(row({ accountsBoundToCidrs: true, ecrPullOnly: true })).toMatch(/^as narrow as/);
    expect(provenRows({}).some(r => r.kind.startsWith('endpoint policies of'))).toBe(false);
  });
});
