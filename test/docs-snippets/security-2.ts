// Generated from docs/security.md (DNS exfiltration and the DNS firewall) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { DnsFirewallAction, PrivateEksCluster } from '../../lib';

const app = new App();
const stack = new Stack(app, 'FirewalledEks', { env: { account: '111111111111', region: 'eu-west-1' } });
new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  // ALERT on the first deploy; read the query log; then BLOCK (the default).
  dnsFirewall: { action: DnsFirewallAction.ALERT },
});
export { app, stack };
