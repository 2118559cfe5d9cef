/**
 * Two defaults need services of their own: the vpc-cni add-on's own Pod Identity role needs `eks-auth`, the bastion's
 * session logging needs `logs`. Where a declared set (`existingEndpointServices`) lacks one, the message names the
 * default and how to turn it off, so a user can choose between declaring the service and dropping the default.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster, PrivateEksClusterProps } from '../lib';
import { quietly } from './util';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
const VPC_ID = 'vpc-0123456789abcdef0';
/** What cdk.context.json holds for the shared VPC after `cdk synth` looked it up. */
const RECORDED: Record<string, unknown> = {
  [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}c`],
  [`vpc-provider:account=${ACCOUNT}:filter.vpc-id=${VPC_ID}:region=${REGION}:returnAsymmetricSubnets=true`]: {
    vpcId: VPC_ID,
    vpcCidrBlock: '10.20.0.0/16',
    ownerAccountId: ACCOUNT,
    availabilityZones: [],
    subnetGroups: [{
      name: 'Private',
      type: 'Isolated',
      subnets: [
        { subnetId: 'subnet-0aaa1111', cidr: '10.20.0.0/19', availabilityZone: `${REGION}a`, routeTableId: 'rtb-0aaa1111' },
        { subnetId: 'subnet-0bbb2222', cidr: '10.20.32.0/19', availabilityZone: `${REGION}c`, routeTableId: 'rtb-0bbb2222' },
      ],
    }],
  },
};
/** The README's shared-VPC declaration before the two defaults existed. */
const OLD_DECLARATION = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'ssm', 'ssmmessages'];

const EKS_AUTH_HINT = /eks-auth is needed by the vpc-cni add-on's own Pod Identity role, a default: if you do not want it, turn it off with vpcCniRole: false/;
const LOGS_HINT = /logs is needed by the bastion's session logging, a default: if you do not want it, turn it off with bastionOptions: \{ sessionLogging: false \}/;

function synthError(app: App): string | undefined {
  try {
    quietly(() => app.synth());
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function sharedVpc(props: Partial<PrivateEksClusterProps> = {}): App {
  const app = new App({ context: RECORDED });
  const stack = new Stack(app, 'SharedVpcEks', { env: { account: ACCOUNT, region: REGION } });
  const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: VPC_ID });
  new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_36,
    vpc,
    createVpcEndpoints: false,
    features: { irsa: true },
    existingEndpointServices: OLD_DECLARATION,
    ...props,
  });
  return app;
}

/** A VPC of this app (its routes known: no NAT, no internet) with no endpoints, the rest declared. */
function ownVpc(props: Partial<PrivateEksClusterProps> = {}): App {
  const app = new App();
  const stack = new Stack(app, 'OwnVpc');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 }],
  });
  new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_36,
    vpc,
    createVpcEndpoints: false,
    existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages'],
    ...props,
  });
  return app;
}

describe('a declared set that lacks what a default needs', () => {
  test('fails in a shared VPC naming each default and how to turn it off (PEKS-JOIN-6, PEKS-BASTION-1)', () => {
    const error = synthError(sharedVpc());
    expect(error).toMatch(/PEKS-JOIN-6: cannot verify node subnets .* no endpoint in this app serves: eks-auth\. Fix: .*existingEndpointServices: \['eks-auth'\]/);
    expect(error).toMatch(EKS_AUTH_HINT);
    expect(error).toMatch(/PEKS-BASTION-1: .* serves: logs\. Fix: .*existingEndpointServices: \['logs'\]/);
    expect(error).toMatch(LOGS_HINT);
  });

  test('fails in a VPC of the app naming each default and how to turn it off (PEKS-FEAT-1, PEKS-BASTION-1)', () => {
    const error = synthError(ownVpc());
    expect(error).toMatch(/PEKS-FEAT-1: .*eks-auth \(EKS Pod Identity \(the vpc-cni add-on's own role.*\)\)\. Pods using the feature fail there/);
    expect(error).toMatch(new RegExp(`PEKS-FEAT-1: .*${EKS_AUTH_HINT.source}`));
    expect(error).toMatch(new RegExp(`PEKS-BASTION-1: .*logs \\(Session Manager session logs\\).*${LOGS_HINT.source}`));
  });

  test('passes when the defaults are turned off as the messages say', () => {
    expect(synthError(sharedVpc({ vpcCniRole: false, bastionOptions: { sessionLogging: false } }))).toBeUndefined();
    expect(synthError(ownVpc({ vpcCniRole: false, bastionOptions: { sessionLogging: false } }))).toBeUndefined();
  });

  test('passes when the services are declared, as the README\'s shared-VPC snippet does', () => {
    expect(synthError(sharedVpc({ existingEndpointServices: [...OLD_DECLARATION, 'eks-auth', 'logs'] }))).toBeUndefined();
  });

  test('does not suggest turning off the vpc-cni role when the app asks for Pod Identity itself', () => {
    const error = synthError(ownVpc({ features: { podIdentity: true } }));
    expect(error).toMatch(/PEKS-FEAT-1: .*eks-auth/);
    expect(error).not.toMatch(/vpcCniRole: false \(the node role/);
    expect(error).toMatch(LOGS_HINT);
  });
});
