import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { PrivateEksCluster, PrivateEksClusterProps } from '../lib';
import { quietly, resourcesOfType } from './util';

/**
 * The CDK CLI synthesizes twice when an app looks something up: a first pass with no answers (aws-cdk-lib hands out
 * dummy values and lists the lookups in the assembly's `missing`), then, after running the lookups, a pass with the
 * answers (cdk.context.json). The first pass must never fail on a dummy value.
 */
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const env = { account: ACCOUNT, region: REGION };
const azKey = `availability-zones:account=${ACCOUNT}:region=${REGION}`;
const endpointAzKey = (service: string) =>
  `endpoint-service-availability-zones:account=${ACCOUNT}:region=${REGION}:serviceName=com.amazonaws.${REGION}.${service}`;
const vpcKey = `vpc-provider:account=${ACCOUNT}:filter.vpc-id=vpc-0a1b2c3d4e5f60718:region=${REGION}:returnAsymmetricSubnets=true`;

/** What cdk.context.json holds after the lookups (values as the CLI records them; no AWS call in tests). */
const RECORDED_AZS: Record<string, unknown> = {
  [azKey]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  ...Object.fromEntries(['ec2', 'ecr.dkr', 'ssm', 'ssmmessages', 'eks-auth', 'logs', 'sts'].map(s => [endpointAzKey(s), ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']])),
  // ecr.api offered in two AZs only: the endpoint must leave eu-west-1b out.
  [endpointAzKey('ecr.api')]: ['eu-west-1a', 'eu-west-1c'],
};
const RECORDED_VPC: Record<string, unknown> = {
  [vpcKey]: {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.20.0.0/16',
    ownerAccountId: ACCOUNT,
    availabilityZones: [],
    subnetGroups: [{
      name: 'Private',
      type: 'Isolated',
      subnets: [
        { subnetId: 'subnet-0aaa1111', cidr: '10.20.0.0/19', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0aaa1111' },
        { subnetId: 'subnet-0bbb2222', cidr: '10.20.32.0/19', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0bbb2222' },
      ],
    }],
  },
};

const missingKeys = (assembly: CloudAssembly) => (assembly.manifest.missing ?? []).map(m => m.key);
const synth = (app: App) => quietly(() => app.synth()).result;
function synthError(app: App): string | undefined {
  try {
    synth(app);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
const endpointSubnets = (stack: Stack, service: string): unknown[] => resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint')
  .find(([, r]) => r.Properties.ServiceName === `com.amazonaws.${REGION}.${service}`)![1].Properties.SubnetIds;

function writtenOutAzs(context: Record<string, unknown> = {}, props: Partial<PrivateEksClusterProps> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Eks', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 }],
  });
  const cluster = new PrivateEksCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_36, vpc, ...props });
  return { app, stack, cluster };
}

function lookedUp(context: Record<string, unknown> = {}, props: Partial<PrivateEksClusterProps> = {}) {
  const app = new App({ context });
  const stack = new Stack(app, 'Eks', { env });
  const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: 'vpc-0a1b2c3d4e5f60718' });
  const cluster = new PrivateEksCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_36, vpc, ...props });
  return { app, stack, cluster };
}

describe('a VPC with written-out AZs in a stack with a concrete env (lookupSupportedAzs on by default)', () => {
  test('first pass (no context): synthesizes and lists the AZ lookups as missing', () => {
    const { app, stack } = writtenOutAzs();
    const assembly = synth(app);
    expect(missingKeys(assembly)).toEqual(expect.arrayContaining([endpointAzKey('ec2'), endpointAzKey('ecr.api'), endpointAzKey('ecr.dkr')]));
    // For this pass every endpoint goes to every node AZ.
    expect(endpointSubnets(stack, 'ecr.api')).toHaveLength(2);
  });

  test('second pass (recorded context): each endpoint goes only to the AZs its service is offered in', () => {
    const { app, stack, cluster } = writtenOutAzs(RECORDED_AZS);
    const assembly = synth(app);
    expect(assembly.manifest.missing).toBeUndefined();
    expect(endpointSubnets(stack, 'ecr.api')).toHaveLength(1);
    expect(endpointSubnets(stack, 'ec2')).toHaveLength(2);
    expect(cluster.endpoints!.azsVerified).toBe(true);
  });

  test('Vpc.fromVpcAttributes with real AZ names: the first pass synthesizes too', () => {
    const app = new App();
    const stack = new Stack(app, 'Eks', { env });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
      isolatedSubnetRouteTableIds: ['rtb-0aaa1111', 'rtb-0bbb2222'],
    });
    new PrivateEksCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_36, vpc });
    expect(missingKeys(synth(app))).toContain(endpointAzKey('ecr.dkr'));
  });

  test('lookupSupportedAzs: false places every endpoint in every node AZ and looks nothing up', () => {
    const { app, stack, cluster } = writtenOutAzs({}, { lookupSupportedAzs: false });
    const assembly = synth(app);
    expect(missingKeys(assembly).filter(k => k.startsWith('endpoint-service-availability-zones'))).toEqual([]);
    expect(endpointSubnets(stack, 'ecr.api')).toHaveLength(2);
    expect(cluster.endpoints!.azsVerified).toBe(false);
  });

  test('fails when lookupSupportedAzs is asked for in an environment-agnostic stack', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new PrivateEksCluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_36, lookupSupportedAzs: true }))
      .toThrow(/\[Agnostic\/Cluster\/Endpoints\] lookupSupportedAzs needs the stack's account and region/);
  });
});

describe('a VPC from Vpc.fromLookup: the checks wait for the lookup', () => {
  test('first pass (no context): synthesizes with no PEKS error and lists the VPC lookup as missing', () => {
    // Without declared services the second pass fails "cannot verify"; the first pass must not (its subnets are p-12345, p-67890).
    const { app } = lookedUp({}, { createVpcEndpoints: false });
    const assembly = synth(app);
    expect(missingKeys(assembly)).toContain(vpcKey);
    const messages = assembly.getStackByName('Eks').messages.map(m => `${m.level}: ${String(m.entry.data)}`);
    expect(messages).toContainEqual(expect.stringMatching(/^info: The synth-time checks \(PEKS-\*\) wait for the context lookups/));
    expect(messages.filter(m => /PEKS-/.test(m) && !m.startsWith('info'))).toEqual([]);
  });

  test('first pass with a nodeSubnets group the placeholder VPC does not have: no exception', () => {
    const { app } = lookedUp({}, { nodeSubnets: { subnetGroupName: 'Nodes' } });
    expect(synthError(app)).toBeUndefined();
  });

  test('second pass (recorded VPC): the real check runs and fails on the real subnets without declared services', () => {
    const { app } = lookedUp({ ...RECORDED_AZS, ...RECORDED_VPC }, { createVpcEndpoints: false });
    const error = synthError(app);
    expect(error).toMatch(/\[Eks\/Cluster\] PEKS-JOIN-6: cannot verify node subnets subnet-0aaa1111, subnet-0bbb2222: its route table is not in this app/);
  });

  test('second pass (recorded VPC): the endpoints get the looked-up AZ subnets and the checks pass', () => {
    const { app, stack } = lookedUp({ ...RECORDED_AZS, ...RECORDED_VPC });
    const assembly = synth(app);
    expect(assembly.manifest.missing).toBeUndefined();
    expect(endpointSubnets(stack, 'ecr.api')).toEqual(['subnet-0aaa1111']);
    expect(endpointSubnets(stack, 'ecr.dkr')).toEqual(['subnet-0aaa1111', 'subnet-0bbb2222']);
  });
});
