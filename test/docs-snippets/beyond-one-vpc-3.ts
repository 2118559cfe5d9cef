// Generated from docs/beyond-one-vpc.md (Hub and spokes across stacks) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointHub, PrivateEksCluster, PrivateNetwork } from '../../lib';

const app = new App();
const env = { account: '111111111111', region: 'eu-west-1' };

// 1. The Transit Gateway, first: both sides attach to it.
const tgw = new ec2.CfnTransitGateway(new Stack(app, 'Gateway', { env }), 'TransitGateway', {
  autoAcceptSharedAttachments: 'disable',
});

// 2. The spoke's VPC, routed to the hub.
const spokeNetwork = new PrivateNetwork(new Stack(app, 'SpokeNetwork', { env }), 'Network', { cidr: '10.20.0.0/16' });
spokeNetwork.attachToTransitGateway('Hub', tgw.ref, ['10.0.0.0/16']);

// 3. The hub: its endpoints, and its zones associated with the spoke's VPC.
const hubStack = new Stack(app, 'Hub', { env });
const hubNetwork = new PrivateNetwork(hubStack, 'HubNetwork', { cidr: '10.0.0.0/16' });
hubNetwork.attachToTransitGateway('Spokes', tgw.ref, ['10.20.0.0/16']);
const hub = new EndpointHub(hubStack, 'Endpoints', {
  vpc: hubNetwork.vpc,
  spokeCidrs: ['10.20.0.0/16'],
  principalAccounts: [env.account],
  spokeVpcs: [spokeNetwork.vpc],
});

// 4. The cluster, after the hub.
const clusterStack = new Stack(app, 'Cluster', { env });
new PrivateEksCluster(clusterStack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(clusterStack, 'KubectlLayer'),
  vpc: spokeNetwork.vpc,
  sharedEndpoints: hub.sharedEndpoints(),
});
clusterStack.addStackDependency(hubStack);
export { app, env, tgw, spokeNetwork, hubStack, hubNetwork, hub, clusterStack };
