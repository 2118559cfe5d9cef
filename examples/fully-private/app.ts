/**
 * The default set-up: every default of PrivateEksCluster, with the newest Kubernetes version that has a kubectl
 * layer package (1.36, @aws-cdk/lambda-layer-kubectl-v36).
 *
 * Nodes run in private isolated subnets (no NAT gateway, no internet route) and join through the ec2, ecr.api and
 * ecr.dkr interface endpoints and the S3 gateway endpoint; the API server endpoint is private; an SSM bastion with
 * kubectl administers the cluster.
 *
 * The workload (on by default, `workload: false` leaves it out): a namespace applied by the kubectl handler, which
 * the first manifest creates in the node subnets, and a service account whose pods get an IAM role through EKS Pod
 * Identity (the agent add-on, an association, the eks-auth endpoint).
 *
 *   npx cdk synth                      # no AWS account needed
 *   npx cdk deploy FullyPrivateEks     # needs an account and a bootstrapped environment
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { PrivateEksCluster } from '../../lib';

export interface FullyPrivateStackProps extends StackProps {
  /**
   * Deploy the sample workload (a namespace and a Pod Identity service account).
   * @default true
   */
  readonly workload?: boolean;
}

export class FullyPrivateStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: FullyPrivateStackProps = {}) {
    super(scope, id, props);
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
    });
    if (props.workload ?? true) {
      const namespace = this.eks.addManifest('AppsNamespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'apps' },
      });
      const reader = this.eks.addServiceAccount('Reader', { name: 'reader', namespace: 'apps' });
      reader.node.addDependency(namespace);
      // Grant the pods of `apps/reader` what they need, for example:
      // bucket.grantRead(reader.role);
    }
  }
}

export function build(app: App): Stack[] {
  return [new FullyPrivateStack(app, 'FullyPrivateEks')];
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
