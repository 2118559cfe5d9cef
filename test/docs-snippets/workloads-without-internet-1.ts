// Generated from docs/workloads-without-internet.md (ECR pull-through cache, built in) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PrivateEksCluster, Upstream } from '../../lib';

const app = new App();
const stack = new Stack(app, 'Workloads');
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
});

cluster.addPullThroughCache('ImageCache', {
  rules: [
    { upstream: Upstream.ECR_PUBLIC },
    { upstream: Upstream.KUBERNETES },
    // Docker Hub needs credentials: a secret you create, named ecr-pullthroughcache/..., passed by reference.
    { upstream: Upstream.DOCKER_HUB, credentials: secretsmanager.Secret.fromSecretNameV2(stack, 'Hub', 'ecr-pullthroughcache/docker-hub') },
  ],
  rewriteImages: true, // images of manifests added from now on are pulled through the cache
  // warmImages: true (the default): those images are pulled through the cache at deploy, from outside the VPC.
});

cluster.addManifest('Web', {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  // Or written out: cluster.imageUri('nginx:1.27') is <account>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx:1.27
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
});
export { app, stack, cluster };
