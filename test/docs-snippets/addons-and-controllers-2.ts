// Generated from docs/addons-and-controllers.md (Controllers on dedicated system nodes) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { PrivateEksCluster } from '../../lib';

const stack = new Stack(new App(), 'Platform', { env: { account: '111122223333', region: 'eu-west-2' } });
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
  // Two t3.large nodes for coredns, Karpenter and the Load Balancer Controller; tenants' pods stay off them.
  systemNodes: { instanceTypes: [new ec2.InstanceType('t3.large')], desiredSize: 2 },
});
const ecr = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`;

cluster.addKarpenter({
  version: '1.14.0',
  chartRepository: `oci://${ecr}/charts/karpenter`,
  image: `${ecr}/karpenter/controller:1.14.0`,
});
cluster.addLoadBalancerController({
  version: eks.AlbControllerVersion.V3_2_2,
  chartRepository: `oci://${ecr}/charts/aws-load-balancer-controller`,
  image: `${ecr}/aws-load-balancer-controller:v3.2.2`,
});
export { stack, cluster, ecr };
