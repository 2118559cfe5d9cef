import { ACCESS_RATES_SOURCE, buildCostPer100Minutes, compareHubDesigns, CostEstimate, DNS_FIREWALL_RATES, DNS_FIREWALL_RATES_SOURCE, estimate, HUB_RATES_SOURCE, HubComparison, RATES_AS_OF, RATES_SOURCE, relayCostLines } from './network-costs';
import { Finding, JoinModel, reachability, ReachRow } from '../check/join-analysis';
import { ClusterScope, SubnetRef, TreeRecords, VpcRef } from '../check/tree-records';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { dnsNameFact } from '../contracts/private-dns-names';
import { ProofRow, proofRows, ProofSource } from '../contracts/proof-sources';

/** The cluster's settings, as `eksctl create cluster --dry-run` would print them. */
export interface ClusterSettings {
  readonly name: string;
  readonly version: string;
  readonly region: string;
  readonly vpcCidr?: string;
  readonly endpointAccess: string;
  readonly logging: string[];
  readonly secretsEncryption: boolean;
  readonly nodegroups: NodegroupSettings[];
  readonly addons: string[];
  readonly bastion?: string;
}

/** A nodegroup's settings. */
export interface NodegroupSettings {
  readonly name: string;
  readonly instanceTypes: string[];
  readonly amiType?: string;
  readonly capacityType?: string;
  readonly min?: number;
  readonly desired?: number;
  readonly max?: number;
}

/** A VPC endpoint as the report lists it. */
export interface EndpointEntry {
  readonly service: string;
  readonly type: string;
  /** Construct path. */
  readonly path: string;
  /** Logical ID in its stack's template. */
  readonly logicalId: string;
  readonly stack: string;
  /** AZs (interface endpoints: one network interface per subnet). */
  readonly azs: number;
  /** The clients that reach a service through it (by the same rows as the checks); empty: nothing the library sees. */
  readonly usedBy: string[];
}

/** A client of the checks (nodegroup, bastion, kubectl function, add-on or chart), by path and by what it is. */
export interface ClientEntry {
  /** Construct path: what the reachability rows name it by. */
  readonly path: string;
  readonly kind: string;
  /**
   * The name people know it by: an add-on's or chart's own name (`aws-load-balancer-controller`, `karpenter`,
   * `vpc-cni`), else the last two parts of the path (`DefaultNodegroup/Nodegroup`).
   */
  readonly name: string;
}

/** A deploy-time network preflight (`NetworkPreflight`) probing this cluster's VPC. */
export interface PreflightEntry {
  /** Construct path. */
  readonly path: string;
  /** The services each probe resolves and connects to (HTTPS, 443). */
  readonly services: string[];
  /** Services that may resolve to any address (reached by a route the app cannot see). */
  readonly anyAddressServices: string[];
  /** The CIDR blocks interface endpoint addresses must fall in. */
  readonly vpcCidrs: string[];
  /** The subnets probed, one probe function in each (`PrivateSubnet1 (us-east-1a)`). */
  readonly subnets: string[];
  /** What waits for its answer (constructs that depend on it), by the last two parts of their paths. */
  readonly before: string[];
}

/** A finding of the checks, and its acknowledgement when the app acknowledged its warning. */
export interface ReportFinding extends Finding {
  /**
   * The reason the app gave (`Validations.of(scope).acknowledge({ id: 'Annotation::cdk-private-eks:<ID>', reason })`),
   * or a note that none was recorded (`Annotations.acknowledgeWarning` keeps no reason); undefined: not acknowledged.
   */
  readonly acknowledged?: string;
}

/** Everything the report says, as JSON for tools. */
export interface JoinReport {
  readonly cluster: string;
  readonly settings: ClusterSettings;
  /** The clients of the reachability rows, with the names the Markdown and the diagram show. */
  readonly clients: ClientEntry[];
  readonly reachability: ReachRow[];
  readonly trafficPaths: Array<{ from: string; to: string; path: string }>;
  readonly endpoints: EndpointEntry[];
  readonly natGateways: number;
  readonly cost: { ratesAsOf: string; source: string; thisDesign: CostEstimate; natDesign: CostEstimate; note: string };
  /**
   * What this cluster's interface services would cost per cluster VPC for 1, 10 and 50 such VPCs: endpoints in every
   * VPC, shared from one hub over a Transit Gateway, or a NAT gateway per AZ in every VPC (fixed charges, and per GB).
   */
  readonly hubComparison: { source: string; services: string[]; rows: HubComparison[] };
  readonly findings: ReportFinding[];
  /** What the checks could and could not verify for this environment (region, Availability Zones, policies). */
  readonly verification: string[];
  /**
   * Environment-agnostic stacks: the region checks that did not run, for the summary line; undefined when the stack
   * has a region.
   */
  readonly regionNotChecked?: string;
  /** The deploy-time network preflights probing the cluster's VPC (empty: none). */
  readonly preflights: PreflightEntry[];
  /** The cluster's EKS add-ons and recognised controller charts, checked against their contracts. */
  readonly components: Array<{ component: string; kind: string; path: string; identity: string; services: string; settings: string }>;
  /** Every image the app deploys to the cluster, and how the nodes reach it (or why not). */
  readonly images: Array<{
    workload: string; where: string; image: string; registry: string; reached: string; throughCache: boolean; warmed: boolean;
  } & {
    /** Reached through the proxy (`proxy`), which lets its registry through. */
    throughProxy: boolean;
  }>;
  /** The proxy the hosts use (`proxy`), by its URL; undefined: none. */
  readonly proxy?: string;
  /**
   * What is proven about the library's resources and against which source (simulated, API model, schema, the join
   * proof, our reading), from the data the proofs run on (`lib/contracts/proof-sources.ts`), and the hub's widening.
   */
  readonly proven: ProofRow[];
}

/**
 * What an environment-agnostic stack leaves unchecked, in one clause. Each of these checks needs only the stack's
 * region (no account, no context lookup).
 */
export const REGION_NOT_CHECKED = 'environment-agnostic stack, so not checked: images and charts in another region\'s ECR, '
  + 'endpoint services offered in the region, region settings of add-ons and charts; `env: { region: \'...\' }` on the stack turns these checks on';

/**
 * Collects the report's facts from the tree's records (read once by `TreeFacts`) and the cluster's scope (the L3's
 * objects, read by `readClusterScope`). `acknowledged`: rule ID -> the reason the app gave for acknowledging its warning.
 */
export function buildReport(facts: TreeRecords, scope: ClusterScope, model: JoinModel, findings: Finding[], path: string,
  acknowledged: ReadonlyMap<string, string> = new Map()): JoinReport {
  const { cluster, vpc } = scope;
  const vpcKey = vpc.key;
  const region = cluster.region;
  const cfnCluster = cluster.resource;
  const clusterNameKey = cluster.nameKey;

  const endpoints: Array<Omit<EndpointEntry, 'usedBy'>> = facts.endpoints
    .filter(e => e.vpcKey === vpcKey)
    .map(e => ({
      service: e.service ?? '(unknown service)',
      type: e.type,
      path: e.path,
      logicalId: e.logicalId,
      stack: e.stackName,
      azs: e.type === 'Interface' ? e.subnetKeys.length : 0,
    }))
    .sort((a, b) => a.service.localeCompare(b.service));
  const rows = reachability(model);
  const usedBy = (e: Omit<EndpointEntry, 'usedBy'>) => [...new Set(rows
    .filter(r => (r.via === 'interface-endpoint' && r.detail === e.path) || (r.via === 'gateway-endpoint' && e.type === 'Gateway' && r.service === e.service))
    .map(r => `${r.kind} ${r.client}`)
    // Not a client of the checks: people reach a managed Argo CD's UI and API through it (ArgoCdCapability).
    .concat(e.service === 'eks-capabilities' ? ['people: the managed Argo CD UI and API (EKS Capabilities)'] : []))];

  const vpcSubnetKeys = new Set<string | undefined>(vpc.subnets.map(s => s.key));
  const natGateways = facts.natGateways.filter(n => vpcSubnetKeys.has(n.subnetKey)).length;
  const transitGatewayAttachments = facts.transitGatewayAttachments.filter(a => a.vpcKey !== undefined && a.vpcKey === vpc.key).length;
  const azs = new Set(model.clusterSubnetAzs).size || 2;
  const interfaceAzs = endpoints.filter(e => e.type === 'Interface').reduce((n, e) => n + e.azs, 0);

  const nodegroups = facts.nodegroups.filter(ng => ng.clusterKey === clusterNameKey).map(ng => ({
    name: ng.name ?? `(generated) ${ng.path}`,
    instanceTypes: ng.instanceTypes.map(t => t ?? '?'),
    amiType: ng.amiType,
    capacityType: ng.capacityType,
    min: ng.minSize,
    desired: ng.desiredSize,
    max: ng.maxSize,
  }));
  const addons = facts.addons.filter(a => a.clusterKey === clusterNameKey)
    .map(a => `${a.nameAsWritten}${a.versionAsWritten ? ` ${a.versionAsWritten}` : ' (default version for the cluster)'}`);
  const bastion = facts.bastions.find(b => b.clusterPath === cluster.path);
  const api = model.apiAccess;

  const settings: ClusterSettings = {
    name: cfnCluster.name ?? '(generated by CloudFormation)',
    version: cfnCluster.version ?? '?',
    region: region ?? '(environment-agnostic)',
    vpcCidr: vpc.literalCidr,
    endpointAccess: api.privateAccess && api.publicAccess ? 'PUBLIC_AND_PRIVATE' : api.privateAccess ? 'PRIVATE' : 'PUBLIC',
    logging: cfnCluster.logging,
    secretsEncryption: cfnCluster.secretsEncryption,
    nodegroups,
    addons,
    bastion: bastion ? `${bastion.access} (${bastion.path})${bastion.kubectlInstalled ? ', kubectl and helm installed' : ''}` : undefined,
  };

  const nodeEndpoints = facts.nodeEndpoints;
  const unverifiedAzs = nodeEndpoints.filter(e => !e.azsVerified && e.hasInterfaceServices);
  const notOfferedAnywhere = EndpointCatalogue.all().filter(i => i.unavailableIn && i.unavailableIn.length > 0);
  const verification = [
    region
      ? `region ${region}: endpoint services checked against the regional availability the catalogue records; endpoint policies evaluated for this region and partition`
      : 'environment-agnostic stack: endpoint policies evaluated at sample regions and partitions (a rule is reported only where it holds in all of them); '
        + `regional availability not checked (${notOfferedAnywhere.map(i => `${i.name} has no PrivateLink in ${i.unavailableIn!.join(', ')}`).join('; ')})`,
    unverifiedAzs.length > 0
      ? `Availability Zones of the interface endpoints not verified (${unverifiedAzs.map(e => e.path).join(', ')}): the stack has no concrete account and region, so each endpoint is placed in every node AZ without asking whether the service is offered there`
      : nodeEndpoints.length > 0 ? 'Availability Zones of the interface endpoints looked up (lookupSupportedAzs, recorded in cdk.context.json)' : 'no endpoints created by this library',
    // The hub: what the rules read from the app, and what they took from the declaration (issue 29).
    ...(model.hub ? [`${model.hub.name}: ${[
      ...(model.hubReadFromApp ?? []).map(x => `${x} (read from the app)`),
      ...(model.hubReadFromApp ?? []).some(x => x.startsWith('names:')) ? [] : [`names: ${model.hub.names ? 'sharedEndpoints.names' : 'every name its services are called by'} (declared)`],
      ...(model.hubReadFromApp ?? []).some(x => x.startsWith('admitted CIDRs:')) ? [] : [`admitted CIDRs: ${model.hub.admittedCidrs ? 'sharedEndpoints.admittedCidrs' : 'not declared, not checked'} (declared)`],
    ].join('; ')}`] : []),
  ];

  const reachedBy: Record<string, string> = {
    'ecr-this-region': 'this region\'s ECR, through the ecr.api, ecr.dkr and S3 endpoints the nodes join with',
    'ecr-other-region': 'another region\'s ECR: only through an internet route',
    'ecr-unknown-region': 'not verified: the ECR region cannot be compared in an environment-agnostic stack',
    'public': 'a public registry: only through an internet route',
    'proxy': `through the proxy ${model.proxy?.url ?? ''}, which lets this registry through`,
    'unclassified': 'a registry the library cannot classify: only through an internet route or a declaration',
    'declared': 'declared reachable (existingRegistries)',
    'unseen': 'not verified',
    'malformed': 'not an image reference',
  };
  const images = (model.images ?? []).map(i => {
    const failing = findings.find(f => f.ruleId.startsWith('PEKS-IMG-') && f.message.startsWith(`${i.workload}: ${i.where} pulls ${i.image}`));
    return {
      workload: i.workload,
      where: i.where,
      image: i.image,
      registry: i.registry ?? '-',
      reached: failing ? `${failing.severity === 'error' ? 'NOT REACHED' : 'NOT VERIFIED'} (${failing.ruleId}): ${reachedBy[i.registryClass]}`
        : i.warmed ? `${reachedBy[i.registryClass]}; the pull-through cache is filled at deploy by its warm-up (outside the VPC)`
          : i.throughProxy ? reachedBy.proxy : reachedBy[i.registryClass],
      throughCache: i.throughCache ?? false,
      warmed: i.warmed ?? false,
      throughProxy: i.throughProxy ?? false,
    };
  });

  const identityText: Record<string, string> = { 'pod-identity': 'Pod Identity', 'irsa': 'IRSA', 'none': 'NONE (node role)' };
  const components = (model.components ?? []).map(c => {
    const reached = (service: string) => {
      const row = rows.find(r => r.client === c.name && r.service === service);
      const via = row ? (row.via === 'interface-endpoint' ? 'endpoint' : row.via) : 'not checked (no node subnets)';
      return `${service} (${via})`;
    };
    return {
      component: c.component,
      kind: c.kind,
      path: c.name,
      identity: !c.hasContract ? '-' : c.identity ? `${identityText[c.identity]}${c.serviceAccount ? ` ${c.serviceAccount}` : ''}` : 'none needed',
      services: !c.hasContract ? 'no contract in the registry: not checked' : c.services.map(reached).join(', ') || 'none',
      settings: c.settings.map(x => `${x.path}=${JSON.stringify(x.expected ?? '(set)')}: ${x.ok === true ? 'ok' : x.ok === false ? `NOT SET (${JSON.stringify(x.actual ?? null)})` : 'not readable at synth'}`).join('; ') || '-',
    };
  });

  // The API relays and CI runners of this cluster (lib/access): the relays' instance hours are fixed, the builds per use.
  const access = facts.accessClients.filter(a => a.clusterPath === cluster.path);
  const relays = relayCostLines(access.filter(a => a.role === 'relay').map(a => a.size));

  return {
    cluster: path,
    settings,
    verification,
    regionNotChecked: region ? undefined : REGION_NOT_CHECKED,
    components,
    images,
    ...(model.proxy ? { proxy: model.proxy.url } : {}),
    clients: clientEntries(model),
    reachability: rows,
    trafficPaths: trafficPaths(settings.endpointAccess, api.publicCidrs),
    endpoints: endpoints.map(e => ({ ...e, usedBy: usedBy(e) })),
    natGateways,
    cost: {
      ratesAsOf: RATES_AS_OF,
      source: RATES_SOURCE,
      // The firewall's domains: its allow-list and its `*` list.
      thisDesign: estimate(region, interfaceAzs, natGateways, transitGatewayAttachments, (model.dnsFirewall?.allowed.length ?? -1) + 1, relays.lines),
      // The relays run in either design.
      natDesign: estimate(region, 0, azs, 0, 0, relays.lines),
      note: `fixed charges only; per-GB data processing and transfer come on top in both designs. The NAT design has one NAT gateway per AZ (${azs}) and keeps the free S3 gateway endpoint.`
        + (model.dnsFirewall ? ` DNS Firewall (${model.dnsFirewall.allowed.length} allowed domains and *): ${DNS_FIREWALL_RATES.perMillionQueries.toFixed(2)} per million queries on top, `
          + `and the query logs' CloudWatch Logs ingestion (${DNS_FIREWALL_RATES_SOURCE}).` : '')
        + accessCostNote(relays.unpriced, access.filter(a => a.role === 'runner').map(a => a.size)),
    },
    hubComparison: hubComparisonOf(model, rows, region, azs),
    proven: provenRows(model),
    preflights: preflightEntries(facts, vpc),
    findings: findings.map(f => {
      const reason = f.severity === 'warning' ? acknowledged.get(f.ruleId) : undefined;
      return reason === undefined ? f : { ...f, acknowledged: reason };
    }),
  };
}

/**
 * The proof table (`proofRows`), and for a cluster that takes endpoints from a hub, what the hub's policies admit as
 * the declaration says: wider than the cluster's own endpoints when the accounts are not bound to their spokes' CIDRs
 * or ECR admits more than pulls (issue 30).
 */
export function provenRows(model: Pick<JoinModel, 'hub'>): ProofRow[] {
  const rows = proofRows();
  const hub = model.hub;
  if (!hub) return rows;
  const wider: string[] = [];
  if (hub.accountsBoundToCidrs === false) wider.push('an admitted account\'s credentials work from any VPC attached to the hub (not bound to its spoke\'s CIDRs: `EndpointHub` `spokes`)');
  if (hub.ecrPullOnly === false) wider.push('its ECR endpoints admit every ECR action (pushes included), not pulls only');
  if (hub.accountsBoundToCidrs === undefined || hub.ecrPullOnly === undefined) wider.push('what its policies admit beyond the accounts is not known to this app');
  rows.push({
    kind: `endpoint policies of ${hub.name}`,
    source: ProofSource.OUR_READING,
    proven: wider.length === 0 ? 'as narrow as this cluster\'s own endpoints: pulls only on ECR, each account from its spoke\'s CIDRs'
      : `wider than this cluster's own endpoints: ${wider.join('; ')}`,
    where: 'the declaration (`sharedEndpoints`), not the hub\'s template',
  });
  return rows;
}

/**
 * The interface services this cluster's clients reach through endpoints (here or a hub's), priced in the three designs
 * for 1, 10 and 50 cluster VPCs. A hub of private hosted zones holds one zone per name the services are called by.
 */
function hubComparisonOf(model: JoinModel, rows: ReachRow[], region: string | undefined, azs: number): JoinReport['hubComparison'] {
  const services = [...new Set(rows.filter(r => r.via === 'interface-endpoint' || r.via === 'hub').map(r => r.service))].sort();
  const hub = model.hub;
  const profile = hub?.resolution === 'route53-profile';
  const hostedZones = profile ? 0 : hub?.names
    ? hub.names.filter(n => !n.startsWith('*.')).length
    : services.reduce((n, s) => n + (dnsNameFact(s)?.calledAs.length ?? 1), 0);
  return {
    source: HUB_RATES_SOURCE,
    services,
    rows: [1, 10, 50].map(n => compareHubDesigns({ region, services: services.length, azs, hostedZones, profile }, n)),
  };
}

/** The clients named by what they are: an add-on or chart by its own name, the others by their path's tail. */
function clientEntries(model: JoinModel): ClientEntry[] {
  const short = (p: string) => p.split('/').slice(-2).join('/');
  const componentOf = new Map((model.components ?? []).map(c => [c.name, c.component]));
  const entries = model.clients.map(c => ({ path: c.name, kind: c.kind, name: componentOf.get(c.name) ?? short(c.name) }));
  // Two clients of one name (the same chart installed twice): the path tells them apart.
  return entries.map(e => (entries.filter(x => x.name === e.name && x.kind === e.kind).length > 1 && componentOf.has(e.path)
    ? { ...e, name: `${e.name} (${short(e.path)})` } : e));
}

/** The network preflights whose probe functions run in the VPC's subnets. */
function preflightEntries(facts: TreeRecords, vpc: VpcRef): PreflightEntry[] {
  const subnets = new Map<string | undefined, SubnetRef>();
  for (const s of vpc.subnets) subnets.set(s.key, s);
  const subnetName = (s: SubnetRef) => `${s.path.split('/').pop()}${s.azLiteral ? ` (${s.azLiteral})` : ''}`;
  const short = (p: string) => p.split('/').slice(-2).join('/');
  const entries: PreflightEntry[] = [];
  for (const p of facts.preflights) {
    const probed = p.probeSubnetKeys.map(k => subnets.get(k));
    if (probed.length === 0 || probed.some(s => s === undefined)) continue; // another VPC's
    // The outermost constructs that depend on it (a nodegroup, not also its L1 resource).
    const dependents = p.dependents;
    const before = dependents.filter(d => !dependents.some(o => d.startsWith(`${o}/`))).map(short);
    entries.push({
      path: p.path,
      services: p.services,
      anyAddressServices: p.anyAddressServices,
      vpcCidrs: p.vpcCidrs.map(c => c ?? '(the VPC\'s CIDR, resolved at deploy)'),
      subnets: probed.map(s => subnetName(s!)),
      before: [...new Set(before)],
    });
  }
  return entries;
}

function trafficPaths(mode: string, cidrs: string[]): Array<{ from: string; to: string; path: string }> {
  const restricted = cidrs.length > 0 && !cidrs.includes('0.0.0.0/0') ? ` (only from ${cidrs.join(', ')})` : '';
  const inVpc = mode === 'PUBLIC'
    ? 'the public endpoint: its DNS name resolves to public IPs, so traffic leaves the VPC through NAT or an internet gateway'
    : 'private DNS of the endpoint resolves to the EKS-owned network interfaces in the cluster subnets; traffic stays in the VPC (cluster security group, 443)';
  return [
    {
      from: 'kubectl (bastion, kubectl handler)',
      to: 'API server',
      path: mode === 'PRIVATE' ? `from inside the VPC only: ${inVpc}` : `from inside the VPC: ${inVpc}; from outside: the public endpoint${restricted}`,
    },
    { from: 'kubelet, kube-proxy (nodes)', to: 'API server', path: inVpc },
    {
      from: 'API server',
      to: 'kubelet :10250 (kubectl exec, logs, port-forward)',
      path: 'from the EKS-owned network interfaces in the cluster subnets to the node, admitted by the cluster security group; independent of the endpoint mode',
    },
  ];
}

/** The report as Markdown. */
export function reportMarkdown(r: JoinReport): string {
  const lines: string[] = [];
  const s = r.settings;
  lines.push(`# Private EKS plan: ${r.cluster}`, '');
  lines.push('## Cluster (as `eksctl create cluster --dry-run` would show it)', '');
  lines.push(`- name: ${s.name}`, `- version: ${s.version}`, `- region: ${s.region}`, `- VPC: ${s.vpcCidr ?? '(given)'}`);
  lines.push(`- API endpoint access: ${s.endpointAccess}`, `- control plane logging: ${s.logging.join(', ') || 'off'}`);
  lines.push(`- secrets encryption: ${s.secretsEncryption ? 'KMS' : 'off'}`, `- add-ons: ${s.addons.join(', ') || 'none managed'}`);
  lines.push(`- bastion: ${s.bastion ?? 'none'}`);
  for (const ng of s.nodegroups) {
    lines.push(`- nodegroup ${ng.name}: ${ng.instanceTypes.join(', ')} ${ng.capacityType ?? ''} ${ng.amiType ?? ''}, min ${ng.min ?? '?'} / desired ${ng.desired ?? '?'} / max ${ng.max ?? '?'}`);
  }
  lines.push('', '## What was verified for this environment', '');
  for (const v of r.verification) lines.push(`- ${v}`);
  lines.push('', '## How each client reaches each service', '');
  lines.push('| client | services | subnets | reached through |', '|---|---|---|---|');
  for (const g of groupRows(r.reachability, r.clients)) {
    lines.push(`| ${g.client} | ${g.services.join(', ')} | ${g.subnets.join(', ')} | ${g.via}${g.details.length ? `: ${g.details.join(', ')}` : ''} |`);
  }
  lines.push('', '## Components (EKS add-ons and controller charts, against their contracts)', '');
  if (r.components.length === 0) lines.push('No EKS add-on or recognised chart.');
  else lines.push('| component | kind | identity | services (how reached) | settings checked |', '|---|---|---|---|---|');
  for (const c of r.components) lines.push(`| ${c.component} | ${c.kind} | ${c.identity} | ${c.services} | ${c.settings} |`);
  lines.push('', '## Images', '');
  if (r.images.length === 0) lines.push('No workload image in the app.');
  else lines.push('| workload | object | image | registry | reached through |', '|---|---|---|---|---|');
  for (const i of r.images) lines.push(`| ${i.workload.split('/').slice(-2).join('/')} | ${i.where} | ${i.image} | ${i.registry} | ${i.reached} |`);
  if (r.images.some(i => i.warmed)) {
    lines.push('', 'Filled at deploy: a function outside the VPC (Lambda\'s own networking, no NAT) pulls each warmed image through '
      + 'the cache once, manifest and layers, before the manifests and charts that use it are applied; later pulls are served from this '
      + 'account\'s ECR through the endpoints.');
  }
  if (r.images.some(i => i.throughCache && !i.warmed)) {
    lines.push('', 'Through the pull-through cache: the first pull of each image makes ECR fetch it from the upstream, and the ECR '
      + 'guide says that first pull needs a NAT gateway when ECR is reached through interface VPC endpoints '
      + '(https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, Considerations; PEKS-IMG-6). Fill the '
      + 'cache by pulling each image once from a network with an internet route (CI); later pulls are served from this '
      + 'account\'s ECR.');
  }
  lines.push('', '## Traffic to and from the API server', '');
  for (const p of r.trafficPaths) lines.push(`- ${p.from} -> ${p.to}: ${p.path}`);
  const clientName = new Map(r.clients.map(c => [c.path, c.name]));
  lines.push('', '## VPC endpoints', '', '| service | type | AZs | used by | construct | logical ID |', '|---|---|---|---|---|---|');
  for (const e of r.endpoints) {
    // `usedBy` holds `<kind> <path>`: shown by the client's name.
    const used = e.usedBy.length > 0 ? e.usedBy.map(u => u.slice(u.indexOf(' ') + 1)).map(p => clientName.get(p) ?? p.split('/').slice(-2).join('/')).join(', ')
      : 'created on request, used by nothing the library can see';
    lines.push(`| ${e.service} | ${e.type} | ${e.type === 'Interface' ? e.azs : '-'} | ${used} | ${e.path} | ${e.stack}/${e.logicalId} |`);
  }
  const priced = r.settings.region === '(environment-agnostic)'
    ? `environment-agnostic: priced at ${r.cost.thisDesign.ratesOf}`
    : r.cost.thisDesign.ratesOf === r.cost.thisDesign.region ? `rates of ${r.cost.thisDesign.ratesOf}` : `no rates for ${r.cost.thisDesign.region} in the library: priced at ${r.cost.thisDesign.ratesOf}`;
  lines.push('', `## Monthly fixed network cost (USD; ${priced}; rates as of ${r.cost.ratesAsOf}, ${r.cost.source})`, '');
  const cost = (c: CostEstimate) => c.lines.map(l => `${l.count} ${l.item}: ${l.monthlyUsd.toFixed(2)}`).join('; ') || 'nothing billed hourly';
  lines.push(`- this design: ${r.cost.thisDesign.monthlyUsd.toFixed(2)} (${cost(r.cost.thisDesign)})`);
  lines.push(`- the same cluster behind NAT gateways, no interface endpoints: ${r.cost.natDesign.monthlyUsd.toFixed(2)} (${cost(r.cost.natDesign)})`);
  lines.push(`- ${r.cost.note}`);
  const hc = r.hubComparison;
  if (hc.services.length > 0) {
    lines.push('', `### This cluster's endpoints for many clusters (USD per cluster VPC and month; the ${hc.services.length} interface services it uses: ${hc.services.join(', ')}; rates of ${hc.rows[0].ratesOf})`, '');
    lines.push('| cluster VPCs | endpoints in every VPC | shared from a hub (Transit Gateway) | NAT gateway in every VPC |', '|---|---|---|---|');
    for (const row of hc.rows) {
      const cell = (i: number) => `${row.designs[i].perClusterMonthlyUsd.toFixed(2)} + ${row.designs[i].perGbUsd.toFixed(3)}/GB`;
      lines.push(`| ${row.spokes} | ${cell(0)} | ${cell(1)} | ${cell(2)} |`);
    }
    const note = hc.rows[0].designs[1].note;
    lines.push('', `Fixed charges per cluster VPC, and what each GB between a node and an AWS service adds. The hub: its endpoints once, one Transit Gateway attachment per VPC and one for the hub, the hosted zones${note ? ` (${note})` : ''}. Sources: ${hc.source}.`);
  }
  lines.push('', '## Network preflight at deploy', '');
  if (r.preflights.length === 0) {
    lines.push('None: nothing probes the node subnets at deploy (`preflight: true` adds one; see docs/troubleshooting.md, "Preflight at deploy").');
  }
  for (const p of r.preflights) {
    lines.push(`- ${p.path}: runs at deploy, not at synth: CloudFormation invokes one probe function in each node subnet `
      + `(${p.subnets.join(', ')}); each resolves and opens HTTPS (443) to ${p.services.join(', ')}, and a failure fails the deploy with the probe's reason`);
    lines.push(`- interface endpoint addresses must fall in ${p.vpcCidrs.join(', ')}${p.anyAddressServices.length > 0 ? `; any address allowed for ${p.anyAddressServices.join(', ')} (reached by a route this app cannot see)` : ''}`);
    if (p.before.length > 0) lines.push(`- waiting for it (created only after every probe passed): ${p.before.join(', ')}`);
  }
  // A `##` section like the others: the guides embed the report fenced, so it never becomes a page's heading.
  lines.push('', '## What is proven, and against which source', '');
  lines.push('| what | source | proven | where |', '|---|---|---|---|');
  for (const p of r.proven) lines.push(`| ${p.kind} | ${p.source} | ${p.proven} | ${p.where} |`);
  lines.push('', '## Synth-time checks', '');
  const open = r.findings.filter(f => f.acknowledged === undefined);
  const acknowledged = r.findings.filter(f => f.acknowledged !== undefined);
  if (r.findings.length === 0) lines.push('No finding: every client reaches every service it needs.');
  else if (open.length === 0) lines.push('No finding that is not acknowledged.');
  for (const f of open) lines.push(`- ${f.severity} ${f.ruleId}: ${f.message}. Fix: ${f.fix}.`);
  if (acknowledged.length > 0) {
    lines.push('', 'Acknowledged by the app (not reported as warnings):', '');
    for (const f of acknowledged) lines.push(`- acknowledged ${f.severity} ${f.ruleId}, reason: ${f.acknowledged}. Finding: ${f.message}.`);
  }
  return lines.join('\n') + '\n';
}

/** One line of the client table. */
export interface RowGroup { client: string; via: string; details: string[]; services: string[]; subnets: string[] }

/** Reachability rows grouped for people: one line per client and way, with its services, subnets and endpoints. */
export function groupRows(rows: ReachRow[], clients: ClientEntry[] = []): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  const short = (p: string) => p.split('/').slice(-2).join('/');
  const names = new Map(clients.map(c => [c.path, c.name]));
  const add = (list: string[], x: string) => {
    if (!list.includes(x)) list.push(x);
  };
  for (const row of rows) {
    const k = `${row.client}|${row.via}`;
    const g = groups.get(k) ?? { client: `${row.kind} ${names.get(row.client) ?? short(row.client)}`, via: row.via, details: [], services: [], subnets: [] };
    add(g.services, `${row.service}${row.feature ? ` (${row.feature})` : ''}`);
    add(g.subnets, row.subnet.split('/').pop()!);
    if (row.detail && row.via !== 'gateway-endpoint') add(g.details, row.via === 'interface-endpoint' ? short(row.detail) : row.detail);
    groups.set(k, g);
  }
  return [...groups.values()];
}

/** A few lines for the synth output. */
export function reportSummary(r: JoinReport, files: string[]): string {
  const byVia = new Map<string, number>();
  for (const row of r.reachability) byVia.set(row.via, (byVia.get(row.via) ?? 0) + 1);
  const via = [...byVia].map(([k, n]) => `${n} ${k}`).join(', ');
  const errors = r.findings.filter(f => f.severity === 'error').length;
  return `private EKS plan: ${r.settings.endpointAccess} API endpoint; ${r.reachability.length} client/subnet/service paths (${via}); `
    + `${r.endpoints.filter(e => e.type === 'Interface').length} interface endpoints, ${r.natGateways} NAT gateways; `
    + `fixed network cost ${r.cost.thisDesign.monthlyUsd.toFixed(2)} USD/month (NAT design: ${r.cost.natDesign.monthlyUsd.toFixed(2)}); `
    + (r.regionNotChecked ? `${r.regionNotChecked}; ` : '')
    + `${errors} check error(s). Report: ${files.join(', ')}`;
}

/**
 * What the cost leaves to use: each CI runner's builds (CodeBuild bills build minutes, so they are priced per 100 build
 * minutes, not guessed into the month), and relay instance types with no rate in the library.
 */
function accessCostNote(unpricedRelays: string[], runnerComputeTypes: Array<string | undefined>): string {
  const parts: string[] = [];
  if (unpricedRelays.length > 0) parts.push(` API relay instance type(s) ${unpricedRelays.join(', ')}: no rate in the library, not priced.`);
  const runners = new Map<string, number>();
  for (const t of runnerComputeTypes) runners.set(t ?? 'unknown', (runners.get(t ?? 'unknown') ?? 0) + 1);
  for (const [type, count] of runners) {
    const per100 = buildCostPer100Minutes(type === 'unknown' ? undefined : type);
    parts.push(` CI runner builds (${count} CodeBuild project${count > 1 ? 's' : ''}, ${type}${per100 === undefined ? '' : ' on Linux'}): per use, `
      + (per100 === undefined ? 'no rate in the library.' : `${per100.toFixed(2)} per 100 build minutes, nothing between builds.`));
  }
  if (parts.length > 0) parts.push(` Access rates: ${ACCESS_RATES_SOURCE}.`);
  return parts.join('');
}
