// Generated from docs/access-and-ci.md (CI from GitHub Actions) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { ApiAccessPolicy, PrivateCiRunner, PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'PrivateEksCi');
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  additionalEndpoints: ['eks'], // the build's `aws eks update-kubeconfig`
});

new PrivateCiRunner(stack, 'CiRunner', {
  cluster: cluster.cluster,
  accessPolicy: ApiAccessPolicy.EDIT,
  namespaces: ['apps'],
  buildSpec: codebuild.BuildSpec.fromObject({
    version: '0.2',
    phases: {
      build: {
        commands: [
          'aws eks update-kubeconfig --name "$CLUSTER_NAME" --region "$AWS_REGION"',
          'kubectl get nodes',
        ],
      },
    },
  }),
  gitHub: { repository: 'my-org/platform', environments: ['production'] },
});
export { app, stack, cluster };
