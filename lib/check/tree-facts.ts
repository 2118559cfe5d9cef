import { CfnResource, IResolvable, IResolveContext, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { InterfaceEndpointFacts, RouteFacts, SubnetFacts } from './join-analysis';
import { blockedNeed, INTERFACE_PURPOSES, NeedPurpose } from '../contracts/endpoint-policy';
import { locationOf } from '../core/aws-env';
import { cidrContains, literal } from '../core/cidr';
import { CACHE_WARMUP_RESOURCE_TYPE } from '../workloads/cache-warmup';

// The CIDR helpers and `literal` moved to core/cidr.ts; re-exported for the modules of the check.
export { cidrContains, ipv4CidrNetwork, ipv4CidrPrefix, literal, literalVpcCidr } from '../core/cidr';

/** The custom resource types of aws-eks-v2's `KubernetesManifest` and `HelmChart` (k8s-manifest.ts, helm-chart.ts). */
export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
export const CHART_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-HelmChart';
const KUBERNETES_RESOURCE_TYPES = [MANIFEST_RESOURCE_TYPE, CHART_RESOURCE_TYPE];

/**
 * Reads the facts the join analysis needs from a synthesized-to-be construct tree: routes, VPC endpoints, security
 * group rules, subnets. It runs at validation time, after every construct is built, and looks at the L1 resources
 * (what CloudFormation will get), whoever created them. Values it cannot read (tokens from parameters, imported
 * resources) come back as undefined, never as a guess.
 */
export class TreeFacts {
  private readonly byKey = new Map<string, IConstruct>();
  private readonly routes: ec2.CfnRoute[] = [];
  private readonly associations: ec2.CfnSubnetRouteTableAssociation[] = [];
  private readonly endpoints: ec2.CfnVPCEndpoint[] = [];
  private readonly ingress: ec2.CfnSecurityGroupIngress[] = [];
  private readonly egress: ec2.CfnSecurityGroupEgress[] = [];
  /** Every Lambda function in the tree. */
  public readonly functions: lambda.CfnFunction[] = [];
  /** Every managed nodegroup in the tree. */
  public readonly nodegroups: eks.CfnNodegroup[] = [];
  /** Every EKS add-on in the tree. */
  public readonly addons: eks.CfnAddon[] = [];
  /** Every custom resource of aws-eks-v2's manifests and Helm charts in the tree. */
  public readonly kubernetesResources: CfnResource[] = [];
  /** Every ECR pull-through cache rule in the tree. */
  public readonly pullThroughCacheRules: ecr.CfnPullThroughCacheRule[] = [];
  /** Every pull-through cache warm-up (`Custom::PrivateEksCacheWarmup`) in the tree. */
  public readonly cacheWarmups: CfnResource[] = [];
  /** Every construct in the tree. */
  public readonly all: IConstruct[];
  private readonly s3BlocksCache = new Map<ec2.CfnVPCEndpoint, Record<string, string> | undefined>();

  constructor(root: IConstruct) {
    this.all = root.node.findAll();
    for (const c of this.all) {
      if (c instanceof ec2.CfnRoute) this.routes.push(c);
      else if (c instanceof ec2.CfnSubnetRouteTableAssociation) this.associations.push(c);
      else if (c instanceof ec2.CfnVPCEndpoint) this.endpoints.push(c);
      else if (c instanceof ec2.CfnSecurityGroupIngress) this.ingress.push(c);
      else if (c instanceof ec2.CfnSecurityGroupEgress) this.egress.push(c);
      else if (c instanceof lambda.CfnFunction) this.functions.push(c);
      else if (c instanceof eks.CfnNodegroup) this.nodegroups.push(c);
      else if (c instanceof eks.CfnAddon) this.addons.push(c);
      else if (c instanceof ecr.CfnPullThroughCacheRule) this.pullThroughCacheRules.push(c);
      else if (c instanceof CfnResource && KUBERNETES_RESOURCE_TYPES.includes(c.cfnResourceType)) this.kubernetesResources.push(c);
      else if (c instanceof CfnResource && c.cfnResourceType === CACHE_WARMUP_RESOURCE_TYPE) this.cacheWarmups.push(c);
      if (c instanceof ec2.CfnSubnet || c instanceof ec2.CfnVPC || c instanceof ec2.CfnSecurityGroup
        || c instanceof ec2.CfnRouteTable || c instanceof ec2.CfnInternetGateway || c instanceof ec2.CfnLaunchTemplate
        || c instanceof ec2.CfnNatGateway || c instanceof ec2.CfnInstance) {
        this.byKey.set(resourceKey(c), c);
      }
    }
  }

  /** The resource a value refers to, when it is a reference to a resource of this app. */
  public resolveRef<T extends IConstruct>(value: unknown, type: new (...args: any[]) => T): T | undefined {
    const k = key(value);
    const c = k ? this.byKey.get(k) : undefined;
    return c instanceof type ? c : undefined;
  }

  /** What the subnet's route table routes to, by the L1 routes in the tree (any stack, any creator). */
  public subnetFacts(subnet: ec2.ISubnet, publicIpOverride?: boolean): SubnetFacts {
    const cfn = this.resolveRef(subnet.subnetId, ec2.CfnSubnet);
    const subnetKey = key(subnet.subnetId);
    const association = this.associations.find(a => key(a.subnetId) === subnetKey);
    const rtKey = association ? key(association.routeTableId) : key(tryGet(() => subnet.routeTable?.routeTableId));
    const gateways = rtKey ? this.gatewayEndpointsOn(rtKey) : [];
    const gatewayEndpoints = gateways.map(g => g.service);
    const s3 = gateways.find(g => g.service === 's3');
    // One evaluation per gateway endpoint and walk: every subnet on its route tables shares the answer.
    let s3PolicyBlocks: Record<string, string> | undefined;
    if (s3) {
      if (!this.s3BlocksCache.has(s3.endpoint)) this.s3BlocksCache.set(s3.endpoint, s3Blocks(s3.endpoint));
      s3PolicyBlocks = this.s3BlocksCache.get(s3.endpoint);
    }
    const name = cfn ? subnet.node.path : literal(subnet.subnetId) ?? subnet.node.path;
    const az = availabilityZone(cfn ? cfn.availabilityZone : tryGet(() => subnet.availabilityZone), subnet);
    if (!cfn || !rtKey) {
      return { name, az, routes: { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints, s3PolicyBlocks } };
    }
    const map = rawValue(cfn.mapPublicIpOnLaunch);
    return {
      name,
      az,
      routes: { ...this.routeFacts(rtKey, gatewayEndpoints), s3PolicyBlocks },
      // CloudFormation's default is false; a token is unknown.
      mapPublicIpOnLaunch: publicIpOverride ?? (map === undefined ? false : typeof map === 'boolean' ? map : undefined),
    };
  }

  /** The subnet's IPv4 CIDR, when concrete. */
  public subnetCidr(subnet: ec2.ISubnet): string | undefined {
    const cfn = this.resolveRef(subnet.subnetId, ec2.CfnSubnet);
    return cfn ? literal(cfn.cidrBlock) : literal(tryGet(() => subnet.ipv4CidrBlock));
  }

  private routeFacts(rtKey: string, gatewayEndpoints: string[]): RouteFacts {
    let natRoute = false;
    let internetGatewayRoute = false;
    let otherDefaultRoute: string | undefined;
    for (const r of this.routes) {
      if (key(r.routeTableId) !== rtKey) continue;
      const dest = rawValue(r.destinationCidrBlock);
      if (dest === undefined && r.destinationIpv6CidrBlock !== undefined) continue;
      if (typeof dest !== 'string' || Token.isUnresolved(dest)) {
        otherDefaultRoute ??= 'a route whose destination is not known at synth';
        continue;
      }
      if (dest !== '0.0.0.0/0') continue;
      if (r.natGatewayId !== undefined || r.instanceId !== undefined || r.networkInterfaceId !== undefined) {
        natRoute = true;
      } else if (r.gatewayId !== undefined) {
        const gw = literal(r.gatewayId);
        if (this.resolveRef(r.gatewayId, ec2.CfnInternetGateway) || gw?.startsWith('igw-')) internetGatewayRoute = true;
        else otherDefaultRoute ??= `a gateway that is not an internet gateway${gw ? ` (${gw})` : ''}`;
      } else if (r.transitGatewayId !== undefined) {
        const tgw = literal(r.transitGatewayId);
        otherDefaultRoute ??= `a transit gateway${tgw ? ` (${tgw})` : ''}`;
      } else {
        otherDefaultRoute ??= 'a target whose way out cannot be seen (peering, firewall or local gateway)';
      }
    }
    return { known: true, natRoute, internetGatewayRoute, otherDefaultRoute, gatewayEndpoints };
  }

  private gatewayEndpointsOn(rtKey: string): Array<{ service: string; endpoint: ec2.CfnVPCEndpoint }> {
    const out: Array<{ service: string; endpoint: ec2.CfnVPCEndpoint }> = [];
    for (const e of this.endpoints) {
      const type = literal(e.vpcEndpointType) ?? 'Gateway';
      if (type !== 'Gateway') continue;
      const service = shortServiceName(e.serviceName);
      if (!service) continue;
      if (rawList(e.routeTableIds).some(id => key(id) === rtKey)) out.push({ service, endpoint: e });
    }
    return out;
  }

  /** Whether the VPC (by ID value) has an S3 gateway endpoint anywhere in the tree. */
  public hasGatewayEndpoint(vpcId: string, service: string): boolean {
    const vpcKey = key(vpcId);
    return this.endpoints.some(e => (literal(e.vpcEndpointType) ?? 'Gateway') === 'Gateway'
      && key(e.vpcId) === vpcKey && shortServiceName(e.serviceName) === service);
  }

  /**
   * The interface endpoints of the VPC, with whether each admits 443 from each client (its security groups'
   * ingress, the client's egress).
   */
  public interfaceEndpoints(vpcId: string, clients: ClientNetwork[]): InterfaceEndpointFacts[] {
    const vpcKey = key(vpcId);
    const out: InterfaceEndpointFacts[] = [];
    for (const e of this.endpoints) {
      if (literal(e.vpcEndpointType) !== 'Interface' || key(e.vpcId) !== vpcKey) continue;
      const service = shortServiceName(e.serviceName);
      if (!service) continue;
      const dns = rawValue(e.privateDnsEnabled);
      const endpointSgs = rawList(e.securityGroupIds).map(v => key(v)).filter((k): k is string => k !== undefined);
      const endpointCidrs = rawList(e.subnetIds).map(id => this.resolveRef(id, ec2.CfnSubnet)).map(s => (s ? literal(s.cidrBlock) : undefined));
      const blocked443: Record<string, string> = {};
      for (const client of clients) {
        // No security group: the VPC's default group, whose rules this app cannot see.
        if (endpointSgs.length === 0) continue;
        const admitted = this.admits(endpointSgs, client, 443);
        if (admitted === false) {
          blocked443[client.name] = `the endpoint's security groups admit no 443 from ${client.description}`;
          continue;
        }
        const out443 = this.allowsOut(client, endpointSgs, endpointCidrs, 443);
        if (out443 === false) blocked443[client.name] = `the security groups of ${client.description} allow no 443 out to the endpoint`;
      }
      // CloudFormation's default for PrivateDnsEnabled is false (aws-cdk-lib's InterfaceVpcEndpoint sets true).
      const privateDns = dns === undefined ? false : typeof dns === 'boolean' ? dns : undefined;
      const purpose = INTERFACE_PURPOSES[service];
      const policyBlocks = purpose ? blockedNeed(resolvedPolicy(e), purpose, locationOf(e)) : undefined;
      out.push({ service, name: e.node.scope?.node.path ?? e.node.path, privateDns, blocked443, policyBlocks, ...otherServiceRegion(e) });
    }
    return out;
  }

  /**
   * Whether 443 from the client reaches the API server's network interfaces: the EKS cluster security group admits
   * its own members, and rules on it or on the additional control plane groups admit the rest.
   */
  public apiBlocked(client: ClientNetwork, clusterSgKey: string, controlPlaneSgKeys: string[],
    clusterCidrs: Array<string | undefined>): string | undefined {
    if (client.securityGroups.includes(clusterSgKey)) return undefined;
    const admitted = this.admits([clusterSgKey, ...controlPlaneSgKeys], client, 443, true);
    if (admitted === false) return `the cluster security group admits no 443 from ${client.description}`;
    const out = this.allowsOut(client, [clusterSgKey, ...controlPlaneSgKeys], clusterCidrs, 443);
    if (out === false) return `the security groups of ${client.description} allow no 443 out to the API server`;
    return undefined;
  }

  /** Does any of `groups` admit `port` from the client? undefined when a group or rule cannot be read. */
  private admits(groups: string[], client: ClientNetwork, port: number, firstIsEksManaged = false): boolean | undefined {
    let unknown = false;
    for (const [i, g] of groups.entries()) {
      const sg = this.byKey.get(g);
      const rules: RuleLike[] = this.ingress.filter(r => key(r.groupId) === g).map(r => r as RuleLike);
      if (sg instanceof ec2.CfnSecurityGroup) {
        rules.push(...rawList(sg.securityGroupIngress).map(r => r as RuleLike));
      } else if (!(firstIsEksManaged && i === 0)) {
        unknown = true; // an imported group: its rules are not in this app
      }
      for (const rule of rules) {
        const m = ruleMatches(rule, port, rule.sourceSecurityGroupId, rule.cidrIp, client.securityGroups, client.cidrs, this);
        if (m === true) return true;
        if (m === undefined) unknown = true;
      }
    }
    return unknown ? undefined : false;
  }

  /** Does the client's egress allow `port` to the destination groups or CIDRs? */
  private allowsOut(client: ClientNetwork, destGroups: string[], destCidrs: Array<string | undefined>, port: number): boolean | undefined {
    if (client.securityGroups.length === 0) return undefined;
    let unknown = false;
    for (const g of client.securityGroups) {
      const sg = this.byKey.get(g);
      if (!(sg instanceof ec2.CfnSecurityGroup)) return undefined; // EKS-managed or imported: egress unknown or open
      const rules: RuleLike[] = this.egress.filter(r => key(r.groupId) === g).map(r => r as RuleLike);
      const inline = rawList(sg.securityGroupEgress);
      // A group with no egress rule at all keeps EC2's allow-all rule; any rule, inline or a separate
      // AWS::EC2::SecurityGroupEgress, replaces it.
      if (inline.length === 0 && rules.length === 0) return true;
      rules.push(...inline.map(r => r as RuleLike));
      for (const rule of rules) {
        const m = ruleMatches(rule, port, rule.destinationSecurityGroupId, rule.cidrIp, destGroups, destCidrs, this);
        if (m === true) return true;
        if (m === undefined) unknown = true;
      }
    }
    return unknown ? undefined : false;
  }

  /** A VPC's CIDR, when the VPC is in this app with a literal CIDR. */
  public vpcCidr(value: unknown): string | undefined {
    const lit = literal(value);
    if (lit) return lit;
    const ref = referenceOf(value);
    if (ref && ref.target instanceof ec2.CfnVPC && ref.displayName === 'CidrBlock') return literal(ref.target.cidrBlock);
    return undefined;
  }
}

/** How a client is seen on the network: its security groups (keys) and the CIDRs of its subnets. */
export interface ClientNetwork {
  readonly name: string;
  readonly description: string;
  readonly securityGroups: string[];
  readonly cidrs: Array<string | undefined>;
}

interface RuleLike {
  readonly ipProtocol?: unknown;
  readonly fromPort?: unknown;
  readonly toPort?: unknown;
  readonly cidrIp?: unknown;
  readonly sourceSecurityGroupId?: unknown;
  readonly destinationSecurityGroupId?: unknown;
  readonly sourcePrefixListId?: unknown;
  readonly destinationPrefixListId?: unknown;
}

function ruleMatches(rule: RuleLike, port: number, peerGroup: unknown, peerCidr: unknown,
  groups: string[], cidrs: Array<string | undefined>, facts: TreeFacts): boolean | undefined {
  const proto = literal(rule.ipProtocol) ?? (typeof rule.ipProtocol === 'number' ? String(rule.ipProtocol) : undefined);
  if (proto === undefined) return undefined;
  if (proto !== '-1' && proto !== 'tcp' && proto !== '6') return false;
  if (proto !== '-1') {
    const from = rawValue(rule.fromPort);
    const to = rawValue(rule.toPort);
    if (typeof from !== 'number' || typeof to !== 'number') return undefined;
    if (!(from <= port && port <= to) && !(from === -1 && to === -1)) return false;
  }
  if (peerGroup !== undefined) {
    const k = key(peerGroup);
    return k !== undefined && groups.includes(k) ? true : (k?.startsWith('tok:') ? undefined : false);
  }
  if (peerCidr !== undefined) {
    const cidr = facts.vpcCidr(peerCidr);
    if (!cidr) return undefined;
    if (cidrs.length === 0 || cidrs.some(c => c === undefined)) return cidr === '0.0.0.0/0' ? true : undefined;
    return cidrs.every(c => cidrContains(cidr, c!));
  }
  // A managed prefix list: its entries are not in this app, so whether it covers the peer is unknown.
  if (rule.sourcePrefixListId !== undefined || rule.destinationPrefixListId !== undefined) return undefined;
  return false;
}

/** Usable addresses in an IPv4 CIDR (AWS reserves 5 per subnet). */
export function usableAddresses(cidr: string): number {
  return Math.max(0, 2 ** (32 - Number(cidr.split('/')[1])) - 5);
}

/**
 * The short service name of a VPC endpoint service name: `com.amazonaws.<region>.ecr.api` -> `ecr.api`, with the
 * region as a token or a literal. undefined for names it cannot read (a private service, a parameter).
 */
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

/** A literal string, or undefined for tokens and non-strings. */

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
