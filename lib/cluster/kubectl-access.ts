import { Annotations, CfnElement, RemovalPolicy, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ClusterCaches } from './caches';
import { ClusterLogs } from './control-plane';
import { EndpointNeeds } from './endpoint-needs';
import { rawValue } from '../check/tree-facts';
import { acknowledgeFindings, logicalIdOf } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { ImageInventory } from '../workloads/images';

// The kubectl handler of one `PrivateEksCluster` and what goes through it: the handler (aws-eks-v2's
// `KubectlProvider`, created on first use, with its access entry, log groups and endpoints) and the manifests and
// Helm charts it applies, each after the handler can act, with its images rewritten to the caches and warmed first.

/** What the kubectl handler is built from; `owner` is the L3 (its children are created there, its methods named in errors). */
export interface KubectlAccessProps {
  readonly owner: Construct;
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly nodeSubnets: ec2.SubnetSelection;
  readonly version: eks.KubernetesVersion;
  readonly kubectlLayer?: lambda.ILayerVersion;
  readonly memory?: Size;
  readonly removalPolicy?: RemovalPolicy;
  /** The key and retention of the handler's log groups. */
  readonly logSettings: ClusterLogs;
  readonly needs: EndpointNeeds;
  readonly caches: ClusterCaches;
  /** Makes a construct whose pods need nodes wait for the first nodegroup. */
  readonly afterFirstNodegroup: (c: Construct) => void;
  /** The handler's environment (the proxy's settings), when there is one. */
  readonly environment?: { [key: string]: string };
}

interface KubectlHandler {
  readonly provider: eks.KubectlProvider;
  readonly target: eks.ICluster;
  readonly admin: eks.AccessEntry;
}

/** The kubectl handler of one cluster, created on first use, and the manifests and charts it applies. */
export class KubectlAccess {
  private handler?: KubectlHandler;

  constructor(private readonly props: KubectlAccessProps) {}

  /** The kubectl handler, once a manifest, chart or service account created it. */
  public get provider(): eks.KubectlProvider | undefined {
    return this.handler?.provider;
  }

  /** Fails, naming the caller (a public method of the owner), when there is no kubectl layer to build the handler from. */
  public checkLayer(caller: string) {
    if (this.props.kubectlLayer) return;
    const minor = /^1\.(\d+)$/.exec(this.props.version.version)?.[1] ?? 'NN';
    throw misuse(this.props.owner, `${caller} needs kubectl, and no kubectlLayer was given`,
      `install @aws-cdk/lambda-layer-kubectl-v${minor} and pass kubectlLayer: new KubectlV${minor}Layer(this, 'KubectlLayer')`,
      (this.props.owner as any)[caller]);
  }

  /** Kubernetes manifests applied by the handler, in `scope`. */
  public manifest(scope: Construct, id: string, manifest: Record<string, any>[], caller: string): eks.KubernetesManifest {
    const { target } = this.handlerFor(caller);
    if (manifest.some(m => m?.kind === 'Secret')) {
      Annotations.of(scope).addWarningV2('cdk-private-eks:secretInKubectlLog',
        `A Secret is applied through the kubectl handler (${caller}): its data is in the template, and the handler prints each request to its `
        + 'log group (encrypted with the logs key, kept logRetention). Fix: create the Secret from AWS Secrets Manager in the cluster '
        + '(the Secrets Store CSI driver or External Secrets), or acknowledge this warning if the value is not secret.');
    }
    manifest = this.props.caches.rewrite(manifest);
    const m = new eks.KubernetesManifest(scope, id, { cluster: target, manifest });
    this.dependOnKubectl(m);
    this.props.caches.warmBefore(m, ImageInventory.fromManifests(manifest).map(u => u.image));
    return m;
  }

  /** A Helm chart installed by the handler, in `scope`, after the first nodegroup. */
  public chart(scope: Construct, id: string, options: eks.HelmChartOptions, caller: string): eks.HelmChart {
    const { target } = this.handlerFor(caller);
    // aws-eks-v2's handler pulls an OCI chart as `helm pull <repository> --version <version>` and ignores `chart`
    // (kubectl-handler/helm/__init__.py, get_oci_cmd): the repository must name the chart itself.
    const repo = options.repository;
    if (repo && !Token.isUnresolved(repo) && repo.startsWith('oci://') && options.chart && !Token.isUnresolved(options.chart)
      && repo.replace(/\/+$/, '').split('/').pop() !== options.chart) {
      Annotations.of(scope).addWarningV2('cdk-private-eks:ociChartIgnored',
        `The kubectl handler pulls ${repo} as the chart (helm pull <repository>) and ignores chart "${options.chart}" for an OCI repository. `
        + `Fix: repository: '${repo.replace(/\/+$/, '')}/${options.chart}', or acknowledge this warning if ${repo} is the chart.`);
    }
    const chart = new eks.HelmChart(scope, id, { ...options, cluster: target });
    this.dependOnKubectl(chart);
    this.props.caches.warmBefore(chart, ImageInventory.fromHelmValues(options.values ?? {}).map(u => u.image));
    this.props.afterFirstNodegroup(chart);
    return chart;
  }

  private handlerFor(caller: string): KubectlHandler {
    if (this.handler) return this.handler;
    this.checkLayer(caller);
    const { owner, cluster, vpc, needs } = this.props;
    const vpcConfig = rawValue((cluster.node.defaultChild as eks.CfnCluster).resourcesVpcConfig) as Record<string, unknown> | undefined;
    const inVpc = vpcConfig?.endpointPrivateAccess === true;
    // The handler calls the EKS API (update-kubeconfig); the provider framework calls Lambda and answers through S3.
    if (inVpc) ['eks', 'lambda'].forEach(s => needs.addFeatureEndpoint(s));
    const provider = new eks.KubectlProvider(owner, 'KubectlProvider', {
      cluster,
      kubectlLayer: this.props.kubectlLayer!,
      privateSubnets: inVpc ? vpc.selectSubnets(this.props.nodeSubnets).subnets : undefined,
      memory: this.props.memory,
      removalPolicy: this.props.removalPolicy,
      environment: this.props.environment,
    });
    const handler = provider.node.findChild('Handler');
    acknowledgeFindings(provider, 'kubectlProvider', {
      handler: logicalIdOf(handler.node.defaultChild as CfnElement),
      hasEcrPublic: logicalIdOf(handler.node.findChild('HasEcrPublic') as CfnElement),
    });
    // The functions' log groups (aws-cdk-lib creates them with the @aws-cdk/aws-lambda:useCdkManagedLogGroup flag a
    // new app sets): kept `logRetention` (whatever aws-cdk-lib chose), encrypted with the cluster's logs key. The handler
    // prints every request it gets (kubectl-handler/index.py: `print(json.dumps(dict(event, ...)))`), manifests and
    // Helm values included, Secrets too: the README says so (Security).
    for (const group of provider.node.findAll().filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup)) {
      const { logsEncryptionKey, logRetention } = this.props.logSettings;
      group.kmsKeyId = logsEncryptionKey().keyArn;
      group.retentionInDays = logRetention === logs.RetentionDays.INFINITE ? undefined : logRetention;
    }
    const admin = cluster.grantClusterAdmin('KubectlProviderAdmin', provider.role!.roleArn);
    if (needs.preflight) provider.node.addDependency(needs.preflight);
    const target = eks.Cluster.fromClusterAttributes(owner, 'KubectlTarget', {
      clusterName: cluster.clusterName,
      kubectlProvider: provider,
      vpc,
      clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    });
    this.handler = { provider, target, admin };
    return this.handler;
  }

  /** A kubectl resource runs after the cluster, the handler's access entry and the endpoints the handler uses. */
  private dependOnKubectl(resource: Construct) {
    resource.node.addDependency(this.props.cluster.node.defaultChild!, this.handler!.admin);
    if (this.props.needs.endpoints) resource.node.addDependency(this.props.needs.endpoints);
  }
}
