/**
 * Fixed monthly network cost of a cluster's VPC: interface endpoints (per AZ-hour) and NAT gateways (per hour, plus
 * the public IPv4 address each one holds). Data processing and transfer (per GB) depend on traffic and are left out.
 * Rates are data, with their date and source; a region without rates here is priced at us-east-1's, and says so.
 */

/** Hourly rates of one region, in USD. */
export interface RegionRates {
  readonly interfaceEndpointAzHour: number;
  readonly natGatewayHour: number;
  readonly publicIpv4Hour: number;
}

export const RATES_AS_OF = '2026-11';
export const RATES_SOURCE = 'https://aws.amazon.com/privatelink/pricing/ and https://aws.amazon.com/vpc/pricing/ (on-demand list prices)';
export const HOURS_PER_MONTH = 730;

export const REGION_RATES: Record<string, RegionRates> = {
  'us-east-1': { interfaceEndpointAzHour: 0.01, natGatewayHour: 0.045, publicIpv4Hour: 0.005 },
  'us-east-2': { interfaceEndpointAzHour: 0.01, natGatewayHour: 0.045, publicIpv4Hour: 0.005 },
};

/**
 * Route 53 Resolver DNS Firewall (`dnsFirewall`), in USD, all regions alike: per domain name of the lists per month
 * (prorated hourly), and per million queries processed (the first billion of a month). The live page renders its
 * table with JavaScript; the figures are those of a transcription of https://aws.amazon.com/route53/pricing/ dated
 * 2026-09-20 (github.com/api-evangelist/amazon-route53-resolver, plans/amazon-route53-resolver-plans-pricing.yml:
 * "$0.0005 per month (prorated hourly)", "$0.60 per million queries (first 1 billion queries per month)"), read
 * 2026-12-07: check them against the live page before a budget rests on them. Resolver query logging itself is not
 * charged; CloudWatch Logs ingestion and storage of the logs are.
 */
export const DNS_FIREWALL_RATES = { domainMonth: 0.0005, perMillionQueries: 0.6 };
export const DNS_FIREWALL_RATES_SOURCE = 'https://aws.amazon.com/route53/pricing/ (Resolver DNS Firewall: per domain name and month, per million queries; '
  + 'as transcribed 2026-09-20, read 2026-12-07)';

/**
 * The access clients (lib/access), in USD, us-east-1 on-demand Linux list prices. AWS's pricing pages render their
 * tables with JavaScript and no stored copy holds them; the figures are third-party transcriptions, read 2026-12-07:
 * - EC2 t4g.nano, 0.0042 per hour: https://aws.amazon.com/ec2/pricing/on-demand/ as transcribed in several public
 *   repositories' us-east-1 price tables (found by searching public code for `"t4g.nano": 0.0042`; all agree). One
 *   other table (autoscaled-masterkube-aws, templates/machines/arm64.json) lists 0.0046 with no region named: another
 *   region's price, or an older one. The relay's 8 GiB gp3 volume is not priced here.
 * - CodeBuild BUILD_GENERAL1_SMALL on Linux, 0.005 per build minute: https://aws.amazon.com/codebuild/pricing/ as
 *   transcribed by https://c3x.dev/resources/aws/aws_codebuild_project/ ("general1.small is roughly $0.005/minute";
 *   "The first 100 build-minutes per month on small Linux are free") and
 *   https://kindatechnical.com/aws-codebuild/understanding-codebuild-pricing.html. CodeBuild bills build minutes only,
 *   so it is priced per use (per 100 build minutes), never as a monthly figure.
 * Check them against the live pages before a budget rests on them.
 */
export const INSTANCE_HOUR_RATES: Record<string, number> = { 't4g.nano': 0.0042 };
/** By compute type, on Linux (x86_64) containers (`LINUX_CONTAINER`); other environment types are not priced. */
export const BUILD_MINUTE_RATES: Record<string, number> = { BUILD_GENERAL1_SMALL: 0.005 };
export const ACCESS_RATES_SOURCE = 'https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/codebuild/pricing/ (us-east-1, Linux; '
  + 'as transcribed by third parties, read 2026-12-07)';

/**
 * The API relays' instance hours, as fixed monthly cost lines (one per instance type priced here), and the types that
 * have no rate in the library.
 */
export function relayCostLines(instanceTypes: Array<string | undefined>): { lines: CostLine[]; unpriced: string[] } {
  const round = (n: number) => Math.round(n * 100) / 100;
  const counts = new Map<string, number>();
  for (const t of instanceTypes) counts.set(t ?? 'unknown', (counts.get(t ?? 'unknown') ?? 0) + 1);
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  for (const [type, count] of counts) {
    const rate = INSTANCE_HOUR_RATES[type];
    if (rate === undefined) unpriced.push(type);
    else lines.push({ item: `API relay instance (${type}, on-demand, us-east-1 rate)`, count, monthlyUsd: round(count * rate * HOURS_PER_MONTH) });
  }
  return { lines, unpriced };
}

/** What a CI runner's builds cost, per 100 build minutes (CodeBuild bills per use), or undefined without a rate. */
export function buildCostPer100Minutes(computeType: string | undefined): number | undefined {
  const rate = computeType === undefined ? undefined : BUILD_MINUTE_RATES[computeType];
  return rate === undefined ? undefined : Math.round(rate * 100 * 100) / 100;
}

/** One priced line. */
export interface CostLine {
  readonly item: string;
  readonly count: number;
  readonly monthlyUsd: number;
}

/** A design's fixed monthly cost. */
export interface CostEstimate {
  readonly region: string;
  /** The region whose rates were used. */
  readonly ratesOf: string;
  readonly lines: CostLine[];
  readonly monthlyUsd: number;
}

function ratesFor(region: string | undefined): { ratesOf: string; rates: RegionRates } {
  if (region && REGION_RATES[region]) return { ratesOf: region, rates: REGION_RATES[region] };
  return { ratesOf: 'us-east-1', rates: REGION_RATES['us-east-1'] };
}

/**
 * The cost of `interfaceEndpointAzs` endpoint-AZ pairs, `natGateways` NAT gateways and `transitGatewayAttachments`
 * attachments of the VPC to a Transit Gateway (a hub's, a proxy's) in `region`.
 */
export function estimate(region: string | undefined, interfaceEndpointAzs: number, natGateways: number, transitGatewayAttachments = 0,
  dnsFirewallDomains = 0, fixedLines: CostLine[] = []): CostEstimate {
  const { ratesOf, rates } = ratesFor(region);
  const round = (n: number) => Math.round(n * 100) / 100;
  const tgwHour = (HUB_RATES[ratesOf] ?? HUB_RATES['us-east-1']).transitGatewayAttachmentHour;
  const lines: CostLine[] = [
    { item: 'interface endpoint x AZ', count: interfaceEndpointAzs, monthlyUsd: round(interfaceEndpointAzs * rates.interfaceEndpointAzHour * HOURS_PER_MONTH) },
    { item: 'NAT gateway (with its public IPv4 address)', count: natGateways, monthlyUsd: round(natGateways * (rates.natGatewayHour + rates.publicIpv4Hour) * HOURS_PER_MONTH) },
    { item: 'Transit Gateway attachment', count: transitGatewayAttachments, monthlyUsd: round(transitGatewayAttachments * tgwHour * HOURS_PER_MONTH) },
    // The allow-list and the `*` list of the firewall; queries are charged per million on top.
    { item: 'DNS Firewall domain name', count: dnsFirewallDomains, monthlyUsd: round(dnsFirewallDomains * DNS_FIREWALL_RATES.domainMonth) },
    // Lines priced elsewhere in this module (the API relays' instances: us-east-1 rates whatever the region).
    ...fixedLines,
  ].filter(l => l.count > 0);
  return { region: region ?? 'unknown (environment-agnostic stack)', ratesOf, lines, monthlyUsd: round(lines.reduce((a, l) => a + l.monthlyUsd, 0)) };
}

/**
 * The rates a hub-and-spoke comparison needs beyond `REGION_RATES`, in USD. The stored copies of AWS's pricing pages
 * (read 2026-12-05) carry their prose and billing rules but not the price tables, which the live pages render with
 * JavaScript: each figure below is the one those pages are quoted with elsewhere, named in `source`, and should be
 * checked against the live page (or the AWS Price List API) before a budget rests on it.
 */
export interface HubRates {
  /** Transit Gateway: per attachment-hour (billed to the attached VPC's account). */
  readonly transitGatewayAttachmentHour: number;
  /** Transit Gateway: per GB sent from a VPC into the transit gateway. */
  readonly transitGatewayPerGb: number;
  /** Interface endpoint: per GB processed (first tier). */
  readonly interfaceEndpointPerGb: number;
  /** NAT gateway: per GB processed. */
  readonly natGatewayPerGb: number;
  /** Route 53: per private hosted zone and month (first 25 zones). */
  readonly hostedZoneMonth: number;
}

export const HUB_RATES: Record<string, HubRates> = {
  'us-east-1': { transitGatewayAttachmentHour: 0.05, transitGatewayPerGb: 0.02, interfaceEndpointPerGb: 0.01, natGatewayPerGb: 0.045, hostedZoneMonth: 0.5 },
};

/** Where each hub rate comes from (read 2026-12-05). */
export const HUB_RATES_SOURCE = [
  'https://aws.amazon.com/transit-gateway/pricing/ (billing rules: "The VPC account owner is billed hourly for each hour that their Amazon VPCs are attached"; '
    + '"Data processing charges apply for each gigabyte sent from a VPC to the AWS Transit Gateway"; 0.05/attachment-hour and 0.02/GB as quoted by third-party cost guides, the table not in the stored copy)',
  'https://aws.amazon.com/privatelink/pricing/ ("billed for each hour that your VPC endpoint remains provisioned in each Availability Zone"; 0.01/GB first 1 PB from a copy of the page\'s table)',
  'https://aws.amazon.com/vpc/pricing/ (NAT gateway 0.045/GB in us-east-1, as quoted by third-party cost guides)',
  'https://aws.amazon.com/route53/pricing/ (0.50 per hosted zone and month for the first 25, as quoted by third-party guides); Route 53 Profiles: no rate found, not priced',
].join('; ');

/** One design's cost for a number of cluster VPCs. */
export interface SpokeDesignCost {
  /** `endpoints in every VPC`, `shared from a hub`, `NAT gateway in every VPC`. */
  readonly design: string;
  /** Fixed cost of all the VPCs together, per month. */
  readonly monthlyUsd: number;
  /** Fixed cost per cluster VPC, per month. */
  readonly perClusterMonthlyUsd: number;
  /** What each GB between a node and an AWS service costs on this path. */
  readonly perGbUsd: number;
  /** What the figure leaves out. */
  readonly note?: string;
}

/** What the designs cost for `spokes` cluster VPCs. */
export interface HubComparison {
  readonly spokes: number;
  /** The region whose rates were used. */
  readonly ratesOf: string;
  readonly designs: SpokeDesignCost[];
}

/** Inputs of the comparison: what one cluster VPC uses. */
export interface HubComparisonInput {
  /** The stack's region, when known. */
  readonly region?: string;
  /** Interface endpoint services one cluster uses. */
  readonly services: number;
  /** Availability Zones the endpoints (and NAT gateways) span. */
  readonly azs: number;
  /** Private hosted zones the hub holds (0 with a Route 53 Profile). */
  readonly hostedZones: number;
  /** Whether the hub's names come from a Route 53 Profile (not priced: no rate found). */
  readonly profile: boolean;
}

/**
 * Fixed monthly cost of `spokes` cluster VPCs with endpoints in each, with the endpoints shared from one hub (the hub's
 * endpoints, one Transit Gateway attachment per spoke and one for the hub, the hosted zones), and with a NAT gateway
 * per AZ in each. The Transit Gateway's own attachments are the only network cost a hub adds; peering has no hourly
 * charge but does not scale to many VPCs, and is not priced here.
 */
export function compareHubDesigns(input: HubComparisonInput, spokes: number): HubComparison {
  // One region's rates throughout: the hub rates' region, else us-east-1's.
  const ratesOf = input.region && HUB_RATES[input.region] && REGION_RATES[input.region] ? input.region : 'us-east-1';
  const rates = REGION_RATES[ratesOf];
  const hub = HUB_RATES[ratesOf];
  const round = (n: number) => Math.round(n * 100) / 100;
  const endpointsPerVpc = input.services * input.azs * rates.interfaceEndpointAzHour * HOURS_PER_MONTH;
  const perVpc = round(endpointsPerVpc * spokes);
  const attachments = (spokes + 1) * hub.transitGatewayAttachmentHour * HOURS_PER_MONTH;
  const hubFixed = round(endpointsPerVpc + attachments + input.hostedZones * hub.hostedZoneMonth);
  const nat = round(spokes * input.azs * (rates.natGatewayHour + rates.publicIpv4Hour) * HOURS_PER_MONTH);
  const per = (total: number) => round(total / spokes);
  return {
    spokes,
    ratesOf,
    designs: [
      { design: 'endpoints in every VPC', monthlyUsd: perVpc, perClusterMonthlyUsd: per(perVpc), perGbUsd: hub.interfaceEndpointPerGb },
      {
        design: 'shared from a hub (Transit Gateway)',
        monthlyUsd: hubFixed,
        perClusterMonthlyUsd: per(hubFixed),
        perGbUsd: round((hub.transitGatewayPerGb + hub.interfaceEndpointPerGb) * 1000) / 1000,
        note: input.profile ? 'the Route 53 Profile is not priced (no rate found)' : undefined,
      },
      { design: 'NAT gateway in every VPC', monthlyUsd: nat, perClusterMonthlyUsd: per(nat), perGbUsd: hub.natGatewayPerGb },
    ],
  };
}
