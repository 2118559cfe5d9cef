// Generated from docs/existing-or-shared-vpc.md (A VPC your network stack builds) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EndpointCatalogue, NodeEndpoints, PrivateEksCluster, PrivateNetwork } from '../../lib';

const app = new App();
const networkStack = new Stack(app, 'SharedNetwork');
const network = new PrivateNetwork(networkStack, 'Network', { cidr: '10.20.0.0/16' });
new NodeEndpoints(networkStack, 'Endpoints', {
  vpc: network.vpc,
  // What the nodes, the SSM bastion (with its session logs) and Pod Identity (the vpc-cni add-on's role) call.
  services: [...EndpointCatalogue.interfaceServicesFor({ ssmBastion: true, logShipping: true, podIdentity: true })],
});

const clusterStack = new Stack(app, 'ExistingVpcEks');
new PrivateEksCluster(clusterStack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(clusterStack, 'KubectlLayer'),
  vpc: network.vpc,
  createVpcEndpoints: false,
});
export { app, networkStack, network, clusterStack };
