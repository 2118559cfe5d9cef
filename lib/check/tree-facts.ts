import { CfnResource, IResolvable, IResolveContext, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import type { NaclEntryFacts } from './nacl-rules';
import {
  AccessClientRecord, AddonRecord, HostedZoneRecord, BastionRecord, CacheWarmupRecord, ClusterScope, EksClusterRecord, EndpointRecord, FunctionRecord,
  GroupRuleRecord, KubectlProviderRecord, KubernetesResourceRecord, NatGatewayRecord, NetworkAclRecord, NodeEndpointsRecord, NodegroupRecord,
  PodIdentityAssociationRecord, PreflightRecord, PullThroughCacheRuleRecord, RouteRecord, RouteTableAssociationRecord,
  RuleRecord, SecurityGroupRecord, SubnetRecord, SubnetRef, TreeRecords, VpcRecord,
} from './tree-records';
import { ACCESS_NEEDS_BY_SERVICE } from '../access/access-facts';
import { ApiRelay } from '../access/api-relay';
import { PrivateCiRunner } from '../access/ci-runner';
import { ClusterBastion } from '../bastion/bastion';
import { blockedNeed, INTERFACE_PURPOSES, NeedPurpose } from '../contracts/endpoint-policy';
import { locationOf } from '../core/aws-env';
import { literal, literalVpcCidr } from '../core/cidr';
import { NodeEndpoints } from '../network/node-endpoints';
import { NetworkPreflight } from '../network/preflight';
import { CACHE_WARMUP_RESOURCE_TYPE } from '../workloads/cache-warmup';

// The CIDR helpers and `literal` moved to core/cidr.ts; re-exported for the modules of the check.
export { cidrContains, ipv4CidrNetwork, ipv4CidrPrefix, literal, literalVpcCidr } from '../core/cidr';
// The network's evaluation moved to network-facts.ts (pure functions of the records); re-exported.
export { usableAddresses } from './network-facts';
export type { ClientNetwork } from './network-facts';

/** The custom resource types of aws-eks-v2's `KubernetesManifest` and `HelmChart` (k8s-manifest.ts, helm-chart.ts). */
export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
export const CHART_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-HelmChart';
const KUBERNETES_RESOURCE_TYPES = [MANIFEST_RESOURCE_TYPE, CHART_RESOURCE_TYPE];

/**
 * The facts of a synthesized-to-be construct tree, read once into plain records (`tree-records.ts`): routes, VPC
 * endpoints, security group rules, subnets, nodegroups, functions, add-ons, manifests and charts... It runs at
 * validation time, after every construct is built, and looks at the L1 resources (what CloudFormation will get),
 * whoever created them. Values it cannot read (tokens from parameters, imported resources) are undefined, never a
 * guess. What costs to resolve (endpoint policies, manifests and values, the cluster's rendered egress mode) is
 * resolved when a builder first reads it, once.
 */
export class TreeFacts implements TreeRecords {
  public readonly subnets = new Map<string, SubnetRecord>();
  public readonly routeTableAssociations: RouteTableAssociationRecord[] = [];
  public readonly routes: RouteRecord[] = [];
  public readonly endpoints: EndpointRecord[] = [];
  public readonly securityGroups = new Map<string, SecurityGroupRecord>();
  public readonly ingressRules: GroupRuleRecord[] = [];
  public readonly egressRules: GroupRuleRecord[] = [];
  public readonly vpcs = new Map<string, VpcRecord>();
  public readonly vpcCidrBlocks: Array<{ readonly vpcKey?: string; readonly cidr?: string }> = [];
  public readonly hostedZones: HostedZoneRecord[] = [];
  public readonly recordSets: Array<{ readonly zoneKey?: string; readonly name?: string }> = [];
  public readonly natGateways: NatGatewayRecord[] = [];
  public readonly transitGatewayAttachments: Array<{ readonly vpcKey?: string }> = [];
  public readonly eksClusters: EksClusterRecord[] = [];
  public readonly networkAcls: NetworkAclRecord[] = [];
  /** Every managed nodegroup in the tree. */
  public readonly nodegroups: NodegroupRecord[] = [];
  /** Every Lambda function in the tree. */
  public readonly functions: FunctionRecord[] = [];
  /** Every EKS add-on in the tree. */
  public readonly addons: AddonRecord[] = [];
  public readonly podIdentityAssociations: PodIdentityAssociationRecord[] = [];
  /** Every custom resource of aws-eks-v2's manifests and Helm charts in the tree. */
  public readonly kubernetesResources: KubernetesResourceRecord[] = [];
  /** Every ECR pull-through cache rule in the tree. */
  public readonly pullThroughCacheRules: PullThroughCacheRuleRecord[] = [];
  /** Every pull-through cache warm-up (`Custom::PrivateEksCacheWarmup`) in the tree. */
  public readonly cacheWarmups: CacheWarmupRecord[] = [];
  public readonly bastions: BastionRecord[] = [];
  public readonly accessClients: AccessClientRecord[] = [];
  public readonly kubectlProviders: KubectlProviderRecord[] = [];
  public readonly nodeEndpoints: NodeEndpointsRecord[] = [];
  public readonly preflights: PreflightRecord[] = [];
  /**
   * Every construct in the tree: for the L3 to pick its own Helm charts (`PrivateEksCluster`'s check input); the
   * builders and the report read only the records.
   */
  public readonly all: IConstruct[];

  constructor(root: IConstruct) {
    this.all = root.node.findAll();
    // Resources that routes and nodegroups refer to: those are read after the walk, when every one of them is known.
    const byKey = new Map<string, IConstruct>();
    const routes: ec2.CfnRoute[] = [];
    const nodegroups: eks.CfnNodegroup[] = [];
    const ingress: ec2.CfnSecurityGroupIngress[] = [];
    const egress: ec2.CfnSecurityGroupEgress[] = [];
    const groups: ec2.CfnSecurityGroup[] = [];
    const preflights: NetworkPreflight[] = [];
    const identityProviders: eks.CfnIdentityProviderConfig[] = [];
    const acls: ec2.CfnNetworkAcl[] = [];
    const aclEntries: ec2.CfnNetworkAclEntry[] = [];
    const aclAssociations: ec2.CfnSubnetNetworkAclAssociation[] = [];
    this.all.forEach((c, order) => {
      if (c instanceof ec2.CfnRoute) routes.push(c);
      else if (c instanceof ec2.CfnSubnetRouteTableAssociation) this.routeTableAssociations.push(associationRecord(c));
      else if (c instanceof ec2.CfnVPCEndpoint) this.endpoints.push(endpointRecord(c));
      else if (c instanceof ec2.CfnSecurityGroupIngress) ingress.push(c);
      else if (c instanceof ec2.CfnSecurityGroupEgress) egress.push(c);
      else if (c instanceof lambda.CfnFunction) this.functions.push(functionRecord(c));
      else if (c instanceof eks.CfnNodegroup) nodegroups.push(c);
      else if (c instanceof eks.CfnAddon) this.addons.push(addonRecord(c, order));
      else if (c instanceof eks.CfnPodIdentityAssociation) this.podIdentityAssociations.push(podIdentityAssociationRecord(c, order));
      else if (c instanceof eks.CfnCluster) this.eksClusters.push(eksClusterRecord(c, identityProviders));
      else if (c instanceof eks.CfnIdentityProviderConfig) identityProviders.push(c);
      else if (c instanceof ecr.CfnPullThroughCacheRule) this.pullThroughCacheRules.push(pullThroughCacheRuleRecord(c));
      else if (c instanceof ec2.CfnNatGateway) this.natGateways.push({ path: c.node.path, subnetKey: key(c.subnetId) });
      else if (c instanceof ec2.CfnTransitGatewayAttachment) this.transitGatewayAttachments.push({ vpcKey: key(c.vpcId) });
      else if (c instanceof ec2.CfnSecurityGroup) groups.push(c);
      else if (c instanceof ec2.CfnSubnet) this.subnets.set(resourceKey(c), subnetRecord(c));
      else if (c instanceof ec2.CfnVPC) this.vpcs.set(resourceKey(c), vpcRecord(c));
      else if (c instanceof ec2.CfnVPCCidrBlock) this.vpcCidrBlocks.push({ vpcKey: key(c.vpcId), cidr: literal(c.cidrBlock) });
      else if (c instanceof route53.CfnHostedZone) this.hostedZones.push(hostedZoneRecord(c));
      else if (c instanceof route53.CfnRecordSet) this.recordSets.push({ zoneKey: key(c.hostedZoneId), name: literal(c.name)?.toLowerCase().replace(/\.$/, '') });
      else if (c instanceof ec2.CfnInternetGateway || c instanceof ec2.CfnLaunchTemplate) byKey.set(resourceKey(c), c);
      else if (c instanceof ec2.CfnNetworkAclEntry) aclEntries.push(c);
      else if (c instanceof ec2.CfnSubnetNetworkAclAssociation) aclAssociations.push(c);
      else if (c instanceof ec2.CfnNetworkAcl) acls.push(c);
      else if (c instanceof CfnResource) this.readCustomResource(c);
      else if (c instanceof ClusterBastion) this.bastions.push(bastionRecord(c));
      else if (c instanceof ApiRelay || c instanceof PrivateCiRunner) this.accessClients.push(accessClientRecord(c));
      else if (c instanceof eks.KubectlProvider) this.kubectlProviders.push({ path: c.node.path });
      else if (c instanceof NodeEndpoints) this.nodeEndpoints.push(nodeEndpointsRecord(c));
      else if (c instanceof NetworkPreflight) preflights.push(c);
    });
    for (const r of routes) this.routes.push(routeRecord(r, byKey));
    for (const ng of nodegroups) this.nodegroups.push(nodegroupRecord(ng, byKey));
    for (const g of groups) {
      this.securityGroups.set(resourceKey(g), {
        key: resourceKey(g),
        ingress: rawList(g.securityGroupIngress).map(r => ruleRecord(r as RawRule, (r as RawRule)?.sourceSecurityGroupId)),
        egress: rawList(g.securityGroupEgress).map(r => ruleRecord(r as RawRule, (r as RawRule)?.destinationSecurityGroupId)),
      });
    }
    for (const r of ingress) this.ingressRules.push({ groupKey: key(r.groupId), ...ruleRecord(r, r.sourceSecurityGroupId) });
    for (const r of egress) this.egressRules.push({ groupKey: key(r.groupId), ...ruleRecord(r, r.destinationSecurityGroupId) });
    for (const p of preflights) this.preflights.push(preflightRecord(p, this.all));
    for (const a of acls) this.networkAcls.push(networkAclRecord(a, aclEntries, aclAssociations));
  }

  /** aws-eks-v2's manifests and charts, and the cache warm-ups: custom resources of known types. */
  private readCustomResource(c: CfnResource) {
    if (KUBERNETES_RESOURCE_TYPES.includes(c.cfnResourceType)) this.kubernetesResources.push(kubernetesResourceRecord(c));
    else if (c.cfnResourceType === CACHE_WARMUP_RESOURCE_TYPE) this.cacheWarmups.push(cacheWarmupRecord(c));
  }
}

/**
 * The L3's aws-cdk-lib objects (the cluster, its VPC and subnets, the kubectl layer, the Helm charts), read into plain
 * records at the boundary, with the tree's records they name.
 */
export function readClusterScope(facts: TreeRecords, input: {
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly kubectlLayer?: lambda.ILayerVersion;
  readonly helmCharts?: eks.HelmChart[];
}): ClusterScope {
  const { cluster, vpc, kubectlLayer } = input;
  const resourcePath = cluster.node.defaultChild!.node.path;
  const oidc = cluster.node.tryFindChild('OidcProviderNative') ?? cluster.node.tryFindChild('OpenIdConnectProvider');
  return {
    cluster: {
      path: cluster.node.path,
      resource: facts.eksClusters.find(c => c.path === resourcePath)!,
      nameKey: key(cluster.clusterName),
      securityGroupKey: key(cluster.clusterSecurityGroupId)!,
      location: locationOf(cluster),
      region: literal(Stack.of(cluster).region),
      oidcProviderPath: oidc?.node.path,
      kubectlProviderPath: cluster.kubectlProvider?.node.path,
    },
    vpc: {
      key: key(vpc.vpcId),
      subnets: [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].map(s => subnetRef(facts, s)),
      literalCidr: literalVpcCidr(vpc),
    },
    kubectlLayer: kubectlLayer ? {
      arnKey: key(kubectlLayer.layerVersionArn),
      // The @aws-cdk/lambda-layer-kubectl-vNN packages name their class KubectlVNNLayer.
      kubectlMinor: /^KubectlV(\d+)Layer$/.exec(kubectlLayer.constructor.name)?.[1],
    } : undefined,
    helmCharts: (input.helmCharts ?? []).map(c => ({ path: c.node.path, hasAsset: c.chartAsset !== undefined, repository: literal(c.repository) })),
  };
}

/** A subnet of the VPC object, with what the app's `AWS::EC2::Subnet` and route table association say of it. */
function subnetRef(facts: TreeRecords, subnet: ec2.ISubnet): SubnetRef {
  const subnetKey = key(subnet.subnetId)!;
  const cfn = facts.subnets.get(subnetKey);
  const association = facts.routeTableAssociations.find(a => a.subnetKey === subnetKey);
  const azLiteral = literal(tryGet(() => subnet.availabilityZone));
  return {
    key: subnetKey,
    path: subnet.node.path,
    inApp: cfn !== undefined,
    literalId: literal(subnet.subnetId),
    routeTableKey: association ? association.routeTableKey : key(tryGet(() => subnet.routeTable?.routeTableId)),
    cidr: cfn ? cfn.cidr : literal(tryGet(() => subnet.ipv4CidrBlock)),
    az: cfn ? cfn.az : availabilityZone(tryGet(() => subnet.availabilityZone), subnet),
    azLiteral,
    mapPublicIpOnLaunch: cfn?.mapPublicIpOnLaunch,
  };
}

function associationRecord(c: ec2.CfnSubnetRouteTableAssociation): RouteTableAssociationRecord {
  return { subnetKey: key(c.subnetId), routeTableKey: key(c.routeTableId) };
}

function podIdentityAssociationRecord(c: eks.CfnPodIdentityAssociation, order: number): PodIdentityAssociationRecord {
  return { path: c.node.path, order, clusterKey: key(c.clusterName), namespace: literal(c.namespace), serviceAccount: literal(c.serviceAccount) };
}

function pullThroughCacheRuleRecord(c: ecr.CfnPullThroughCacheRule): PullThroughCacheRuleRecord {
  return { path: c.node.path, prefix: literal(c.ecrRepositoryPrefix) };
}

function nodeEndpointsRecord(c: NodeEndpoints): NodeEndpointsRecord {
  return { path: c.node.path, azsVerified: c.azsVerified, hasInterfaceServices: c.interfaceServices.length > 0 };
}

function subnetRecord(c: ec2.CfnSubnet): SubnetRecord {
  const map = rawValue(c.mapPublicIpOnLaunch);
  return {
    key: resourceKey(c),
    path: c.node.path,
    cidr: literal(c.cidrBlock),
    az: availabilityZone(c.availabilityZone, c),
    mapPublicIpOnLaunch: map === undefined ? false : typeof map === 'boolean' ? map : undefined,
  };
}

function hostedZoneRecord(c: route53.CfnHostedZone): HostedZoneRecord {
  const name = literal(c.name)?.toLowerCase().replace(/\.$/, '');
  return {
    name,
    vpcKeys: rawList(c.vpcs).map(v => key((v as { vpcId?: unknown } | undefined)?.vpcId)),
    path: c.node.path,
    stackPath: Stack.of(c).node.path,
    key: resourceKey(c),
  };
}

/**
 * The stacks `stack` depends on, transitively, by path. Read at validation, after aws-cdk-lib's prepare step has
 * turned cross-stack references into stack dependencies (what `cdk deploy --all` orders by).
 */
function stacksBefore(stack: Stack, seen = new Set<string>()): string[] {
  for (const d of stack.dependencies) {
    if (seen.has(d.node.path)) continue;
    seen.add(d.node.path);
    stacksBefore(d, seen);
  }
  return [...seen];
}

/** The constructs a construct deploys after: its own dependencies and those of its scopes (CDK applies both). */
function constructsBefore(c: IConstruct): string[] {
  return c.node.scopes.flatMap(s => s.node.dependencies.map(d => d.node.path));
}

function vpcRecord(c: ec2.CfnVPC): VpcRecord {
  const dnsSupport = rawValue(c.enableDnsSupport);
  const dnsHostnames = rawValue(c.enableDnsHostnames);
  return {
    key: resourceKey(c),
    cidr: literal(c.cidrBlock),
    dnsSupport: dnsSupport === undefined ? true : bool(dnsSupport),
    dnsHostnames: dnsHostnames === undefined ? false : bool(dnsHostnames),
  };
}

function routeRecord(r: ec2.CfnRoute, byKey: Map<string, IConstruct>): RouteRecord {
  const dest = rawValue(r.destinationCidrBlock);
  const base = {
    routeTableKey: key(r.routeTableId),
    destination: typeof dest !== 'string' || Token.isUnresolved(dest) ? undefined : dest,
    ipv6Only: dest === undefined && r.destinationIpv6CidrBlock !== undefined,
  };
  if (r.natGatewayId !== undefined || r.instanceId !== undefined || r.networkInterfaceId !== undefined) return { ...base, target: 'nat' };
  if (r.gatewayId !== undefined) {
    const gw = literal(r.gatewayId);
    const igw = byKey.get(key(r.gatewayId) ?? '') instanceof ec2.CfnInternetGateway || gw?.startsWith('igw-');
    return { ...base, target: igw ? 'internet-gateway' : 'gateway', targetId: gw };
  }
  if (r.transitGatewayId !== undefined) return { ...base, target: 'transit-gateway', targetId: literal(r.transitGatewayId) };
  return { ...base, target: 'unseen' };
}

function endpointRecord(e: ec2.CfnVPCEndpoint): EndpointRecord {
  const type = literal(e.vpcEndpointType) ?? 'Gateway';
  const service = shortServiceName(e.serviceName);
  const dns = rawValue(e.privateDnsEnabled);
  const purpose = service ? INTERFACE_PURPOSES[service] : undefined;
  const policyBlocks = once(() => (type === 'Interface' && purpose ? blockedNeed(resolvedPolicy(e), purpose, locationOf(e)) : undefined));
  const s3PolicyBlocks = once(() => (type === 'Gateway' && service === 's3' ? s3Blocks(e) : undefined));
  const logicalId = once(() => Stack.of(e).resolve(e.logicalId) as string);
  return {
    path: e.node.scope?.node.path ?? e.node.path,
    vpcKey: key(e.vpcId),
    type,
    service,
    routeTableKeys: keys(rawList(e.routeTableIds)),
    subnetKeys: rawList(e.subnetIds).map(id => key(id)),
    securityGroupKeys: keys(rawList(e.securityGroupIds)),
    // CloudFormation's default for PrivateDnsEnabled is false (aws-cdk-lib's InterfaceVpcEndpoint sets true).
    privateDns: dns === undefined ? false : typeof dns === 'boolean' ? dns : undefined,
    ...otherServiceRegion(e),
    get policyBlocks() { return policyBlocks(); },
    get s3PolicyBlocks() { return s3PolicyBlocks(); },
    get logicalId() { return logicalId(); },
    stackName: Stack.of(e).stackName,
  };
}

/** A rule's fields as CloudFormation names them (inline rules and rule resources alike). */
interface RawRule {
  readonly ipProtocol?: unknown;
  readonly fromPort?: unknown;
  readonly toPort?: unknown;
  readonly cidrIp?: unknown;
  readonly sourceSecurityGroupId?: unknown;
  readonly destinationSecurityGroupId?: unknown;
  readonly sourcePrefixListId?: unknown;
  readonly destinationPrefixListId?: unknown;
}

function ruleRecord(rule: RawRule | undefined, peerGroup: unknown): RuleRecord {
  const r = rule ?? {};
  const from = rawValue(r.fromPort);
  const to = rawValue(r.toPort);
  return {
    protocol: literal(r.ipProtocol) ?? (typeof r.ipProtocol === 'number' ? String(r.ipProtocol) : undefined),
    fromPort: typeof from === 'number' ? from : undefined,
    toPort: typeof to === 'number' ? to : undefined,
    hasPeerGroup: peerGroup !== undefined,
    peerGroupKey: peerGroup === undefined ? undefined : key(peerGroup),
    hasPeerCidr: r.cidrIp !== undefined,
    peerCidr: r.cidrIp === undefined ? undefined : vpcCidr(r.cidrIp),
    prefixList: r.sourcePrefixListId !== undefined || r.destinationPrefixListId !== undefined,
  };
}

function eksClusterRecord(c: eks.CfnCluster, identityProviders: eks.CfnIdentityProviderConfig[]): EksClusterRecord {
  const vpcConfig = (rawValue(c.resourcesVpcConfig) ?? {}) as Record<string, unknown>;
  const publicAccess = rawValue(vpcConfig.endpointPublicAccess);
  const privateAccess = rawValue(vpcConfig.endpointPrivateAccess);
  const enabledTypes = (rawValue((rawValue(c.logging) as any)?.clusterLogging) as any)?.enabledTypes ?? [];
  const egressMode = once(() => controlPlaneEgressMode(c));
  // Auto Mode as the template will carry it: the L1 property or an escape hatch (`addPropertyOverride('ComputeConfig', ...)`).
  const autoMode = once(() => renderedProperties(c)?.ComputeConfig?.Enabled === true);
  return {
    key: resourceKey(c),
    path: c.node.path,
    name: literal(c.name),
    version: literal(c.version),
    securityGroupKeys: keys(rawList(vpcConfig.securityGroupIds)),
    subnetKeys: rawList(vpcConfig.subnetIds).map(id => key(id)),
    // CloudFormation defaults: public on, private off.
    publicAccess: publicAccess === undefined ? true : publicAccess !== false,
    privateAccess: privateAccess === true,
    publicAccessCidrs: rawList(vpcConfig.publicAccessCidrs).map(literal).filter((x): x is string => x !== undefined),
    logging: (Array.isArray(enabledTypes) ? enabledTypes : []).map((t: any) => t?.type).filter(Boolean),
    secretsEncryption: rawList(c.encryptionConfig).length > 0,
    get autoMode() { return autoMode(); },
    get egressMode() { return egressMode(); },
    // Read when asked, after the walk: the identity provider configs may come after the cluster in the tree.
    get oidcIdentityProviders() { return oidcIdentityProviders(c, identityProviders); },
  };
}

/**
 * The cluster's control-plane egress mode as the template will carry it (`ResourcesVpcConfig.ControlPlaneEgressMode`,
 * from the L1 property or a property override); undefined when not set (EKS's default, AWS_MANAGED).
 */
export function controlPlaneEgressMode(cfn: eks.CfnCluster): string | undefined {
  const mode = renderedProperties(cfn)?.ResourcesVpcConfig?.ControlPlaneEgressMode;
  return typeof mode === 'string' ? mode : undefined;
}

/**
 * A network ACL of the app (`AWS::EC2::NetworkAcl`), its entries and the subnets associated with it. `entries` is
 * undefined when an entry is not spelled out (a token CIDR, protocol, port or rule number): the ACL is then not judged.
 */
function networkAclRecord(acl: ec2.CfnNetworkAcl, entries: ec2.CfnNetworkAclEntry[],
  associations: ec2.CfnSubnetNetworkAclAssociation[]): NetworkAclRecord {
  const aclKey = resourceKey(acl);
  const mine = entries.filter(e => key(e.networkAclId) === aclKey);
  const num = (v: unknown) => {
    const n = rawValue(v);
    return typeof n === 'number' ? n : typeof n === 'string' && /^-?\d+$/.test(n) ? Number(n) : undefined;
  };
  const facts: NaclEntryFacts[] = [];
  let known = true;
  for (const e of mine) {
    const ports = rawValue(e.portRange) as Record<string, unknown> | undefined;
    const ruleNumber = num(e.ruleNumber);
    const protocol = num(e.protocol);
    const action = literal(e.ruleAction);
    const cidr = literal(e.cidrBlock);
    const from = ports ? num(ports.from) : undefined;
    const to = ports ? num(ports.to) : undefined;
    if (ruleNumber === undefined || protocol === undefined || action === undefined || (e.cidrBlock !== undefined && cidr === undefined)
      || (ports !== undefined && (from === undefined || to === undefined))) {
      known = false;
      break;
    }
    facts.push({
      ruleNumber,
      egress: rawValue(e.egress) === true,
      protocol,
      allow: action.toLowerCase() === 'allow',
      cidr,
      // Ports apply to TCP and UDP only; for all protocols (-1) every port is covered.
      ...(ports && protocol !== -1 ? { fromPort: from, toPort: to } : {}),
    });
  }
  return {
    key: aclKey,
    // The L2's path (`ec2.NetworkAcl`), not its `Resource`.
    path: acl.node.id === 'Resource' && acl.node.scope ? acl.node.scope.node.path : acl.node.path,
    entries: known ? facts : undefined,
    subnetKeys: associations.filter(a => key(a.networkAclId) === aclKey).map(a => key(a.subnetId)).filter((k): k is string => k !== undefined),
  };
}

/**
 * The OIDC identity provider configs (`AWS::EKS::IdentityProviderConfig`, type oidc) of a cluster: those naming it by
 * reference or by its literal name, with their issuer as written.
 */
function oidcIdentityProviders(c: eks.CfnCluster, configs: eks.CfnIdentityProviderConfig[]): Array<{ path: string; issuerUrl?: string }> {
  const clusterKey = resourceKey(c);
  const name = literal(c.name);
  return configs
    .filter(p => (literal(p.type) ?? 'oidc').toLowerCase() === 'oidc')
    .filter(p => key(p.clusterName) === clusterKey || (name !== undefined && literal(p.clusterName) === name))
    .map(p => ({ path: p.node.path, issuerUrl: literal((rawValue(p.oidc) as Record<string, unknown> | undefined)?.issuerUrl) }));
}

/** An L1 resource's properties as the template will carry them: its properties with every override applied, resolved. */
function renderedProperties(cfn: eks.CfnCluster): Record<string, any> | undefined {
  const rendered = Stack.of(cfn).resolve((cfn as any)._toCloudFormation()) as { Resources: Record<string, { Properties?: any }> };
  return Object.values(rendered.Resources)[0]?.Properties;
}

function nodegroupRecord(ng: eks.CfnNodegroup, byKey: Map<string, IConstruct>): NodegroupRecord {
  const scaling = (rawValue(ng.scalingConfig) ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => {
    const n = rawValue(v);
    return typeof n === 'number' ? n : undefined;
  };
  return {
    path: ng.node.scope?.node.path ?? ng.node.path,
    clusterKey: key(ng.clusterName),
    name: literal(ng.nodegroupName),
    subnetKeys: rawList(ng.subnets).map(id => key(id)),
    instanceTypes: rawList(ng.instanceTypes).map(literal),
    stackPath: Stack.of(ng).node.path,
    afterStacks: stacksBefore(Stack.of(ng)),
    afterConstructs: constructsBefore(ng),
    amiType: literal(ng.amiType),
    capacityType: literal(ng.capacityType),
    minSize: num(scaling.minSize),
    desiredSize: num(scaling.desiredSize),
    maxSize: num(scaling.maxSize),
    launchTemplateSecurityGroupKeys: launchTemplateGroups(ng, byKey),
  };
}

function launchTemplateGroups(ng: eks.CfnNodegroup, byKey: Map<string, IConstruct>): string[] | undefined {
  const spec = rawValue(ng.launchTemplate) as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  const lt = byKey.get(key(spec.id) ?? '');
  if (!(lt instanceof ec2.CfnLaunchTemplate)) return undefined;
  const data = (rawValue(lt.launchTemplateData) ?? {}) as Record<string, unknown>;
  const groups = keys(rawList(data.securityGroupIds));
  return groups.length > 0 ? groups : undefined;
}

function functionRecord(fn: lambda.CfnFunction): FunctionRecord {
  const vpcConfig = (rawValue(fn.vpcConfig) ?? {}) as Record<string, unknown>;
  return {
    path: fn.node.scope?.node.path ?? fn.node.path,
    resourcePath: fn.node.path,
    scopeId: fn.node.scope?.node.id,
    layerKeys: keys(rawList(fn.layers)),
    subnetKeys: rawList(vpcConfig.subnetIds).map(id => key(id)),
    securityGroupKeys: keys(rawList(vpcConfig.securityGroupIds)),
  };
}

function addonRecord(a: eks.CfnAddon, order: number): AddonRecord {
  const configurationValues = once(() => Stack.of(a).resolve(a.configurationValues));
  return {
    path: a.node.scope?.node.path ?? a.node.path,
    resourcePath: a.node.path,
    order,
    clusterKey: key(a.clusterName),
    name: literal(a.addonName),
    nameAsWritten: a.addonName,
    versionAsWritten: a.addonVersion,
    hasPodIdentityAssociations: rawList(a.podIdentityAssociations).length > 0,
    hasServiceAccountRole: a.serviceAccountRoleArn !== undefined,
    get configurationValues() { return configurationValues(); },
  };
}

function kubernetesResourceRecord(r: CfnResource): KubernetesResourceRecord {
  const props = ((r as any)._cfnProperties ?? {}) as Record<string, unknown>;
  const manifest = once(() => (props.Manifest === undefined ? undefined : tryGet(() => Stack.of(r).resolve(props.Manifest))));
  const values = once(() => (props.Values === undefined ? undefined : tryGet(() => Stack.of(r).resolve(props.Values))));
  return {
    kind: r.cfnResourceType === MANIFEST_RESOURCE_TYPE ? 'manifest' : 'chart',
    path: r.node.scope?.node.path ?? r.node.path,
    workload: r.node.scope?.node.scope?.node.path ?? r.node.path,
    clusterKey: key(props.ClusterName),
    chart: literal(props.Chart),
    repository: literal(props.Repository),
    namespace: literal(props.Namespace),
    get manifest() { return manifest(); },
    hasValues: props.Values !== undefined,
    get values() { return values(); },
  };
}

function cacheWarmupRecord(r: CfnResource): CacheWarmupRecord {
  const props = ((r as any)._cfnProperties ?? {}) as Record<string, unknown>;
  const images = once(() => tryGet(() => Stack.of(r).resolve(props.Images)));
  return { path: r.node.path, get images() { return images(); } };
}

function bastionRecord(b: ClusterBastion): BastionRecord {
  const cfn = b.instance.instance;
  const nic = rawList(cfn.networkInterfaces)[0] as Record<string, unknown> | undefined;
  const publicIp = rawValue(nic?.associatePublicIpAddress);
  return {
    path: b.node.path,
    clusterPath: b.cluster.node.path,
    subnetKey: key(cfn.subnetId ?? nic?.subnetId),
    associatePublicIp: typeof publicIp === 'boolean' ? publicIp : undefined,
    securityGroupKeys: keys(rawList(cfn.securityGroupIds ?? nic?.groupSet)),
    requiredServices: b.requiredServices,
    access: b.access,
    kubectlInstalled: b.kubectlInstalled,
  };
}

/** A relay's instance or a runner's project, as the L1 resource deploys it. */
function accessClientRecord(c: ApiRelay | PrivateCiRunner): AccessClientRecord {
  const services = c.requiredServices.map(service => ({ service, why: ACCESS_NEEDS_BY_SERVICE(c instanceof ApiRelay ? 'relay' : 'runner', service) }));
  if (c instanceof ApiRelay) {
    const cfn = c.instance.instance;
    const nic = rawList(cfn.networkInterfaces)[0] as Record<string, unknown> | undefined;
    const publicIp = rawValue(nic?.associatePublicIpAddress);
    return {
      path: c.node.path,
      role: 'relay',
      clusterPath: c.cluster.node.path,
      subnetKeys: [key(cfn.subnetId ?? nic?.subnetId)],
      associatePublicIp: typeof publicIp === 'boolean' ? publicIp : undefined,
      securityGroupKeys: keys(rawList(cfn.securityGroupIds ?? nic?.groupSet)),
      services,
      size: literalText(rawValue(cfn.instanceType)),
    };
  }
  const cfn = c.project.node.defaultChild as CfnResource & { vpcConfig?: unknown; environment?: unknown };
  const vpc = rawValue(cfn.vpcConfig) as Record<string, unknown> | undefined;
  return {
    path: c.node.path,
    role: 'runner',
    clusterPath: c.cluster.node.path,
    subnetKeys: rawList(vpc?.subnets).map(s => key(s)),
    securityGroupKeys: keys(rawList(vpc?.securityGroupIds)),
    services,
    size: runnerSize(rawValue(cfn.environment) as Record<string, unknown> | undefined),
  };
}

/**
 * The runner's compute type as the plan prices it: `BUILD_GENERAL1_SMALL` on Linux (x86_64) containers, the environment
 * type before it otherwise (`ARM_CONTAINER BUILD_GENERAL1_SMALL`, billed at another rate); undefined when a token.
 */
function runnerSize(environment: Record<string, unknown> | undefined): string | undefined {
  const compute = literalText(rawValue(environment?.computeType));
  const type = literalText(rawValue(environment?.type));
  if (compute === undefined || type === undefined) return undefined;
  return type === 'LINUX_CONTAINER' ? compute : `${type} ${compute}`;
}

/** A literal string as written, or undefined (a token, or absent). */
function literalText(v: unknown): string | undefined {
  return typeof v === 'string' && !Token.isUnresolved(v) ? v : undefined;
}

function preflightRecord(p: NetworkPreflight, all: IConstruct[]): PreflightRecord {
  const dependents = once(() => all.filter(c => c !== p && c.node.dependencies.includes(p)).map(c => c.node.path));
  return {
    path: p.node.path,
    services: p.services,
    anyAddressServices: p.anyAddressServices,
    vpcCidrs: p.vpcCidrs.map(c => literal(c)),
    probeSubnetKeys: p.functions.flatMap(fn => {
      const cfg = (rawValue((fn.node.defaultChild as lambda.CfnFunction).vpcConfig) ?? {}) as Record<string, unknown>;
      return rawList(cfg.subnetIds).map(id => key(id));
    }),
    get dependents() { return dependents(); },
  };
}

/** A VPC's CIDR, when literal or the VPC is in this app with a literal CIDR. */
function vpcCidr(value: unknown): string | undefined {
  const lit = literal(value);
  if (lit) return lit;
  const ref = referenceOf(value);
  if (ref && ref.target instanceof ec2.CfnVPC && ref.displayName === 'CidrBlock') return literal(ref.target.cidrBlock);
  return undefined;
}

/** `f`'s value, computed on the first call. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

function keys(values: unknown[]): string[] {
  return values.map(v => key(v)).filter((k): k is string => k !== undefined);
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/**
 * The region an interface endpoint's service is in, when the app says it is another region's: `ServiceRegion`
 * (cross-Region PrivateLink), or a literal service name with another region than the stack's.
 */
function otherServiceRegion(e: ec2.CfnVPCEndpoint): { serviceRegion?: string } {
  const l = locationOf(e);
  const named = literal(e.serviceName);
  const fromName = typeof named === 'string' ? /^(?:cn\.)?com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(named)?.[1] : undefined;
  const region = literal(e.serviceRegion) ?? fromName;
  if (typeof region !== 'string' || (l.regionKnown && region === l.region)) return {};
  return { serviceRegion: region };
}

/**
 * The short service name of a VPC endpoint service name: `com.amazonaws.<region>.ecr.api` -> `ecr.api`, with the
 * region as a token or a literal. undefined for names it cannot read (a private service, a parameter).
 */
export function shortServiceName(serviceName: unknown): string | undefined {
  if (typeof serviceName !== 'string') return undefined;
  // aws-cdk-lib renders `<prefix>.<region>.<name><suffix>` with the prefix, region and suffix as tokens.
  const plain = serviceName.replace(/\$\{Token\[[^\]]+\]\}/g, '\u00a7');
  // A global service name with no region (`com.amazonaws.route53`, private-clusters.html endpoint table).
  const global = /^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)$/.exec(plain);
  if (global) return global[1];
  const m = /^(?:\u00a7|(?:cn\.)?com\.amazonaws)\.(?:\u00a7|[a-z0-9-]+)\.([a-z0-9.-]+)\u00a7?$/.exec(plain);
  if (!m || m[1].startsWith('vpce-svc-') || plain.includes('.vpce.')) return undefined;
  return m[1];
}

/** An identity for a value that names a resource: the resource's path for references, the literal otherwise. */
export function key(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && !Token.isUnresolved(value)) return `lit:${value}`;
  const ref = referenceOf(value);
  if (ref) {
    const attr = ref.displayName === 'Ref' || (ref.target instanceof ec2.CfnSecurityGroup && ref.displayName === 'GroupId') ? 'id' : ref.displayName;
    return `ref:${ref.target.node.path}:${attr}`;
  }
  return `tok:${typeof value === 'string' ? value : Token.asString(value)}`;
}

function resourceKey(c: IConstruct): string {
  return `ref:${c.node.path}:id`;
}

function referenceOf(value: unknown): Reference | undefined {
  if (value === undefined || value === null || !Token.isUnresolved(value)) return undefined;
  let r: IResolvable | undefined;
  if (typeof value === 'string') {
    const fragments = Tokenization.reverseString(value);
    if (fragments.length !== 1) return undefined;
    r = fragments.firstToken;
  } else {
    r = Tokenization.reverse(value);
  }
  return r instanceof Reference ? r : undefined;
}

const STUB_CONTEXT: IResolveContext = {
  preparing: false,
  documentPath: [],
  scope: undefined as any,
  registerPostProcessor: () => undefined,
  resolve: (x: any) => x,
};

/**
 * The value behind a lazy (an L2's list of rules, layers), without resolving the tokens inside it: references keep
 * their identity. References and other tokens come back as they are.
 */
export function rawValue(value: unknown): unknown {
  let v = value;
  for (let i = 0; i < 5; i++) {
    if (!Tokenization.isResolvable(v) || v instanceof Reference) return v;
    try {
      v = (v as IResolvable).resolve(STUB_CONTEXT);
    } catch {
      return undefined;
    }
  }
  return v;
}

/** `rawValue` for a list; a list that cannot be read comes back empty. */
export function rawList(value: unknown): unknown[] {
  const v = rawValue(value);
  if (!Array.isArray(v)) return [];
  const encoded = v.length === 1 && typeof v[0] === 'string' ? Tokenization.reverseList(v as string[]) : undefined;
  if (encoded) return rawList(encoded);
  return v.map(rawValue);
}

const S3_PURPOSES: NeedPurpose[] = ['ecr-layers', 'cloudformation-response', 'cdk-asset'];

/** What an S3 gateway endpoint's policy blocks, by purpose, each with the endpoint's path; undefined when nothing. */
function s3Blocks(endpoint: ec2.CfnVPCEndpoint): Record<string, string> | undefined {
  const policy = resolvedPolicy(endpoint);
  const out: Record<string, string> = {};
  for (const purpose of S3_PURPOSES) {
    const blocked = blockedNeed(policy, purpose, locationOf(endpoint));
    if (blocked) out[purpose] = `${blocked} (${endpoint.node.scope?.node.path})`;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** An endpoint's policy as CloudFormation will get it (undefined: the default full access; unreadable: undefined). */
function resolvedPolicy(e: ec2.CfnVPCEndpoint): unknown {
  try {
    return e.policyDocument === undefined ? undefined : Stack.of(e).resolve(e.policyDocument);
  } catch {
    return undefined;
  }
}

/**
 * An Availability Zone's name, or for an environment-agnostic stack the expression that picks it
 * (`Fn::Select [1, Fn::GetAZs]`): two subnets are in the same AZ exactly when these are equal.
 */
function availabilityZone(value: unknown, scope: IConstruct): string | undefined {
  if (value === undefined) return undefined;
  const lit = literal(value);
  if (lit) return lit;
  try {
    const resolved = Stack.of(scope).resolve(value);
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  } catch {
    return undefined;
  }
}

function tryGet<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
