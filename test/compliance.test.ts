import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R4Checks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ControlTowerGuard, CONTROL_TOWER_RULES, guardRulesFor } from './guard-rules';
import { isolatedVpc } from './join-cases';
import { quietly, USER_APP_CONTEXT } from './util';
import { build as buildAccessAndCi } from '../examples/access-and-ci/app';
import { build as buildExistingVpc } from '../examples/existing-vpc/app';
import { build as buildFullyPrivate } from '../examples/fully-private/app';
import { build as buildHubAndSpoke } from '../examples/hub-and-spoke/app';
import { build as buildPlatform } from '../examples/platform/app';
import { build as buildProxy } from '../examples/proxy/app';
import { build as buildSeedWorkshop } from '../examples/seed-workshop/app';
import { BastionAccess, BastionClusterAccess, EndpointHub, PrivateEksChecks, PrivateEksCluster, Upstream } from '../lib';
import { checkTemplate, TEMPLATE_RULES } from '../lib/check/template-rules';
import { ACKNOWLEDGEMENTS, acknowledgeFindings, acknowledgementTable, MIN_REASON_LENGTH } from '../lib/core/acknowledgements';

const EXAMPLES: Record<string, (app: App) => Stack[]> = {
  'fully-private': buildFullyPrivate,
  'platform': buildPlatform,
  'seed-workshop': buildSeedWorkshop,
  'existing-vpc': buildExistingVpc,
  'hub-and-spoke': buildHubAndSpoke,
  'proxy': buildProxy,
  'access-and-ci': buildAccessAndCi,
};

interface ToolResult { readonly tool: string; readonly findings: string[] }

/** The pack, counting its runs: CDK leaves a plugin with nothing to report out of the report file. */
class CountedChecks extends PrivateEksChecks {
  public runs = 0;
  public validate(context: any) {
    this.runs++;
    return super.validate(context);
  }
}

/** Synthesizes an app with the three tools as validation plugins and returns each tool's attributed findings. */
function runTools(build: (app: App) => unknown): { threw?: string; results: ToolResult[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-compliance-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  build(app);
  const ours = new CountedChecks();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app),
    new PCIDSS321Checks(app), new NIST80053R4Checks(app), new ControlTowerGuard(), ours);
  let threw: string | undefined;
  try {
    quietly(() => app.synth());
  } catch (e) {
    threw = (e as Error).message;
  }
  if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw new Error(`synth wrote no validation report: ${threw}`);
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  const results = report.pluginReports.map((p: any) => ({
    tool: p.pluginName,
    // A finding names a resource; guard also echoes a failing rule once with no resource, which CDK does not count.
    findings: p.violations.flatMap((v: any) => (v.violatingConstructs ?? v.violatingResources ?? [])
      .filter((c: any) => c.constructPath || c.resourceLogicalId)
      .map((c: any) => `${v.ruleName} ${c.constructPath ?? c.resourceLogicalId}`)),
  }));
  if (ours.runs > 0 && !results.some((r: ToolResult) => r.tool === ours.name)) results.push({ tool: ours.name, findings: [] });
  return { threw, results };
}

/**
 * Ordinary variants of the public API, two apps so the suite stays fast: a concrete environment (literal ARNs in the
 * findings), the preflight, a pull-through cache, the default security group closed and a VIEW bastion; an SSH
 * bastion with NONE access (its deliberate public IP is acknowledged in the app, as a user would).
 */
const VARIANTS: Record<string, (app: App) => Stack[]> = {
  'concrete env, preflight, cache, closed default SG, VIEW bastion': (app) => {
    const stack = new Stack(app, 'Variant', { env: { account: '111111111111', region: 'eu-west-1' } });
    const c = new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
      preflight: true,
      network: { restrictDefaultSecurityGroup: true },
      bastionOptions: { clusterAccess: BastionClusterAccess.VIEW },
    });
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    return [stack];
  },
  'SSH bastion with NONE access': (app) => {
    const stack = new Stack(app, 'SshVariant');
    const c = new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
      bastionOptions: {
        access: BastionAccess.SSH,
        sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'ops'),
        sshAllowedCidrs: ['203.0.113.7/32'],
        clusterAccess: BastionClusterAccess.NONE,
      },
    });
    // The user's deliberate choices, acknowledged in the app as a user would: public subnets for the SSH bastion.
    const ssh = 'SSH access was chosen: the bastion sits in a public subnet behind port 22 from one /32; the cluster and nodes stay in isolated subnets.';
    Validations.of(c.bastion!).acknowledge({ id: 'Annotation::cdk-private-eks:sshBastionUnlogged', reason: ssh });
    Validations.of(c.vpc).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map(p => ({ id: `${p}::${p}-VPCNoUnrestrictedRouteToIGW`, reason: ssh })));
    return [stack];
  },
};

const TOOLS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'NIST.800.53.R4', 'cdk-validator-cfnguard', 'cdk-private-eks'];

/**
 * Every example and variant in one app, synthesized once with the seven packs (each synth pays the packs' and guard's
 * start-up: one synth keeps the suite fast); findings are attributed by the stacks each one built.
 */
const STACKS: Record<string, string[]> = {};
const ALL = runTools(app => {
  for (const [name, build] of Object.entries({ ...EXAMPLES, ...VARIANTS })) STACKS[name] = build(app).map(st => st.node.id);
});
const findingsOf = (name: string, tool: string) => ALL.results.find(x => x.tool === tool)?.findings
  .filter(f => STACKS[name].some(id => f.split(' ')[1]?.startsWith(`${id}/`) || f.split(' ')[1] === id));

test('synth of every example and variant with cdk-nag AwsSolutions, NIST 800-53 R5 and R4, HIPAA Security, PCI DSS 3.2.1, the Control Tower guard rules and PrivateEksChecks as plugins does not fail', () => {
  expect(ALL.threw).toBeUndefined();
  expect(ALL.results.map(r => r.tool)).toEqual(expect.arrayContaining(TOOLS));
});

describe.each(Object.keys(VARIANTS))('variant "%s" passes the compliance tools', (name) => {
  test.each(TOOLS)('%s: 0 findings', (tool) => expect(findingsOf(name, tool)).toEqual([]));
});

describe.each(Object.keys(EXAMPLES))('%s passes the compliance tools', (name) => {
  test.each(TOOLS)('%s: 0 findings', (tool) => expect(findingsOf(name, tool)).toEqual([]));
});

test('every finding of the one synth belongs to an example or a variant (none escapes the per-example tests)', () => {
  const ids = Object.values(STACKS).flat();
  for (const r of ALL.results) for (const f of r.findings) expect(ids.some(id => f.split(' ')[1]?.startsWith(`${id}/`))).toBe(true);
});

describe('the guard rules run where they can find something (test/guard-rules.ts)', () => {
  test('every Control Tower rule file is known, and a file is kept exactly when it names a type present (or none)', () => {
    // Every rule the plugin itself knows (its ruleIds, one per .guard file), no more and no fewer.
    expect(CONTROL_TOWER_RULES.length).toBe(new CfnGuardValidator({ controlTowerRulesEnabled: true }).ruleIds!.length);
    const s3Rules = CONTROL_TOWER_RULES.filter(r => r.types.includes('AWS::S3::Bucket')).map(r => r.file);
    expect(s3Rules.length).toBeGreaterThan(0);
    expect(guardRulesFor(new Set(['AWS::S3::Bucket']))).toEqual(expect.arrayContaining(s3Rules));
    expect(guardRulesFor(new Set(['AWS::EKS::Cluster'])).filter(f => s3Rules.includes(f) && !CONTROL_TOWER_RULES.find(r => r.file === f)!.types.includes('AWS::EKS::Cluster'))).toEqual([]);
  });

  test('a resource type no example holds is still checked: an S3 bucket without versioning is reported', () => {
    const findings = runTools(app => {
      const stack = new Stack(app, 'Bucket');
      new s3.CfnBucket(stack, 'B', {});
    }).results.find(r => r.tool === 'cdk-validator-cfnguard')!.findings;
    expect(findings.some(f => / Bucket\/B$/.test(f))).toBe(true);
  });
});

describe('PrivateEksChecks rules: each fails on a non-compliant resource and passes on the compliant one', () => {
  const ids = (t: object) => checkTemplate(t).map(f => `${f.ruleId} ${f.logicalId}`);

  function clusterTemplate(props: Partial<eks.ClusterProps>): object {
    const stack = new Stack(new App(), 'S');
    const vpc = isolatedVpc(stack);
    new eks.Cluster(stack, 'C', {
      version: eks.KubernetesVersion.V1_36,
      vpc,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      ...props,
    });
    return Template.fromStack(stack).toJSON();
  }

  test('PEKS-SEC-1 public endpoint without CIDRs; PUBLIC_AND_PRIVATE.onlyFrom passes', () => {
    expect(ids(clusterTemplate({ endpointAccess: eks.EndpointAccess.PUBLIC })).filter(x => x.startsWith('PEKS-SEC-1'))).toEqual([expect.stringMatching(/^PEKS-SEC-1 C/)]);
    expect(ids(clusterTemplate({ endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24') })).filter(x => x.startsWith('PEKS-SEC-1'))).toEqual([]);
  });

  test('PEKS-SEC-2 logging off; api + audit + authenticator pass', () => {
    const off = checkTemplate(clusterTemplate({})).filter(f => f.ruleId === 'PEKS-SEC-2');
    expect(off.map(f => f.detail)).toEqual(['log types off: api, audit, authenticator']);
    const types = [eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR];
    const on = clusterTemplate({ clusterLogging: types });
    expect(ids(on).filter(x => x.startsWith('PEKS-SEC-2'))).toEqual([]);
  });

  test('PEKS-SEC-3 secrets not encrypted; a KMS key passes', () => {
    expect(ids(clusterTemplate({})).filter(x => x.startsWith('PEKS-SEC-3'))).toHaveLength(1);
    expect(ids({ Resources: { C: { Type: 'AWS::EKS::Cluster', Properties: { EncryptionConfig: [{ Resources: ['secrets'], Provider: { KeyArn: 'arn:aws:kms:eu-west-1:1:key/k' } }], ResourcesVpcConfig: { EndpointPublicAccess: false }, Logging: { ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }] } } } } } })).toEqual([]);
  });

  test('PEKS-SEC-4 launch template, instance and nodegroup without IMDSv2; required passes', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = isolatedVpc(stack);
    new ec2.LaunchTemplate(stack, 'Open', {});
    new ec2.LaunchTemplate(stack, 'Locked', { requireImdsv2: true });
    const image = ec2.MachineImage.latestAmazonLinux2023();
    new ec2.Instance(stack, 'OpenInstance', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: image, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    new ec2.Instance(stack, 'LockedInstance', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: image, requireImdsv2: true, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const found = checkTemplate(Template.fromStack(stack).toJSON()).filter(f => f.ruleId === 'PEKS-SEC-4').map(f => f.logicalId);
    expect(found.some(id => id.startsWith('Open'))).toBe(true);
    expect(found.some(id => id.startsWith('OpenInstance'))).toBe(true);
    expect(found.some(id => id.startsWith('Locked'))).toBe(false);
    expect(ids({ Resources: { N: { Type: 'AWS::EKS::Nodegroup', Properties: {} } } })).toEqual(['PEKS-SEC-4 N']);
  });

  test('PEKS-SEC-5 endpoint security group open to 0.0.0.0/0 or another network; the VPC CIDR passes', () => {
    const build = (peer: (vpc: ec2.Vpc) => ec2.IPeer) => {
      const stack = new Stack(new App(), 'S');
      const vpc = isolatedVpc(stack);
      const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
      sg.addIngressRule(peer(vpc), ec2.Port.tcp(443));
      vpc.addInterfaceEndpoint('Ec2', { service: ec2.InterfaceVpcEndpointAwsService.EC2, securityGroups: [sg] });
      return checkTemplate(Template.fromStack(stack).toJSON()).filter(f => f.ruleId === 'PEKS-SEC-5');
    };
    expect(build(() => ec2.Peer.anyIpv4()).map(f => f.detail)).toEqual([expect.stringMatching(/admits 0\.0\.0\.0\/0/)]);
    expect(build(() => ec2.Peer.ipv4('172.16.0.0/16')).map(f => f.detail)).toEqual([expect.stringMatching(/admits 172\.16\.0\.0\/16, outside the VPC's 10\.0\.0\.0\/16/)]);
    expect(build(v => ec2.Peer.ipv4(v.vpcCidrBlock))).toEqual([]);
    expect(build(() => ec2.Peer.ipv4('10.0.0.0/19'))).toEqual([]);
  });

  test('PEKS-SEC-5 on an EndpointHub: HTTPS from its spoke CIDRs passes; another port, or a CIDR it was not given, is reported', () => {
    const build = (extra?: (sg: ec2.ISecurityGroup) => void) => {
      const stack = new Stack(new App(), 'H', { env: { account: '111111111111', region: 'eu-west-1' } });
      const vpc = isolatedVpc(stack);
      const hub = new EndpointHub(stack, 'Hub', { vpc, services: ['ec2'], spokeCidrs: ['10.20.0.0/16'], principalAccounts: ['111111111111'] });
      extra?.(hub.securityGroup);
      return checkTemplate(Template.fromStack(stack).toJSON()).filter(f => f.ruleId === 'PEKS-SEC-5').map(f => f.detail);
    };
    expect(build()).toEqual([]);
    expect(build(sg => sg.addIngressRule(ec2.Peer.ipv4('10.20.0.0/16'), ec2.Port.allTraffic()))).toEqual([expect.stringMatching(/admits 10\.20\.0\.0\/16/)]);
    expect(build(sg => sg.addIngressRule(ec2.Peer.ipv4('172.16.0.0/12'), ec2.Port.tcp(443)))).toEqual([expect.stringMatching(/admits 172\.16\.0\.0\/12/)]);
  });

  test('PEKS-SEC-6 SSH from anywhere (literal or a parameter default); a narrower CIDR passes', () => {
    const rule = (CidrIp: any) => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp });
    const t = (CidrIp: any, Default?: string) => ({
      Parameters: Default ? { P: { Type: 'String', Default } } : {},
      Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { SecurityGroupIngress: [rule(CidrIp)] } } },
    });
    expect(ids(t('0.0.0.0/0'))).toEqual(['PEKS-SEC-6 Sg']);
    expect(ids(t({ Ref: 'P' }, '0.0.0.0/0'))).toEqual(['PEKS-SEC-6 Sg']);
    expect(ids(t('203.0.113.7/32'))).toEqual([]);
    expect(ids(t({ Ref: 'P' }))).toEqual([]);
    expect(ids({ Resources: { R: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { IpProtocol: '-1', CidrIp: '0.0.0.0/0' } } } })).toEqual(['PEKS-SEC-6 R']);
  });

  test('the plugin reports through CDK validation, and its findings can be acknowledged by ID', () => {
    const build = (ack: boolean) => runTools(app => {
      const stack = new Stack(app, 'Open');
      const vpc = isolatedVpc(stack);
      const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
      sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      if (ack) Validations.of(sg).acknowledge({ id: 'cdk-private-eks::PEKS-SEC-6', reason: 'a test of acknowledgement' });
    }).results.find(r => r.tool === 'cdk-private-eks')!.findings;
    expect(build(false)).toEqual(['PEKS-SEC-6 Open/Sg/Resource']);
    expect(build(true)).toEqual([]);
  });

  test('every rule has an ID, a description and a fix', () => {
    expect(TEMPLATE_RULES.map(r => r.id)).toEqual(['PEKS-SEC-1', 'PEKS-SEC-2', 'PEKS-SEC-3', 'PEKS-SEC-4', 'PEKS-SEC-5', 'PEKS-SEC-6']);
    for (const r of TEMPLATE_RULES) {
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(20);
    }
  });
});

describe('the library\'s acknowledgements', () => {
  const all = Object.entries(ACKNOWLEDGEMENTS).flatMap(([site, list]) => list.map(a => ({ site, ...a })));

  test('every acknowledgement has a reason a reviewer can act on', () => {
    for (const a of all) expect(a.reason.trim().length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });

  test('an acknowledgement added without a reason fails the construct that applies it', () => {
    const list = ACKNOWLEDGEMENTS.bastionRole as Array<{ ids: string[]; reason: string }>;
    list.push({ ids: ['AwsSolutions::AwsSolutions-IAM5'], reason: ' ' });
    try {
      expect(() => acknowledgeFindings(new Stack(new App(), 'S'), 'bastionRole')).toThrow(/has no real reason; every acknowledgement needs one/);
    } finally {
      list.pop();
    }
  });

  test('the security guide\'s table (docs/security.md) is the table the code renders (every site, ID and reason)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'security.md'), 'utf8');
    expect(readme).toContain(acknowledgementTable());
  });

  test('no acknowledgement is applied to a role or a default policy for a wildcard: IAM5 only on the library\'s own policies', () => {
    for (const a of all) {
      // Either the findings of a policy the library wrote (acknowledgeWildcards), or one named resource of
      // aws-cdk-lib's own (the provider framework's invoke grant); never a bare or `Resource::*` ID on a role.
      for (const id of a.ids.filter(i => i.includes('IAM5'))) {
        expect({ site: a.site, id }).toEqual({ site: a.site, id: expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[(\{finding\}|Resource::<\{handler\}\.Arn>:\*)\]$/) });
      }
    }
  });
});
