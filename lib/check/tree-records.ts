/**
 * The facts of a construct tree as plain records: what `tree-facts.ts` reads once per synth, and all the model
 * builders, the analysis and the report see of the tree. No construct and no L1 object past this point.
 *
 * A reference is a key as `key()` writes it: `ref:<path of the resource>:<attribute>` for a resource of this app
 * (`id` for its `Ref`), `lit:<value>` for a literal, `tok:<token>` for anything else. A value that is a token at
 * synth is undefined, never a guess. A list of subnet keys keeps its length and order: an entry that cannot be read is
 * undefined.
 */
import type { NaclEntryFacts } from './nacl-rules';
import { AwsLocation } from '../core/aws-env';

/** An `AWS::EC2::Subnet` of the app. */
export interface SubnetRecord {
  readonly key: string;
  readonly path: string;
  /** The IPv4 CIDR, when literal. */
  readonly cidr?: string;
  /**
   * The AZ's name, or for an environment-agnostic stack the expression that picks it (`Fn::Select [1, Fn::GetAZs]`):
   * two subnets are in the same AZ exactly when these are equal.
   */
  readonly az?: string;
  /** `MapPublicIpOnLaunch` with CloudFormation's default (false); undefined for a token. */
  readonly mapPublicIpOnLaunch?: boolean;
}

/** An `AWS::EC2::SubnetRouteTableAssociation`. */
export interface RouteTableAssociationRecord {
  readonly subnetKey?: string;
  readonly routeTableKey?: string;
}

/** Where a route sends its traffic. */
export type RouteTarget = 'nat' | 'internet-gateway' | 'gateway' | 'transit-gateway' | 'unseen';

/** An `AWS::EC2::Route`. */
export interface RouteRecord {
  readonly routeTableKey?: string;
  /** The IPv4 destination, when literal; undefined for a token or an IPv6 route. */
  readonly destination?: string;
  /** A route with an IPv6 destination and no IPv4 one. */
  readonly ipv6Only: boolean;
  /** NAT gateway, instance or network interface (`nat`); an internet gateway of the app or `igw-...`; another target. */
  readonly target: RouteTarget;
  /** The gateway's or transit gateway's ID, when literal. */
  readonly targetId?: string;
}

/** An `AWS::EC2::VPCEndpoint`. */
export interface EndpointRecord {
  /** The endpoint's scope's path (the L2), else its own. */
  readonly path: string;
  readonly vpcKey?: string;
  /** `VpcEndpointType` when literal; CloudFormation's default `Gateway` when not set or a token. */
  readonly type: string;
  /** The short service name (`ecr.api`), when readable. */
  readonly service?: string;
  readonly routeTableKeys: string[];
  readonly subnetKeys: Array<string | undefined>;
  readonly securityGroupKeys: string[];
  /** `PrivateDnsEnabled` with CloudFormation's default (false); undefined for a token. */
  readonly privateDns?: boolean;
  /** The region of the endpoint's service, when the app says it is another region than the stack's. */
  readonly serviceRegion?: string;
  /** Interface endpoints: what the policy blocks for the service's purpose (evaluated when first read). */
  readonly policyBlocks?: string;
  /** S3 gateway endpoints: what the policy blocks, by purpose, each with the endpoint's path (evaluated when first read). */
  readonly s3PolicyBlocks?: Record<string, string>;
  /** Logical ID in its stack's template (resolved when first read). */
  readonly logicalId: string;
  readonly stackName: string;
}

/** A security group rule, inline or its own resource, as the checks read it. */
export interface RuleRecord {
  /** `-1`, `tcp`, `6`...; undefined for a token. */
  readonly protocol?: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** The peer group (source for ingress, destination for egress), when the rule names one. */
  readonly peerGroupKey?: string;
  /** Whether the rule names a peer group (`SourceSecurityGroupId` for ingress, `DestinationSecurityGroupId` for egress). */
  readonly hasPeerGroup: boolean;
  /** Whether the rule names a CIDR peer (`CidrIp`). */
  readonly hasPeerCidr: boolean;
  /** That CIDR, when literal or the literal CIDR of a VPC of the app. */
  readonly peerCidr?: string;
  /** Whether the peer is a managed prefix list. */
  readonly prefixList: boolean;
}

/** An `AWS::EC2::SecurityGroupIngress` or `AWS::EC2::SecurityGroupEgress`. */
export interface GroupRuleRecord extends RuleRecord {
  readonly groupKey?: string;
}

/** An `AWS::EC2::SecurityGroup` of the app, with its inline rules. */
export interface SecurityGroupRecord {
  readonly key: string;
  readonly ingress: RuleRecord[];
  readonly egress: RuleRecord[];
}

/** An `AWS::EC2::VPC` of the app. */
export interface VpcRecord {
  readonly key: string;
  readonly cidr?: string;
  /** `EnableDnsSupport` with CloudFormation's default (true); undefined for a token. */
  readonly dnsSupport?: boolean;
  /** `EnableDnsHostnames` with CloudFormation's default (false); undefined for a token. */
  readonly dnsHostnames?: boolean;
}

/** An `AWS::EC2::NatGateway`. */
export interface NatGatewayRecord {
  readonly path: string;
  readonly subnetKey?: string;
}

/** An `AWS::EKS::Cluster`. */
export interface EksClusterRecord {
  readonly key: string;
  /** The L1's own path. */
  readonly path: string;
  readonly name?: string;
  readonly version?: string;
  readonly securityGroupKeys: string[];
  readonly subnetKeys: Array<string | undefined>;
  /** With CloudFormation's defaults: public on, private off. */
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs: string[];
  /** The control plane log types turned on. */
  readonly logging: string[];
  readonly secretsEncryption: boolean;
  /** EKS Auto Mode: `ComputeConfig.Enabled` as the template carries it (the L1 property or an override; read when first asked). */
  readonly autoMode: boolean;
  /** `ResourcesVpcConfig.ControlPlaneEgressMode` as the template carries it (read when first asked); undefined: not set. */
  readonly egressMode?: string;
  /**
   * The OIDC identity providers associated with the cluster in the app (`AWS::EKS::IdentityProviderConfig`), with the
   * issuer URL when it is a literal.
   * @default - none
   */
  readonly oidcIdentityProviders?: Array<{ readonly path: string; readonly issuerUrl?: string }>;
}

/** An `AWS::EKS::Nodegroup`. */
export interface NodegroupRecord {
  /** The nodegroup's scope's path (the L2), else its own. */
  readonly path: string;
  readonly clusterKey?: string;
  readonly name?: string;
  readonly subnetKeys: Array<string | undefined>;
  /** Literal instance types; undefined for a token. */
  readonly instanceTypes: Array<string | undefined>;
  /** Its stack's path. */
  readonly stackPath: string;
  /** What CloudFormation deploys before it: the stacks its stack depends on (transitively), by path. */
  readonly afterStacks: string[];
  /** The constructs it (or a scope of it) was made to depend on, by path: everything under them deploys before it. */
  readonly afterConstructs: string[];
  readonly amiType?: string;
  readonly capacityType?: string;
  readonly minSize?: number;
  readonly desiredSize?: number;
  readonly maxSize?: number;
  /** The security groups of its launch template, when the template is in the app and names some. */
  readonly launchTemplateSecurityGroupKeys?: string[];
}

/** An `AWS::Lambda::Function`. */
export interface FunctionRecord {
  /** The function's scope's path (the L2), else its own. */
  readonly path: string;
  /** The L1's own path. */
  readonly resourcePath: string;
  /** The ID of the function's scope (`Handler` for aws-eks-v2's kubectl handler). */
  readonly scopeId?: string;
  readonly layerKeys: string[];
  readonly subnetKeys: Array<string | undefined>;
  readonly securityGroupKeys: string[];
}

/** An `AWS::EKS::Addon`. */
export interface AddonRecord {
  /** The add-on's scope's path (the L2), else its own. */
  readonly path: string;
  /** The L1's own path. */
  readonly resourcePath: string;
  /** Its place in the tree walk, to find the first of several kinds. */
  readonly order: number;
  readonly clusterKey?: string;
  /** `AddonName` when literal. */
  readonly name?: string;
  /** `AddonName` and `AddonVersion` as written (a token as its text), for the report. */
  readonly nameAsWritten: string;
  readonly versionAsWritten?: string;
  readonly hasPodIdentityAssociations: boolean;
  readonly hasServiceAccountRole: boolean;
  /** `ConfigurationValues` as CloudFormation will get it (resolved when first read). */
  readonly configurationValues: unknown;
}

/** An `AWS::EKS::PodIdentityAssociation`. */
export interface PodIdentityAssociationRecord {
  /** The L1's own path. */
  readonly path: string;
  /** Its place in the tree walk, to find the first of several kinds. */
  readonly order: number;
  readonly clusterKey?: string;
  readonly namespace?: string;
  readonly serviceAccount?: string;
}

/** A custom resource of aws-eks-v2's `KubernetesManifest` (`manifest`) or `HelmChart` (`chart`). */
export interface KubernetesResourceRecord {
  readonly kind: 'manifest' | 'chart';
  /** The resource's scope's path (the L2), else its own. */
  readonly path: string;
  /** The path of the construct that applies it (the scope's scope), else its own. */
  readonly workload: string;
  readonly clusterKey?: string;
  readonly chart?: string;
  readonly repository?: string;
  readonly namespace?: string;
  /** `Manifest` as CloudFormation will get it (resolved when first read); undefined when it cannot be resolved. */
  readonly manifest?: unknown;
  /** Whether `Values` is set. */
  readonly hasValues: boolean;
  /** `Values` as CloudFormation will get it (resolved when first read); undefined when it cannot be resolved. */
  readonly values?: unknown;
}

/** An `AWS::ECR::PullThroughCacheRule`. */
export interface PullThroughCacheRuleRecord {
  readonly path: string;
  readonly prefix?: string;
}

/** A pull-through cache warm-up (`Custom::PrivateEksCacheWarmup`). */
export interface CacheWarmupRecord {
  readonly path: string;
  /** `Images` as CloudFormation will get it (resolved when first read); undefined when it cannot be resolved. */
  readonly images?: unknown;
}

/** A `ClusterBastion`. */
export interface BastionRecord {
  readonly path: string;
  /** The path of the cluster it administers. */
  readonly clusterPath: string;
  readonly subnetKey?: string;
  /** `AssociatePublicIpAddress` of its network interface; undefined when not set or a token. */
  readonly associatePublicIp?: boolean;
  readonly securityGroupKeys: string[];
  readonly requiredServices: string[];
  readonly access: string;
  readonly kubectlInstalled: boolean;
}

/** An `ApiRelay` or a `PrivateCiRunner`: a client that reaches the API server for people or pipelines. */
export interface AccessClientRecord {
  readonly path: string;
  /** `relay` (Session Manager port forwarding) or `runner` (a CodeBuild project in the VPC). */
  readonly role: 'relay' | 'runner';
  /** The path of the cluster it reaches. */
  readonly clusterPath: string;
  /** Its subnets as the L1 resource deploys them (the instance's, the project's `VpcConfig`). */
  readonly subnetKeys: Array<string | undefined>;
  /** `AssociatePublicIpAddress` of the relay's network interface; undefined when not set or a token. */
  readonly associatePublicIp?: boolean;
  readonly securityGroupKeys: string[];
  /** The services it calls, with what each is for. */
  readonly services: Array<{ readonly service: string; readonly why: string }>;
  /** What it runs on, for the plan's cost: the relay's instance type (`t4g.nano`), the runner's compute type (`BUILD_GENERAL1_SMALL`); undefined when a token. */
  readonly size?: string;
}

/** An aws-eks-v2 `KubectlProvider`. */
export interface KubectlProviderRecord {
  readonly path: string;
}

/** A `NodeEndpoints`. */
export interface NodeEndpointsRecord {
  readonly path: string;
  readonly azsVerified: boolean;
  readonly hasInterfaceServices: boolean;
}

/** A `NetworkPreflight`. */
export interface PreflightRecord {
  readonly path: string;
  readonly services: string[];
  readonly anyAddressServices: string[];
  /** Literal CIDRs; undefined for one resolved at deploy. */
  readonly vpcCidrs: Array<string | undefined>;
  /** The subnets its probe functions run in, every function's in turn. */
  readonly probeSubnetKeys: Array<string | undefined>;
  /** The constructs that depend on it, by path, in tree order (read when first asked). */
  readonly dependents: string[];
}

/** A private hosted zone (`AWS::Route53::HostedZone` with VPCs). */
export interface HostedZoneRecord {
  /** Lower case, without the final dot. */
  readonly name?: string;
  readonly vpcKeys: Array<string | undefined>;
  readonly path: string;
  readonly stackPath: string;
  /** Its key, as records that name it (a record set's `HostedZoneId`) refer to it. */
  readonly key?: string;
}

/** A network ACL of the app: its entries (undefined when one is not spelled out) and the subnets associated with it (keys). */
export interface NetworkAclRecord {
  readonly key: string;
  readonly path: string;
  readonly entries?: NaclEntryFacts[];
  readonly subnetKeys: string[];
}

/** Everything the checks and the report read of the tree. */
export interface TreeRecords {
  readonly subnets: ReadonlyMap<string, SubnetRecord>;
  readonly routeTableAssociations: RouteTableAssociationRecord[];
  readonly routes: RouteRecord[];
  readonly endpoints: EndpointRecord[];
  readonly securityGroups: ReadonlyMap<string, SecurityGroupRecord>;
  readonly ingressRules: GroupRuleRecord[];
  readonly egressRules: GroupRuleRecord[];
  readonly vpcs: ReadonlyMap<string, VpcRecord>;
  /** Private hosted zones (`AWS::Route53::HostedZone` with VPCs): the name, lower case without the final dot, and the VPC keys. */
  readonly hostedZones: HostedZoneRecord[];
  /** DNS records (`AWS::Route53::RecordSet`): the zone they are in (key) and the name, lower case without the final dot. */
  readonly recordSets: Array<{ readonly zoneKey?: string; readonly name?: string }>;
  /** Secondary IPv4 CIDR blocks (`AWS::EC2::VPCCidrBlock`): the VPC (key) and the block, when literal. */
  readonly vpcCidrBlocks: Array<{ readonly vpcKey?: string; readonly cidr?: string }>;
  readonly natGateways: NatGatewayRecord[];
  /** Transit Gateway attachments (`AWS::EC2::TransitGatewayAttachment`): the VPC they attach (key). */
  readonly transitGatewayAttachments: Array<{ readonly vpcKey?: string }>;
  readonly eksClusters: EksClusterRecord[];
  /** Network ACLs (`AWS::EC2::NetworkAcl`) with their entries and subnet associations. */
  readonly networkAcls: NetworkAclRecord[];
  readonly nodegroups: NodegroupRecord[];
  readonly functions: FunctionRecord[];
  readonly addons: AddonRecord[];
  readonly podIdentityAssociations: PodIdentityAssociationRecord[];
  readonly kubernetesResources: KubernetesResourceRecord[];
  readonly pullThroughCacheRules: PullThroughCacheRuleRecord[];
  readonly cacheWarmups: CacheWarmupRecord[];
  readonly bastions: BastionRecord[];
  /** Every `ApiRelay` and `PrivateCiRunner` in the tree. */
  readonly accessClients: AccessClientRecord[];
  readonly kubectlProviders: KubectlProviderRecord[];
  readonly nodeEndpoints: NodeEndpointsRecord[];
  readonly preflights: PreflightRecord[];
}

/** A subnet of the cluster's VPC, as the VPC object lists it, merged with its `AWS::EC2::Subnet` when in the app. */
export interface SubnetRef {
  readonly key: string;
  /** The subnet object's path. */
  readonly path: string;
  /** Whether its `AWS::EC2::Subnet` is in the app (else: imported, its routes unseen). */
  readonly inApp: boolean;
  /** The subnet ID, when literal. */
  readonly literalId?: string;
  /** The route table: by the app's association, else the subnet object's. */
  readonly routeTableKey?: string;
  readonly cidr?: string;
  readonly az?: string;
  /** The AZ the subnet object names, when literal (for display). */
  readonly azLiteral?: string;
  readonly mapPublicIpOnLaunch?: boolean;
}

/** The cluster the L3 built, read once. */
export interface ClusterRef {
  readonly path: string;
  /** Its `AWS::EKS::Cluster`. */
  readonly resource: EksClusterRecord;
  readonly nameKey?: string;
  readonly securityGroupKey: string;
  readonly location: AwsLocation;
  /** The stack's region, when literal. */
  readonly region?: string;
  /** Its OIDC provider's path, when it has one. */
  readonly oidcProviderPath?: string;
  readonly kubectlProviderPath?: string;
}

/** The cluster's VPC, read once. */
export interface VpcRef {
  readonly key?: string;
  /** Public, private and isolated subnets, in that order. */
  readonly subnets: SubnetRef[];
  /** The VPC's CIDR when it is built in the app with a literal one. */
  readonly literalCidr?: string;
}

/** The cluster's kubectl layer. */
export interface LayerRef {
  readonly arnKey?: string;
  /** `NN` of a `KubectlVNNLayer` (the @aws-cdk/lambda-layer-kubectl-vNN packages). */
  readonly kubectlMinor?: string;
}

/** A Helm chart the cluster's kubectl handler installs. */
export interface HelmChartRef {
  readonly path: string;
  readonly hasAsset: boolean;
  readonly repository?: string;
}

/** What the L3 passes in (aws-cdk-lib objects), read into plain records at the boundary. */
export interface ClusterScope {
  readonly cluster: ClusterRef;
  readonly vpc: VpcRef;
  readonly kubectlLayer?: LayerRef;
  readonly helmCharts: HelmChartRef[];
}
