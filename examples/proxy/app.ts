/**
 * A private cluster whose hosts reach public registries and Helm chart repositories through the organisation's
 * HTTP(S) proxy, in an egress VPC reached over a Transit Gateway; the AWS services stay behind the cluster's own
 * endpoints, which the generated NO_PROXY keeps off the proxy.
 *
 * - The nodes get the proxy in containerd's and kubelet's environment (systemd drop-ins, before they join), so a
 *   Deployment of registry.k8s.io's pause image pulls through it; the kubectl handler gets it in its environment, so
 *   Helm fetches the metrics-server chart from its public repository through it; the bastion's shells get it too.
 * - The synth-time check proves the route from the node and handler subnets to the proxy's CIDR (PEKS-PROXY-1), and
 *   counts the images and the chart as reached because the proxy lets their hosts through.
 *
 * The Transit Gateway ID is the network team's (recorded beside this file, as cdk.context.json records lookups).
 *
 *   npx cdk synth --app 'npx ts-node --transpile-only --swc --prefer-ts-exts -P examples/tsconfig.json examples/proxy/app.ts'
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { PrivateEksCluster } from '../../lib';

/** The egress network, as the network team gives it: the proxy's URL and CIDR, and the Transit Gateway. */
const egress: { proxyUrl: string; proxyCidr: string; transitGatewayId: string } = JSON.parse(fs.readFileSync(path.join(__dirname, 'egress-network.json'), 'utf8'));

export class ProxiedStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      network: { cidr: '10.40.0.0/16' },
      proxy: {
        url: egress.proxyUrl,
        proxyCidrs: [egress.proxyCidr],
        hosts: ['registry.k8s.io', '.pkg.dev', 'kubernetes-sigs.github.io', '.githubusercontent.com'],
      },
    });
    this.eks.network!.attachToTransitGateway('Egress', egress.transitGatewayId, [egress.proxyCidr]);

    this.eks.addHelmChart('MetricsServer', {
      chart: 'metrics-server',
      repository: 'https://kubernetes-sigs.github.io/metrics-server/',
      version: '3.12.2',
      namespace: 'kube-system',
      values: { image: { repository: 'registry.k8s.io/metrics-server/metrics-server', tag: 'v0.7.2' } },
    });
    this.eks.addManifest('Pause', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'through-the-proxy', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'through-the-proxy' } },
        template: {
          metadata: { labels: { app: 'through-the-proxy' } },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'pause',
              image: 'registry.k8s.io/pause:3.10',
              resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '16Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    });
  }
}

export function build(app: App): Stack[] {
  return [new ProxiedStack(app, 'ProxiedEks', { env: { account: '111111111111', region: 'eu-west-1' } })];
}

if (require.main === module) {
  // The lookups of the placeholder accounts, recorded beside this file (cdk.context.json): the header's command runs
  // without AWS credentials. Context from the CLI (a real cdk.context.json, -c) takes precedence over these.
  const app = new App({ context: JSON.parse(fs.readFileSync(path.join(__dirname, 'cdk.context.json'), 'utf8')) });
  build(app);
  app.synth();
}
