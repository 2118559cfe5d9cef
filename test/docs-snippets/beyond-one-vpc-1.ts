// Generated from docs/beyond-one-vpc.md (Endpoints shared from a hub) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointHub, PrivateEksCluster, PrivateNetwork } from '../../lib';

const app = new App();
const stack = new Stack(app, 'HubAndSpoke', { env: { account: '111111111111', region: 'eu-west-1' } });

const hubNetwork = new PrivateNetwork(stack, 'HubNetwork', { cidr: '10.0.0.0/16' });
const hub = new EndpointHub(stack, 'Hub', {
  vpc: hubNetwork.vpc,
  spokeCidrs: ['10.20.0.0/16'],
  principalAccounts: ['111111111111'],
});

const spoke = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  network: { cidr: '10.20.0.0/16' },
  sharedEndpoints: hub.sharedEndpoints(),
});
hub.associateVpc(spoke.vpc);

const tgw = new ec2.CfnTransitGateway(stack, 'TransitGateway', {});
hubNetwork.attachToTransitGateway('Spokes', tgw.ref, ['10.20.0.0/16']);
spoke.network!.attachToTransitGateway('Hub', tgw.ref, ['10.0.0.0/16']);
export { app, stack, hubNetwork, hub, spoke, tgw };
