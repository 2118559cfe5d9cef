import { Aws, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { bastionProxyLines, hubFactsOf, proxyEnvironment, proxyFactsOf, proxyForHosts, secondaryCidrs, useSharedEndpoints } from './beyond-vpc';
import { ClusterCaches } from './caches';
import { ClusterCheckInput, ClusterChecks } from './checks';
import { addManagedAddon, createOrNothing } from './components';
import { ClusterLogs, createControlPlane } from './control-plane';
import { CoreAddons } from './core-addons';
import { EndpointNeeds } from './endpoint-needs';
import { KubectlAccess } from './kubectl-access';
import { NodeOrder } from './node-order';
import { placeInVpc } from './placement';
import { AddNodegroupOptions, AddPullThroughCacheOptions, PodSecurityStandard, PrivateEksClusterProps } from './props';
import { clusterSettings } from './props-checks';
import { checkUpgrade } from './upgrade-checks';
import { addUpgradeParts } from './upgrade-guard';
import { addBastion, addClusterOutputs, addDefaultNodegroup, proveRelayPaths } from './wiring';
import { BastionAccess, BastionClusterAccess, ClusterBastion } from '../bastion/bastion';
import { ArgoCdCapability, ArgoCdCapabilityOptions } from '../capabilities/argocd-capability';
import { derivedDomains, privateZoneNames } from '../check/dns-firewall-rules';
import { HubFacts } from '../check/hub-rules';
import { Finding, JoinModel } from '../check/join-analysis';
import { ProxyFacts } from '../check/proxy-rules';
import { TreeFacts } from '../check/tree-facts';
import { ClusterAddon, ClusterAddonOptions } from '../components/cluster-addon';
import { SYSTEM_ADDON_PLACEMENT, SYSTEM_NODE_TAINT_KEY, SystemPlacement, systemPlacement, systemPlacementProblem } from '../components/host';
import { Karpenter, KarpenterOptions } from '../components/karpenter';
import { deepMerge, LoadBalancerController, LoadBalancerControllerOptions } from '../components/load-balancer-controller';
import { ClusterFeatures, IPrivateEksCluster } from '../components/private-cluster';
import { literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { cloudWatchLogsKey } from '../core/logs-key';
import { proxyHost, proxyPort } from '../core/proxy-values';
import { DnsFirewall, DnsFirewallOptions } from '../network/dns-firewall';
import { EgressProxy } from '../network/egress-proxy';
import { PrivateNetwork } from '../network/network';
import { NodeEndpoints } from '../network/node-endpoints';
import { NetworkPreflight } from '../network/preflight';
import { PrivateNodegroup } from '../nodes/private-nodegroup';
import { WorkloadIdentity, WorkloadServiceAccount, WorkloadServiceAccountOptions } from '../nodes/workload-identity';
import { PullThroughCacheWarmup } from '../workloads/cache-warmup';
import { EcrPullThroughCache } from '../workloads/pull-through-cache';

export * from './props';

// `PrivateEksCluster`, the L3: the list of the parts it composes and the order between them. Each part is in a module
// beside it: the props and their checks (props.ts, props-checks.ts), the VPC and subnets (placement.ts), the endpoint
// bookkeeping and the probe (endpoint-needs.ts), the control plane (control-plane.ts), the bastion and the outputs
// (wiring.ts), the core add-ons (core-addons.ts), the order of the nodes (node-order.ts), the kubectl handler
// (kubectl-access.ts), the pull-through caches (caches.ts), the components it installs (components.ts) and the
// synth-time checks (checks.ts).

/**
 * A fully private Amazon EKS cluster: nodes in subnets with no route to the internet join through VPC endpoints,
 * the API server endpoint is private, and a bastion in the VPC runs kubectl.
 *
 * It composes `PrivateNetwork` (unless you bring a VPC), `NodeEndpoints`, an `aws-eks-v2` `Cluster` (access
 * entries, no Auto Mode), a `PrivateNodegroup` and a `ClusterBastion`; each is usable on its own.
 */
export class PrivateEksCluster extends Construct implements ec2.IConnectable, IPrivateEksCluster {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The network this construct created, when no VPC was given. */
  public readonly network?: PrivateNetwork;
  /** The VPC endpoints created for the nodes and features (undefined with `createVpcEndpoints: false`). */
  public readonly endpoints?: NodeEndpoints;
  /** The EKS cluster. */
  public readonly cluster: eks.Cluster;
  /**
   * The cluster security group's connections (aws-eks-v2's `cluster.connections`, default port 443): the nodes, the
   * bastion and the kubectl handler use this group, so `connections.allowDefaultPortFrom(peer)` admits a peer to the
   * API server and `connections.allowFrom(peer, ec2.Port.tcp(22))` to SSH on the nodes.
   */
  public readonly connections: ec2.Connections;
  /** The default managed nodegroup (undefined with `createDefaultNodegroup: false`). */
  public readonly nodegroup?: eks.Nodegroup;
  /** The dedicated nodegroup of the library's controllers (undefined without `systemNodes`). */
  public readonly systemNodes?: PrivateNodegroup;
  /** The IAM role of the nodes, shared by the default nodegroup and those `addNodegroup()` adds. */
  public readonly nodeRole: iam.Role;
  /** The EKS managed add-ons vpc-cni, kube-proxy and coredns (empty with `coreAddons: false`). */
  public readonly coreAddons: eks.Addon[];
  /** The vpc-cni add-on's own role, through EKS Pod Identity (undefined with `vpcCniRole: false` or `coreAddons: false`). */
  public readonly vpcCniRole?: iam.Role;
  /** Whether the node role carries `AmazonEKS_CNI_Policy` (see `nodeRoleCniPolicy`). */
  public readonly nodeRoleCniPolicy: boolean;
  /** The bastion (undefined with `bastion: false`). */
  public readonly bastion?: ClusterBastion;
  /** The key that encrypts Kubernetes secrets. */
  public readonly secretsEncryptionKey: kms.IKey;
  /** The node subnets. */
  public readonly nodeSubnets: ec2.SubnetSelection;
  /** The API server endpoint access mode. */
  public readonly endpointAccess: eks.EndpointAccess;
  /** The kubectl layer, when given. */
  public readonly kubectlLayer?: lambda.ILayerVersion;
  /** The control plane's log group (undefined with `controlPlaneLogGroup: false` or no log types). */
  public readonly controlPlaneLogGroup?: logs.LogGroup;
  /** The deploy-time network probe (undefined when off; see the `preflight` prop). */
  public readonly preflight?: NetworkPreflight;
  /** The VPC's DNS Firewall (undefined without `dnsFirewall`). */
  public readonly dnsFirewall?: DnsFirewall;

  private readonly needs: EndpointNeeds;
  private readonly addons: CoreAddons;
  private readonly order: NodeOrder;
  private readonly caches: ClusterCaches;
  private readonly kubectl: KubectlAccess;
  private readonly declaredRegistries: string[];
  private readonly downgrades: { [ruleId: string]: string };
  /** `dnsFirewall`, as the checks read it. */
  private readonly dnsFirewallOptions?: DnsFirewallOptions;
  /** `privilegedNamespaces` and `podSecurity`, as the checks read them. */
  private readonly podSecurity: { privilegedNamespaces: { [namespace: string]: string }; enforce: string };
  private readonly version: eks.KubernetesVersion;
  private readonly checks = new ClusterChecks(() => this.checkInput());
  /** The key and retention of the log groups this construct creates. */
  private readonly logSettings: ClusterLogs;
  private logsKey?: kms.Key;
  /** The proxy as the hosts get it (`proxy`, with the generated NO_PROXY). */
  private readonly hostProxy?: EgressProxy;
  /** The hub and the proxy as the checks read them. */
  private readonly beyondVpc: { hub?: HubFacts; proxy?: ProxyFacts };

  constructor(scope: Construct, id: string, props: PrivateEksClusterProps) {
    super(scope, id);
    const settings = clusterSettings(this, props);
    // IRSA through aws-eks-v2's native AWS::IAM::OIDCProvider, not the deprecated custom resource (and its Lambda).
    // An app that sets the flag itself (false keeps an existing cluster's custom-resource provider) decides.
    if (this.node.tryGetContext(NATIVE_OIDC_FLAG) === undefined) this.node.setContext(NATIVE_OIDC_FLAG, true);
    this.kubectlLayer = props.kubectlLayer;
    this.endpointAccess = settings.endpointAccess;
    this.version = props.version;
    this.logSettings = { logsEncryptionKey: () => this.logsEncryptionKey, logRetention: settings.logRetention };
    this.nodeRoleCniPolicy = settings.nodeRoleCniPolicy;
    this.declaredRegistries = settings.declaredRegistries;
    this.downgrades = settings.downgrades;
    // The managed vpc-cni gets its credentials through Pod Identity: the agent and the eks-auth endpoint.
    this.needs = new EndpointNeeds(this, settings.declaredServices, settings.customerRoutedEgress, props.features,
      settings.cniRole ? { podIdentity: true } : {}, settings.hub?.services);

    // 1. The VPC and the subnets; the endpoints of what the clients in the node subnets call (nodes, bastion).
    const placement = placeInVpc(this, props, settings);
    this.vpc = placement.vpc;
    this.network = placement.network;
    this.nodeSubnets = placement.nodeSubnets;
    const bastionServices = settings.withBastion ? ClusterBastion.servicesFor(props.bastionOptions ?? {}, props.kubectlLayer) : [];
    const clientServices = this.needs.clientServices(bastionServices);
    if (settings.createEndpoints) {
      this.endpoints = this.needs.createEndpoints(clientServices, props.additionalEndpoints ?? [], props.restrictEndpointPolicies ?? true, {
        vpc: this.vpc,
        subnets: this.nodeSubnets,
        // The bastion fetches kubectl from S3; its subnets' route tables need the gateway endpoint too.
        additionalGatewaySubnets: placement.bastionSubnets && placement.bastionAccess === BastionAccess.SSM ? [placement.bastionSubnets] : [],
        lookupSupportedAzs: props.lookupSupportedAzs,
      });
    }

    // 2. The control plane (secrets key, cluster, log group).
    const controlPlane = createControlPlane(this, props, settings, placement, this.logSettings, this.endpoints);
    this.secretsEncryptionKey = controlPlane.secretsEncryptionKey;
    this.cluster = controlPlane.cluster;
    this.controlPlaneLogGroup = controlPlane.controlPlaneLogGroup;
    this.connections = this.cluster.connections;
    // Upgrades: the synth-time check with upgradeFrom, and the guard the cluster's update waits for.
    addUpgradeParts(this, this.cluster, { ...props, clusterName: settings.clusterName },
      () => ({ key: this.logsEncryptionKey, retention: settings.logRetention }),
      from => checkUpgrade({
        owner: this,
        cluster: this.cluster,
        from,
        to: props.version.version,
        kubectlLayer: props.kubectlLayer,
        downgrades: settings.downgrades,
      }));

    this.beyondVpc = {
      hub: settings.hub ? hubFactsOf(settings.hub) : undefined,
      proxy: settings.proxy ? proxyFactsOf(settings.proxy) : undefined,
    };
    this.hostProxy = settings.proxy ? proxyForHosts(this, settings.proxy, this.vpc, this.cluster, this.needs, settings.hub) : undefined;

    // 3. The deploy-time probe, then the bastion, after the endpoints and the probe.
    this.needs.recordClientServices(clientServices);
    // The probe and the doctor accept the hub's addresses for what the hub serves.
    const vpcCidrs = [literalVpcCidr(this.vpc) ?? this.vpc.vpcCidrBlock, ...secondaryCidrs(this.vpc), ...(settings.hub?.hubCidrs ?? [])];
    if (settings.hub) useSharedEndpoints(this, this.vpc, settings.hub);
    if (settings.preflight) {
      this.preflight = this.needs.createPreflight({
        vpc: this.vpc,
        subnets: this.nodeSubnets,
        // The nodes' own security group: the probe goes through the rules the nodes get.
        securityGroups: [this.cluster.clusterSecurityGroup],
        vpcCidrs,
        proxy: settings.proxy ? `${proxyHost(settings.proxy.url)}:${proxyPort(settings.proxy.url)}` : undefined,
        logsEncryptionKey: this.logsEncryptionKey,
        logRetention: settings.logRetention,
      });
      // An ApiRelay of this cluster (added now or later) is proven too: the endpoint on 443 from its subnet.
      proveRelayPaths(this.cluster, this.preflight);
    }
    if (settings.withBastion) this.bastion = addBastion(this, props, placement, this.cluster, this.logSettings, this.needs, vpcCidrs);
    if (this.bastion && this.hostProxy) this.bastion.instance.addUserData(...bastionProxyLines(this.hostProxy));
    // The bastion's shell uses the proxy: its port, at its addresses (every address when proxyCidrs are not given).
    if (this.bastion && settings.proxy) {
      for (const peer of settings.proxy.proxyCidrs?.map(c => ec2.Peer.ipv4(c)) ?? [ec2.Peer.anyIpv4()]) {
        this.bastion.securityGroup.addEgressRule(peer, ec2.Port.tcp(proxyPort(settings.proxy.url)), 'The egress proxy (HTTPS_PROXY of the shell)');
      }
    }

    // 4. The node role, the core add-ons, then the nodes (after the endpoints, the probe and the add-ons they need).
    this.nodeRole = PrivateNodegroup.createNodeRole(this, 'NodeRole', { cniPolicy: this.nodeRoleCniPolicy });
    this.addons = new CoreAddons(this, this.cluster);
    this.coreAddons = this.addons.addons;
    if (settings.coreAddons) this.addons.create();
    if (settings.cniRole) this.vpcCniRole = this.addons.giveVpcCniItsRole(this.nodeRole);
    this.order = new NodeOrder(this.needs, this.addons);
    this.caches = new ClusterCaches(this, this.logSettings);
    this.podSecurity = { privilegedNamespaces: props.privilegedNamespaces ?? {}, enforce: props.podSecurity ?? PodSecurityStandard.BASELINE };
    this.kubectl = new KubectlAccess({
      owner: this,
      cluster: this.cluster,
      vpc: this.vpc,
      nodeSubnets: this.nodeSubnets,
      version: props.version,
      kubectlLayer: props.kubectlLayer,
      memory: props.kubectlMemory,
      removalPolicy: props.removalPolicy,
      logSettings: this.logSettings,
      needs: this.needs,
      caches: this.caches,
      afterFirstNodegroup: c => this.order.afterFirstNodegroup(c),
      environment: this.hostProxy ? proxyEnvironment(this.hostProxy) : undefined,
      podSecurity: { enforce: props.podSecurity ?? PodSecurityStandard.BASELINE, privilegedNamespaces: props.privilegedNamespaces ?? {} },
    });
    // The namespaces the bastion may edit exist, labelled with Pod Security Admission (edit rights cannot relabel them).
    if (this.bastion && props.bastionOptions?.clusterAccess === BastionClusterAccess.NAMESPACE_EDIT) {
      this.kubectl.grantNamespaces(props.bastionOptions.accessNamespaces ?? [], 'bastionOptions.accessNamespaces');
    }
    this.nodegroup = addDefaultNodegroup(this, props, this.bastion, (nid, options) => this.addNodegroup(nid, options));
    // The controllers' own nodes (`systemNodes`): tainted so tenants' pods stay off, labelled for the controllers' selector.
    if (props.systemNodes) {
      const system = systemPlacement();
      this.systemNodes = this.addNodegroup('SystemNodes', {
        instanceTypes: props.systemNodes.instanceTypes,
        desiredSize: props.systemNodes.desiredSize ?? 2,
        minSize: props.systemNodes.desiredSize ?? 2,
        maxSize: props.systemNodes.maxSize,
        labels: system.nodeSelector,
        taints: [{ key: SYSTEM_NODE_TAINT_KEY, value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }],
      });
      this.addons.placeCoredns(system);
    }

    this.dnsFirewallOptions = props.dnsFirewall;
    if (props.dnsFirewall) this.dnsFirewall = this.createDnsFirewall(props.dnsFirewall, settings.logRetention);

    // 5. The outputs; every managed nodegroup of this cluster, however it was added (cluster.cluster.addNodegroupCapacity,
    // an L1 in another stack), boots after the endpoints and the CNI and kube-proxy add-ons; the checks run at synth.
    addClusterOutputs(this, this.cluster, this.bastion);
    this.order.orderEveryNodegroup(this.cluster);
    this.node.addValidation({ validate: () => this.checks.validate() });
  }

  /**
   * Adds a managed nodegroup (spot, arm64, labels, taints...) in the node subnets, with the shared node role. It
   * boots only after the endpoints exist, and the synth-time checks cover it like the default nodegroup.
   */
  public addNodegroup(id: string, options: AddNodegroupOptions = {}): PrivateNodegroup {
    // A nodegroup's own proxy on a cluster without one gets the cluster's generated list too (a hub's services and the
    // declared endpoints included), as the cluster's proxy would.
    const hostProxy = this.hostProxy ?? (options.httpsProxy
      ? proxyForHosts(this, { url: options.httpsProxy }, this.vpc, this.cluster, this.needs, this.beyondVpc.hub) : undefined);
    const nodes = new PrivateNodegroup(this, id, {
      ...options,
      cluster: this.cluster,
      subnets: options.subnets ?? this.nodeSubnets,
      role: options.role ?? this.nodeRole,
      httpsProxy: options.httpsProxy ?? hostProxy?.url,
      // A nodegroup's own entries add to the cluster's generated list (the VPC, the API server, the endpoints).
      noProxy: hostProxy || options.noProxy ? [...(hostProxy?.noProxy ?? []), ...(options.noProxy ?? [])] : undefined,
    });
    this.order.nodegroupAdded(nodes);
    return nodes;
  }

  /**
   * Applies Kubernetes manifests through the kubectl handler, which this call creates on first use (in the VPC
   * when the API endpoint has private access, with the cluster security group). Needs `kubectlLayer`.
   */
  public addManifest(id: string, ...manifest: Record<string, any>[]): eks.KubernetesManifest {
    return this.kubectl.manifest(this, `Manifest${id}`, manifest, 'addManifest');
  }

  /**
   * Installs a Helm chart through the kubectl handler. In a VPC with no internet route the chart must come from
   * inside it: an OCI repository in ECR (`oci://<account>.dkr.ecr.<region>.amazonaws.com/<repo>`) or `chartAsset`;
   * a chart from a public repository fails the synth-time checks (PEKS-KUBECTL-2). Needs `kubectlLayer`.
   */
  public addHelmChart(id: string, options: eks.HelmChartOptions): eks.HelmChart {
    return this.kubectl.chart(this, `Chart${id}`, options, 'addHelmChart');
  }

  /**
   * Adds an EKS managed add-on with what its reachability contract (`ComponentContracts`) names: the IAM role of its
   * service account (Pod Identity where the add-on supports it, else IRSA) with its managed policies, and, with
   * `createVpcEndpoints`, the endpoints it calls. An add-on the registry does not know is created as asked; the plan
   * report says it was not checked. It is created after the endpoints and the first nodegroup (its pods need nodes).
   */
  public addAddon(name: string, options: ClusterAddonOptions = {}): ClusterAddon {
    return addManagedAddon({
      owner: this,
      cluster: this.cluster,
      hasCoreAddons: this.coreAddons.length > 0,
      needs: this.needs,
      afterFirstNodegroup: c => this.order.afterFirstNodegroup(c),
    }, name, this.placeAddon(name, options), this.addAddon);
  }

  /**
   * Installs the AWS Load Balancer Controller with the private-cluster settings (Shield, WAF and WAFv2 off; region and
   * VPC given), an IRSA role with its IAM policy, and the `elasticloadbalancing` and `sts` endpoints. The chart and image
   * must come from inside the VPC (`chartRepository` in this region's ECR or `chartAsset`; `image`, or the cluster's
   * pull-through cache). Needs `kubectlLayer`.
   */
  public addLoadBalancerController(options: LoadBalancerControllerOptions): LoadBalancerController {
    this.kubectl.checkLayer('addLoadBalancerController');
    return createOrNothing(this, 'LoadBalancerController', id => new LoadBalancerController(this, id, { ...options, cluster: this }));
  }

  /**
   * Installs Karpenter with the private-cluster settings (`settings.isolatedVPC`, the cluster endpoint given), its node
   * role, access entry and pre-created instance profile, the interruption queue and rules, a Pod Identity role, and the
   * `ec2`, `ssm`, `sqs` and `eks-auth` endpoints. Needs `kubectlLayer`.
   */
  public addKarpenter(options: KarpenterOptions): Karpenter {
    this.kubectl.checkLayer('addKarpenter');
    return createOrNothing(this, 'Karpenter', id => new Karpenter(this, id, { ...options, cluster: this }));
  }

  /**
   * Creates a Kubernetes service account whose pods get an IAM role: through EKS Pod Identity (the agent add-on and
   * an association; the nodes need `eks-auth`) or IRSA (the cluster's OIDC provider; the nodes need `sts`). With
   * `createVpcEndpoints` the endpoint is added. The namespace must exist: make the returned construct depend on
   * the manifest that creates it. Needs `kubectlLayer`.
   */
  public addServiceAccount(id: string, options: WorkloadServiceAccountOptions): WorkloadServiceAccount {
    const identity = options.identity ?? WorkloadIdentity.POD_IDENTITY;
    const podIdentity = identity === WorkloadIdentity.POD_IDENTITY;
    this.needs.add(podIdentity ? { podIdentity: true } : { irsa: true }, [podIdentity ? 'eks-auth' : 'sts']);
    const sa = new WorkloadServiceAccount(this, id, { ...options, identity, cluster: this.cluster });
    // Inside the service account's scope, so `sa.node.addDependency(namespaceManifest)` orders it too.
    this.kubectl.manifest(sa, 'Manifest', [sa.manifestObject], 'addServiceAccount').node.addDependency(sa.role);
    return sa;
  }

  /**
   * Caches upstream registries (ECR Public, registry.k8s.io, Quay, Docker Hub, ...) in this account's ECR with an
   * ECR pull-through cache, so nodes with no internet route pull their images through the ECR endpoints: the node
   * role may pull and import through the cache, and the ECR endpoint policies admit it. `imageUri('nginx:1.27')`
   * gives an image's URI in the cache; `rewriteImages` rewrites the images of manifests added after this call.
   */
  public addPullThroughCache(id: string, options: AddPullThroughCacheOptions): EcrPullThroughCache {
    return this.caches.add(id, options, this.nodeRole, this.endpoints);
  }

  /**
   * The warm-up of a cache added with `addPullThroughCache`, once a manifest or chart deploys one of its images (with
   * `warmImages` on, the default).
   */
  public cacheWarmup(cache: EcrPullThroughCache): PullThroughCacheWarmup | undefined {
    return this.caches.warmupOf(cache);
  }

  /**
   * The URI of an image in this cluster's pull-through cache (`nginx:1.27` ->
   * `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx:1.27`). Fails when no cache rule serves the
   * image's registry, naming the upstream to add.
   */
  public imageUri(image: string): string {
    return this.caches.imageUri(image, this.imageUri);
  }

  /**
   * Adds the managed Argo CD capability (EKS Capabilities) with private UI access (an `eks-capabilities` endpoint in
   * this VPC admitting only the CIDR blocks named, or a hub's endpoints), Identity Center sign-in, a role that reads
   * only the repositories named, Kubernetes permissions on the namespaces named, and registers this cluster by its ARN
   * (a Secret applied through the kubectl handler). Needs `kubectlLayer`.
   */
  public addArgoCd(options: ArgoCdCapabilityOptions): ArgoCdCapability {
    this.kubectl.checkLayer('addArgoCd');
    const argo = new ArgoCdCapability(this, 'ArgoCd', { ...options, cluster: this, logsEncryptionKey: this.logsEncryptionKey });
    this._applyManifest(argo, 'LocalCluster', [argo.localClusterSecret]).node.addDependency(argo.capability);
    return argo;
  }

  /**
   * Makes an IAM principal (role or user ARN) cluster admin through an access entry (`AmazonEKSClusterAdminPolicy`,
   * cluster scope), in the template. The one way to grant cluster admin: it is the aws-eks-v2 cluster's
   * `grantClusterAdmin` (`cluster.cluster.grantClusterAdmin` is the same call), and the bastion's admin entry goes
   * through it. Narrower access: `grantAccess`. See docs/operating.md.
   */
  public grantClusterAdmin(id: string, principalArn: string): eks.AccessEntry {
    return this.cluster.grantClusterAdmin(id, principalArn);
  }

  /** Grants an IAM principal access policies (for example `AmazonEKSViewPolicy` on a namespace) through an access entry. */
  public grantAccess(id: string, principalArn: string, accessPolicies: eks.IAccessPolicy[]): void {
    this.cluster.grantAccess(id, principalArn, accessPolicies);
  }

  /**
   * The KMS key (rotation on, CloudWatch Logs of this account only) that encrypts the log groups of the Lambda
   * functions this construct creates (kubectl handler and provider framework, preflight probes). Created on first use.
   */
  public get logsEncryptionKey(): kms.IKey {
    this.logsKey ??= cloudWatchLogsKey(this, 'LogsKey', `Encryption of the Lambda log groups of ${this.node.path}`);
    return this.logsKey;
  }

  /** The kubectl handler, once a manifest, chart or service account created it. */
  public get kubectlProvider(): eks.KubectlProvider | undefined {
    return this.kubectl.provider;
  }

  /** @internal A Helm chart installed by the kubectl handler, in `scope`. */
  public _installChart(scope: Construct, id: string, options: eks.HelmChartOptions, caller = 'addHelmChart'): eks.HelmChart {
    return this.kubectl.chart(scope, id, options, caller);
  }

  /** @internal Kubernetes manifests applied by the kubectl handler, in `scope`. */
  public _applyManifest(scope: Construct, id: string, manifest: Record<string, any>[]): eks.KubernetesManifest {
    return this.kubectl.manifest(scope, id, manifest, 'addManifest');
  }

  /** @internal The proxy the cluster's nodes get (`proxy`, with the generated NO_PROXY), for Karpenter's node class. */
  public _nodeProxy(): { readonly url: string; readonly noProxy: string[] } | undefined {
    return this.hostProxy ? { url: this.hostProxy.url, noProxy: [...(this.hostProxy.noProxy ?? [])] } : undefined;
  }

  /**
   * With `systemNodes`, an add-on whose controller takes a selector and tolerations (SYSTEM_ADDON_PLACEMENT) gets
   * them under its configurationValues; a user's values that drop them fail.
   */
  private placeAddon(name: string, options: ClusterAddonOptions): ClusterAddonOptions {
    const at = SYSTEM_ADDON_PLACEMENT[name];
    if (!this.systemNodes || !at) return options;
    const configurationValues = deepMerge({ [at]: systemPlacement() }, options.configurationValues ?? {});
    const problem = systemPlacementProblem(configurationValues[at]?.nodeSelector, configurationValues[at]?.tolerations);
    if (problem) {
      throw misuse(this, `the cluster has systemNodes, and the ${name} add-on's configurationValues.${at} would run its controller on tenants' nodes: ${problem}`,
        `leave ${at}.nodeSelector and ${at}.tolerations to the library, or keep its selector and toleration in yours`, this.addAddon);
    }
    return { ...options, configurationValues };
  }

  /** @internal Where the library's controllers run with `systemNodes`; undefined without. */
  public _systemPlacement(): SystemPlacement | undefined {
    return this.systemNodes ? systemPlacement() : undefined;
  }

  /** @internal An image's URI in the cluster's pull-through cache, when one of its rules serves the image's registry. */
  public _cachedImage(image: string): string | undefined {
    return this.caches.cachedImage(image);
  }

  /**
   * @internal What a component installed on the nodes needs: the services of its contract (those with no condition,
   * and those whose `set:<path>` condition names one of `setValues`), further services, and features.
   */
  public _needsFromNodes(contract: string, services: string[], features: ClusterFeatures, setValues: string[] = []) {
    this.needs.addComponent(contract, services, features, setValues);
  }

  /** @internal Makes a nodegroup (construct or L1) boot after the endpoints and the CNI and kube-proxy add-ons. */
  public _orderNodegroup(nodegroup: IConstruct) {
    this.order.orderNodegroup(nodegroup);
  }

  /** @internal The findings of the synth-time checks, for tests and reports. */
  public _joinFindings(): Finding[] {
    return this.checks.findings();
  }

  /** @internal The checks' model of the tree read into `facts`, for tests and reports. */
  public _joinModel(facts: TreeFacts): JoinModel {
    return this.checks.model(facts);
  }

  /**
   * The VPC's DNS Firewall, whose allow-list (unless pinned) is derived when the template is written, from the same
   * model the checks prove: every construct of the app is in the tree by then.
   */
  private createDnsFirewall(options: DnsFirewallOptions, logRetention: logs.RetentionDays): DnsFirewall {
    DnsFirewall.checkDomains(this, [...options.domains ?? [], ...options.additionalDomains ?? []]);
    const domains = Lazy.list({
      produce: () => {
        const facts = new TreeFacts(this.node.root);
        const scope = this.checks.scope(facts);
        const location = scope.cluster.location;
        const derived = options.domains ?? derivedDomains(this.checks.model(facts), location.regionKnown ? location.region : Aws.REGION,
          location.regionKnown ? location.urlSuffix : Aws.URL_SUFFIX, privateZoneNames(facts, scope.vpc.key), this.declaredRegistries);
        return [...derived, ...(options.additionalDomains ?? [])];
      },
    });
    const logging = options.queryLogging ?? true;
    return new DnsFirewall(this, 'DnsFirewall', {
      ...options,
      logKey: logging ? options.logKey ?? this.logsEncryptionKey : undefined,
      logRetention: logging ? options.logRetention ?? logRetention : undefined,
      domains,
      additionalDomains: undefined,
      vpc: this.vpc,
    });
  }

  /** What the synth-time checks read of this construct that the tree does not say (read when they run). */
  private checkInput(): ClusterCheckInput {
    const inThis = (c: IConstruct) => c.node.path.startsWith(`${this.node.path}/`);
    return {
      owner: this,
      cluster: this.cluster,
      vpc: this.vpc,
      nodeSubnets: this.nodeSubnets,
      downgrades: this.downgrades,
      model: {
        cluster: this.cluster,
        vpc: this.vpc,
        kubectlLayer: this.kubectlLayer,
        features: {
          ...this.needs.features,
          podIdentityUsers: this.vpcCniRole ? 'the vpc-cni add-on\'s own role; vpcCniRole: false leaves it on the node role' : undefined,
          // Only the default needs Pod Identity: messages that need eks-auth say how to turn that default off.
          podIdentityDefault: this.vpcCniRole && !this.needs.podIdentityRequested
            ? { name: 'the vpc-cni add-on\'s own Pod Identity role', turnOff: 'vpcCniRole: false (the node role then keeps AmazonEKS_CNI_Policy)' }
            : undefined,
        },
        declaredServices: this.needs.declaredServices,
        version: this.version.version,
        helmCharts: (facts: TreeFacts) => facts.all.filter((c): c is eks.HelmChart => c instanceof eks.HelmChart && inThis(c)),
        declaredRegistries: this.declaredRegistries,
        dnsFirewall: this.dnsFirewall ? {
          pinnedDomains: this.dnsFirewallOptions?.domains,
          additionalDomains: this.dnsFirewallOptions?.additionalDomains ?? [],
          action: this.dnsFirewall.action,
          declaredRegistries: this.declaredRegistries,
        } : undefined,
        podSecurity: {
          ...this.podSecurity,
          // The library's controllers: their charts' namespaces hold what they need of the node.
          controllerPaths: this.node.findAll().filter(c => c instanceof Karpenter || c instanceof LoadBalancerController).map(c => c.node.path),
        },
        ...this.beyondVpc,
      },
    };
  }
}

const NATIVE_OIDC_FLAG = '@aws-cdk/aws-eks:useNativeOidcProvider';
