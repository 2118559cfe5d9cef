/**
 * Apps that break one synth-time rule each (the first try of a user who hits it), and their passing neighbours.
 * The tests assert on them; `bench/synth-to-error.ts` times `cdk synth` from start to the error for each.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodeEndpoints, PrivateEksCluster, PrivateEksClusterProps } from '../lib';

const V = eks.KubernetesVersion.V1_36;

/** A VPC of the user's: 2 AZs, public and isolated subnets, no NAT, no endpoints. */
export function isolatedVpc(stack: Stack, props: Partial<ec2.VpcProps> = {}): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
    ...props,
  });
}

/** A VPC with a NAT gateway and private subnets with egress. */
export function natVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
}

/** A small stand-in for a kubectl layer (the real ones are 30 MB). */
export function tinyLayer(stack: Stack): lambda.LayerVersion {
  return new lambda.LayerVersion(stack, 'KubectlLayer', { code: lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'tiny-layer')) });
}

/**
 * A cluster in `stack` (the construct ID is `Eks`). The vpc-cni keeps the node role's credentials here
 * (`vpcCniRole: false`) and the bastion logs no sessions, so the cases that build their endpoints by hand need no
 * `eks-auth` or `logs` for them; the endpoint policies are the defaults only where a case writes none of its own
 * (`restrictEndpointPolicies`). The defaults are tested in hardening.test.ts, private-eks-cluster.test.ts and by the
 * examples.
 */
export function cluster(stack: Stack, props: Partial<PrivateEksClusterProps> = {}): PrivateEksCluster {
  const bastionOptions = props.bastion === false ? props.bastionOptions : { sessionLogging: false, ...props.bastionOptions };
  return new PrivateEksCluster(stack, 'Eks', { version: V, vpcCniRole: false, ...props, bastionOptions });
}

/**
 * The field report's no-NAT join, one try at a time: the user's isolated VPC, endpoints added by hand
 * (none; ec2 + ecr.dkr + eks; + ecr.api; + the S3 gateway).
 */
export function fieldReportStep(app: App, step: 0 | 1 | 2 | 3): Stack {
  const stack = new Stack(app, 'FieldReport');
  const vpc = isolatedVpc(stack);
  cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
  // Endpoints the user adds after the cluster, as in the report.
  const services = [[], ['ec2', 'ecr.dkr', 'eks'], ['ec2', 'ecr.dkr', 'eks', 'ecr.api'], ['ec2', 'ecr.dkr', 'eks', 'ecr.api']][step];
  if (services.length > 0) {
    new NodeEndpoints(stack, 'HandMadeEndpoints', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      services,
      s3Gateway: step === 3,
    });
  }
  return stack;
}

/** One rule's first try: the app that breaks it. */
export interface RuleCase {
  readonly rule: string;
  readonly title: string;
  readonly build: (app: App) => void;
}

export const RULE_CASES: RuleCase[] = [
  {
    rule: 'PEKS-JOIN-1',
    title: 'nodes in isolated subnets of the user\'s VPC with no endpoints',
    build: app => {
      fieldReportStep(app, 0);
    },
  },
  {
    rule: 'PEKS-JOIN-2',
    title: 'the S3 gateway endpoint only on the public subnets\' route tables',
    build: app => {
      const stack = new Stack(app, 'Join2');
      const vpc = isolatedVpc(stack, {
        gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PUBLIC }] } },
      });
      new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, s3Gateway: false });
      cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
    },
  },
  {
    rule: 'PEKS-JOIN-3',
    title: 'private DNS turned off on the ecr.api endpoint after the cluster is built',
    build: app => {
      const c = cluster(new Stack(app, 'Join3'));
      (c.endpoints!.interfaceEndpoint('ecr.api')!.node.defaultChild as ec2.CfnVPCEndpoint).privateDnsEnabled = false;
    },
  },
  {
    rule: 'PEKS-JOIN-4',
    title: 'an endpoint security group that admits 443 only from another network',
    build: app => {
      const stack = new Stack(app, 'Join4');
      const vpc = isolatedVpc(stack);
      const sg = new ec2.SecurityGroup(stack, 'EndpointSg', { vpc, allowAllOutbound: false });
      sg.addIngressRule(ec2.Peer.ipv4('172.16.0.0/16'), ec2.Port.tcp(443));
      new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroup: sg });
      cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
    },
  },
  {
    rule: 'PEKS-JOIN-5',
    title: 'a VPC with DNS hostnames off and interface endpoints (aws-eks-v2 itself refuses private API access there)',
    build: app => {
      const stack = new Stack(app, 'Join5');
      const vpc = isolatedVpc(stack, { enableDnsHostnames: false });
      cluster(stack, { vpc, endpointAccess: eks.EndpointAccess.PUBLIC, bastion: false });
    },
  },
  {
    rule: 'PEKS-JOIN-7',
    title: 'a statement added to the ecr.dkr endpoint policy that denies layer downloads',
    build: app => {
      const c = cluster(new Stack(app, 'Join7'), { bastion: false });
      c.endpoints!.interfaceEndpoint('ecr.dkr')!.addToPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['ecr:GetDownloadUrlForLayer'], resources: ['*'],
      }));
    },
  },
  {
    rule: 'PEKS-JOIN-6',
    title: 'an imported VPC and no endpoints created or declared',
    build: app => {
      const stack = new Stack(app, 'Join6');
      cluster(stack, { vpc: importedVpc(stack), createVpcEndpoints: false, bastion: false });
    },
  },
  {
    rule: 'PEKS-FEAT-1',
    title: 'IRSA (the cluster\'s OIDC provider) without the sts endpoint',
    build: app => {
      const c = cluster(new Stack(app, 'Feat1'));
      void c.cluster.openIdConnectProvider;
    },
  },
  {
    rule: 'PEKS-API-1',
    title: 'a PUBLIC-only API endpoint with nodes in isolated subnets',
    build: app => {
      cluster(new Stack(app, 'Api1'), { endpointAccess: eks.EndpointAccess.PUBLIC, bastion: false });
    },
  },
  {
    rule: 'PEKS-API-3',
    title: 'an added nodegroup whose own security group the cluster security group does not admit',
    build: app => {
      const stack = new Stack(app, 'Api3');
      const c = cluster(stack);
      addNodegroupWithOwnGroup(stack, c, false);
    },
  },
  {
    rule: 'PEKS-BASTION-1',
    title: 'the ssm endpoint removed after the cluster is built',
    build: app => {
      const c = cluster(new Stack(app, 'Bastion1'));
      c.endpoints!.node.tryRemoveChild('Ssm');
    },
  },
  {
    rule: 'PEKS-KUBECTL-1',
    title: 'a Lambda function with the kubectl layer outside the VPC, private-only API endpoint',
    build: app => {
      const stack = new Stack(app, 'Kubectl1');
      const layer = tinyLayer(stack);
      cluster(stack, { kubectlLayer: layer, bastion: false });
      kubectlFunction(stack, layer);
    },
  },
  {
    rule: 'PEKS-KUBECTL-2',
    title: 'a Helm chart from a public repository, nodes and handler with no internet route',
    build: app => {
      const stack = new Stack(app, 'Kubectl2');
      const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
      c.addHelmChart('Ingress', { chart: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx' });
    },
  },
  {
    rule: 'PEKS-NET-1',
    title: 'nodes in public subnets that assign no public IPs, no NAT',
    build: app => {
      cluster(new Stack(app, 'Net1'), { network: { publicSubnets: true }, nodeSubnets: { subnetGroupName: 'Public' }, clusterSubnets: { subnetGroupName: 'Private' }, bastion: false });
    },
  },
  {
    rule: 'PEKS-NET-2',
    title: 'cluster subnets in one Availability Zone',
    build: app => {
      const stack = new Stack(app, 'Net2');
      const vpc = isolatedVpc(stack);
      cluster(stack, { vpc, clusterSubnets: { subnets: [vpc.isolatedSubnets[0]] }, bastion: false });
    },
  },
];

/** A VPC imported by attributes: its routes are not in the app. */
export function importedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['ap-northeast-2a', 'ap-northeast-2c'],
    vpcCidrBlock: '10.1.0.0/16',
    isolatedSubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
    isolatedSubnetRouteTableIds: ['rtb-0aaa', 'rtb-0bbb'],
    isolatedSubnetIpv4CidrBlocks: ['10.1.0.0/19', '10.1.32.0/19'],
  });
}

/**
 * A second nodegroup whose launch template gives the nodes their own security group (EKS then does not attach the
 * cluster security group). `admitted` adds the rules that make it work.
 */
export function addNodegroupWithOwnGroup(stack: Stack, c: PrivateEksCluster, admitted: boolean, allowAllOutbound = true): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(stack, 'ExtraNodesSg', { vpc: c.vpc, allowAllOutbound });
  if (admitted) c.cluster.connections.allowDefaultPortFrom(sg, 'extra nodes to the API server');
  const lt = new ec2.LaunchTemplate(stack, 'ExtraNodesLt', { securityGroup: sg });
  c.cluster.addNodegroupCapacity('Extra', {
    nodeRole: c.nodeRole,
    subnets: c.nodeSubnets,
    launchTemplateSpec: { id: lt.launchTemplateId!, version: lt.latestVersionNumber },
  });
  return sg;
}

/** A Lambda function that runs kubectl (it carries the layer); in the VPC's isolated subnets when `inVpc`. */
export function kubectlFunction(stack: Stack, layer: lambda.ILayerVersion, c?: PrivateEksCluster): lambda.Function {
  return new lambda.Function(stack, 'KubectlFn', {
    runtime: lambda.Runtime.PYTHON_3_13,
    handler: 'index.handler',
    code: lambda.Code.fromInline('def handler(e, c): pass'),
    layers: [layer],
    ...(c ? { vpc: c.vpc, vpcSubnets: c.nodeSubnets, securityGroups: [c.cluster.clusterSecurityGroup] } : {}),
  });
}
