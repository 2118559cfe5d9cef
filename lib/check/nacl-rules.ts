/**
 * Network ACLs on the cluster subnets when the control plane routes its own egress (CUSTOMER_ROUTED): the control
 * plane's network interfaces are in those subnets, and network ACLs are stateless. The EKS troubleshooting page lists
 * what they must admit: outbound TCP 443 to the webhook and OIDC endpoints, outbound TCP 10250 to the nodes (the
 * kubelet API: "A missing egress device does not affect port 10250, but a restrictive network ACL can block it"), and
 * inbound TCP 1024-65535 for the return traffic ("NACLs are stateless. You must explicitly allow return traffic on
 * ephemeral ports (1024-65535) in the inbound rules")
 * (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-egress-troubleshooting.html, awsdocs/amazon-eks-user-guide
 * latest/ug/clusters/control-plane-egress-troubleshooting.adoc at 101184ec, read 2026-12-07).
 *
 * A pure function of plain records. Entries are evaluated as EC2 does, lowest rule number first, the first match
 * deciding, and an implicit deny at the end (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
 * A flow is (direction, TCP, a port range, a CIDR of peers). It is judged blocked only when some of its traffic is
 * certainly denied: an entry whose CIDR covers all the flow's peers decides its ports; an allow covering only some
 * peers is not counted (two partial allows that together cover the peers are not added up: a known limit); a deny
 * covering some peers blocks them. An entry the app does not spell out (a token CIDR or port) makes the subnet unjudged.
 */
import { cidrContains, ipv4CidrPrefix } from '../core/cidr';

/** One entry of a network ACL (`AWS::EC2::NetworkAclEntry`), literal values only. */
export interface NaclEntryFacts {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** `-1` (all), or a protocol number (`6` TCP). */
  readonly protocol: number;
  readonly allow: boolean;
  /** IPv4 CIDR; undefined for an IPv6 entry. */
  readonly cidr?: string;
  /** Ports, when the entry names them (TCP/UDP); undefined: all ports. */
  readonly fromPort?: number;
  readonly toPort?: number;
}

/** A flow the control plane needs through a cluster subnet's network ACL. */
export interface NaclFlow {
  readonly egress: boolean;
  readonly fromPort: number;
  readonly toPort: number;
  /** The peers' CIDR (a node subnet's, or 0.0.0.0/0 for endpoints outside the VPC). */
  readonly cidr: string;
  /** What the flow is, for the message (`kubelet API (10250) to the nodes in 10.0.0.0/19`). */
  readonly what: string;
}

/** The ports of `flow` a network ACL certainly denies, or undefined when it admits all of them. */
export function naclBlocks(entries: NaclEntryFacts[], flow: NaclFlow): Array<[number, number]> | undefined {
  let open: Array<[number, number]> = [[flow.fromPort, flow.toPort]];
  const blocked: Array<[number, number]> = [];
  const ordered = entries.filter(e => e.egress === flow.egress && e.cidr !== undefined && (e.protocol === -1 || e.protocol === 6))
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of ordered) {
    if (open.length === 0) break;
    const lo = e.fromPort ?? 0;
    const hi = e.toPort ?? 65535;
    const covers = cidrContains(e.cidr!, flow.cidr);
    const within = !covers && cidrContains(flow.cidr, e.cidr!);
    if (!covers && !within) continue;
    const hit = open.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as [number, number]).filter(([a, b]) => a <= b);
    if (hit.length === 0) continue;
    if (!e.allow) blocked.push(...hit);
    // An entry for all the peers decides its ports; one for some peers decides nothing for the rest.
    if (covers || !e.allow) open = subtract(open, lo, hi, covers);
  }
  blocked.push(...open); // the implicit deny
  return blocked.length > 0 ? merge(blocked) : undefined;
}

function subtract(ranges: Array<[number, number]>, lo: number, hi: number, all: boolean): Array<[number, number]> {
  if (!all) return ranges;
  const out: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    if (hi < a || lo > b) { out.push([a, b]); continue; }
    if (a < lo) out.push([a, lo - 1]);
    if (b > hi) out.push([hi + 1, b]);
  }
  return out;
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * The flows a CUSTOMER_ROUTED control plane needs through its subnets' ACLs: 10250 out and the return ports in for
 * each node subnet CIDR; and, when it calls endpoints outside the VPC (an OIDC issuer, webhooks), 443 out to
 * 0.0.0.0/0 and the return ports in from it.
 */
export function controlPlaneFlows(nodeCidrs: string[], external: boolean): NaclFlow[] {
  const flows: NaclFlow[] = [];
  for (const cidr of [...new Set(nodeCidrs)].filter(c => ipv4CidrPrefix(c) !== undefined)) {
    flows.push({ egress: true, fromPort: 10250, toPort: 10250, cidr, what: `outbound TCP 10250 (the kubelet API) to the nodes in ${cidr}` });
    flows.push({ egress: false, fromPort: 1024, toPort: 65535, cidr, what: `inbound TCP 1024-65535 (return traffic) from the nodes in ${cidr}` });
  }
  if (external) {
    flows.push({ egress: true, fromPort: 443, toPort: 443, cidr: '0.0.0.0/0', what: 'outbound TCP 443 to the OIDC issuer and webhooks outside the VPC' });
    flows.push({ egress: false, fromPort: 1024, toPort: 65535, cidr: '0.0.0.0/0', what: 'inbound TCP 1024-65535 (return traffic) from outside the VPC' });
  }
  return flows;
}
