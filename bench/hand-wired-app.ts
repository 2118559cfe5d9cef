/**
 * The default example's cluster wired by hand with aws-cdk-lib alone (aws-eks-v2), for the cold-synth comparison in
 * `npx projen bench`: an isolated VPC with flow logs, the interface endpoints and the S3 gateway the default cluster
 * creates, a private cluster with a secrets key and all log types, the vpc-cni add-on's Pod Identity role, a managed
 * nodegroup with a launch template, an SSM bastion with kubectl from the layer, the kubectl handler with a namespace
 * and a Pod Identity service account. No checks, no plan: what a careful engineer writes without this library.
 *
 *   npx cdk synth -a 'npx ts-node --transpile-only -P bench/tsconfig.json bench/hand-wired-app.ts'
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

const app = new App();
const stack = new Stack(app, 'HandWiredEks');
const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 19 }],
});
const logsKey = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
logsKey.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));
vpc.addFlowLog('FlowLogs', {
  destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(stack, 'FlowLogGroup', { encryptionKey: logsKey, retention: logs.RetentionDays.ONE_YEAR })),
});
const endpointSg = new ec2.SecurityGroup(stack, 'EndpointSg', { vpc, allowAllOutbound: false });
endpointSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443));
for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs', 'ssm', 'ssmmessages', 'eks-auth', 'eks', 'lambda']) {
  vpc.addInterfaceEndpoint(service.replace(/[.-]/g, ''), {
    service: new ec2.InterfaceVpcEndpointAwsService(service), securityGroups: [endpointSg], open: false, privateDnsEnabled: true,
  });
}
vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });

const layer = new KubectlV36Layer(stack, 'KubectlLayer');
const cluster = new eks.Cluster(stack, 'Cluster', {
  version: eks.KubernetesVersion.V1_36,
  vpc,
  vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  endpointAccess: eks.EndpointAccess.PRIVATE,
  defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  defaultCapacity: 0,
  clusterLogging: [eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
    eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER],
  secretsEncryptionKey: new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true }),
  kubectlProviderOptions: { kubectlLayer: layer },
});
for (const name of ['vpc-cni', 'kube-proxy', 'coredns']) new eks.Addon(stack, `Addon-${name}`, { cluster, addonName: name });
const cniRole = new iam.Role(stack, 'CniRole', {
  assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy')],
});
new eks.CfnPodIdentityAssociation(stack, 'CniAssociation', { clusterName: cluster.clusterName, namespace: 'kube-system', serviceAccount: 'aws-node', roleArn: cniRole.roleArn });

const nodeRole = new iam.Role(stack, 'NodeRole', {
  assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
  managedPolicies: ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'].map(n => iam.ManagedPolicy.fromAwsManagedPolicyName(n)),
});
const launchTemplate = new ec2.LaunchTemplate(stack, 'NodeLaunchTemplate', {
  requireImdsv2: true,
  httpPutResponseHopLimit: 1,
  blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
});
cluster.addNodegroupCapacity('Nodes', {
  instanceTypes: [new ec2.InstanceType('t3.medium')],
  desiredSize: 2,
  nodeRole,
  launchTemplateSpec: { id: launchTemplate.launchTemplateId!, version: launchTemplate.latestVersionNumber },
});

const bastionSg = new ec2.SecurityGroup(stack, 'BastionSg', { vpc, allowAllOutbound: false });
bastionSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
cluster.connections.allowDefaultPortFrom(bastionSg);
const bastion = new ec2.Instance(stack, 'Bastion', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  securityGroup: bastionSg,
  instanceType: new ec2.InstanceType('t3.micro'),
  machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  requireImdsv2: true,
  blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
});
bastion.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
cluster.grantClusterAdmin('BastionAdmin', bastion.role.roleArn);

const namespace = cluster.addManifest('AppsNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
const readerRole = new iam.Role(stack, 'ReaderRole', { assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')) });
new eks.CfnPodIdentityAssociation(stack, 'ReaderAssociation', { clusterName: cluster.clusterName, namespace: 'apps', serviceAccount: 'reader', roleArn: readerRole.roleArn });
cluster.addManifest('Reader', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader', namespace: 'apps' } }).node.addDependency(namespace);

app.synth();
