// Generated from docs/existing-or-shared-vpc.md (A VPC shared from a network account) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'SharedVpcEks', { env: { account: '123456789012', region: 'ap-northeast-2' } });
const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: 'vpc-0123456789abcdef0' });

new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  vpc,
  createVpcEndpoints: false,
  features: { irsa: true },
  // The network team runs these endpoints (and the S3 gateway) for every subnet of the shared VPC. Two serve
  // defaults: eks-auth the vpc-cni add-on's own Pod Identity role (vpcCniRole: false turns it off), logs the
  // bastion's session logging (bastionOptions: { sessionLogging: false } turns it off).
  existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'eks-auth', 'ssm', 'ssmmessages', 'logs'],
});
export { app, stack, vpc };
