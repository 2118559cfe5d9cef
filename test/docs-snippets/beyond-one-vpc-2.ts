// Generated from docs/beyond-one-vpc.md (Through an HTTP(S) proxy) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'ProxiedEks', { env: { account: '111111111111', region: 'eu-west-1' } });
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  proxy: { url: 'http://proxy.corp.internal:3128', proxyCidrs: ['10.99.0.0/24'], hosts: ['registry.k8s.io', '.docker.io', 'quay.io'] },
});
cluster.network!.attachToTransitGateway('Egress', 'tgw-0a1b2c3d4e5f60718', ['10.99.0.0/24']);
export { app, stack, cluster };
