/**
 * Reaching a fully private cluster from a laptop and from CI, with no public endpoint and no NAT.
 *
 * People: an API relay (`ApiRelay`: an instance with no inbound rule and no cluster permissions, in the private
 * subnets) forwards a Session Manager tunnel to the API endpoint's hostname on 443 and nowhere else. Each team signs in
 * with its IAM Identity Center permission set, whose role gets its own access entry and policy (the platform team edits
 * `apps`, SREs view the cluster), and the permission sets reference the customer managed policy
 * `private-eks-api-tunnel`, which allows the tunnel only.
 *
 * Pipelines: a CodeBuild project in the node subnets (`PrivateCiRunner`) with an access entry that edits `apps`,
 * started by GitHub Actions through OIDC (the `production` environment of my-org/platform only). Its image, with
 * kubectl and helm, is in this account's ECR (`ci-tools:kubectl-1.36`): nothing is downloaded from the internet.
 *
 *   npx cdk synth --app 'npx ts-node --transpile-only --swc -P examples/tsconfig.json examples/access-and-ci/app.ts'
 *
 * The roles default to placeholders of the documentation account 111122223333; set your own with context, added to
 * that command: -c platformRoleArn=arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_Platform_<suffix>
 * -c sreRoleArn=arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_SRE_<suffix>. Then
 * `npx cdk deploy AccessAndCiEks`, and the ApiRelay's KubeconfigCommand output (docs/access-and-ci.md).
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ApiAccessPolicy, ApiRelay, PrivateCiRunner, PrivateEksCluster } from '../../lib';

const PLACEHOLDER_SSO = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_';

export class AccessAndCiStack extends Stack {
  public readonly eks: PrivateEksCluster;
  public readonly relay: ApiRelay;
  public readonly runner: PrivateCiRunner;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      // The runner's build runs `aws eks update-kubeconfig`, which calls the EKS API: its endpoint (PEKS-ACCESS-1 says
      // so when it is missing). The relay needs ssm and ssmmessages, which the bastion's Session Manager already has.
      additionalEndpoints: ['eks'],
    });

    // People: one access entry per team role, with the policy chosen for each.
    this.relay = new ApiRelay(this, 'ApiRelay', { cluster: this.eks.cluster });
    this.relay.addUser('PlatformTeam', {
      principalArn: this.node.tryGetContext('platformRoleArn') ?? `${PLACEHOLDER_SSO}Platform_0123456789abcdef`,
      accessPolicy: ApiAccessPolicy.EDIT,
      namespaces: ['apps'],
    });
    this.relay.addUser('Sre', {
      principalArn: this.node.tryGetContext('sreRoleArn') ?? `${PLACEHOLDER_SSO}SRE_fedcba9876543210`,
      accessPolicy: ApiAccessPolicy.VIEW,
    });
    // Referenced by name from both permission sets (customerManagedPolicyReferences: [{ name: 'private-eks-api-tunnel' }]).
    this.relay.portForwardPolicy('TunnelPolicy', 'private-eks-api-tunnel');

    // Pipelines: a CodeBuild project in the VPC, started from GitHub Actions.
    this.runner = new PrivateCiRunner(this, 'CiRunner', {
      cluster: this.eks.cluster,
      accessPolicy: ApiAccessPolicy.EDIT,
      namespaces: ['apps'],
      buildImage: codebuild.LinuxBuildImage.fromEcrRepository(ecr.Repository.fromRepositoryName(this, 'CiTools', 'ci-tools'), 'kubectl-1.36'),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          build: {
            commands: [
              'aws eks update-kubeconfig --name "$CLUSTER_NAME" --region "$AWS_REGION"',
              'kubectl get nodes',
              'kubectl -n apps rollout status deployment --timeout=5m',
            ],
          },
        },
      }),
      gitHub: { repository: 'my-org/platform', environments: ['production'] },
    });
  }
}

export function build(app: App): Stack[] {
  return [new AccessAndCiStack(app, 'AccessAndCiEks')];
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
