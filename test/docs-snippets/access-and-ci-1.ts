// Generated from docs/access-and-ci.md (From `cdk deploy` to `kubectl get nodes` on a laptop) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { ApiAccessPolicy, ApiRelay, PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'PrivateEks');
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
});

const relay = new ApiRelay(stack, 'ApiRelay', { cluster: cluster.cluster });
// One access entry per team role (an IAM Identity Center permission set's role, with its path), each with its policy.
relay.addUser('Platform', {
  principalArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Platform_0123456789abcdef',
  accessPolicy: ApiAccessPolicy.EDIT,
  namespaces: ['apps'],
});
relay.addUser('Sre', {
  principalArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SRE_fedcba9876543210',
  accessPolicy: ApiAccessPolicy.VIEW,
});
// The tunnel permission, by name, for the permission sets: customerManagedPolicyReferences: [{ name: 'private-eks-api-tunnel' }].
relay.portForwardPolicy('TunnelPolicy', 'private-eks-api-tunnel');
export { app, stack, cluster, relay };
