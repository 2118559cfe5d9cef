/**
 * Hub and spokes in one app, same account, private hosted zones (issue 29): every nodegroup must be created after the
 * hub's zones that answer its names, in its stack or another (PEKS-HUB-12). The layouts a platform team tries first.
 */
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { quietly } from './util';
import { EndpointHub, PrivateEksCluster, PrivateNetwork } from '../lib';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const SPOKE_CIDR = '10.20.0.0/16';
const HUB_CIDR = '10.0.0.0/16';

const synth = (app: App) => quietly(() => app.synth());

function tgwStack(app: App) {
  const stack = new Stack(app, 'Tgw', { env: ENV });
  return new ec2.CfnTransitGateway(stack, 'Gateway', { autoAcceptSharedAttachments: 'disable' });
}

function hubIn(stack: Stack, tgw: ec2.CfnTransitGateway) {
  const network = new PrivateNetwork(stack, 'HubNetwork', { cidr: HUB_CIDR });
  network.attachToTransitGateway('Spokes', tgw.ref, [SPOKE_CIDR]);
  return new EndpointHub(stack, 'Hub', { vpc: network.vpc, spokeCidrs: [SPOKE_CIDR], principalAccounts: [ENV.account] });
}

const clusterProps = (stack: Stack) => ({
  version: eks.KubernetesVersion.V1_33,
  kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
  lookupSupportedAzs: false,
});

test('fails when the spoke stack holds the VPC and the cluster: the hub (which associates the VPC) deploys after the nodes (PEKS-HUB-12)', () => {
  const app = new App();
  const tgw = tgwStack(app);
  const hub = hubIn(new Stack(app, 'Hub', { env: ENV }), tgw);
  const spokeStack = new Stack(app, 'Spoke', { env: ENV });
  const cluster = new PrivateEksCluster(spokeStack, 'Eks', { ...clusterProps(spokeStack), network: { cidr: SPOKE_CIDR }, sharedEndpoints: hub.sharedEndpoints() });
  cluster.network!.attachToTransitGateway('Hub', tgw.ref, [HUB_CIDR]);
  hub.associateVpc(cluster.vpc);
  expect(() => synth(app)).toThrow(/PEKS-HUB-12: nodegroup Spoke\/Eks\/DefaultNodegroup\/Nodegroup may be created before the endpoint hub Hub\/Hub's private hosted zones ec2\.eu-west-1\.amazonaws\.com, api\.ecr\.eu-west-1\.amazonaws\.com, dkr\.ecr\.eu-west-1\.amazonaws\.com and 7 more: stack Spoke does not depend on Hub, which holds them, so `cdk deploy --all` may deploy it first.*NodeCreationFailure.*Fix: make the cluster's stack depend on the hub's: clusterStack.addStackDependency\(hubStack\)\. Where the hub references the cluster's stack .* that is a cycle: build each spoke VPC \(PrivateNetwork\) in a stack of its own/s);
});

test('fails when the clusters are in a stack of their own that does not depend on the hub; passes once it does', () => {
  const app = new App();
  const tgw = tgwStack(app);
  const spokeNetwork = new PrivateNetwork(new Stack(app, 'SpokeNetwork', { env: ENV }), 'Network', { cidr: SPOKE_CIDR });
  spokeNetwork.attachToTransitGateway('Hub', tgw.ref, [HUB_CIDR]);
  const hubStack = new Stack(app, 'Hub', { env: ENV });
  const hub = hubIn(hubStack, tgw);
  hub.associateVpc(spokeNetwork.vpc);
  const clusterStack = new Stack(app, 'Cluster', { env: ENV });
  new PrivateEksCluster(clusterStack, 'Eks', { ...clusterProps(clusterStack), vpc: spokeNetwork.vpc, sharedEndpoints: hub.sharedEndpoints() });
  expect(() => synth(app)).toThrow(/PEKS-HUB-12: nodegroup Cluster\/Eks\/DefaultNodegroup\/Nodegroup .*stack Cluster does not depend on Hub.*Fix: make the cluster's stack depend on the hub's: clusterStack\.addStackDependency\(hubStack\)/s);

  // The layout that deploys: the spoke network, the hub, then the cluster.
  clusterStack.addStackDependency(hubStack);
  expect(() => synth(app)).not.toThrow();
  const order = app.synth().stacksRecursively.map(s => s.stackName);
  expect(order.indexOf('Hub')).toBeLessThan(order.indexOf('Cluster'));
});

test('in one stack, the nodegroups are ordered after the hub\'s zones (no finding, a DependsOn)', () => {
  const app = new App();
  const stack = new Stack(app, 'Same', { env: ENV });
  const tgw = new ec2.CfnTransitGateway(stack, 'Gateway', { autoAcceptSharedAttachments: 'disable' });
  const hub = hubIn(stack, tgw);
  const cluster = new PrivateEksCluster(stack, 'Eks', { ...clusterProps(stack), network: { cidr: SPOKE_CIDR }, sharedEndpoints: hub.sharedEndpoints() });
  cluster.network!.attachToTransitGateway('Hub', tgw.ref, [HUB_CIDR]);
  hub.associateVpc(cluster.vpc);
  expect(() => synth(app)).not.toThrow();
  const template = app.synth().getStackByName('Same').template;
  const [nodegroup] = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EKS::Nodegroup');
  const zones = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::Route53::HostedZone').map(([id]) => id);
  expect(zones.length).toBeGreaterThan(0);
  expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(zones));
});
