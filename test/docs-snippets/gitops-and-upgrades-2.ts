// Generated from docs/gitops-and-upgrades.md (Upgrading a private cluster, one minor at a time) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'Upgrade');
new PrivateEksCluster(stack, 'Eks', {
  // Step 1 of an upgrade from 1.35: the new version, the layer of the new minor, and what runs now.
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  upgradeFrom: eks.KubernetesVersion.of('1.35'),
});
app.synth();
export { app, stack };
