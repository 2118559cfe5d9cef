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

/** The cost of `interfaceEndpointAzs` endpoint-AZ pairs and `natGateways` NAT gateways in `region`. */
export function estimate(region: string | undefined, interfaceEndpointAzs: number, natGateways: number): CostEstimate {
  const { ratesOf, rates } = ratesFor(region);
  const round = (n: number) => Math.round(n * 100) / 100;
  const lines: CostLine[] = [
    { item: 'interface endpoint x AZ', count: interfaceEndpointAzs, monthlyUsd: round(interfaceEndpointAzs * rates.interfaceEndpointAzHour * HOURS_PER_MONTH) },
    { item: 'NAT gateway (with its public IPv4 address)', count: natGateways, monthlyUsd: round(natGateways * (rates.natGatewayHour + rates.publicIpv4Hour) * HOURS_PER_MONTH) },
  ].filter(l => l.count > 0);
  return { region: region ?? 'unknown (environment-agnostic stack)', ratesOf, lines, monthlyUsd: round(lines.reduce((a, l) => a + l.monthlyUsd, 0)) };
}
