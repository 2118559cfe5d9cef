/**
 * A platform in a fully private cluster: the EBS CSI driver (EKS add-on, Pod Identity), the AWS Load Balancer
 * Controller and Karpenter, each with the endpoints, identity and settings its contract (`ComponentContracts`) names,
 * managed Argo CD with its UI on a private endpoint, and nothing pulled from the internet.
 *
 * Before deploying, copy the two charts and their images into this account's ECR in the stack's region (the nodes and
 * the kubectl handler have no internet route):
 *
 *   helm pull eks/aws-load-balancer-controller --version 3.2.2           # https://aws.github.io/eks-charts
 *   helm push aws-load-balancer-controller-3.2.2.tgz oci://<account>.dkr.ecr.<region>.amazonaws.com/charts
 *   helm pull oci://public.ecr.aws/karpenter/karpenter --version 1.14.0
 *   helm push karpenter-1.14.0.tgz oci://<account>.dkr.ecr.<region>.amazonaws.com/charts
 *   # and the images public.ecr.aws/eks/aws-load-balancer-controller:v3.2.2 and public.ecr.aws/karpenter/controller:1.14.0
 *   # to <account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller and .../karpenter/controller
 *
 *   npx cdk synth --app 'npx ts-node --prefer-ts-exts -P examples/tsconfig.json examples/platform/app.ts'
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Aws, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ArgoCdRole, IdentityCenterIdentityType, PrivateEksCluster } from '../../lib';

export class PlatformStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const ecr = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`;
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      // Before each deploy, a function compares the running version with this one and stops a jump or a downgrade.
      upgradeGuard: true,
    });

    // Volumes: the EBS CSI driver with a Pod Identity role (AmazonEBSCSIDriverPolicy) and the ec2 and eks-auth endpoints.
    this.eks.addAddon('aws-ebs-csi-driver');

    // Load balancers: Shield, WAF and WAFv2 off, an IRSA role, the elasticloadbalancing and sts endpoints.
    this.eks.addLoadBalancerController({
      // v3.2.2, the newest aws-cdk-lib 2.276 names: its IAM policy (aws-eks-v2/lib/addons/alb-iam_policy-v3.2.2.json) is the
      // same document as v2.17.1's and as upstream's docs/install/iam_policy.json @ v3.2.2, and chart 3.2.2 keeps the
      // values the library sets (enableShield, enableWaf, enableWafv2, clusterName, region, vpcId; read 2026-12-07).
      version: eks.AlbControllerVersion.V3_2_2,
      chartRepository: `oci://${ecr}/charts/aws-load-balancer-controller`,
      image: `${ecr}/aws-load-balancer-controller:v3.2.2`,
    });

    // Nodes on demand: isolatedVPC, a pre-created instance profile, the interruption queue, the ssm and sqs endpoints.
    this.eks.addKarpenter({
      version: '1.14.0',
      chartRepository: `oci://${ecr}/charts/karpenter`,
      image: `${ecr}/karpenter/controller:1.14.0`,
    });

    // GitOps: managed Argo CD (EKS Capabilities). Its UI is reached from the corporate network (10.100.0.0/16, over VPN or
    // Direct Connect) through an eks-capabilities endpoint in this VPC; it deploys into the namespaces named, and reads
    // charts from this account's ECR only. Replace the Identity Center instance and group with yours.
    this.eks.addArgoCd({
      identityCenter: {
        instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
        roleMappings: [{ role: ArgoCdRole.ADMIN, identities: [{ id: 'a1b2c3d4-0000-1111-2222-platformteam', type: IdentityCenterIdentityType.GROUP }] }],
      },
      uiAccess: { allowedCidrs: ['10.100.0.0/16'] },
      kubernetesAccess: { namespaces: ['apps'] },
      repositories: { ecrRepositoryArns: [this.formatArn({ service: 'ecr', resource: 'repository', resourceName: 'charts/apps' })] },
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
