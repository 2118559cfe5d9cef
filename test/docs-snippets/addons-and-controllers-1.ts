// Generated from docs/addons-and-controllers.md (Add-ons and controllers) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Aws, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { PrivateEksCluster } from '../../lib';

const stack = new Stack(new App(), 'Platform', { env: { account: '111122223333', region: 'eu-west-2' } });
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
});
const ecr = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`;

// An EKS add-on: a Pod Identity role with AmazonEBSCSIDriverPolicy, the agent, and the ec2 and eks-auth endpoints.
cluster.addAddon('aws-ebs-csi-driver');

// Shield, WAF and WAFv2 off, region and VPC given, an IRSA role, the elasticloadbalancing and sts endpoints.
// The chart and the image come from this account's ECR (copied there with helm pull/push and docker/crane).
cluster.addLoadBalancerController({
  version: eks.AlbControllerVersion.V3_2_2,
  chartRepository: `oci://${ecr}/charts/aws-load-balancer-controller`,
  image: `${ecr}/aws-load-balancer-controller:v3.2.2`,
});

// settings.isolatedVPC, the cluster endpoint, a node role with an EC2_LINUX access entry and a pre-created instance
// profile (IAM has no endpoint), the interruption queue and its EventBridge rules (five from Karpenter 1.10: the
// capacity-reservation interruption warning; four before), a Pod Identity role, the ec2, ssm, sqs and eks-auth
// endpoints, and a default EC2NodeClass and NodePool.
cluster.addKarpenter({
  version: '1.14.0',
  chartRepository: `oci://${ecr}/charts/karpenter`,
  image: `${ecr}/karpenter/controller:1.14.0`,
});
export { stack, cluster, ecr };
