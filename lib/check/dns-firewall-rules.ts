/**
 * DNS Firewall (PEKS-DNS-*): in a VPC with no internet route, the VPC resolver is the one way out (a pod can send data
 * in queries for `<data>.attacker.example`, and flow logs do not record traffic to the resolver). With `dnsFirewall`
 * the cluster's VPC gets a Route 53 Resolver DNS Firewall rule group that allows the names this module derives from
 * what the check proved (the names of the AWS services the clients call, the registries and proxy the app declares,
 * the cluster's own names, the private hosted zones of the VPC) and blocks (or alerts on) every other name. The rule
 * refuses, at synth, an image registry, chart host or proxy the clients resolve that the allow-list does not allow:
 * with the derived list that is a host the derivation does not cover; with a pinned list (`domains`), any host left out.
 * Pure functions of the tree's records and the model.
 */
import { Token } from 'aws-cdk-lib';
import { ClusterRef, TreeRecords } from './tree-records';
import { dnsName, dnsNameFact } from '../contracts/private-dns-names';

/** What the derivation reads of the join model (join-analysis.ts `JoinModel`, structurally: no import back up). */
export interface DerivationInput {
  readonly clients: ReadonlyArray<{ readonly services: ReadonlyArray<{ readonly service: string }> }>;
  readonly interfaceEndpoints: ReadonlyArray<{ readonly service: string }>;
  readonly declaredServices: string[];
  readonly hub?: { readonly services: string[] };
  readonly proxy?: { readonly url: string };
  readonly images?: ReadonlyArray<{
    readonly registry?: string;
    readonly registryClass: string;
    readonly throughProxy?: boolean;
    readonly image: string;
    readonly workload: string;
  }>;
}

/** What the L3 tells the check about its firewall. */
export interface DnsFirewallSettings {
  /** Registries the user declares reachable (`existingRegistries`): allowed. */
  readonly declaredRegistries: string[];
  /** The allow-list the user pinned (`dnsFirewall.domains`), instead of the derived one. */
  readonly pinnedDomains?: string[];
  /** Domains the user adds to the derived or pinned list. */
  readonly additionalDomains: string[];
  /** `BLOCK` or `ALERT`. */
  readonly action: string;
}

/** A host a client of the VPC resolves, and what it is for. */
export interface ResolvedHost {
  readonly host: string;
  /** `image 111122223333.dkr.ecr.../web:1 (Test/Eks/ManifestWeb)`. */
  readonly what: string;
}

/** The firewall as the check sees it. */
export interface DnsFirewallFacts {
  /** The allow-list, as the rule group will hold it (the region a placeholder in an environment-agnostic stack). */
  readonly allowed: string[];
  readonly pinned: boolean;
  readonly action: string;
  /** Hosts the clients resolve through the VPC resolver. */
  readonly hosts: ResolvedHost[];
}

const DNS_FIREWALL = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html';

export const DNS_FIREWALL_RULES = [
  { id: 'PEKS-DNS-1', severity: 'error' as const, reason: 'DNS Firewall is on and an image registry, chart host or proxy the cluster resolves is not on its allow-list: the query is blocked and the pull fails', source: `${DNS_FIREWALL} ("deny access to all domains except for the ones that you explicitly trust"; read 2026-12-07)` },
];

/**
 * Name patterns of what every private cluster resolves beyond the AWS services' own names (read 2026-12-07):
 * - the API server's endpoint, `<id>.<label>.<region>.eks.<suffix>` (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html);
 * - the EC2 private host names nodes are named by and search: `ec2.internal` in us-east-1, `<region>.compute.internal`
 *   elsewhere (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html, "Private IPv4 DNS hostnames");
 * - S3 by its regional and virtual-hosted names, and the global `s3.<suffix>` names (ECR layers, kubectl downloads,
 *   CloudFormation custom resource responses: https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
 * A DNS Firewall domain may start with `*` ("It can optionally start with * (asterisk)":
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-user-managed-domain-lists.html);
 * `*.example.com` is taken to match names below example.com and not example.com itself, so both are listed.
 */
const ALWAYS = ['*.{region}.eks.{suffix}', 'ec2.internal', '*.ec2.internal', '{region}.compute.internal', '*.{region}.compute.internal',
  's3.{region}.{suffix}', '*.s3.{region}.{suffix}', 's3.{suffix}', '*.s3.{suffix}'];

/** The partitions' dual-stack suffixes (aws-env.ts `dualStackSuffixOf`). */
const DUALSTACK_SUFFIXES = ['api.aws', 'api.amazonwebservices.com.cn', 'api.amazonwebservices.eu'];

/** Whether a DNS Firewall domain (`*`, `*.example.com`, `example.com`) allows `host`. */
export function domainAllows(domain: string, host: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (d === '*') return true;
  if (d.startsWith('*.')) return h.endsWith(d.slice(1));
  return d === h;
}

/**
 * The allow-list a firewall derives for `model` in `region` (a literal, or a token for the template): every name of
 * every AWS service the clients call or an endpoint of the VPC (or the hub) serves, the always-needed names above,
 * the registries the user declares reachable, the proxy's host, and the private hosted zones associated with the VPC.
 */
export function derivedDomains(model: DerivationInput, region: string, suffix: string, privateZones: string[],
  declaredRegistries: string[]): string[] {
  const services = new Set<string>([
    ...model.clients.flatMap(c => c.services.map(s => s.service)),
    ...model.interfaceEndpoints.map(e => e.service),
    ...model.declaredServices,
    ...(model.hub?.services ?? []),
  ]);
  services.delete('s3'); // in ALWAYS, with its virtual-hosted names
  const out: string[] = [];
  const add = (d: string) => { if (!out.includes(d)) out.push(d); };
  for (const service of [...services].sort()) {
    const fact = dnsNameFact(service);
    // A service the library has no row for is called by its general form, `<service>.<region>.<suffix>`.
    for (const p of fact ? [...fact.calledAs, ...fact.registers] : [`${service}.{region}.{suffix}`]) {
      // An environment-agnostic stack's suffix is a token: a dual-stack name is written for each partition's suffix.
      if (p.includes('{dualstack}') && Token.isUnresolved(suffix)) DUALSTACK_SUFFIXES.forEach(d => add(dnsName(p.split('{dualstack}').join(d), region, suffix)));
      else add(dnsName(p, region, suffix));
    }
  }
  for (const p of ALWAYS) add(dnsName(p, region, suffix));
  for (const r of declaredRegistries) add(r.toLowerCase());
  const proxyHost = model.proxy ? hostOf(model.proxy.url) : undefined;
  if (proxyHost) add(proxyHost);
  for (const z of privateZones) { add(z); add(`*.${z}`); }
  return out;
}

/** The host of a URL or registry reference (`oci://host/x`, `https://host:3128`), undefined when it has none. */
function hostOf(url: string): string | undefined {
  return /^(?:[a-z]+:\/\/)?([^/:@]+)(?::\d+)?(?:\/|$)/i.exec(url)?.[1]?.toLowerCase();
}

/** The private hosted zones associated with the VPC, by name. */
export function privateZoneNames(facts: TreeRecords, vpcKey: string | undefined): string[] {
  return facts.hostedZones.filter(z => z.name !== undefined && vpcKey !== undefined && z.vpcKeys.includes(vpcKey)).map(z => z.name!);
}

/**
 * The firewall as the check sees it: its allow-list (pinned, or derived with the check's region) and the hosts the
 * clients resolve: every image registry they pull from directly (through the proxy the proxy resolves them), every
 * chart repository host of the cluster's charts, and the proxy.
 */
export function dnsFirewallFacts(facts: TreeRecords, cluster: ClusterRef, vpcKey: string | undefined, model: DerivationInput, region: string,
  settings: DnsFirewallSettings): DnsFirewallFacts {
  const allowed = [...(settings.pinnedDomains
    ?? derivedDomains(model, region, cluster.location.urlSuffix, privateZoneNames(facts, vpcKey), settings.declaredRegistries)),
  ...settings.additionalDomains];
  const hosts: ResolvedHost[] = [];
  for (const i of model.images ?? []) {
    if (!i.registry || i.throughProxy || i.registryClass === 'unseen' || i.registryClass === 'malformed') continue;
    hosts.push({ host: i.registry.toLowerCase(), what: `image ${i.image} (${i.workload})` });
  }
  for (const r of facts.kubernetesResources) {
    if (r.kind !== 'chart' || r.clusterKey !== cluster.nameKey || r.repository === undefined) continue;
    const host = hostOf(r.repository);
    if (host && !(model.proxy && !/\.amazonaws\.com(\.cn)?$/.test(host))) hosts.push({ host, what: `Helm chart repository ${r.repository} (${r.path})` });
  }
  const proxyHost = model.proxy ? hostOf(model.proxy.url) : undefined;
  if (proxyHost) hosts.push({ host: proxyHost, what: `the proxy ${model.proxy!.url}` });
  return { allowed, pinned: settings.pinnedDomains !== undefined, action: settings.action, hosts };
}

/** PEKS-DNS-1: one finding per host the allow-list does not allow. */
export function analyzeDnsFirewall(f: DnsFirewallFacts): Array<{ ruleId: string; message: string; fix: string }> {
  const out: Array<{ ruleId: string; message: string; fix: string }> = [];
  const seen = new Set<string>();
  for (const h of f.hosts) {
    if (seen.has(h.host) || f.allowed.some(d => domainAllows(d, h.host))) continue;
    seen.add(h.host);
    out.push({
      ruleId: 'PEKS-DNS-1',
      message: `DNS Firewall (${f.action} for names not allowed) does not allow ${h.host}, which the cluster resolves: ${h.what}; `
        + `${f.action === 'BLOCK' ? 'the query is blocked and the pull fails' : 'every query for it raises an alert'}`,
      fix: f.pinned
        ? `add '${h.host}' to dnsFirewall.domains (the list you pinned), or pull it from this region's ECR (a pull-through cache)`
        : `add '${h.host}' to dnsFirewall.additionalDomains, or declare the registry reachable (existingRegistries: ['${h.host}']), or pull it from this region's ECR (a pull-through cache)`,
    });
  }
  return out;
}
