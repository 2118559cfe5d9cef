/**
 * The default set-up: every default of PrivateEksCluster, with the newest Kubernetes version that has a kubectl
 * layer package (1.36, @aws-cdk/lambda-layer-kubectl-v36).
 *
 * Nodes run in private isolated subnets (no NAT gateway, no internet route) and join through the ec2, ecr.api and
 * ecr.dkr interface endpoints and the S3 gateway endpoint; the API server endpoint is private; an SSM bastion with
 * kubectl administers the cluster.
 *
 * The workload (on by default, `workload: false` leaves it out): a namespace applied by the kubectl handler, which
 * the first manifest creates in the node subnets, a service account whose pods get an IAM role through EKS Pod
 * Identity (the agent add-on, an association, the eks-auth endpoint), and a public image with no NAT: busybox from
 * ECR Public through the ECR pull-through cache, which the warm-up (a function outside the VPC) fills at deploy before
 * the Deployment is applied, so the nodes pull it from this account's ECR through the endpoints.
 *
 *   npx cdk synth                      # no AWS account needed
 *   npx cdk deploy FullyPrivateEks     # needs an account and a bootstrapped environment
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { PrivateEksCluster, Upstream } from '../../lib';

/** A small, well-known public image (Docker's official busybox, mirrored on ECR Public). */
export const CACHED_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

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
      // ECR Public through the pull-through cache: rewritten to <account>.dkr.ecr.<region>.amazonaws.com/ecr-public/...
      // and warmed at deploy (warmImages, the default).
      this.eks.addPullThroughCache('ImageCache', { rules: [{ upstream: Upstream.ECR_PUBLIC }], rewriteImages: true });
      const cached = this.eks.addManifest('CachedImage', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cache-proof', namespace: 'apps', labels: { app: 'cache-proof' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'cache-proof' } },
          template: {
            metadata: { labels: { app: 'cache-proof' } },
            spec: {
              securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [{
                name: 'busybox',
                image: CACHED_IMAGE,
                command: ['sh', '-c', 'echo "pulled through the ECR pull-through cache with no NAT"; while true; do sleep 3600; done'],
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              }],
            },
          },
        },
      });
      cached.node.addDependency(namespace);
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
