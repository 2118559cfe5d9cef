// Generated from docs/gitops-and-upgrades.md (Managed Argo CD with a private UI) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ArgoCdRole, IdentityCenterIdentityType, PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'GitOps');
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
});

cluster.addArgoCd({
  identityCenter: {
    instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
    roleMappings: [
      { role: ArgoCdRole.ADMIN, identities: [{ id: 'a1b2c3d4-platform-admins', type: IdentityCenterIdentityType.GROUP }] },
      { role: ArgoCdRole.VIEWER, identities: [{ id: 'a1b2c3d4-developers', type: IdentityCenterIdentityType.GROUP }] },
    ],
  },
  // The corporate network (VPN, Direct Connect) reaches the UI through an endpoint in the cluster's VPC.
  uiAccess: { allowedCidrs: ['10.100.0.0/16'] },
  kubernetesAccess: { namespaces: ['apps', 'team-a'] },
  repositories: {
    ecrRepositoryArns: [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: 'charts/apps' })],
  },
});
app.synth();
export { app, stack, cluster };
