/**
 * Can the nodes join, and can everything that talks to the API server reach it? A reachability analysis over a
 * plain description of the network: the clients (nodes, bastion, kubectl Lambdas) with their subnets, routes and
 * security-group paths, the VPC endpoints, DNS settings, the API endpoint access mode and what the enabled features
 * need. Pure logic, no construct scope: `tree-facts.ts` builds the `JoinModel` from the construct tree.
 *
 * A service counts as reached from a subnet through:
 * - a default route to a NAT gateway or NAT instance;
 * - a default route to an internet gateway *and* a public IP on the instance;
 * - for interface services, an interface endpoint of that service in the VPC with private DNS on, whose security
 *   groups admit 443 from the client and which the client's egress allows;
 * - for S3, a gateway endpoint associated with the subnet's own route table;
 * - a declaration by the user (`existingEndpointServices`) for what the construct cannot see.
 */

import { analyzeDnsFirewall, DNS_FIREWALL_RULES, DnsFirewallFacts } from './dns-firewall-rules';
import { analyzeHub, HUB_RULES, HubClient, HubDeployOrderGap, HubFacts, RouteEntry } from './hub-rules';
import { analyzePodSecurity, POD_SECURITY_RULES, PodSecurityFacts } from './pod-security-rules';
import { analyzeProxy, PROXY_RULES, ProxyClient, ProxyFacts } from './proxy-rules';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';

/** What is known of a subnet's route table. */
export interface RouteFacts {
  /** false when the route table cannot be seen (an imported subnet): routes are then unknown. */
  readonly known: boolean;
  /** A default route to a NAT gateway or NAT instance. */
  readonly natRoute: boolean;
  /** A default route to an internet gateway. */
  readonly internetGatewayRoute: boolean;
  /** A default route to something whose way out cannot be seen (a transit gateway, a VPN gateway, a firewall). */
  readonly otherDefaultRoute?: string;
  /** Short names of the gateway endpoints associated with this route table (`s3`, `dynamodb`). */
  readonly gatewayEndpoints: string[];
  /**
   * What the S3 gateway endpoint's policy blocks, by purpose (`ecr-layers`, `cloudformation-response`, `cdk-asset`):
   * the action, the resource and the endpoint. Absent: nothing blocked, or it cannot be judged.
   */
  readonly s3PolicyBlocks?: { [purpose: string]: string };
  /**
   * The routes to somewhere outside the VPC that is not the internet (a transit gateway, a virtual private gateway,
   * a peering connection), with a literal IPv4 destination: what a hub or a proxy is reached through.
   */
  readonly entries?: RouteEntry[];
}

/** A subnet a client runs in. */
export interface SubnetFacts {
  /** How messages name it (construct path or subnet ID). */
  readonly name: string;
  /** Its Availability Zone, when known. */
  readonly az?: string;
  /** Its route table. */
  readonly routes: RouteFacts;
  /** Whether instances launched here get a public IPv4 address; undefined when unknown. */
  readonly mapPublicIpOnLaunch?: boolean;
  /** Its IPv4 CIDR, when literal. */
  readonly cidr?: string;
}

/** Who talks to the AWS services and the API server. Each kind reports under its own rule IDs. */
export type ClientKind = 'nodes' | 'bastion' | 'kubectl' | 'component' | 'control-plane' | 'access';

/** A service a client needs, and why. */
export interface NeededService {
  /** Short service name (`ec2`, `s3`). */
  readonly service: string;
  /** The feature that needs it; undefined for what the client always needs (nodes: to join). */
  readonly feature?: string;
  /**
   * For `s3`: what the client does there, to judge the gateway endpoint's policy (`ecr-layers`,
   * `cloudformation-response`, `cdk-asset`). Nodes default to `ecr-layers`.
   */
  readonly purpose?: string;
  /**
   * When a default of the library needs the service (not something the app asked for): messages that lack the
   * service name that default and how to turn it off.
   */
  readonly byDefault?: NeededByDefault;
}

/** A default of the library that needs a service, and the setting that turns it off. */
export interface NeededByDefault {
  /** What needs it (`the vpc-cni add-on's own Pod Identity role`). */
  readonly name: string;
  /** The setting that turns it off (`vpcCniRole: false`). */
  readonly turnOff: string;
}

/** Something that must reach AWS services and, usually, the cluster's API server. */
export interface ClientFacts {
  readonly kind: ClientKind;
  /** How messages name it (construct path). */
  readonly name: string;
  /** false for a Lambda function outside the VPC: it then has the internet and no private address. */
  readonly inVpc: boolean;
  /** Where it runs (empty when not in the VPC). */
  readonly subnets: SubnetFacts[];
  /** Overrides the subnets' `mapPublicIpOnLaunch` (an instance launched with an explicit public IP setting). */
  readonly publicIp?: boolean;
  /** The services it needs. */
  readonly services: NeededService[];
  /** Whether it talks to the cluster's API server. */
  readonly needsApi: boolean;
  /**
   * Whether the security groups of the API server's network interfaces admit 443 from it, and its egress allows
   * that; undefined when unknown. A reason when blocked.
   */
  readonly apiBlocked?: string;
  /** What it downloads from the internet (a Helm chart from a public repository), as reasons for the message. */
  readonly needsInternet?: string[];
  /** What it downloads through the proxy (`proxy.hosts` lets the host through), for the proxy rules. */
  readonly throughProxy?: string[];
  /** How messages name it, when not by its path (`EKS add-on aws-ebs-csi-driver (path)`). */
  readonly label?: string;
}

/** How a component's pods get AWS credentials. */
export type ComponentIdentity = 'pod-identity' | 'irsa' | 'none';

/** A setting a component's contract requires, and what the app gives it. */
export interface SettingFacts {
  /** Dotted path in the chart values or the add-on configuration. */
  readonly path: string;
  /** What it must be (undefined: any non-empty value). */
  readonly expected?: unknown;
  /** What the app sets (undefined: not set). */
  readonly actual?: unknown;
  /** true: as required; false: missing or different; undefined: a token that cannot be read at synth. */
  readonly ok?: boolean;
  readonly why: string;
  readonly source: string;
  /**
   * The service whose unreachability the setting exists for (`ContractSetting.requiredUnlessReachable`): the setting
   * is required only when the component's subnets do not reach it.
   */
  readonly requiredUnlessReachable?: string;
  /** For `requiredUnlessReachable`: the only regions where an interface endpoint in the VPC serves the calls. */
  readonly endpointServesRegions?: string[];
  /** Why a setting that differs counts as met (`ok: true`): the service it exists for is reached. */
  readonly waived?: string;
}

/** An EKS add-on or a recognised Helm chart of the cluster, checked against its contract (`ComponentContracts`). */
export interface ComponentFacts {
  /** The construct that creates it (path). */
  readonly name: string;
  /** `EKS add-on` or `Helm chart`. */
  readonly kind: string;
  /** The add-on or chart name. */
  readonly component: string;
  /** Whether the registry has its contract; an add-on without one is reported as not checked. */
  readonly hasContract: boolean;
  /** How its pods get AWS credentials; undefined when it makes no AWS call of its own. */
  readonly identity?: ComponentIdentity;
  /** The permissions it needs (managed policies, or where the policy comes from), for messages. */
  readonly permissions?: string;
  /** Whether the node role carries its permissions by default (so `none` still works). */
  readonly nodeRoleDefault?: boolean;
  /** The service account its identity is for (`kube-system/ebs-csi-controller-sa`). */
  readonly serviceAccount?: string;
  /** The AWS services its contract names, with the identity's (`eks-auth` or `sts`). */
  readonly services: string[];
  readonly settings: SettingFacts[];
}

/** An interface endpoint in the cluster's VPC. */
export interface InterfaceEndpointFacts {
  /** Short service name (`ecr.api`). */
  readonly service: string;
  /** How messages name it (construct path or endpoint ID). */
  readonly name: string;
  /** Whether private DNS is on; undefined when unknown. */
  readonly privateDns?: boolean;
  /** Per client name: why 443 from that client is blocked (security group ingress or client egress). Absent: open or unknown. */
  readonly blocked443: Record<string, string>;
  /** What the endpoint policy blocks of the nodes' image pulls (`ecr:BatchGetImage on ...`); absent: allowed or unknown. */
  readonly policyBlocks?: string;
  /**
   * The region of the service the endpoint reaches, when it is another region's (cross-Region PrivateLink:
   * `serviceRegion`, or a service name that names another region). Such an endpoint serves that region's names only.
   */
  readonly serviceRegion?: string;
}

/** The API server endpoint access mode. */
export interface ApiAccessFacts {
  readonly privateAccess: boolean;
  readonly publicAccess: boolean;
  /** CIDRs the public endpoint is restricted to; empty means open. */
  readonly publicCidrs: string[];
}

/** Addresses the nodes may take against what the node subnets have. */
export interface CapacityFacts {
  /** maxSize x (max pods + 1), summed over nodegroups. */
  readonly addressesNeeded: number;
  /** Usable addresses in the node subnets (5 per subnet are reserved by AWS). */
  readonly addressesAvailable: number;
  /** How `addressesNeeded` was computed, for the message. */
  readonly detail: string;
}

/** The Kubernetes version and whether EKS still creates clusters of it. */
export interface VersionFacts {
  readonly version: string;
  readonly creatable: boolean;
  readonly endOfExtendedSupport?: string;
  readonly oldestCreatable?: string;
  /**
   * true when the version is newer than the newest EKS offered on the day the calendar was read (`newestOffered`).
   * @default false
   */
  readonly notOffered?: boolean;
  /** The newest version EKS offered and the day that was read (`1.36 (read 2026-12-07)`), for messages. */
  readonly newestOffered?: string;
  /** The newest kubectl layer package published (`@aws-cdk/lambda-layer-kubectl-v36`), for fixes. */
  readonly newestLayer?: string;
  /** The kubectl version of the layer given (`1.36`), when known. */
  readonly kubectlVersion?: string;
}

/** Everything the analysis looks at. */
export interface JoinModel {
  readonly clients: ClientFacts[];
  /** The Availability Zones of the cluster subnets (undefined entries: unknown). */
  readonly clusterSubnetAzs: Array<string | undefined>;
  readonly interfaceEndpoints: InterfaceEndpointFacts[];
  /** Whether any S3 gateway endpoint exists in the VPC (to tell "missing" from "not on these route tables"). */
  readonly s3GatewayInVpc: boolean;
  /** VPC DNS attributes; undefined when unknown. */
  readonly vpcDnsSupport?: boolean;
  readonly vpcDnsHostnames?: boolean;
  readonly apiAccess: ApiAccessFacts;
  /** Services the user declares reachable by means the construct cannot see. */
  readonly declaredServices: string[];
  readonly capacity?: CapacityFacts;
  readonly version?: VersionFacts;
  /** Whether EKS Auto Mode is on (`ComputeConfig.Enabled`), through aws-eks-v2 or an escape hatch. */
  readonly autoMode?: boolean;
  /**
   * With CUSTOMER_ROUTED control-plane egress: the OIDC identity providers of the cluster (their issuer is fetched by
   * the API server through the cluster subnets).
   * @default - none
   */
  readonly identityProviders?: Array<{ readonly path: string; readonly issuerUrl?: string }>;
  /**
   * With CUSTOMER_ROUTED control-plane egress: the cluster subnets whose network ACL (of the app) denies flows the
   * control plane needs (nacl-rules.ts), with the ACL's path and the flows.
   * @default - none
   */
  readonly controlPlaneNacls?: Array<{ readonly subnet: string; readonly acl: string; readonly blocked: string[] }>;
  /** The region, when the stack names one. */
  readonly region?: string;
  /** Every container image the app deploys to the cluster (manifests, Helm values). */
  readonly images?: ImageFacts[];
  /** Services the region does not offer through PrivateLink (from `EndpointCatalogue`), with the source. */
  readonly notOfferedInRegion?: Array<{ service: string; source: string }>;
  /** The cluster's EKS add-ons and recognised charts; their services are checked as `component` clients. */
  readonly components?: ComponentFacts[];
  /** The hub the VPC takes interface endpoints from (`sharedEndpoints`). */
  readonly hub?: HubFacts;
  /** The hub's private hosted zones that are in the app and not associated with this VPC. */
  readonly hubZonesNotAssociated?: string[];
  /** What the hub rules read from the app instead of the declaration (names, admitted CIDRs). */
  readonly hubReadFromApp?: string[];
  /** The hub's zones in this app that nodegroups of this cluster may be created before. */
  readonly hubDeployOrder?: HubDeployOrderGap[];
  /** The proxy the hosts use (`proxy`). */
  readonly proxy?: ProxyFacts;
  /** The VPC's IPv4 CIDR blocks, when literal (secondary ones too). */
  readonly vpcCidrs?: string[];
  /** The stack's account, when concrete. */
  readonly account?: string;
  /** Pods of the app's manifests that reach their node outside the allowed namespaces (PEKS-PSA-*). */
  readonly podSecurity?: PodSecurityFacts;
  /** The VPC's DNS Firewall: its allow-list and the hosts the clients resolve (PEKS-DNS-*). */
  readonly dnsFirewall?: DnsFirewallFacts;
}

/** How an image's registry relates to a cluster with no internet route. */
export type ImageRegistryClass =
  /** This region's ECR (the account's, or the EKS add-on accounts'): through ecr.api, ecr.dkr and S3, as nodes join. */
  | 'ecr-this-region'
  /** Another region's ECR: VPC endpoints serve only their own region. */
  | 'ecr-other-region'
  /** An ECR registry with a literal region in an environment-agnostic stack: same region or not is unknown. */
  | 'ecr-unknown-region'
  /** A public registry (Docker Hub, registry.k8s.io, Quay, ghcr.io, ECR Public, ...): internet only. */
  | 'public'
  /** A registry the library cannot classify (Harbor, Artifactory, a proxy). */
  | 'unclassified'
  /** Declared reachable by the user (`existingRegistries`). */
  | 'declared'
  /** The reference is a token the library cannot read, or a chart's defaults it cannot see. */
  | 'unseen'
  /** Not an image reference. */
  | 'malformed';

/** An image a workload of the cluster pulls. */
export interface ImageFacts {
  /** The construct that deploys it (manifest or chart). */
  readonly workload: string;
  /** The Kubernetes object and container (`Deployment apps/web, container web`), or the Helm values path. */
  readonly where: string;
  /** The image as written. */
  readonly image: string;
  /** The registry host, when the reference could be read. */
  readonly registry?: string;
  readonly registryClass: ImageRegistryClass;
  /** The registry's name (Docker Hub) or region (ECR), for messages. */
  readonly registryLabel?: string;
  /** The pull-through-cache upstream that serves the registry (`ECR_PUBLIC`), for the fix. */
  readonly cacheUpstream?: string;
  /** Whether that upstream needs credentials (a Secrets Manager secret named `ecr-pullthroughcache/...`). */
  readonly cacheNeedsSecret?: boolean;
  /** Why it is unseen or malformed. */
  readonly problem?: string;
  /** The fix, where it is specific to why the image is unseen. */
  readonly fix?: string;
  /** The image is pulled through a pull-through cache rule of the app (this region's ECR, a cache prefix). */
  readonly throughCache?: boolean;
  /** A pull-through cache warm-up of the app pulls this image at deploy, from outside the VPC. */
  readonly warmed?: boolean;
  /** The proxy (`proxy.hosts`) lets its registry through. */
  readonly throughProxy?: boolean;
}

/** A rule's finding. */
export interface Finding {
  /** Stable rule ID. */
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  /** What is wrong and what was found. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A rule: its ID, severity, one-line reason, and the AWS source whose words it encodes. */
export interface JoinRule {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly reason: string;
  /** The AWS (or aws-cdk) document, URL and section, that the rule encodes. */
  readonly source: string;
}

const EKS_PRIVATE = 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html';
const ECR_ENDPOINTS = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html';
const EKS_ENDPOINT = 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html';
const EKS_NETWORK = 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html';

/** The rules. IDs are stable: users downgrade them by ID (`downgradeRules`). */
export const JOIN_RULES: JoinRule[] = [
  { id: 'PEKS-JOIN-1', severity: 'error', reason: 'a node subnet reaches neither the internet nor an endpoint for a service nodes need to join (ec2, ecr.api, ecr.dkr, s3)', source: `${EKS_PRIVATE} (VPC endpoints: ec2, ecr.api, ecr.dkr, s3)` },
  { id: 'PEKS-JOIN-2', severity: 'error', reason: 'S3 (ECR image layers) is reachable only through a gateway endpoint that is not on the node subnets\' route tables', source: `${ECR_ENDPOINTS} (Amazon S3 gateway endpoint); https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html (route tables)` },
  { id: 'PEKS-JOIN-3', severity: 'error', reason: 'an interface endpoint that is needed has private DNS off: clients resolve the public name and time out', source: `${ECR_ENDPOINTS} ("When you create the com.amazonaws.region.ecr.dkr endpoint, you must enable a private DNS hostname"); https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html` },
  { id: 'PEKS-JOIN-4', severity: 'error', reason: 'the endpoint security group, or the nodes\' egress, does not allow 443 between nodes and endpoints', source: `${ECR_ENDPOINTS} ("The security group attached to the VPC endpoint must allow incoming connections on port 443"); ${EKS_PRIVATE}` },
  { id: 'PEKS-JOIN-5', severity: 'error', reason: 'VPC DNS support or DNS hostnames is off, which private API access and the private DNS of endpoints need', source: `${EKS_ENDPOINT} (private endpoint: enableDnsHostnames and enableDnsSupport)` },
  { id: 'PEKS-JOIN-7', severity: 'error', reason: 'an endpoint policy (ECR or the S3 gateway) blocks what nodes need to pull images', source: `${ECR_ENDPOINTS}#ecr-minimum-s3-perms; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html (custom resource response buckets)` },
  { id: 'PEKS-JOIN-6', severity: 'error', reason: 'what a node subnet reaches cannot be seen (imported subnet, default route to a transit or VPN gateway): declare it', source: `${EKS_PRIVATE} (nodes need these services through endpoints or an internet route; what the app cannot see is declared)` },
  { id: 'PEKS-FEAT-1', severity: 'error', reason: 'an enabled feature needs an endpoint the nodes cannot reach (IRSA: sts, Pod Identity: eks-auth, log shipping: logs)', source: `${EKS_PRIVATE} (sts for IRSA, eks-auth for Pod Identity, logs)` },
  { id: 'PEKS-API-1', severity: 'error', reason: 'the API endpoint is public only and some node subnets have no internet route to reach it', source: `${EKS_ENDPOINT} (public-only endpoint: nodes reach it from the internet)` },
  { id: 'PEKS-API-2', severity: 'warning', reason: 'the public API endpoint is restricted to CIDRs and there is no private access: the nodes\' egress IPs must be in them', source: `${EKS_ENDPOINT} (public access CIDR restrictions)` },
  { id: 'PEKS-API-3', severity: 'error', reason: 'the API server\'s security groups do not admit 443 from the nodes (private access)', source: `https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html; ${EKS_ENDPOINT} (private access: the control plane security group admits 443 from the clients)` },
  { id: 'PEKS-BASTION-1', severity: 'error', reason: 'the bastion cannot reach what it needs: SSM endpoints, S3 for kubectl, or the API server', source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html; https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html' },
  { id: 'PEKS-ACCESS-1', severity: 'error', reason: 'an API relay or a CI runner cannot reach what it needs: the Session Manager endpoints (relay), CloudWatch Logs and the EKS API (runner), or the API server', source: 'https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html; https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html' },
  { id: 'PEKS-KUBECTL-1', severity: 'error', reason: 'a Lambda function running kubectl cannot reach the API server or the endpoints it needs', source: 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-eks-v2/lib/kubectl-provider.ts (handler in the VPC, provider framework); https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html' },
  { id: 'PEKS-KUBECTL-2', severity: 'error', reason: 'a Helm chart comes from a public repository or another region\'s ECR and the kubectl handler has no internet route', source: `${EKS_PRIVATE} (no outbound internet access: what the cluster pulls comes from inside the VPC); ${ECR_ENDPOINTS} (an endpoint serves its own region's ECR names; older versions of the page: "VPC endpoints currently don't support cross-Region requests")` },
  { id: 'PEKS-REGION-1', severity: 'error', reason: 'a client with no internet route needs a service the region does not offer through PrivateLink (the EKS API in ap-southeast-5, ap-southeast-7, mx-central-1, ap-east-2)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html (regions without PrivateLink for the EKS API)' },
  { id: 'PEKS-IMG-1', severity: 'error', reason: 'an image comes from a public registry (Docker Hub, registry.k8s.io, Quay, ghcr.io, ECR Public, ...) and the node subnets have no internet route', source: `${EKS_PRIVATE} ("Your cluster must pull images from a container registry that's in your VPC")` },
  { id: 'PEKS-IMG-2', severity: 'error', reason: 'an image comes from another region\'s ECR and the node subnets have no internet route: VPC endpoints serve their own region', source: `${ECR_ENDPOINTS} (an endpoint serves its own region's ECR names)` },
  { id: 'PEKS-IMG-3', severity: 'error', reason: 'an image comes from a registry the library cannot classify (Harbor, Artifactory, a proxy) that is not declared reachable, and the node subnets have no internet route', source: `${EKS_PRIVATE} ("Your cluster must pull images from a container registry that's in your VPC")` },
  { id: 'PEKS-IMG-4', severity: 'warning', reason: 'an image cannot be checked: its reference is a token, a chart\'s default images are not in the app, or an ECR region cannot be compared in an environment-agnostic stack', source: `${EKS_PRIVATE} ("Your cluster must pull images from a container registry that's in your VPC")` },
  { id: 'PEKS-IMG-6', severity: 'warning', reason: 'an image is pulled through a pull-through cache rule, no warm-up of the app pulls it at deploy, and the node subnets have no internet route: ECR\'s first pull of each image over interface endpoints needs a NAT gateway', source: `${ECR_ENDPOINTS} (Considerations: "When an image is pulled using a pull through cache rule for the first time, if you've configured Amazon ECR to use an interface VPC endpoint ... you need to create a public subnet in the same VPC, with a NAT gateway")` },
  { id: 'PEKS-IMG-5', severity: 'error', reason: 'an image reference is malformed: the runtime cannot pull it', source: 'https://github.com/distribution/reference/blob/main/reference.go (the reference grammar containerd uses)' },
  { id: 'PEKS-ADDON-1', severity: 'error', reason: 'an EKS add-on or a controller chart needs AWS services (its contract) that its node subnets reach neither through endpoints nor the internet', source: `${EKS_PRIVATE} (VPC endpoints; "Before deploying, check which VPC endpoints" add-ons and controllers need); the contract row\'s source per service (ComponentContracts)` },
  { id: 'PEKS-ADDON-2', severity: 'error', reason: 'an add-on or controller chart lacks a setting it needs with no internet (Load Balancer Controller: Shield and WAF off unless the node subnets reach shield, waf-regional, wafv2; Karpenter: isolatedVPC; Cluster Autoscaler: static instance list)', source: `${EKS_PRIVATE} (AWS Load Balancer Controller and Cluster Autoscaler settings); https://karpenter.sh/docs/reference/settings/ (isolatedVPC)` },
  { id: 'PEKS-ADDON-3', severity: 'warning', reason: 'an add-on or controller needs AWS permissions and has no identity of its own (Pod Identity or IRSA): its AWS calls fail, or use the node role', source: 'https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html (IAM roles for add-ons); https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html' },
  { id: 'PEKS-NET-1', severity: 'error', reason: 'nodes in a public subnet that assigns no public IPs and has no NAT: EKS managed nodegroups reject this', source: `${EKS_NETWORK} (nodes in a public subnet need public IPv4 addresses assigned at launch)` },
  { id: 'PEKS-NET-2', severity: 'error', reason: 'the cluster subnets span fewer than 2 Availability Zones', source: `${EKS_NETWORK} (subnets in at least two Availability Zones)` },
  { id: 'PEKS-NET-3', severity: 'warning', reason: 'the node subnets have fewer addresses than max nodes x (max pods + 1)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html (maximum Pods per instance type)' },
  { id: 'PEKS-EGRESS-1', severity: 'error', reason: 'control-plane egress is CUSTOMER_ROUTED and a cluster subnet reaches neither the internet nor an endpoint for what the API server calls itself (OIDC discovery with IRSA: oidc-eks)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html (read 2026-12-05); https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html (oidc-eks)' },
  { id: 'PEKS-EGRESS-2', severity: 'error', reason: 'control-plane egress is CUSTOMER_ROUTED and a network ACL of the app on a cluster subnet denies 10250 to the nodes, 443 out, or the return ports (1024-65535) in', source: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress-troubleshooting.html ("NACLs blocking webhook or control plane traffic": outbound 443, outbound 10250 to the VPC, inbound 1024-65535; read 2026-12-07)' },
  { id: 'PEKS-AUTO-1', severity: 'error', reason: 'EKS Auto Mode is on: no AWS page lists what Auto Mode nodes need with no internet route, so the library cannot prove they join', source: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (awsdocs/amazon-eks-user-guide latest/ug/clusters/private-clusters.adoc at 101184ec, read 2026-12-07: its "Node requirements" and endpoint table name self-managed nodes and managed node groups, and the page does not mention Auto Mode)' },
  { id: 'PEKS-VER-1', severity: 'error', reason: 'EKS does not create clusters of the Kubernetes version: past its end of extended support, or newer than EKS offers (as of the day the calendar was read)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html ("On the end of extended support date, you can no longer create new Amazon EKS clusters with the unsupported version"; release calendar, read 2026-12-07)' },
  { id: 'PEKS-VER-2', severity: 'warning', reason: 'the kubectl layer is more than one minor version away from the cluster (kubectl supports a skew of one)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/install-kubectl.html ("within one minor version difference of your Amazon EKS cluster control plane")' },
  ...HUB_RULES,
  ...PROXY_RULES,
  ...POD_SECURITY_RULES,
  ...DNS_FIREWALL_RULES,
];

const RULE_IDS = new Set(JOIN_RULES.map(r => r.id));

/** True when `id` names a rule. */
export function isJoinRule(id: string): boolean {
  return RULE_IDS.has(id);
}

const WHO: Record<ClientKind, string> = { 'nodes': 'node subnet', 'bastion': 'bastion subnet', 'kubectl': 'kubectl function subnet', 'component': 'node subnet', 'control-plane': 'cluster subnet', 'access': 'subnet' };
const OWN_RULE: Record<ClientKind, string> = { 'nodes': 'PEKS-JOIN-1', 'bastion': 'PEKS-BASTION-1', 'kubectl': 'PEKS-KUBECTL-1', 'component': 'PEKS-ADDON-1', 'control-plane': 'PEKS-EGRESS-1', 'access': 'PEKS-ACCESS-1' };

/**
 * What an image in another region's ECR needs through cross-Region PrivateLink: that region's ECR API and registry,
 * and its S3, where the layers are (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html
 * lists ecr.api, ecr.dkr and s3 as cross-Region enabled, read 2026-12-05).
 */
const CROSS_REGION_IMAGE_SERVICES = ['ecr.api', 'ecr.dkr', 's3'];

/** Whether an interface endpoint serves the stack's region (an environment-agnostic stack: assumed, to avoid a false error). */
function servesThisRegion(model: JoinModel, e: InterfaceEndpointFacts): boolean {
  return e.serviceRegion === undefined || model.region === undefined || e.serviceRegion === model.region;
}

/** Runs every rule; returns all findings at once, errors first. */
export function analyzeJoin(model: JoinModel): Finding[] {
  const findings: Finding[] = [];
  const declared = new Set(model.declaredServices);
  const endpointsByService = new Map<string, InterfaceEndpointFacts[]>();
  for (const e of model.interfaceEndpoints.filter(x => servesThisRegion(model, x))) {
    endpointsByService.set(e.service, [...(endpointsByService.get(e.service) ?? []), e]);
  }
  // A component runs on the nodes: what the nodes need too is reported once, under the nodes' rules.
  const nodeServices = new Set(model.clients.filter(c => c.kind === 'nodes').flatMap(c => c.services.map(s => s.service)));
  const state: SharedState = {
    declared, endpointsByService, nodeServices, reportedDns: new Set(), reportedPolicies: new Set(), needInterfaceDns: false,
  };
  for (const client of model.clients) analyzeClient(model, client, state, findings);

  // DNS: without it, the private DNS names of every endpoint and private API access fail.
  if ((model.apiAccess.privateAccess || state.needInterfaceDns) && (model.vpcDnsSupport === false || model.vpcDnsHostnames === false)) {
    const off = [model.vpcDnsSupport === false ? 'enableDnsSupport' : undefined, model.vpcDnsHostnames === false ? 'enableDnsHostnames' : undefined]
      .filter(Boolean).join(' and ');
    findings.push(finding('PEKS-JOIN-5',
      `the VPC has ${off} off; private API access and the private DNS names of interface endpoints need both on`,
      'create the VPC with enableDnsSupport: true and enableDnsHostnames: true'));
  }

  const api = model.apiAccess;
  const restricted = api.publicCidrs.length > 0 && !api.publicCidrs.includes('0.0.0.0/0');
  if (api.publicAccess && !api.privateAccess && restricted && model.clients.some(c => c.kind === 'nodes')) {
    findings.push(finding('PEKS-API-2',
      `the public API endpoint admits only ${api.publicCidrs.join(', ')} and private access is off: nodes reach the API server from their NAT or public IPs, which must be in that list`,
      'add the nodes\' egress IPs (NAT gateway EIPs) to onlyFrom(...), or use PUBLIC_AND_PRIVATE so nodes use the private endpoint'));
  }

  const azs = new Set(model.clusterSubnetAzs);
  if (!azs.has(undefined) && azs.size < 2) {
    findings.push(finding('PEKS-NET-2',
      `the cluster subnets span ${azs.size} Availability Zone${azs.size === 1 ? '' : 's'} (${[...azs].join(', ') || 'none'}); EKS needs at least 2`,
      'select cluster subnets (clusterSubnets or nodeSubnets) in two or more Availability Zones'));
  }

  const cap = model.capacity;
  if (cap && cap.addressesNeeded > cap.addressesAvailable) {
    findings.push(finding('PEKS-NET-3',
      `the nodes may need ${cap.addressesNeeded} addresses (${cap.detail}) and the node subnets have ${cap.addressesAvailable}: pods stay Pending once addresses run out`,
      'give the nodes larger subnets, lower maxSize, or turn on VPC CNI prefix delegation'));
  }

  if (model.autoMode) {
    findings.push(finding('PEKS-AUTO-1',
      'EKS Auto Mode is on (ComputeConfig.Enabled): the EKS private-clusters guide lists what managed and self-managed nodes need with no internet route, '
      + 'and does not mention Auto Mode (read 2026-12-07); no other AWS page found lists what Auto Mode nodes need, so the library cannot prove they join',
      'turn Auto Mode off (PrivateEksCluster uses managed nodegroups), or give the node subnets a NAT route; if you have proven Auto Mode in this network, '
      + 'downgradeRules: { \'PEKS-AUTO-1\': \'why\' }'));
  }

  analyzeIdentityProviders(model, findings);

  const v = model.version;
  if (v && !v.creatable && v.notOffered) {
    findings.push(finding('PEKS-VER-1',
      `Kubernetes ${v.version} is not offered by EKS${v.newestOffered ? ` (the newest it offers is ${v.newestOffered})` : ''}, and npm has no kubectl layer package for it${v.newestLayer ? ` (the newest is ${v.newestLayer})` : ''}: `
      + 'creating the cluster would fail at deploy',
      `set \`version\` to a version EKS offers${v.newestOffered ? ` (${v.newestOffered.split(' ')[0]})` : ''}${v.newestLayer ? ` with the kubectl layer from ${v.newestLayer}` : ''}; `
      + `if EKS offers ${v.version} by now, downgradeRules: { 'PEKS-VER-1': 'why' }`));
  } else if (v && !v.creatable) {
    findings.push(finding('PEKS-VER-1',
      `Kubernetes ${v.version} is past the end of EKS extended support${v.endOfExtendedSupport ? ` (${v.endOfExtendedSupport})` : ''}: EKS no longer creates clusters of this version, so deploying will fail`,
      `set \`version\` to a version EKS supports${v.oldestCreatable ? ` (${v.oldestCreatable} or newer; the newest is the better choice)` : ''} and use the matching @aws-cdk/lambda-layer-kubectl-vNN package; `
      + 'to synthesize it anyway (a replay that is not deployed), downgradeRules: { \'PEKS-VER-1\': \'why\' }'));
  }

  const skew = v?.kubectlVersion ? minorOf(v.kubectlVersion) - minorOf(v.version) : 0;
  if (v?.kubectlVersion && Math.abs(skew) > 1) {
    findings.push(finding('PEKS-VER-2',
      `the kubectl layer is kubectl ${v.kubectlVersion} and the cluster is ${v.version}: kubectl supports one minor version of skew, so the bastion's and the handler's kubectl may fail or misbehave`,
      layerFix(v)));
  }

  analyzeImages(model, findings);
  analyzeComponents(model, findings);
  analyzeBeyondVpc(model, findings);
  if (model.podSecurity) for (const f of analyzePodSecurity(model.podSecurity)) findings.push(finding(f.ruleId, f.message, f.fix));
  if (model.dnsFirewall) for (const f of analyzeDnsFirewall(model.dnsFirewall)) findings.push(finding(f.ruleId, f.message, f.fix));

  const rank = (f: Finding) => (f.severity === 'error' ? 0 : 1);
  return findings.sort((a, b) => rank(a) - rank(b));
}

/**
 * Images: from this region's ECR they are pulled as the nodes join (the join rules cover that path); anything else
 * needs an internet route from every node subnet, a pull-through cache, or a declaration.
 */
function analyzeImages(model: JoinModel, findings: Finding[]) {
  const images = model.images ?? [];
  if (images.length === 0) return;
  const nodeSubnets = model.clients.filter(c => c.kind === 'nodes').flatMap(c => c.subnets.map(s => ({ client: c, subnet: s })));
  const noRoute = (known: boolean) => [...new Set(nodeSubnets
    .filter(({ client, subnet }) => !internetRoute(client, subnet) && (subnet.routes.known && !subnet.routes.otherDefaultRoute) === known)
    .map(({ subnet }) => subnet.name))];
  const without = noRoute(true);
  const unseen = noRoute(false);
  const at = (i: ImageFacts) => `${i.workload}: ${i.where} pulls ${i.image}`;
  const noRouteText = `node subnet${plural(without)} ${without.join(', ')} ha${without.length > 1 ? 've' : 's'} no internet route`;
  for (const i of images) {
    if (i.registryClass === 'malformed') {
      findings.push(finding('PEKS-IMG-5', `${at(i)}, which is not an image reference (${i.problem})`, 'write the image as [registry/]repository[:tag][@digest], lower case'));
      continue;
    }
    const outside = i.registryClass === 'public' || i.registryClass === 'ecr-other-region' || i.registryClass === 'unclassified';
    // The proxy lets the registry through: the proxy rules prove the route to it (analyzeBeyondVpc).
    if (outside && i.throughProxy) continue;
    if (without.length === 0) {
      // Every node subnet has an internet route, or what some reach cannot be seen: then say so for images from outside.
      if (unseen.length > 0 && outside) {
        findings.push(finding('PEKS-IMG-4', `${at(i)} from ${i.registry}, which cannot be checked: what node subnet${plural(unseen)} ${unseen.join(', ')} reach is not in this app`,
          `make sure the nodes reach ${i.registry} (a NAT or transit route, a mirror), then declare it: existingRegistries: ['${i.registry}']; or pull it from this region's ECR`));
      }
      continue;
    }
    if (i.registryClass === 'unseen' || i.registryClass === 'ecr-unknown-region') {
      findings.push(finding('PEKS-IMG-4', `${at(i)}, which cannot be checked: ${i.problem ?? 'its ECR region cannot be compared with an environment-agnostic stack\'s'}`,
        i.fix ?? 'make sure the image is in this region\'s ECR (or reached another way), or give the stack an env so the region can be compared'));
    } else if (i.registryClass === 'ecr-this-region' && i.throughCache && !i.warmed) {
      // An image a warm-up pulls at deploy (from outside the VPC, before the workloads) is in ECR when the nodes ask.
      findings.push(finding('PEKS-IMG-6', `${at(i)} through a pull-through cache rule that nothing in the app fills, and ${noRouteText}: ECR's first pull of each image through the cache over interface endpoints needs a NAT gateway (ECR VPC endpoints page), so the first pod may stay in ImagePullBackOff`,
        'deploy it with cluster.addManifest / addHelmChart and a cache added by cluster.addPullThroughCache (warmImages: true, the default, pulls it at deploy from outside the VPC), or add it to a PullThroughCacheWarmup (warmup.addImage(...)) and make the workload depend on it; or fill the cache from a network with an internet route (CI) and acknowledge this warning; or give the node subnets a NAT route'));
    } else if (i.registryClass === 'public') {
      const secret = i.cacheNeedsSecret && i.cacheUpstream
        ? `, credentials: <a Secrets Manager secret named ecr-pullthroughcache/${i.cacheUpstream.toLowerCase().replace(/_/g, '-')} holding the registry's username and accessToken>`
        : '';
      const cache = i.cacheUpstream
        ? `cache it in this account's ECR: cluster.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.${i.cacheUpstream}${secret} }] }) and pull cluster.imageUri('${i.image}') (or rewriteImages: true), filling the cache once from a network with an internet route`
        : 'copy it into this region\'s ECR';
      findings.push(finding('PEKS-IMG-1', `${at(i)} from ${i.registryLabel ?? i.registry} (${i.registry}), and ${noRouteText}: the pod stays in ImagePullBackOff`,
        model.proxy
          ? `add '${i.registry}' (and the hosts it sends layers from) to proxy.hosts if the proxy lets it through; or copy it into this region's ECR, or ${cache}`
          : `copy it into this region's ECR, or ${cache}; or give the node subnets a NAT route; or, if a proxy or mirror serves it, declare existingRegistries: ['${i.registry}']`));
    } else if (i.registryClass === 'ecr-other-region') {
      // Cross-Region PrivateLink: interface endpoints for that region's ecr.api, ecr.dkr and s3 (the layers come from
      // that region's S3) reach its registry (aws-services-cross-region-privatelink-support.html, read 2026-12-05).
      const crossRegion = CROSS_REGION_IMAGE_SERVICES
        .filter(svc => !model.interfaceEndpoints.some(e => e.service === svc && e.serviceRegion === i.registryLabel));
      if (crossRegion.length === 0) continue;
      findings.push(finding('PEKS-IMG-2', `${at(i)} from ECR in ${i.registryLabel} (${i.registry}), and ${noRouteText}: this VPC's ECR endpoints serve ${model.region ?? 'the stack\'s region'} only`,
        `replicate the repository to this region (ECR replication), or cache it: cluster.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegion: '${i.registryLabel}', upstreamAccount: '<account>' }] }); `
        + `or reach ${i.registryLabel} through cross-Region PrivateLink: interface endpoints with serviceRegion: '${i.registryLabel}' for ${crossRegion.join(', ')} (s3 as an interface endpoint: a gateway endpoint serves its own region only); or give the node subnets a NAT route`));
    } else if (i.registryClass === 'unclassified') {
      findings.push(finding('PEKS-IMG-3', `${at(i)} from ${i.registry}, a registry the library cannot classify, and ${noRouteText}`,
        `if the nodes reach it (a registry in the VPC, a proxy), declare it: existingRegistries: ['${i.registry}']; otherwise copy the image into this region's ECR`));
    }
  }
}

/** PEKS-ADDON-2 (settings) and PEKS-ADDON-3 (identity) for each add-on and recognised chart. */
function analyzeComponents(model: JoinModel, findings: Finding[]) {
  for (const c of model.components ?? []) {
    const who = `${c.kind} ${c.component} (${c.name})`;
    // The component runs on the nodes: the client built from its contract carries the node subnets.
    const client = model.clients.find(x => x.kind === 'component' && x.name === c.name);
    for (const s of c.settings.filter(x => x.ok === false)) {
      const service = s.requiredUnlessReachable;
      // A setting that exists because a service is unreachable is required only while it is.
      if (service && client && reachesEverywhere(model, client, service, s.endpointServesRegions)) continue;
      const found = s.actual === undefined ? 'is not set' : `is ${JSON.stringify(s.actual)}`;
      const want = s.expected === undefined ? 'a value' : JSON.stringify(s.expected);
      const set = `set ${s.path}: ${want} in its ${c.kind === 'EKS add-on' ? 'configurationValues' : 'values'}`;
      if (!service) {
        findings.push(finding('PEKS-ADDON-2', `${who}: ${s.path} ${found}, and it needs ${want} with no internet: ${s.why} (${s.source})`, set));
        continue;
      }
      const endpointHelps = s.endpointServesRegions === undefined || (model.region !== undefined && s.endpointServesRegions.includes(model.region));
      const claim = EndpointCatalogue.ENDPOINT_CLAIMS.find(x => x.service === service);
      const endpoint = endpointHelps && (claim?.hasInterfaceEndpoint ?? true)
        ? `create a ${service} interface endpoint (additionalEndpoints: ['${service}']), `
        : '';
      findings.push(finding('PEKS-ADDON-2',
        `${who}: ${s.path} ${found}, and it needs ${want} while the node subnets do not reach ${service}: ${s.why} (${s.source})`,
        `${set}; or, to keep it, ${endpoint}give the node subnets an internet route, or declare ${service} reached by means the app cannot see: existingEndpointServices: ['${service}']`));
    }
    if (c.identity === 'none' && !c.nodeRoleDefault) {
      findings.push(finding('PEKS-ADDON-3', `${who} calls AWS and its service account ${c.serviceAccount} has no Pod Identity association or IRSA role: its AWS calls fail unless the node role carries ${c.permissions}`,
        c.kind === 'EKS add-on'
          ? 'create it with cluster.addAddon(name) (a Pod Identity role with its policy), or give the add-on podIdentityAssociations or serviceAccountRoleArn'
          : 'create a Pod Identity association for that service account (cluster.addServiceAccount, eks.CfnPodIdentityAssociation), or an IRSA role annotation in the values'));
    }
  }
}

/** What the client analyses share: endpoints by service, and what was reported once for all clients. */
interface SharedState {
  readonly declared: Set<string>;
  readonly endpointsByService: Map<string, InterfaceEndpointFacts[]>;
  /** What the nodes need (a component's need for it is reported under the nodes' rules). */
  readonly nodeServices: Set<string>;
  readonly reportedDns: Set<string>;
  readonly reportedPolicies: Set<string>;
  /** Whether any client relies on an interface endpoint's private DNS (for PEKS-JOIN-5). */
  needInterfaceDns: boolean;
}

/** Checks one client: first every subnet (what it reaches, what is missing), then one finding per kind of problem. */
function analyzeClient(model: JoinModel, client: ClientFacts, state: SharedState, findings: Finding[]) {
  const analysis = new ClientAnalysis(model, client, state, findings);
  for (const subnet of client.subnets) analysis.visitSubnet(subnet);
  analysis.reportMissing();
  analysis.reportNotOfferedInRegion();
  analysis.reportS3NotAttached();
  analysis.reportBlocked443();
  analysis.reportInternetDownloads();
  analysis.reportApiReach();
}

/** The steps of one client's analysis, and what they collect on the way. */
class ClientAnalysis {
  private readonly nodes: boolean;
  /** Nodes report under the rule of each problem; the bastion and kubectl functions under their own rule. */
  private readonly ownRule: string;
  /** How messages start for a client that is not the nodes (`the bastion X: `). */
  private readonly who: string;
  private readonly undeclared: NeededService[];
  private readonly featureOf: Map<string, string | undefined>;
  private readonly byDefault: Map<string, NeededByDefault>;
  /** Missing services grouped by (set of services, why unverifiable), so one message names every subnet and service. */
  private readonly missing = new Map<string, { subnets: string[]; services: string[]; unverifiable?: string }>();
  private readonly unavailable = new Map<string, { subnets: string[]; services: string[] }>();
  private readonly s3NotAttached: string[] = [];
  private readonly blocked = new Map<string, string>();
  private readonly noInternet: SubnetFacts[] = [];

  constructor(private readonly model: JoinModel, private readonly client: ClientFacts, private readonly state: SharedState,
    private readonly findings: Finding[]) {
    this.nodes = client.kind === 'nodes';
    this.ownRule = OWN_RULE[client.kind];
    this.who = this.nodes ? '' : `${clientLabel(client)}: `;
    this.undeclared = client.services.filter(s => !state.declared.has(s.service)
      && !(client.kind === 'component' && state.nodeServices.has(s.service)));
    this.featureOf = new Map(client.services.map(s => [s.service, s.feature]));
    this.byDefault = new Map(client.services.filter(s => s.byDefault).map(s => [s.service, s.byDefault!]));
  }

  /** For the fix of a message that lacks these services: the defaults that need some of them, and how to turn them off. */
  private defaultsHint(services: string[]): string {
    const defaults = services.filter(s => this.byDefault.has(s)).map(s => ({ service: s, ...this.byDefault.get(s)! }));
    return defaults.map(d => `; ${d.service} is needed by ${d.name}, a default: if you do not want it, turn it off with ${d.turnOff}`).join('');
  }

  /** One subnet: a public subnet without public IPs, then how each needed service is (not) reached from it. */
  public visitSubnet(subnet: SubnetFacts) {
    const r = subnet.routes;
    if (this.nodes && r.known && r.internetGatewayRoute && !r.natRoute && subnet.mapPublicIpOnLaunch === false) {
      this.findings.push(finding('PEKS-NET-1',
        `node subnet ${subnet.name} routes to an internet gateway but assigns no public IPs and has no NAT route: EKS rejects managed nodes there, and the nodes could not reach anything outside the VPC`,
        'run the nodes in private subnets (nodeSubnets), or turn on mapPublicIpOnLaunch for this subnet'));
    }
    if (internetRoute(this.client, subnet)) return;
    this.noInternet.push(subnet);

    const lacking: string[] = [];
    for (const need of this.undeclared) {
      if (r.gatewayEndpoints.includes(need.service)) {
        this.checkGatewayPolicy(r, need);
        continue;
      }
      const endpoints = this.state.endpointsByService.get(need.service) ?? [];
      if (need.service !== 's3' || endpoints.length > 0) this.state.needInterfaceDns = true;
      if (usableEndpoints(endpoints, this.client).length > 0) continue;
      // Served by the hub: the hub rules prove the route, the names and the admission (analyzeBeyondVpc).
      if (hubServes(this.model, need.service)) continue;
      if (endpoints.length === 0) {
        if (need.service === 's3' && r.known && !r.otherDefaultRoute && this.model.s3GatewayInVpc) this.s3NotAttached.push(subnet.name);
        else if (!lacking.includes(need.service)) lacking.push(need.service);
        continue;
      }
      this.checkUnusableEndpoints(need.service, endpoints);
    }
    this.collectLacking(subnet, lacking);
  }

  /** An S3 gateway endpoint on the route table whose policy blocks what the client does there (PEKS-JOIN-7). */
  private checkGatewayPolicy(r: RouteFacts, need: NeededService) {
    const purpose = need.purpose ?? (this.nodes ? 'ecr-layers' : undefined);
    const blockedBy = purpose ? r.s3PolicyBlocks?.[purpose] : undefined;
    if (need.service !== 's3' || !blockedBy) return;
    const reportKey = this.nodes ? blockedBy : `${this.client.name}|${blockedBy}`;
    if (this.state.reportedPolicies.has(reportKey)) return;
    this.state.reportedPolicies.add(reportKey);
    if (this.nodes && purpose === 'ecr-layers') {
      this.findings.push(finding('PEKS-JOIN-7', `the S3 gateway endpoint's policy blocks ${blockedBy}: nodes cannot download image layers`,
        'allow s3:GetObject on the regional prod-<region>-starport-layer-bucket to Principal "*" in the endpoint policy: ECR presigns the layer URLs, so the request is not signed by the node\'s role (NodeEndpoints restrictS3Policy does)'));
    } else {
      this.findings.push(finding(this.rule('PEKS-JOIN-7'), `${this.who}the S3 gateway endpoint's policy blocks ${blockedBy}${need.feature ? ` (${need.feature})` : ''}`,
        purpose === 'cloudformation-response'
          ? 'allow s3:PutObject on arn:<partition>:s3:::cloudformation-custom-resource-response-<region without dashes>/* to Principal "*" (CloudFormation presigns the response URL)'
          : 'allow s3:GetObject on this account\'s CDK asset buckets (cdk-*-assets-<account>-<region>/*) to this account\'s principals'));
    }
  }

  /** Endpoints of the service exist but none is usable: a policy (PEKS-JOIN-7), private DNS (JOIN-3) or 443 (JOIN-4). */
  private checkUnusableEndpoints(service: string, endpoints: InterfaceEndpointFacts[]) {
    for (const e of endpoints) {
      if (this.nodes && e.policyBlocks !== undefined && e.privateDns !== false && e.blocked443[this.client.name] === undefined) {
        if (this.state.reportedPolicies.has(e.name)) continue;
        this.state.reportedPolicies.add(e.name);
        this.findings.push(finding('PEKS-JOIN-7',
          `the policy of the ${service} endpoint ${e.name} blocks ${e.policyBlocks}: nodes cannot pull images`,
          'allow the ECR pull actions (GetAuthorizationToken, BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability) to this account\'s principals in the endpoint policy'));
      } else if (e.privateDns === false) {
        if (this.state.reportedDns.has(e.name)) continue;
        this.state.reportedDns.add(e.name);
        this.findings.push(finding('PEKS-JOIN-3',
          `the ${service} endpoint ${e.name} has private DNS off: clients resolve the public ${service} name and their connections time out`,
          'turn privateDnsEnabled on for this endpoint'));
      } else if (!this.blocked.has(e.name)) {
        this.blocked.set(e.name, `${e.blocked443[this.client.name]} (${service} endpoint ${e.name})`);
      }
    }
  }

  /** Services reached neither way: those the region does not offer apart, the rest grouped with other subnets. */
  private collectLacking(subnet: SubnetFacts, lacking: string[]) {
    const r = subnet.routes;
    const notOffered = lacking.filter(service => this.model.notOfferedInRegion?.some(n => n.service === service));
    if (notOffered.length > 0 && r.known && !r.otherDefaultRoute) {
      lacking = lacking.filter(service => !notOffered.includes(service));
      const group = this.unavailable.get(notOffered.join(',')) ?? { subnets: [], services: notOffered };
      group.subnets.push(subnet.name);
      this.unavailable.set(notOffered.join(','), group);
    }
    if (lacking.length === 0) return;
    const unverifiable = !r.known ? 'its route table is not in this app (imported)'
      : r.otherDefaultRoute ? `its default route goes to ${r.otherDefaultRoute}, whose way out cannot be seen` : undefined;
    const key = `${lacking.join(',')}|${unverifiable ?? ''}`;
    const group = this.missing.get(key) ?? { subnets: [], services: lacking, unverifiable };
    group.subnets.push(subnet.name);
    this.missing.set(key, group);
  }

  /** PEKS-JOIN-6 (cannot verify), PEKS-JOIN-1 / FEAT-1 for nodes, the client's own rule otherwise. */
  public reportMissing() {
    for (const group of this.missing.values()) {
      const subnets = `${WHO[this.client.kind]}${plural(group.subnets)} ${group.subnets.join(', ')}`;
      if (group.unverifiable) {
        this.findings.push(finding(this.rule('PEKS-JOIN-6'),
          `${this.who}cannot verify ${subnets}: ${group.unverifiable}, and no endpoint in this app serves: ${group.services.join(', ')}`,
          `make sure they are reachable, then ${declareHint(group.services)}${this.defaultsHint(group.services)}`));
        continue;
      }
      const reach = `reach${group.subnets.length > 1 ? '' : 'es'} neither the internet (no NAT route, no internet gateway with public IPs) nor an endpoint for`;
      if (!this.nodes) {
        const regional = group.services.filter(sv => sv !== 's3' && !EndpointCatalogue.GLOBAL_SERVICE_NAMES[sv]);
        const global = group.services.filter(sv => EndpointCatalogue.GLOBAL_SERVICE_NAMES[sv]).map(sv => EndpointCatalogue.GLOBAL_SERVICE_NAMES[sv]);
        const create = this.client.kind === 'component'
          ? [regional.length > 0 ? `create the endpoints: additionalEndpoints: [${regional.map(sv => `'${sv}'`).join(', ')}] (cluster.addAddon and the controller methods create them)` : '',
            global.length > 0 ? `create an interface endpoint for ${global.join(', ')} (ec2.InterfaceVpcEndpoint with ec2.InterfaceVpcEndpointService('${global[0]}'))` : '']
            .filter(Boolean).join('; ')
          : 'create the endpoints (createVpcEndpoints: true, or additionalEndpoints)';
        this.findings.push(finding(this.ownRule,
          `${this.who}${subnets} ${reach}: ${describeServices(group.services, this.featureOf)}`,
          `${create}, or give the subnets a NAT route; ${declareHint(group.services)}${this.defaultsHint(group.services)}`));
        continue;
      }
      const base = group.services.filter(s => this.featureOf.get(s) === undefined);
      const featured = group.services.filter(s => this.featureOf.get(s) !== undefined);
      if (base.length > 0) {
        this.findings.push(finding('PEKS-JOIN-1',
          `${subnets} ${reach}: ${base.join(', ')}. Nodes there cannot join`,
          `create the endpoints (createVpcEndpoints: true, or additionalEndpoints), or give the subnets a NAT route; ${declareHint(base)}`));
      }
      if (featured.length > 0) {
        this.findings.push(finding('PEKS-FEAT-1',
          `${subnets} ${reach}: ${describeServices(featured, this.featureOf)}. Pods using the feature fail there`,
          `create the endpoints (with createVpcEndpoints, \`features\` creates them; or additionalEndpoints), or give the subnets a NAT route; ${declareHint(featured)}${this.defaultsHint(featured)}`));
      }
    }
  }

  /** PEKS-REGION-1: a service the region does not offer through PrivateLink, from subnets with no internet route. */
  public reportNotOfferedInRegion() {
    for (const group of this.unavailable.values()) {
      const sources = [...new Set(group.services.map(sv => this.model.notOfferedInRegion!.find(n => n.service === sv)!.source))].join('; ');
      this.findings.push(finding('PEKS-REGION-1',
        `${this.who}${this.model.region} does not offer ${describeServices(group.services, this.featureOf)} through AWS PrivateLink (${sources}), and ${WHO[this.client.kind]}${plural(group.subnets)} ${group.subnets.join(', ')} ha${group.subnets.length > 1 ? 've' : 's'} no internet route: ${this.nodes ? 'the nodes' : 'it'} cannot reach it`,
        `give these subnets a NAT route or a proxy to the public endpoint (a proxy the construct cannot see: declare it, existingEndpointServices: [${group.services.map(sv => `'${sv}'`).join(', ')}]), or deploy to a region that offers it`));
    }
  }

  /** PEKS-JOIN-2: the VPC has an S3 gateway endpoint, not on these subnets' route tables. */
  public reportS3NotAttached() {
    if (this.s3NotAttached.length === 0) return;
    this.findings.push(finding(this.rule('PEKS-JOIN-2'),
      `${this.who}the VPC has an S3 gateway endpoint, but not on the route table of ${WHO[this.client.kind]}${plural(this.s3NotAttached)} ${this.s3NotAttached.join(', ')}: ${this.nodes ? 'image layers (served from S3) cannot be pulled' : 'S3 downloads there fail'}`,
      'associate the S3 gateway endpoint with these subnets\' route tables'));
  }

  /** PEKS-JOIN-4: 443 between the client and an endpoint is blocked by security groups. */
  public reportBlocked443() {
    for (const why of this.blocked.values()) {
      this.findings.push(finding(this.rule('PEKS-JOIN-4'),
        `${this.who}${why}: HTTPS from ${this.nodes ? 'the nodes' : 'it'} to the endpoint is blocked`,
        `allow 443 from ${this.nodes ? 'the node subnets\' CIDRs (or the nodes\' security groups)' : 'its security group'} on the endpoint security group, and 443 out on ${this.nodes ? 'the nodes\'' : 'its'} security groups`));
    }
  }

  /** PEKS-KUBECTL-2: the client downloads from the internet (a public chart, another region's ECR) and has no route. */
  public reportInternetDownloads() {
    const client = this.client;
    if (!client.needsInternet || client.needsInternet.length === 0 || !client.inVpc) return;
    const without = this.noInternet.filter(sub => sub.routes.known && !sub.routes.otherDefaultRoute).map(sub => sub.name);
    const unseen = this.noInternet.filter(sub => !sub.routes.known || sub.routes.otherDefaultRoute).map(sub => sub.name);
    if (without.length === 0 && unseen.length === 0) return;
    this.findings.push(finding('PEKS-KUBECTL-2',
      `${this.who}${without.length > 0 ? `subnet${plural(without)} ${without.join(', ')} ha${without.length > 1 ? 've' : 's'} no internet route` : `cannot verify an internet route from ${unseen.join(', ')}`}, and it downloads from the internet: ${client.needsInternet.join('; ')}`,
      'push the chart to this region\'s ECR as an OCI artifact (repository: \'oci://<account>.dkr.ecr.<this region>.amazonaws.com/<repo>\') or pass it as `chartAsset`; or downgrade PEKS-KUBECTL-2 if a proxy serves it'));
  }

  /** PEKS-API-1 / API-3: the client reaches the API server through the endpoint mode the cluster has. */
  public reportApiReach() {
    const client = this.client;
    if (!client.needsApi) return;
    const api = this.model.apiAccess;
    if (!client.inVpc) {
      if (!api.publicAccess) {
        this.findings.push(finding(this.rule('PEKS-API-1'),
          `${this.who}it runs outside the VPC and the API endpoint is PRIVATE: it cannot reach the API server`,
          'place it in the VPC (vpc and vpcSubnets) with a security group the cluster security group admits on 443'));
      }
      return;
    }
    if (api.privateAccess) {
      if (client.apiBlocked) {
        this.findings.push(finding(this.rule('PEKS-API-3'),
          `${this.who}${client.apiBlocked}: ${this.nodes ? 'kubelet and kube-proxy' : 'it'} cannot reach the private API endpoint`,
          'allow 443 from its security groups on the cluster security group (cluster.connections.allowDefaultPortFrom), and 443 out on its security groups'));
      }
      return;
    }
    // Public only: the subnets need a way to the internet.
    const cannotReachPublic = this.noInternet.filter(s => s.routes.known && !s.routes.otherDefaultRoute).map(s => s.name);
    if (api.publicAccess && cannotReachPublic.length > 0) {
      this.findings.push(finding(this.rule('PEKS-API-1'),
        `${this.who}the API endpoint is PUBLIC only, and ${WHO[client.kind]}${plural(cannotReachPublic)} ${cannotReachPublic.join(', ')} ha${cannotReachPublic.length > 1 ? 've' : 's'} no internet route: ${this.nodes ? 'kubelet and kube-proxy cannot' : 'it cannot'} reach the API server`,
        'use EndpointAccess.PRIVATE or PUBLIC_AND_PRIVATE (clients in the VPC then use the private endpoint), or give the subnets a NAT route'));
    }
  }

  private rule(nodeRule: string): string {
    return this.nodes ? nodeRule : this.ownRule;
  }
}

function plural(names: string[]): string {
  return names.length > 1 ? 's' : '';
}

function declareHint(services: string[]): string {
  return `if they are reached by means this construct cannot see (a proxy, an on-premises route, endpoints in a shared VPC), declare them: existingEndpointServices: [${services.map(s => `'${s}'`).join(', ')}]`;
}

/** How a subnet reaches the internet for a client: 'nat', 'internet' (IGW + public IP), or undefined. */
function internetRoute(client: ClientFacts, subnet: SubnetFacts): 'nat' | 'internet' | undefined {
  const r = subnet.routes;
  if (!r.known) return undefined;
  if (r.natRoute) return 'nat';
  const publicIp = client.publicIp ?? subnet.mapPublicIpOnLaunch;
  return r.internetGatewayRoute && publicIp !== false ? 'internet' : undefined;
}

/** The endpoints of a service the client can use: private DNS on, 443 open both ways, a policy that lets nodes pull. */
function usableEndpoints(endpoints: InterfaceEndpointFacts[], client: ClientFacts): InterfaceEndpointFacts[] {
  return endpoints.filter(e => e.privateDns !== false && e.blocked443[client.name] === undefined
    && (client.kind !== 'nodes' || e.policyBlocks === undefined));
}

/** How a client in a subnet reaches a service. */
export interface ReachRow {
  readonly client: string;
  readonly kind: ClientKind;
  readonly subnet: string;
  readonly service: string;
  /** Why the client needs it (the feature), when not always. */
  readonly feature?: string;
  /** `declared`, `nat`, `internet`, `gateway-endpoint`, `interface-endpoint`, `hub`, `unverifiable` or `missing`. */
  readonly via: string;
  /** The endpoint (construct path) or the way out, when there is one. */
  readonly detail?: string;
}

/**
 * For every client, subnet and needed service: how it is reached. The same predicates as the checks (one source of
 * truth): what the report shows is what the validation decided.
 */
export function reachability(model: JoinModel): ReachRow[] {
  const declared = new Set(model.declaredServices);
  const rows: ReachRow[] = [];
  for (const client of model.clients) {
    for (const subnet of client.subnets) {
      for (const { service, feature } of client.services) {
        const { via, detail } = reachOf(model, declared, client, subnet, service);
        rows.push({ client: client.name, kind: client.kind, subnet: subnet.name, service, feature, via, detail });
      }
    }
    if (client.needsApi) rows.push(...apiRows(model, client));
  }
  return rows;
}

/** How a client in a subnet reaches a service: the predicates of the checks, for the report and the settings rule. */
function reachOf(model: JoinModel, declared: Set<string>, client: ClientFacts, subnet: SubnetFacts, service: string):
{ via: string; detail?: string } {
  const way = internetRoute(client, subnet);
  if (declared.has(service)) return { via: 'declared', detail: 'existingEndpointServices' };
  // The hub's names resolve to its addresses in this VPC: the hub is the path even beside a NAT route.
  const local = endpointsHere(model, service);
  if (hubServes(model, service) && usableEndpoints(local, client).length === 0) {
    return { via: 'hub', detail: model.hub!.name };
  }
  if (way) return { via: way, detail: way === 'nat' ? 'default route to a NAT gateway or instance' : 'internet gateway and a public IP' };
  if (subnet.routes.gatewayEndpoints.includes(service)) return { via: 'gateway-endpoint', detail: `${service} gateway endpoint on the subnet's route table` };
  const usable = usableEndpoints(local, client);
  if (usable.length > 0) return { via: 'interface-endpoint', detail: usable[0].name };
  if (!subnet.routes.known || subnet.routes.otherDefaultRoute) return { via: 'unverifiable', detail: subnet.routes.otherDefaultRoute ?? 'route table not in this app' };
  return { via: 'missing' };
}

/**
 * The model with each component setting that exists because a service is unreachable (`requiredUnlessReachable`)
 * marked as met (`ok: true`, `waived`) where the component's subnets reach that service: what the report shows is
 * what PEKS-ADDON-2 decided.
 */
export function waiveReachedSettings(model: JoinModel): JoinModel {
  const components = (model.components ?? []).map(c => {
    const client = model.clients.find(x => x.kind === 'component' && x.name === c.name);
    const settings = c.settings.map(s => (s.ok === false && s.requiredUnlessReachable && client
      && reachesEverywhere(model, client, s.requiredUnlessReachable, s.endpointServesRegions)
      ? { ...s, ok: true, waived: `not required: the node subnets reach ${s.requiredUnlessReachable}` } : s));
    return { ...c, settings };
  });
  return model.components ? { ...model, components } : model;
}

/**
 * Whether every subnet of a client reaches a service (declared, an internet route, a usable endpoint). An interface
 * endpoint counts only in `endpointRegions` when given (the client calls the service in another region elsewhere).
 * What cannot be seen does not count: declare it.
 */
export function reachesEverywhere(model: JoinModel, client: ClientFacts, service: string, endpointRegions?: string[]): boolean {
  const declared = new Set(model.declaredServices);
  const endpointServes = endpointRegions === undefined || (model.region !== undefined && endpointRegions.includes(model.region));
  return client.subnets.length > 0 && client.subnets.every(subnet => {
    const { via } = reachOf(model, declared, client, subnet, service);
    return via === 'declared' || via === 'nat' || via === 'internet' || via === 'gateway-endpoint' || via === 'hub' || (via === 'interface-endpoint' && endpointServes);
  });
}

/** How a client reaches the API server, by the same facts the API rules use. */
function apiRows(model: JoinModel, client: ClientFacts): ReachRow[] {
  const api = model.apiAccess;
  const row = (subnet: string, via: string, detail?: string): ReachRow => ({ client: client.name, kind: client.kind, subnet, service: 'API server', via, detail });
  if (!client.inVpc) {
    return [row('(outside the VPC)', api.publicAccess ? 'public-endpoint' : 'missing', api.publicAccess ? 'the Lambda service\'s own internet access' : 'the endpoint is PRIVATE')];
  }
  if (api.privateAccess) {
    return [row('(any subnet of the VPC)', client.apiBlocked ? 'missing' : 'private-endpoint',
      client.apiBlocked ?? 'private DNS to the EKS-owned network interfaces, 443 admitted by the cluster security group')];
  }
  return client.subnets.map(subnet => {
    const way = internetRoute(client, subnet);
    if (way) return row(subnet.name, 'public-endpoint', way === 'nat' ? 'through the NAT route' : 'through the internet gateway with a public IP');
    return row(subnet.name, !subnet.routes.known || subnet.routes.otherDefaultRoute ? 'unverifiable' : 'missing', 'no internet route to the public endpoint');
  });
}

function minorOf(version: string): number {
  return Number(/^1\.(\d+)/.exec(version)?.[1] ?? NaN);
}

/** `ssm, ssmmessages (SSM Session Manager); s3 (kubectl download)`: services grouped by what needs them. */
function describeServices(services: string[], featureOf: Map<string, string | undefined>): string {
  const byFeature = new Map<string, string[]>();
  for (const s of services) {
    const f = featureOf.get(s) ?? '';
    byFeature.set(f, [...(byFeature.get(f) ?? []), s]);
  }
  return [...byFeature].map(([f, ss]) => `${ss.join(', ')}${f ? ` (${f})` : ''}`).join('; ');
}

function finding(ruleId: string, message: string, fix: string): Finding {
  const rule = JOIN_RULES.find(r => r.id === ruleId);
  if (!rule) throw new Error(`unknown rule ${ruleId}`);
  return { ruleId, severity: rule.severity, message, fix };
}

/** The interface endpoints of a service in this VPC that serve this region's names. */
function endpointsHere(model: JoinModel, service: string): InterfaceEndpointFacts[] {
  return model.interfaceEndpoints.filter(e => e.service === service && servesThisRegion(model, e));
}

/** How messages name a client that is not the nodes (its label, else `the bastion X` or `kubectl function X`). */
function clientLabel(c: ClientFacts): string {
  return c.label ?? `${c.kind === 'bastion' ? 'the bastion' : 'kubectl function'} ${c.name}`;
}

/** Whether the hub serves a service to this VPC (in this region). S3 is never the hub's: gateway endpoints stay local. */
function hubServes(model: JoinModel, service: string): boolean {
  return model.hub !== undefined && service !== 's3' && model.hub.services.includes(service);
}

/**
 * The hub and the proxy (hub-rules.ts, proxy-rules.ts): for each client, the services it takes from the hub (no
 * internet route, no usable endpoint here, not declared) and what it fetches through the proxy, from which subnets.
 */
function analyzeBeyondVpc(model: JoinModel, findings: Finding[]) {
  const declared = new Set(model.declaredServices);
  const label = (c: ClientFacts) => (c.kind === 'nodes' ? `nodegroup ${c.name}` : clientLabel(c));
  const subnetOf = (s: SubnetFacts) => ({ name: s.name, cidr: s.cidr, routes: s.routes.known ? s.routes.entries ?? [] : undefined });
  if (model.hub) {
    const nodeServices = new Set(model.clients.filter(c => c.kind === 'nodes').flatMap(c => c.services.map(x => x.service)));
    const clients: HubClient[] = model.clients.filter(c => c.inVpc).map(c => {
      // Once the hub's names are associated with the VPC they resolve to the hub's addresses from every subnet, a NAT
      // route or not: every subnet needs the route to the hub.
      const takes = [...new Set(c.services.map(x => x.service))].filter(svc => hubServes(model, svc) && !declared.has(svc)
        // What the nodes need too is reported once, under the nodes.
        && !(c.kind === 'component' && nodeServices.has(svc))
        && usableEndpoints(endpointsHere(model, svc), c).length === 0);
      return { label: label(c), subnets: c.subnets.map(subnetOf), services: takes };
    });
    const local = model.interfaceEndpoints.filter(e => e.privateDns !== false && servesThisRegion(model, e))
      .map(e => ({ service: e.service, name: e.name }));
    for (const f of analyzeHub({
      hub: model.hub,
      clients,
      region: model.region,
      account: model.account,
      vpcCidrs: model.vpcCidrs,
      localPrivateDns: local,
      zonesNotAssociated: model.hubZonesNotAssociated,
      deployOrder: model.hubDeployOrder,
    })) findings.push(finding(f.ruleId, f.message, f.fix));
  }
  if (model.proxy) {
    const images = (model.images ?? []).filter(i => i.throughProxy);
    const proxyClients: ProxyClient[] = model.clients.filter(c => c.inVpc).map(c => {
      // The hosts get the proxy in their environment: they use it from every subnet, a NAT route or not.
      const uses = c.kind === 'nodes' ? [...new Set(images.map(i => `${i.registry} (images)`))]
        : c.kind === 'kubectl' ? (c.throughProxy ?? []) : [];
      return { label: label(c), subnets: c.subnets.map(subnetOf), uses };
    });
    for (const f of analyzeProxy(model.proxy, proxyClients, model.vpcCidrs)) findings.push(finding(f.ruleId, f.message, f.fix));
  }
}

/** The kubectl layer package to name for a cluster version: its own, or the newest published when it has none. */
function layerFix(v: VersionFacts): string {
  const minor = minorOf(v.version);
  const newest = v.newestLayer ? Number(/v(\d+)$/.exec(v.newestLayer)?.[1]) : undefined;
  if (newest !== undefined && minor > newest) {
    return `npm has no @aws-cdk/lambda-layer-kubectl-v${minor}: use a cluster version with a published layer (the newest is ${v.newestLayer}, KubectlV${newest}Layer)`;
  }
  return `use @aws-cdk/lambda-layer-kubectl-v${minor} (KubectlV${minor}Layer)`;
}

/**
 * PEKS-EGRESS-1 for an external OIDC identity provider: with CUSTOMER_ROUTED egress the API server fetches the
 * issuer's discovery document through the cluster subnets ("If your cluster uses an OIDC identity provider, the
 * control plane must be able to reach the OIDC discovery endpoint over HTTPS (port 443). This applies to ... an OIDC
 * identity provider you associate for cluster authentication"; "Custom OIDC provider: the issuer URL you configured",
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress.html, read 2026-12-07). No VPC endpoint serves
 * another party's issuer: a cluster subnet needs a route out (NAT). A default route to a transit gateway or another
 * target the app cannot follow is not judged (not seen, not refused).
 */
function analyzeIdentityProviders(model: JoinModel, findings: Finding[]) {
  for (const n of model.controlPlaneNacls ?? []) {
    findings.push(finding('PEKS-EGRESS-2',
      `the network ACL ${n.acl} of cluster subnet ${n.subnet} denies what the control plane sends and receives through its network interfaces there `
      + `(control-plane egress CUSTOMER_ROUTED; network ACLs are stateless): ${n.blocked.join('; ')}`,
      'add entries that allow outbound TCP 10250 to the node subnets, outbound TCP 443 to the OIDC issuer and webhooks, and inbound TCP 1024-65535 for the return traffic, '
      + 'numbered below any deny that covers them'));
  }
  const plane = model.clients.find(c => c.kind === 'control-plane');
  if (!plane || !model.identityProviders?.length) return;
  const closed = plane.subnets.filter(s => s.routes.known && !s.routes.otherDefaultRoute && !internetRoute(plane, s)).map(s => s.name);
  if (closed.length === 0) return;
  for (const idp of model.identityProviders) {
    const issuer = idp.issuerUrl ?? 'its issuer URL';
    findings.push(finding('PEKS-EGRESS-1',
      `the OIDC identity provider ${idp.path} (${issuer}) is fetched by the API server through the cluster subnets (control-plane egress CUSTOMER_ROUTED), `
      + `and cluster subnet${closed.length > 1 ? 's' : ''} ${closed.join(', ')} reach${closed.length > 1 ? '' : 'es'} no internet (no NAT route): OIDC authentication fails`,
      'give the cluster subnets a route to the issuer (a NAT route, or a transit gateway to a central egress) with 443 out and the return ports (1024-65535) in their network ACLs, '
      + 'or leave controlPlaneEgressMode AWS_MANAGED'));
  }
}
