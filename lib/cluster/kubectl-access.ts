import { Annotations, CfnElement, RemovalPolicy, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ClusterCaches } from './caches';
import { ClusterLogs } from './control-plane';
import { EndpointNeeds } from './endpoint-needs';
import { PodSecurityStandard } from './props';
import { rawValue } from '../check/tree-facts';
import { KUBECTL_LAYER_NEWEST, kubectlLayerPackage } from '../contracts/kubernetes-versions';
import { acknowledgeFindings, logicalIdOf } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { chartVersionProblem } from '../workloads/chart-version';
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
  /** The Pod Security Admission labels of the namespaces it creates or applies (`podSecurity`, `privilegedNamespaces`). */
  readonly podSecurity?: PodSecurityLabels;
}

/** What the namespaces are labelled with. */
export interface PodSecurityLabels {
  /** `baseline` or `restricted`. */
  readonly enforce: PodSecurityStandard;
  /** Namespace to reason: labelled `enforce: privileged`. */
  readonly privilegedNamespaces: { [namespace: string]: string };
}

/**
 * Pod Security Admission's labels (https://kubernetes.io/docs/concepts/security/pod-security-admission/, "Pod Security
 * Admission labels for namespaces", read 2026-12-07): `pod-security.kubernetes.io/<MODE>` and `<MODE>-version`, MODE
 * one of enforce, audit, warn; a version is `v<major>.<minor>` or `latest`.
 */
const PSA = 'pod-security.kubernetes.io';
/** Levels from the widest to the narrowest (pod-security-standards). */
const PSA_LEVELS = ['privileged', 'baseline', 'restricted'];

interface KubectlHandler {
  readonly provider: eks.KubectlProvider;
  readonly target: eks.ICluster;
  readonly admin: eks.AccessEntry;
}

/** The kubectl handler of one cluster, created on first use, and the manifests and charts it applies. */
export class KubectlAccess {
  private handler?: KubectlHandler;
  /** The library's own Namespace objects (granted namespaces), while no manifest of the user's declares them. */
  private granted?: { manifest: eks.KubernetesManifest; objects: Record<string, any>[] };

  constructor(private readonly props: KubectlAccessProps) {
    for (const [ns, reason] of Object.entries(props.podSecurity?.privilegedNamespaces ?? {})) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) {
        throw misuse(props.owner, `privilegedNamespaces: "${ns}" is not a Kubernetes namespace name`, 'use lowercase letters, digits and hyphens (at most 63)');
      }
      if (typeof reason !== 'string' || reason.trim() === '') {
        throw misuse(props.owner, `privilegedNamespaces: "${ns}" has no reason`, `say why its pods need the node: privilegedNamespaces: { '${ns}': 'the CSI node driver mounts host paths' }`);
      }
    }
  }

  /** The kubectl handler, once a manifest, chart or service account created it. */
  public get provider(): eks.KubectlProvider | undefined {
    return this.handler?.provider;
  }

  /** Fails, naming the caller (a public method of the owner), when there is no kubectl layer to build the handler from. */
  public checkLayer(caller: string) {
    if (this.props.kubectlLayer) return;
    const minor = /^1\.(\d+)$/.exec(this.props.version.version)?.[1];
    // Name the layer package only when npm has it (kubernetes-versions.ts, KUBECTL_LAYER_NEWEST).
    const layer = minor !== undefined ? kubectlLayerPackage(Number(minor)) : undefined;
    const newest = kubectlLayerPackage(KUBECTL_LAYER_NEWEST.minor)!;
    throw misuse(this.props.owner, `${caller} needs kubectl, and no kubectlLayer was given`,
      layer ? `install ${layer.packageName} and pass kubectlLayer: new ${layer.className}(this, 'KubectlLayer')`
        : `npm has no kubectl layer package for Kubernetes ${this.props.version.version} (the newest is ${newest.packageName}): `
          + `use a version with one, and pass kubectlLayer: new ${newest.className}(this, 'KubectlLayer')`,
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
    manifest = this.props.caches.rewrite(manifest.map(o => this.withPodSecurity(o, caller)));
    const m = new eks.KubernetesManifest(scope, id, { cluster: target, manifest });
    this.dependOnKubectl(m);
    this.props.caches.warmBefore(m, ImageInventory.fromManifests(manifest).map(u => u.image));
    return m;
  }

  /** A Helm chart installed by the handler, in `scope`, after the first nodegroup. */
  public chart(scope: Construct, id: string, options: eks.HelmChartOptions, caller: string): eks.HelmChart {
    const versionProblem = options.version !== undefined && !Token.isUnresolved(options.version) ? chartVersionProblem(options.version) : undefined;
    if (versionProblem) {
      throw misuse(scope, `chart ${options.chart ?? options.repository}: version ${versionProblem}: it matches no chart, so the install fails at deploy`,
        'write the chart\'s version as published (helm search repo <chart> --versions, or the OCI tag), such as \'1.0.0\'');
    }
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

  /**
   * Creates the namespaces an access grant names (`accessNamespaces`), labelled with Pod Security Admission through
   * the handler (cluster admin: edit rights in a namespace cannot relabel it). A namespace a manifest of the user's
   * declares later is taken out of this manifest, and the user's object gets the labels instead (one owner each).
   * A prefix (`apps*`) names namespaces that do not exist yet: it cannot be labelled, and a warning says so.
   */
  public grantNamespaces(names: string[], caller: string) {
    if (!this.props.podSecurity) return;
    const prefixes = names.filter(n => Token.isUnresolved(n) || n.endsWith('*'));
    if (prefixes.length > 0) {
      Annotations.of(this.props.owner).addWarningV2('cdk-private-eks:namespacesNotLabelled',
        `${caller}: ${prefixes.join(', ')} name${prefixes.length > 1 ? '' : 's'} no namespace the library can create, so no Pod Security label is applied there, and edit rights in an unlabelled namespace admit privileged pods (root on the nodes). `
        + 'Fix: name each namespace, or create and label them yourself (pod-security.kubernetes.io/enforce: baseline), then acknowledge this warning.');
    }
    const exact = names.filter(n => !prefixes.includes(n));
    if (exact.length === 0) return;
    if (!this.props.kubectlLayer) {
      Annotations.of(this.props.owner).addWarningV2('cdk-private-eks:namespacesNotLabelled',
        `${caller}: ${exact.join(', ')} cannot be created with Pod Security labels without the kubectl handler (no kubectlLayer), and edit rights in an unlabelled namespace admit privileged pods (root on the nodes). `
        + 'Fix: pass kubectlLayer, or create and label them yourself (pod-security.kubernetes.io/enforce: baseline), then acknowledge this warning.');
      return;
    }
    const { target } = this.handlerFor('addManifest');
    // The same array is read when the template is written (aws-eks-v2 serialises `manifest` lazily), so a namespace
    // taken out later is not applied twice.
    const objects = exact.map(name => this.withPodSecurity({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, caller));
    const manifest = new eks.KubernetesManifest(this.props.owner, 'PodSecurityNamespaces', { cluster: target, manifest: objects });
    this.dependOnKubectl(manifest);
    this.granted = { manifest, objects };
  }

  /** A Namespace object with the Pod Security labels merged; any other object as it is. */
  private withPodSecurity(obj: Record<string, any>, caller: string): Record<string, any> {
    const settings = this.props.podSecurity;
    const name = obj?.metadata?.name;
    if (!settings || obj?.kind !== 'Namespace' || typeof name !== 'string' || Token.isUnresolved(name)) return obj;
    // The user's Namespace owns it from now on: the library's copy is dropped (and its manifest when it holds no other).
    if (this.granted && this.granted.objects.some(o => o.metadata.name === name)) {
      this.granted.objects.splice(this.granted.objects.findIndex(o => o.metadata.name === name), 1);
      if (this.granted.objects.length === 0) {
        this.props.owner.node.tryRemoveChild(this.granted.manifest.node.id);
        this.granted = undefined;
      }
    }
    const labels: Record<string, string> = { ...(obj.metadata.labels ?? {}) };
    const privileged = Object.prototype.hasOwnProperty.call(settings.privilegedNamespaces, name);
    const floor = privileged ? 'privileged' : settings.enforce;
    const asked = labels[`${PSA}/enforce`];
    if (asked !== undefined && !privileged && (Token.isUnresolved(asked) || PSA_LEVELS.indexOf(asked) < PSA_LEVELS.indexOf(floor))) {
      throw misuse(this.props.owner, `${caller}: Namespace "${name}" sets ${PSA}/enforce: ${asked}, weaker than the cluster's podSecurity (${floor}); `
        + 'pods there could be privileged or use the host\'s namespaces and paths, root on the nodes',
      `remove the label (the library sets ${floor}), or name the namespace with the reason: privilegedNamespaces: { '${name}': '<why its pods need the node>' }`);
    }
    const keepOwn = asked !== undefined && !privileged;
    const minor = /^1\.\d+$/.test(this.props.version.version) ? `v${this.props.version.version}` : 'latest';
    labels[`${PSA}/enforce`] = keepOwn ? asked : floor;
    labels[`${PSA}/enforce-version`] = keepOwn ? (labels[`${PSA}/enforce-version`] ?? minor) : minor;
    for (const mode of ['warn', 'audit']) {
      labels[`${PSA}/${mode}`] ??= 'restricted';
      labels[`${PSA}/${mode}-version`] ??= 'latest';
    }
    return { ...obj, metadata: { ...obj.metadata, labels } };
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
