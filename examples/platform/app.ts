/**
 * A platform in a fully private cluster: the EBS CSI driver (EKS add-on, Pod Identity), the AWS Load Balancer
 * Controller and Karpenter, each with the endpoints, identity and settings its contract (`ComponentContracts`) names,
 * and nothing pulled from the internet.
 *
 * Before deploying, copy the two charts and their images into this account's ECR in the stack's region (the nodes and
 * the kubectl handler have no internet route):
 *
 *   helm pull eks/aws-load-balancer-controller --version 1.17.1          # https://aws.github.io/eks-charts
 *   helm push aws-load-balancer-controller-1.17.1.tgz oci://<account>.dkr.ecr.<region>.amazonaws.com/charts
 *   helm pull oci://public.ecr.aws/karpenter/karpenter --version 1.14.0
 *   helm push karpenter-1.14.0.tgz oci://<account>.dkr.ecr.<region>.amazonaws.com/charts
 *   # and the images public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1 and public.ecr.aws/karpenter/controller:1.14.0
 *   # to <account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller and .../karpenter/controller
 *
 *   npx cdk synth --app 'npx ts-node --prefer-ts-exts -P examples/tsconfig.json examples/platform/app.ts'
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Aws, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { PrivateEksCluster } from '../../lib';

export class PlatformStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const ecr = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`;
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
    });

    // Volumes: the EBS CSI driver with a Pod Identity role (AmazonEBSCSIDriverPolicy) and the ec2 and eks-auth endpoints.
    this.eks.addAddon('aws-ebs-csi-driver');

    // Load balancers: Shield, WAF and WAFv2 off, an IRSA role, the elasticloadbalancing and sts endpoints.
    this.eks.addLoadBalancerController({
      version: eks.AlbControllerVersion.V2_17_1,
      chartRepository: `oci://${ecr}/charts/aws-load-balancer-controller`,
      image: `${ecr}/aws-load-balancer-controller:v2.17.1`,
    });

    // Nodes on demand: isolatedVPC, a pre-created instance profile, the interruption queue, the ssm and sqs endpoints.
    this.eks.addKarpenter({
      version: '1.14.0',
      chartRepository: `oci://${ecr}/charts/karpenter`,
      image: `${ecr}/karpenter/controller:1.14.0`,
    });
  }
}

export function build(app: App): Stack[] {
  return [new PlatformStack(app, 'PlatformEks')];
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
