// Generated from README.md (Quick start) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'PrivateEks', { env: { region: 'eu-west-1' } }); // the region turns on the region checks

const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,                    // the only required prop
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'), // kubectl + helm for the bastion
  // CloudWatch metrics for the agent: an endpoint the default does not create
  // (the default: ec2, ecr.api, ecr.dkr, eks-auth, ssm, ssmmessages, logs, and the s3 gateway).
  additionalEndpoints: ['monitoring'],
});

// The parts are public: extend the node role, make a role cluster admin (an access entry), use the aws-eks-v2 cluster.
cluster.nodeRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'));
cluster.grantClusterAdmin('OpsAdmin', 'arn:aws:iam::123456789012:role/ops');
export { app, stack, cluster };
