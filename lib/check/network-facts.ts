/**
 * What the network lets through, as pure functions of the tree's records (`tree-records.ts`): a subnet's routes and
 * gateway endpoints, the VPC's interface endpoints and whether each admits 443 from each client, whether the API
 * server's network interfaces do.
 */
import { RouteEntry } from './hub-rules';
import { InterfaceEndpointFacts, RouteFacts, SubnetFacts } from './join-analysis';
import { RuleRecord, SubnetRef, TreeRecords } from './tree-records';
import { cidrContains } from '../core/cidr';

/** How a client is seen on the network: its security groups (keys) and the CIDRs of its subnets. */
export interface ClientNetwork {
  readonly name: string;
  readonly description: string;
  readonly securityGroups: string[];
  readonly cidrs: Array<string | undefined>;
}

/** Usable addresses in an IPv4 CIDR (AWS reserves 5 per subnet). */
export function usableAddresses(cidr: string): number {
  return Math.max(0, 2 ** (32 - Number(cidr.split('/')[1])) - 5);
}

/** The literal a key names (`lit:<value>`), else undefined. */
export function literalOfKey(k: string | undefined): string | undefined {
  return k?.startsWith('lit:') ? k.slice(4) : undefined;
}

/** What the subnet's route table routes to, by the routes in the tree (any stack, any creator). */
export function subnetFacts(facts: TreeRecords, subnet: SubnetRef, publicIpOverride?: boolean): SubnetFacts {
  const rtKey = subnet.routeTableKey;
  const gateways = rtKey ? gatewayEndpointsOn(facts, rtKey) : [];
  const gatewayEndpoints = gateways.map(g => g.service!);
  // Evaluated once per gateway endpoint: every subnet on its route tables shares the answer.
  const s3PolicyBlocks = gateways.find(g => g.service === 's3')?.s3PolicyBlocks;
  const name = subnet.inApp ? subnet.path : subnet.literalId ?? subnet.path;
  const az = subnet.az;
  if (!subnet.inApp || !rtKey) {
    return { name, az, routes: { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints, s3PolicyBlocks } };
  }
  return {
    name,
    az,
    routes: { ...routeFacts(facts, rtKey, gatewayEndpoints), s3PolicyBlocks },
    mapPublicIpOnLaunch: publicIpOverride ?? subnet.mapPublicIpOnLaunch,
    ...(subnet.cidr ? { cidr: subnet.cidr } : {}),
  };
}

function routeFacts(facts: TreeRecords, rtKey: string, gatewayEndpoints: string[]): RouteFacts {
  let natRoute = false;
  let internetGatewayRoute = false;
  let otherDefaultRoute: string | undefined;
  const entries: RouteEntry[] = [];
  for (const r of facts.routes) {
    if (r.routeTableKey !== rtKey) continue;
    if (r.ipv6Only) continue;
    // Where a hub or a proxy may be: a transit gateway, a virtual private gateway, a peering connection.
    if (r.destination !== undefined && (r.target === 'transit-gateway' || r.target === 'gateway' || r.target === 'unseen')) {
      entries.push({ destination: r.destination, target: `${r.target === 'unseen' ? 'peering connection or other target' : r.target}${r.targetId ? ` ${r.targetId}` : ''}` });
    }
    if (r.destination === undefined) {
      otherDefaultRoute ??= 'a route whose destination is not known at synth';
      continue;
    }
    if (r.destination !== '0.0.0.0/0') continue;
    switch (r.target) {
      case 'nat':
        natRoute = true;
        break;
      case 'internet-gateway':
        internetGatewayRoute = true;
        break;
      case 'gateway':
        otherDefaultRoute ??= `a gateway that is not an internet gateway${r.targetId ? ` (${r.targetId})` : ''}`;
        break;
      case 'transit-gateway':
        otherDefaultRoute ??= `a transit gateway${r.targetId ? ` (${r.targetId})` : ''}`;
        break;
      default:
        otherDefaultRoute ??= 'a target whose way out cannot be seen (peering, firewall or local gateway)';
    }
  }
  return { known: true, natRoute, internetGatewayRoute, otherDefaultRoute, gatewayEndpoints, ...(entries.length > 0 ? { entries } : {}) };
}

function gatewayEndpointsOn(facts: TreeRecords, rtKey: string) {
  return facts.endpoints.filter(e => e.type === 'Gateway' && e.service !== undefined && e.routeTableKeys.includes(rtKey));
}

/** Whether the VPC (by key) has a gateway endpoint for the service anywhere in the tree. */
export function hasGatewayEndpoint(facts: TreeRecords, vpcKey: string | undefined, service: string): boolean {
  return facts.endpoints.some(e => e.type === 'Gateway' && e.vpcKey === vpcKey && e.service === service);
}

/**
 * The interface endpoints of the VPC, with whether each admits 443 from each client (its security groups'
 * ingress, the client's egress).
 */
export function interfaceEndpoints(facts: TreeRecords, vpcKey: string | undefined, clients: ClientNetwork[]): InterfaceEndpointFacts[] {
  const out: InterfaceEndpointFacts[] = [];
  for (const e of facts.endpoints) {
    if (e.type !== 'Interface' || e.vpcKey !== vpcKey || !e.service) continue;
    const endpointSgs = e.securityGroupKeys;
    const endpointCidrs = e.subnetKeys.map(k => (k === undefined ? undefined : facts.subnets.get(k)?.cidr));
    const blocked443: Record<string, string> = {};
    for (const client of clients) {
      // No security group: the VPC's default group, whose rules this app cannot see.
      if (endpointSgs.length === 0) continue;
      const admitted = admits(facts, endpointSgs, client, 443);
      if (admitted === false) {
        blocked443[client.name] = `the endpoint's security groups admit no 443 from ${client.description}`;
        continue;
      }
      const out443 = allowsOut(facts, client, endpointSgs, endpointCidrs, 443);
      if (out443 === false) blocked443[client.name] = `the security groups of ${client.description} allow no 443 out to the endpoint`;
    }
    out.push({
      service: e.service,
      name: e.path,
      privateDns: e.privateDns,
      blocked443,
      policyBlocks: e.policyBlocks,
      ...(e.serviceRegion !== undefined ? { serviceRegion: e.serviceRegion } : {}),
    });
  }
  return out;
}

/**
 * Whether 443 from the client reaches the API server's network interfaces: the EKS cluster security group admits
 * its own members, and rules on it or on the additional control plane groups admit the rest.
 */
export function apiBlocked(facts: TreeRecords, client: ClientNetwork, clusterSgKey: string, controlPlaneSgKeys: string[],
  clusterCidrs: Array<string | undefined>): string | undefined {
  if (client.securityGroups.includes(clusterSgKey)) return undefined;
  const admitted = admits(facts, [clusterSgKey, ...controlPlaneSgKeys], client, 443, true);
  if (admitted === false) return `the cluster security group admits no 443 from ${client.description}`;
  const out = allowsOut(facts, client, [clusterSgKey, ...controlPlaneSgKeys], clusterCidrs, 443);
  if (out === false) return `the security groups of ${client.description} allow no 443 out to the API server`;
  return undefined;
}

/** Does any of `groups` admit `port` from the client? undefined when a group or rule cannot be read. */
function admits(facts: TreeRecords, groups: string[], client: ClientNetwork, port: number, firstIsEksManaged = false): boolean | undefined {
  let unknown = false;
  for (const [i, g] of groups.entries()) {
    const sg = facts.securityGroups.get(g);
    const rules: RuleRecord[] = facts.ingressRules.filter(r => r.groupKey === g);
    if (sg) {
      rules.push(...sg.ingress);
    } else if (!(firstIsEksManaged && i === 0)) {
      unknown = true; // an imported group: its rules are not in this app
    }
    for (const rule of rules) {
      const m = ruleMatches(rule, port, client.securityGroups, client.cidrs);
      if (m === true) return true;
      if (m === undefined) unknown = true;
    }
  }
  return unknown ? undefined : false;
}

/** Does the client's egress allow `port` to the destination groups or CIDRs? */
function allowsOut(facts: TreeRecords, client: ClientNetwork, destGroups: string[], destCidrs: Array<string | undefined>,
  port: number): boolean | undefined {
  if (client.securityGroups.length === 0) return undefined;
  let unknown = false;
  for (const g of client.securityGroups) {
    const sg = facts.securityGroups.get(g);
    if (!sg) return undefined; // EKS-managed or imported: egress unknown or open
    const rules: RuleRecord[] = facts.egressRules.filter(r => r.groupKey === g);
    // A group with no egress rule at all keeps EC2's allow-all rule; any rule, inline or a separate
    // AWS::EC2::SecurityGroupEgress, replaces it.
    if (sg.egress.length === 0 && rules.length === 0) return true;
    rules.push(...sg.egress);
    for (const rule of rules) {
      const m = ruleMatches(rule, port, destGroups, destCidrs);
      if (m === true) return true;
      if (m === undefined) unknown = true;
    }
  }
  return unknown ? undefined : false;
}

function ruleMatches(rule: RuleRecord, port: number, groups: string[], cidrs: Array<string | undefined>): boolean | undefined {
  const proto = rule.protocol;
  if (proto === undefined) return undefined;
  if (proto !== '-1' && proto !== 'tcp' && proto !== '6') return false;
  if (proto !== '-1') {
    const from = rule.fromPort;
    const to = rule.toPort;
    if (from === undefined || to === undefined) return undefined;
    if (!(from <= port && port <= to) && !(from === -1 && to === -1)) return false;
  }
  if (rule.hasPeerGroup) {
    const k = rule.peerGroupKey;
    return k !== undefined && groups.includes(k) ? true : (k?.startsWith('tok:') ? undefined : false);
  }
  if (rule.hasPeerCidr) {
    const cidr = rule.peerCidr;
    if (!cidr) return undefined;
    if (cidrs.length === 0 || cidrs.some(c => c === undefined)) return cidr === '0.0.0.0/0' ? true : undefined;
    return cidrs.every(c => cidrContains(cidr, c!));
  }
  // A managed prefix list: its entries are not in this app, so whether it covers the peer is unknown.
  if (rule.prefixList) return undefined;
  return false;
}
