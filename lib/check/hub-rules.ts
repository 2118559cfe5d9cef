/**
 * The proof for interface endpoints shared from a hub VPC (`SharedEndpoints`): every client that takes a service from
 * the hub has a route to the hub's CIDRs from each of its subnets, every name it calls the service by is answered by
 * the hub (and not shadowed by a zone of the hub), nothing local conflicts with those names, and the hub admits the
 * client's addresses and account. Pure functions of plain facts; `join-analysis.ts` calls them with what it decided
 * (which services each client takes from the hub).
 */

import { dnsName, dnsNameFact, inZone, nameMatches } from '../contracts/private-dns-names';
import { partitionOfRegion, urlSuffixOfPartition } from '../core/aws-env';
import { cidrContains } from '../core/cidr';

/** The hub as this VPC sees it: `SharedEndpoints`, with the defaults filled in. */
export interface HubFacts {
  /** How messages name it. */
  readonly name: string;
  readonly services: string[];
  readonly cidrs: string[];
  /** `private-hosted-zones`, `resolver-rules` or `route53-profile` (`HubDnsResolution`). */
  readonly resolution: string;
  /** Zone names (with `*.` for wildcard records) or rule domains; undefined: every name the services are called by. */
  readonly names?: string[];
  /**
   * Private hosted zones the VPC has, read from the app, whether or not they hold a record for a name: a zone answers
   * "no such name" for a name under it that it does not hold. Undefined: the zones are those of `names`.
   */
  readonly zones?: string[];
  readonly admittedCidrs?: string[];
  readonly admittedAccounts?: string[];
  readonly admittedOrganizationId?: string;
  /** Whether the hub binds each admitted account to its spoke's CIDRs (`SharedEndpoints.accountsBoundToCidrs`); undefined: not known. */
  readonly accountsBoundToCidrs?: boolean;
  /** Whether the hub's ECR endpoints admit pulls only (`SharedEndpoints.ecrPullOnly`); undefined: not known. */
  readonly ecrPullOnly?: boolean;
  /** The hub's region, when it differs from or is known without the stack's. */
  readonly region?: string;
}

/** A route of a subnet's route table that is not the default route. */
export interface RouteEntry {
  /** Destination IPv4 CIDR. */
  readonly destination: string;
  /** What it routes to (`transit gateway tgw-...`, `peering connection ...`, `local`). */
  readonly target: string;
}

/** A subnet of a client that takes services from the hub. */
export interface HubClientSubnet {
  readonly name: string;
  /** The subnet's IPv4 CIDR, when known. */
  readonly cidr?: string;
  /** The non-default routes of its route table; undefined when the route table is not in the app. */
  readonly routes?: RouteEntry[];
}

/** A client (nodes, bastion, kubectl function, add-on, control plane) and what it takes from the hub. */
export interface HubClient {
  /** How messages name it (`node subnets`, `the bastion X`). */
  readonly label: string;
  /** The rule a missing route or name is reported under for this client is the hub's own; kept for grouping. */
  readonly subnets: HubClientSubnet[];
  /** The services this client takes from the hub (no internet route, no local endpoint, not declared). */
  readonly services: string[];
}

/** Everything the hub rules look at. */
export interface HubCheckInput {
  readonly hub: HubFacts;
  readonly clients: HubClient[];
  /** The stack's region; undefined in an environment-agnostic stack. */
  readonly region?: string;
  /** The stack's account, when concrete. */
  readonly account?: string;
  /** The VPC's IPv4 CIDR blocks (secondary ones too), when literal. */
  readonly vpcCidrs?: string[];
  /** Interface endpoints of this VPC with private DNS on: service and how messages name it. */
  readonly localPrivateDns: Array<{ service: string; name: string }>;
  /** The hub's private hosted zones that are in this app and not associated with this VPC (their names). */
  readonly zonesNotAssociated?: string[];
  /** The hub's zones in this app that a nodegroup may be created before. */
  readonly deployOrder?: HubDeployOrderGap[];
}

/** A nodegroup that CloudFormation may create before a hub zone that answers its names. */
export interface HubDeployOrderGap {
  readonly nodegroup: string;
  readonly nodegroupStack: string;
  readonly zone: string;
  readonly zoneStack: string;
}

/** A finding of the rules beyond the VPC (hub, proxy), in the join analysis' shape. */
export interface HubFinding {
  readonly ruleId: string;
  readonly message: string;
  readonly fix: string;
}

const WHITEPAPER = 'https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html';
const ECR_ENDPOINTS = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html';
const EKS_ENDPOINTS = 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html';
/** Most specific zone wins, NXDOMAIN without fallback, Resolver rules before zones (read 2026-12-05). */
const R53_PRIVATE = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html';

/** The hub rules, for the join rule table (IDs are stable: users downgrade them by ID). */
export const HUB_RULES = [
  { id: 'PEKS-HUB-1', severity: 'error' as const, reason: 'a subnet of a client that takes services from the hub has no route to the hub\'s CIDRs (a Transit Gateway or peering route missing)', source: `${WHITEPAPER} ("All the spoke VPCs will use these centralized endpoints via Transit Gateway")` },
  { id: 'PEKS-HUB-2', severity: 'warning' as const, reason: 'the route tables of a client\'s subnets are not in the app: the route to the hub cannot be proven at synth (the preflight probes it)', source: WHITEPAPER },
  { id: 'PEKS-HUB-3', severity: 'error' as const, reason: 'a name a client calls a shared service by is not answered by the hub (api.ecr, the account-specific *.dkr.ecr, eks-auth.<region>.api.aws): it resolves to the public address and times out', source: `${ECR_ENDPOINTS}; ${EKS_ENDPOINTS}; https://github.com/aws-samples/aws-vpc-builder-cdk/pull/30; https://github.com/awslabs/landing-zone-accelerator-on-aws/issues/1014 (zones named after the service instead of its hostname)` },
  { id: 'PEKS-HUB-4', severity: 'error' as const, reason: 'a zone of the hub shadows a name a client needs that the zone does not hold (a zone for eks.<region> answers oidc.eks.<region> with "no such name")', source: `${R53_PRIVATE} ("If there's a matching private hosted zone but there's no record that matches ... it returns NXDOMAIN"); ${EKS_ENDPOINTS} (eks-proxy: "when you override the eks.region-code.amazonaws.com zone in a private hosted zone")` },
  { id: 'PEKS-HUB-5', severity: 'error' as const, reason: 'this VPC creates an interface endpoint with private DNS for a name the hub\'s private hosted zones answer: one of the two fails to deploy', source: 'https://github.com/hashicorp/terraform-provider-aws/issues/17535 ("private-dns-enabled cannot be set because there is already a conflicting DNS domain"); https://github.com/hashicorp/terraform-provider-aws/issues/37783 (ConflictingDomainExists)' },
  { id: 'PEKS-HUB-6', severity: 'error' as const, reason: 'the hub is in another region: interface endpoints serve their own region\'s names', source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html' },
  { id: 'PEKS-HUB-7', severity: 'error' as const, reason: 'the hub\'s endpoint security groups do not admit every CIDR this VPC\'s clients use (secondary CIDRs included)', source: `${ECR_ENDPOINTS} ("The security group attached to the VPC endpoint must allow incoming connections on port 443")` },
  { id: 'PEKS-HUB-8', severity: 'error' as const, reason: 'the hub\'s endpoint policies admit neither this account nor its organization', source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html (aws:PrincipalOrgID)' },
  { id: 'PEKS-HUB-9', severity: 'warning' as const, reason: 'this VPC creates an interface endpoint with private DNS for a service the hub serves through Resolver rules or a Route 53 Profile: one of the two answers goes unused, and both are paid for', source: `${R53_PRIVATE} ("the Resolver rule takes precedence"); https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpc-endpoints.html` },
  { id: 'PEKS-HUB-10', severity: 'warning' as const, reason: 'the names the clients call the shared services by cannot be checked: the stack has no region and sharedEndpoints.region is not given', source: `${EKS_ENDPOINTS}; ${ECR_ENDPOINTS}` },
  { id: 'PEKS-HUB-11', severity: 'error' as const, reason: 'the hub\'s private hosted zones are in this app and not associated with this VPC: the names resolve publicly', source: `${WHITEPAPER} (the private hosted zones are associated with every spoke VPC)` },
  { id: 'PEKS-HUB-12', severity: 'error' as const, reason: 'a nodegroup may be created before the hub\'s private hosted zones that answer its names (another stack it does not depend on, or no dependency in the same stack): the first deploy boots nodes that cannot resolve the endpoints (NodeCreationFailure)', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html; https://docs.aws.amazon.com/cdk/v2/guide/stacks.html (cdk deploy --all deploys stacks in dependency order)' },
];

/** A name a client calls a service by, as the hub must answer it. */
interface NeededName {
  readonly service: string;
  /** The name, with `*.` for an account-specific host. */
  readonly name: string;
  /** A concrete name to test zones and rules with (`<account>.dkr.ecr...`). */
  readonly sample: string;
}

/** The names a service is called by, in this region; undefined when the library does not record them. */
export function namesCalled(service: string, region: string, suffix: string, account?: string): NeededName[] | undefined {
  const fact = dnsNameFact(service);
  if (!fact) return undefined;
  return fact.calledAs.map(p => {
    const name = dnsName(p, region, suffix);
    return { service, name, sample: name.replace(/^\*\./, `${account ?? '111122223333'}.`) };
  });
}

/** What the hub answers for a name: `served`, `shadowed` by a zone or rule of the hub, or `public` (not the hub's). */
export function hubAnswer(hub: HubFacts, name: NeededName, region: string, suffix: string): { answer: 'served' | 'shadowed' | 'public'; by?: string } {
  // What one of `served` answers: the name (an account's host under a `*` record), or the same wildcard.
  const answered = (served: string[]) => served.some(n => nameMatches(n, name.sample) || n.toLowerCase() === name.name.toLowerCase());
  // The hub's endpoints' own names (a profile carries them; default zones and rules are made from them).
  const registered = () => hub.services.flatMap(s => (dnsNameFact(s)?.registers ?? []).map(p => dnsName(p, region, suffix)));
  if (hub.resolution === 'route53-profile' || hub.names === undefined) {
    return { answer: answered(registered()) ? 'served' : 'public' };
  }
  if (hub.resolution === 'resolver-rules') {
    // A rule forwards every name under its domain to the hub's resolver, which answers with the hub endpoints' names.
    const rule = hub.names.find(d => inZone(d.replace(/^\*\./, ''), name.sample));
    if (!rule) return { answer: 'public' };
    return answered(registered()) ? { answer: 'served' } : { answer: 'shadowed', by: `the Resolver rule for ${rule}` };
  }
  // Private hosted zones: a zone holds its apex (alias record) and, as `*.zone`, a wildcard record.
  if (answered(hub.names)) return { answer: 'served' };
  const zone = [...(hub.zones ?? []), ...hub.names.map(n => n.replace(/^\*\./, ''))].filter(z => inZone(z, name.sample))
    .sort((a, b) => b.length - a.length)[0];
  return zone ? { answer: 'shadowed', by: `the private hosted zone ${zone}` } : { answer: 'public' };
}

/** Runs the hub rules. */
export function analyzeHub(input: HubCheckInput): HubFinding[] {
  const findings: HubFinding[] = [];
  const { hub } = input;
  const takers = input.clients.filter(c => c.services.length > 0);
  if (takers.length === 0) return findings;

  if (hub.region && input.region && hub.region !== input.region) {
    findings.push({
      ruleId: 'PEKS-HUB-6',
      message: `${hub.name} is in ${hub.region} and this stack in ${input.region}: its endpoints answer ${hub.region}'s service names, and the clients here call ${input.region}'s (${unique(takers.flatMap(c => c.services)).join(', ')})`,
      fix: `use a hub in ${input.region}, or leave these services out of sharedEndpoints.services so the cluster creates its own endpoints`,
    });
    return findings;
  }

  const overlap = (input.vpcCidrs ?? []).flatMap(v => hub.cidrs.filter(h => cidrContains(v, h) || cidrContains(h, v)).map(h => `${h} overlaps ${v}`));
  if (overlap.length > 0) {
    findings.push({
      ruleId: 'PEKS-HUB-1',
      message: `${hub.name}'s CIDR ${overlap.join(', ')} of this VPC: the VPC's local route takes those addresses, so no route reaches the hub's endpoints`,
      fix: 'give the hub and this VPC CIDRs that do not overlap',
    });
    return findings;
  }
  if (input.zonesNotAssociated && input.zonesNotAssociated.length > 0) {
    findings.push({
      ruleId: 'PEKS-HUB-11',
      message: `${hub.name}'s private hosted zones ${input.zonesNotAssociated.join(', ')} are in this app and not associated with this VPC: their names resolve to public addresses here`,
      fix: 'associate them: hub.associateVpc(cluster.vpc) (EndpointHub), or spokeVpcs; a VPC in another account cannot be associated from CloudFormation: use a Route 53 Profile (ROUTE53_PROFILE) for it',
    });
  }
  deployOrderRule(input, findings);
  routeRules(input, takers, findings);
  nameRules(input, takers, findings);
  admissionRules(input, takers, findings);
  return findings;
}

/** PEKS-HUB-12: every nodegroup is created after the hub's zones that answer its names, in its stack or another. */
function deployOrderRule(input: HubCheckInput, findings: HubFinding[]) {
  const gaps = input.deployOrder ?? [];
  if (gaps.length === 0) return;
  const byNodegroup = new Map<string, HubDeployOrderGap[]>();
  for (const g of gaps) byNodegroup.set(g.nodegroup, [...(byNodegroup.get(g.nodegroup) ?? []), g]);
  for (const [nodegroup, list] of byNodegroup) {
    const here = list[0].nodegroupStack;
    const otherStacks = unique(list.filter(g => g.zoneStack !== here).map(g => g.zoneStack));
    const where = otherStacks.length > 0
      ? `stack ${here} does not depend on ${otherStacks.join(', ')}, which holds them, so \`cdk deploy --all\` may deploy it first`
      : 'they are in the same stack with no dependency between them, so CloudFormation may create them at the same time';
    findings.push({
      ruleId: 'PEKS-HUB-12',
      message: `nodegroup ${nodegroup} may be created before ${input.hub.name}'s private hosted zone${list.length > 1 ? 's' : ''} ${few(unique(list.map(g => g.zone)))}: ${where}; its nodes boot with no answer for the endpoints' names and never join (NodeCreationFailure)`,
      fix: otherStacks.length > 0
        ? 'make the cluster\'s stack depend on the hub\'s: clusterStack.addStackDependency(hubStack). Where the hub references the cluster\'s stack (hub.associateVpc(cluster.vpc) with the VPC built by the cluster), that is a cycle: build each spoke VPC (PrivateNetwork) in a stack of its own, give it to the hub (spokeVpcs or hub.associateVpc) and to the cluster (vpc), so the stacks deploy as spoke network, hub, cluster (docs/beyond-one-vpc.md, "Hub and spokes across stacks")'
        : `order the nodegroup after the hub: ${nodegroup.split('/').pop()}.node.addDependency(hub)`,
    });
  }
}

/** `a, b, c and 7 more`. */
function few(xs: string[], n = 3): string {
  return xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`;
}

/** PEKS-HUB-1 and -2: a route from every subnet to every hub CIDR. */
function routeRules(input: HubCheckInput, takers: HubClient[], findings: HubFinding[]) {
  const { hub } = input;
  const missing = new Map<string, { subnets: string[]; cidrs: Set<string>; services: Set<string> }>();
  const unseen = new Map<string, { subnets: string[]; services: Set<string> }>();
  for (const c of takers) {
    for (const s of c.subnets) {
      if (s.routes === undefined) {
        const u = unseen.get(c.label) ?? { subnets: [], services: new Set<string>() };
        if (!u.subnets.includes(s.name)) u.subnets.push(s.name);
        c.services.forEach(x => u.services.add(x));
        unseen.set(c.label, u);
        continue;
      }
      const lacking = hub.cidrs.filter(cidr => !s.routes!.some(r => r.target !== 'local' && cidrContains(r.destination, cidr)));
      if (lacking.length === 0) continue;
      const m = missing.get(c.label) ?? { subnets: [], cidrs: new Set<string>(), services: new Set<string>() };
      if (!m.subnets.includes(s.name)) m.subnets.push(s.name);
      lacking.forEach(x => m.cidrs.add(x));
      c.services.forEach(x => m.services.add(x));
      missing.set(c.label, m);
    }
  }
  for (const [label, m] of missing) {
    findings.push({
      ruleId: 'PEKS-HUB-1',
      message: `${label}: subnet${plural(m.subnets)} ${m.subnets.join(', ')} ha${m.subnets.length > 1 ? 've' : 's'} no route to ${hub.name}'s ${[...m.cidrs].join(', ')}, where the endpoints for ${[...m.services].join(', ')} are`,
      fix: `route ${[...m.cidrs].join(', ')} to the Transit Gateway (or the peering connection) in these subnets' route tables: network.attachToTransitGateway(...), or an ec2.CfnRoute with transitGatewayId after the VPC's attachment`,
    });
  }
  for (const [label, u] of unseen) {
    findings.push({
      ruleId: 'PEKS-HUB-2',
      message: `${label}: the route tables of subnet${plural(u.subnets)} ${u.subnets.join(', ')} are not in this app, so the route to ${hub.name} (${hub.cidrs.join(', ')}) for ${[...u.services].join(', ')} cannot be proven at synth`,
      fix: 'keep preflight on (it resolves each name from these subnets and connects to the addresses), or acknowledge this warning once the route is in place',
    });
  }
}

/** PEKS-HUB-3, -4, -5 and -9: every name answered by the hub, none shadowed, no local endpoint for the same names. */
function nameRules(input: HubCheckInput, takers: HubClient[], findings: HubFinding[]) {
  const { hub } = input;
  const region = hub.region ?? input.region;
  const zones = hub.resolution === 'private-hosted-zones';
  for (const local of input.localPrivateDns.filter(l => hub.services.includes(l.service))) {
    findings.push({
      ruleId: zones ? 'PEKS-HUB-5' : 'PEKS-HUB-9',
      message: zones
        ? `the interface endpoint ${local.name} has private DNS on for ${local.service}, whose names ${hub.name}'s private hosted zones answer in this VPC: EC2 refuses private DNS for a name a zone of the VPC holds ("conflicting DNS domain"), and Route 53 refuses the zone association the other way round`
        : hub.resolution === 'resolver-rules'
          ? `the interface endpoint ${local.name} has private DNS on for ${local.service}, which ${hub.name} serves through Resolver rules: the rule takes precedence over the endpoint's private hosted zone, so the local endpoint is paid for and unused`
          : `the interface endpoint ${local.name} has private DNS on for ${local.service}, which ${hub.name}'s Route 53 Profile also answers in this VPC: one of the two is paid for and unused`,
      fix: `remove ${local.service} from sharedEndpoints.services to keep the local endpoint, or stop creating it here (leave it out of additionalEndpoints and of your own endpoints)`,
    });
  }
  if (region === undefined) {
    findings.push({
      ruleId: 'PEKS-HUB-10',
      message: `the names the clients call ${unique(takers.flatMap(c => c.services)).join(', ')} by (api.ecr.<region>, <account>.dkr.ecr.<region>, ...) cannot be checked against ${hub.name}: the stack is environment-agnostic and sharedEndpoints.region is not given`,
      fix: 'give the stack an env with its region, or sharedEndpoints.region (the hub\'s region)',
    });
    return;
  }
  // The names are the region's: its partition's DNS suffix (amazonaws.com, amazonaws.com.cn).
  const suffix = urlSuffixOfPartition(partitionOfRegion(region));
  const byName = new Map<string, { need: NeededName; who: Set<string> }>();
  for (const c of takers) {
    for (const service of c.services) {
      for (const need of namesCalled(service, region, suffix, input.account) ?? []) {
        const e = byName.get(need.name) ?? { need, who: new Set<string>() };
        e.who.add(c.label);
        byName.set(need.name, e);
      }
    }
  }
  for (const { need, who } of byName.values()) {
    const { answer, by } = hubAnswer(hub, need, region, suffix);
    if (answer === 'served') continue;
    const form = need.name.startsWith('*.') ? `${need.sample.split('.')[0]}${need.name.slice(1)} (account-specific: a * record in the zone ${need.name.slice(2)})` : need.name;
    if (answer === 'shadowed') {
      findings.push({
        ruleId: 'PEKS-HUB-4',
        message: `${[...who].join(', ')} call${who.size > 1 ? '' : 's'} ${need.service} as ${form}, and ${by} answers that name with "no such name" (it holds no record for it)`,
        fix: zones
          ? `add a record for ${need.name} to that zone${need.name.startsWith('*.') ? ` (a * record in ${need.name.slice(2)})` : ''}, or a zone of its own for ${need.name.replace(/^\*\./, '')} with an alias to the ${need.service} endpoint${hub.services.includes(need.service) ? '' : `, and serve ${need.service} from the hub`}`
          : `serve ${need.service} from the hub (an endpoint with private DNS there), or narrow the rule's domain`,
      });
      continue;
    }
    const shape = hub.resolution === 'resolver-rules' ? 'a Resolver rule for' : 'a private hosted zone for';
    findings.push({
      ruleId: 'PEKS-HUB-3',
      message: `${[...who].join(', ')} call${who.size > 1 ? '' : 's'} ${need.service} as ${form}, which ${hub.name} does not answer in this VPC: it resolves to the public address, and these subnets have no internet route`,
      fix: hub.resolution === 'route53-profile'
        ? `add the ${need.service} interface endpoint to the hub's profile (EndpointHub services: [..., '${need.service}'])`
        : `add ${shape} ${need.name.replace(/^\*\./, '')}${need.name.startsWith('*.') ? ' with a * record' : ''} to the hub and list it in sharedEndpoints.names, or remove ${need.service} from sharedEndpoints.services so the cluster creates its own endpoint`,
    });
  }
}

/** PEKS-HUB-7 and -8: the hub admits this VPC's addresses and this account. */
function admissionRules(input: HubCheckInput, takers: HubClient[], findings: HubFinding[]) {
  const { hub } = input;
  if (hub.admittedCidrs) {
    const used = unique([...(input.vpcCidrs ?? []), ...takers.flatMap(c => c.subnets.map(s => s.cidr)).filter((x): x is string => x !== undefined)]);
    const outside = used.filter(cidr => !hub.admittedCidrs!.some(a => cidrContains(a, cidr)));
    // A subnet inside a VPC CIDR that is admitted is admitted too: report the widest blocks only.
    const widest = outside.filter(cidr => !outside.some(o => o !== cidr && cidrContains(o, cidr)));
    if (widest.length > 0) {
      findings.push({
        ruleId: 'PEKS-HUB-7',
        message: `${hub.name}'s endpoint security groups admit 443 from ${hub.admittedCidrs.join(', ')}, and this VPC's clients use ${widest.join(', ')}: their connections to the endpoints time out`,
        fix: `add ${widest.join(', ')} to the hub's spokeCidrs (EndpointHub) or its endpoint security group`,
      });
    }
  }
  const accountsKnown = hub.admittedAccounts !== undefined || hub.admittedOrganizationId !== undefined;
  if (accountsKnown && input.account && !hub.admittedOrganizationId && !(hub.admittedAccounts ?? []).includes(input.account)) {
    findings.push({
      ruleId: 'PEKS-HUB-8',
      message: `${hub.name}'s endpoint policies admit the accounts ${(hub.admittedAccounts ?? []).join(', ') || '(none)'}, and this stack deploys to ${input.account}: its calls through the hub are denied`,
      fix: `add ${input.account} to the hub's principalAccounts, or scope the hub to your organization (organizationId)`,
    });
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function plural(xs: unknown[]): string {
  return xs.length > 1 ? 's' : '';
}
