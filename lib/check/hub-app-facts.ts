import { HubFacts } from './hub-rules';
import { EndpointRecord, RuleRecord, TreeRecords } from './tree-records';
import { inZone } from '../contracts/private-dns-names';
import { cidrContains } from '../core/cidr';

// What a hub built in the same app holds, read as facts instead of trusting the spoke's declaration (issue 29). A
// network team often builds the hub by hand in the spokes' app: interface endpoints with private DNS off, private
// hosted zones with alias records (a `*` record for dkr.ecr), security groups. Where the app holds them, the names the
// hub answers and the CIDRs its endpoints admit are what the app holds; the declaration (`sharedEndpoints`) stays for
// what the app does not hold. A pure function of the tree records.

/** What the app says of the hub, and what was read from it. */
export interface HubFromApp {
  /** The hub as the rules read it: the declaration, with what the app holds in place of what it declares. */
  readonly hub: HubFacts;
  /** What was read from the app rather than taken from the declaration, for the report. */
  readonly readFromApp: string[];
}

/**
 * The hub's facts, with the app's private hosted zones (associated with this VPC) and interface endpoints (in a VPC of
 * the hub's CIDRs) in place of the declaration where the app holds them.
 */
export function hubFromApp(facts: TreeRecords, declared: HubFacts, vpcKey: string | undefined): HubFromApp {
  const readFromApp: string[] = [];
  let hub = declared;
  const names = namesFromApp(facts, declared, vpcKey);
  if (names) {
    hub = { ...hub, names: names.names, zones: names.zones };
    readFromApp.push(`names: the private hosted zones ${names.zones.join(', ')} and their records, associated with this VPC in this app`);
  }
  const admitted = admittedFromApp(facts, declared, vpcKey);
  if (admitted) {
    hub = { ...hub, admittedCidrs: admitted.cidrs };
    readFromApp.push(`admitted CIDRs: the security groups of ${admitted.endpoints.join(', ')} in this app (443 from ${admitted.cidrs.join(', ') || 'nothing'})`);
  }
  return { hub, readFromApp };
}

/**
 * The names the app's private hosted zones answer in this VPC: each record's name (`*.zone` for a wildcard record).
 * A declared name under a zone the app holds is replaced by what that zone holds; other declared names stay.
 * Undefined when the hub is not of private hosted zones, the declaration says every name (no `names`), or the app
 * holds no zone associated with this VPC that a declared name falls in.
 */
function namesFromApp(facts: TreeRecords, hub: HubFacts, vpcKey: string | undefined): { names: string[]; zones: string[] } | undefined {
  if (hub.resolution !== 'private-hosted-zones' || hub.names === undefined || vpcKey === undefined) return undefined;
  const zones = facts.hostedZones.filter(z => z.name !== undefined && z.key !== undefined && z.vpcKeys.includes(vpcKey)
    && hub.names!.some(n => inZone(z.name!, n)));
  if (zones.length === 0) return undefined;
  const held = (n: string) => zones.some(z => inZone(z.name!, n));
  const records = zones.flatMap(z => facts.recordSets.filter(r => r.zoneKey === z.key && r.name !== undefined).map(r => r.name!));
  return {
    names: [...new Set([...hub.names.filter(n => !held(n)), ...records])],
    zones: zones.map(z => z.name!),
  };
}

/**
 * The CIDRs every interface endpoint of the hub in this app admits on 443. The hub's VPCs are known only through the
 * app's private hosted zones that answer this VPC's names: a zone is associated with this VPC and with the hub's VPC
 * (a CIDR alone does not say which VPC is the hub: many VPCs of an app, in other accounts, share 10.0.0.0/16). Of those
 * VPCs, the interface endpoints of the hub's services whose VPC CIDR is one of the hub's. Undefined when the app holds
 * none, or a rule's peer cannot be read (a token, a prefix list, a security group): then the declaration decides.
 */
function admittedFromApp(facts: TreeRecords, hub: HubFacts, vpcKey: string | undefined): { cidrs: string[]; endpoints: string[] } | undefined {
  if (hub.resolution !== 'private-hosted-zones' || vpcKey === undefined) return undefined;
  const hubVpcKeys = new Set(facts.hostedZones.filter(z => z.vpcKeys.includes(vpcKey))
    .flatMap(z => z.vpcKeys.filter((k): k is string => k !== undefined && k !== vpcKey)));
  const hubVpc = (e: EndpointRecord) => {
    if (e.vpcKey === undefined || !hubVpcKeys.has(e.vpcKey)) return false;
    const cidr = facts.vpcs.get(e.vpcKey)?.cidr;
    return cidr !== undefined && hub.cidrs.some(h => cidrContains(h, cidr));
  };
  const endpoints = facts.endpoints.filter(e => e.type === 'Interface' && e.service !== undefined && hub.services.includes(e.service)
    && e.vpcKey !== vpcKey && hubVpc(e) && e.securityGroupKeys.length > 0);
  if (endpoints.length === 0) return undefined;
  let common: string[] | undefined;
  for (const e of endpoints) {
    const rules: RuleRecord[] = e.securityGroupKeys.flatMap(k => [
      ...(facts.securityGroups.get(k)?.ingress ?? []),
      ...facts.ingressRules.filter(r => r.groupKey === k),
    ]);
    const https = rules.filter(r => r.protocol === '-1' || ((r.protocol === 'tcp' || r.protocol === '6')
      && (r.fromPort === undefined || r.fromPort <= 443) && (r.toPort === undefined || r.toPort >= 443)));
    if (https.some(r => r.hasPeerGroup || r.prefixList || (r.hasPeerCidr && r.peerCidr === undefined))) return undefined;
    const cidrs = https.filter(r => r.peerCidr !== undefined).map(r => r.peerCidr!);
    common = common === undefined ? cidrs : common.filter(c => cidrs.some(x => cidrContains(x, c)));
  }
  return { cidrs: [...new Set(common ?? [])], endpoints: endpoints.map(e => e.path) };
}
