import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { componentFacts } from './component-facts';
import { dnsFirewallFacts, DnsFirewallSettings } from './dns-firewall-rules';
import { hubFromApp } from './hub-app-facts';
import { HubDeployOrderGap, HubFacts } from './hub-rules';
import { imageFacts, PLACEHOLDER, readResolvedJson } from './image-facts';
import { CapacityFacts, ClientFacts, InterfaceEndpointFacts, JoinModel, NeededByDefault, NeededService, SubnetFacts, VersionFacts, waiveReachedSettings } from './join-analysis';
import { controlPlaneFlows, naclBlocks } from './nacl-rules';
import { apiBlocked, ClientNetwork, hasGatewayEndpoint, interfaceEndpoints, literalOfKey, subnetFacts as subnetFactsOf, usableAddresses } from './network-facts';
import { podSecurityFacts, PodSecuritySettings } from './pod-security-rules';
import { ProxyFacts } from './proxy-rules';
import { ClusterRef, ClusterScope, HelmChartRef, LayerRef, NodegroupRecord, SubnetRef, TreeRecords } from './tree-records';
import { ComponentContracts } from '../contracts/component-contracts';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { EKS_NEWEST_OFFERED, KUBECTL_LAYER_NEWEST, oldestCreatableVersion, versionSupport } from '../contracts/kubernetes-versions';
import { maxPodsFor } from '../contracts/max-pods';
import { AwsLocation } from '../core/aws-env';
import { literal } from '../core/cidr';
import { proxyServes } from '../network/proxy-settings';

// Read from the tree now (tree-facts.ts); re-exported where it was.
export { controlPlaneEgressMode } from './tree-facts';

/** The features a cluster declares; detected ones are added from the tree. */
export interface DeclaredFeatures {
  readonly irsa?: boolean;
  readonly podIdentity?: boolean;
  /** Who uses Pod Identity when the library turned it on (the vpc-cni add-on's role), for messages. */
  readonly podIdentityUsers?: string;
  /** When Pod Identity is on only for a default of the construct: that default, and how to turn it off. */
  readonly podIdentityDefault?: NeededByDefault;
  readonly logShipping?: boolean;
}

/** What `PrivateEksCluster` knows that the tree does not say. */
export interface JoinModelInput extends JoinSettings {
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly kubectlLayer?: lambda.ILayerVersion;
  /** Helm charts the cluster's kubectl handler installs. */
  readonly helmCharts?: eks.HelmChart[];
}

/** What the model takes from the L3 besides the objects `readClusterScope` reads. */
export interface JoinSettings {
  readonly features: DeclaredFeatures;
  readonly declaredServices: string[];
  readonly version: string;
  /** Registries the user declares reachable (`existingRegistries`). */
  readonly declaredRegistries?: string[];
  /** The hub the VPC takes interface endpoints from (`sharedEndpoints`), as the hub rules read it. */
  readonly hub?: HubFacts;
  /** The proxy the hosts use (`proxy`). */
  readonly proxy?: ProxyFacts;
  /** The namespaces where pods may reach their node, and the level the library labels namespaces with (PEKS-PSA-*). */
  readonly podSecurity?: PodSecuritySettings;
  /** The VPC's DNS Firewall (`dnsFirewall`), as the check reads it (PEKS-DNS-*). */
  readonly dnsFirewall?: DnsFirewallSettings;
}

const EKS_DEFAULT_INSTANCE_TYPE = 't3.medium';
const UNKNOWN_ROUTES = { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints: [] };

/**
 * Builds the join analysis' model from the tree's records: every nodegroup of the cluster, every bastion that
 * administers it, every Lambda function that runs kubectl against it, the VPC's endpoints and routes as the L1
 * resources will deploy them. A pure function of `facts` (read once by `TreeFacts`) and `scope` (the L3's objects,
 * read by `readClusterScope`).
 */
export function buildJoinModel(facts: TreeRecords, scope: ClusterScope, settings: JoinSettings): JoinModel {
  const { cluster, vpc } = scope;
  const cfnCluster = cluster.resource;
  const clusterSgKey = cluster.securityGroupKey;
  const controlPlaneSgs = cfnCluster.securityGroupKeys;
  const clusterNameKey = cluster.nameKey;

  const subnetsById = new Map<string, SubnetRef>();
  for (const s of vpc.subnets) subnetsById.set(s.key, s);
  const subnetFacts = (id: string | undefined, publicIp?: boolean): SubnetFacts => {
    const s = subnetsById.get(id ?? '');
    if (s) return subnetFactsOf(facts, s, publicIp);
    return { name: literalOfKey(id) ?? 'a subnet outside the VPC\'s subnet lists', routes: UNKNOWN_ROUTES };
  };
  const subnetCidr = (id: string | undefined) => subnetsById.get(id ?? '')?.cidr;

  const clients: ClientFacts[] = [];
  const networks: ClientNetwork[] = [];
  const features = featureServices(facts, cluster, settings.features);

  // Nodes: every managed nodegroup of this cluster, wherever it was added.
  const nodegroups = facts.nodegroups.filter(ng => ng.clusterKey === clusterNameKey);
  const capacity: CapacityTally = { needed: 0, parts: [], subnets: new Set(), known: true };
  for (const ng of nodegroups) {
    const subnetIds = ng.subnetKeys;
    const name = ng.path;
    const sgs = ng.launchTemplateSecurityGroupKeys ?? [clusterSgKey];
    networks.push({ name, description: `the nodes of ${name}`, securityGroups: sgs, cidrs: subnetIds.map(subnetCidr) });
    clients.push({
      kind: 'nodes',
      name,
      inVpc: true,
      subnets: subnetIds.map(id => subnetFacts(id)),
      // What nodes need to join is not a feature: its findings say "cannot join" (PEKS-JOIN-1).
      services: [...contractNeeds('nodes').map(({ service, purpose }) => ({ service, purpose })), ...features],
      needsApi: true,
    });
    const maxSize = ng.maxSize;
    const types = ng.instanceTypes;
    const pods = (types.length ? types : [EKS_DEFAULT_INSTANCE_TYPE]).map(t => (t ? maxPodsFor(t) : undefined));
    if (maxSize === undefined || pods.some(p => p === undefined)) {
      capacity.known = false;
    } else {
      const maxPods = Math.max(...(pods as number[]));
      capacity.needed += maxSize * (maxPods + 1);
      capacity.parts.push(`${name}: ${maxSize} nodes x (${maxPods} pods + 1)`);
      subnetIds.forEach(id => capacity.subnets.add(id));
    }
  }

  // Bastions that administer this cluster.
  for (const bastion of facts.bastions.filter(b => b.clusterPath === cluster.path)) {
    const name = bastion.path;
    networks.push({ name, description: `the bastion ${name}`, securityGroups: bastion.securityGroupKeys, cidrs: [subnetCidr(bastion.subnetKey)] });
    const services = contractNeeds('bastion').filter(s => bastion.requiredServices.includes(s.service));
    clients.push({
      kind: 'bastion',
      name,
      inVpc: true,
      subnets: [subnetFacts(bastion.subnetKey, bastion.associatePublicIp)],
      services,
      needsApi: true,
    });
  }

  // The API relays and CI runners that reach this cluster (lib/access): their subnets must reach what they call, and
  // the API server on 443, like the bastion's.
  for (const a of facts.accessClients.filter(x => x.clusterPath === cluster.path)) {
    const name = a.path;
    const what = a.role === 'relay' ? 'the API relay' : 'the CI runner';
    networks.push({ name, description: `${what} ${name}`, securityGroups: a.securityGroupKeys, cidrs: a.subnetKeys.map(subnetCidr) });
    clients.push({
      kind: 'access',
      name,
      label: `${what} ${name}`,
      inVpc: true,
      subnets: a.subnetKeys.map(id => subnetFacts(id, a.associatePublicIp)),
      services: a.services.map(s => ({ service: s.service, feature: s.why })),
      needsApi: true,
    });
  }

  // The control plane, when it routes its own egress through the cluster subnets (CUSTOMER_ROUTED, set by the
  // library or an escape hatch): it then resolves names with the VPC's DNS and needs, from the cluster subnets, what
  // the API server calls itself. With IRSA that is OIDC discovery at oidc.eks.<region> (control-plane-egress.html:
  // "This applies to IAM roles for service accounts"), which the oidc-eks endpoint serves with private DNS
  // (vpc-interface-endpoints.html; that the control plane may use it is inferred, not stated: both read 2026-12-05).
  // Webhooks, aggregated APIs and kubelets are in the VPC.
  const egressMode = cfnCluster.egressMode;
  if (egressMode !== undefined && egressMode !== 'AWS_MANAGED') {
    const irsa = features.find(f => f.service === 'sts');
    const name = `${cluster.path} control plane`;
    const clusterSgs = [clusterSgKey, ...controlPlaneSgs];
    networks.push({ name, description: `the control plane's network interfaces (${egressMode})`, securityGroups: clusterSgs, cidrs: cfnCluster.subnetKeys.map(subnetCidr) });
    clients.push({
      kind: 'control-plane',
      name,
      label: `the control plane of ${cluster.path} (egress ${egressMode})`,
      inVpc: true,
      subnets: cfnCluster.subnetKeys.map(id => subnetFacts(id)),
      services: irsa ? [{ service: 'oidc-eks', feature: `OIDC discovery for IRSA (${irsa.feature})` }] : [],
      needsApi: false,
    });
  }

  // Add-ons and recognised charts run on the nodes: their contracts' services are checked from every node subnet.
  const nodeSubnets = [...new Map(clients.filter(c => c.kind === 'nodes').flatMap(c => c.subnets).map(s => [s.name, s])).values()];
  const components = componentFacts(facts, cluster, nodeSubnets);
  clients.push(...components.clients);

  const charts = chartNeeds(scope.helmCharts, cluster.location, settings.proxy);

  // Lambda functions that run kubectl: they carry the cluster's kubectl layer or belong to its kubectl provider.
  const layerKey = scope.kubectlLayer?.arnKey;
  const hasLayer = (fn: { layerKeys: string[] }) => layerKey !== undefined && fn.layerKeys.includes(layerKey);
  const providers = facts.kubectlProviders
    .filter(p => p.path === cluster.kubectlProviderPath || facts.functions.some(fn => isUnder(fn.resourcePath, p.path) && hasLayer(fn)));
  for (const fn of facts.functions) {
    const provider = providers.find(p => isUnder(fn.resourcePath, p.path));
    const runsKubectl = hasLayer(fn) || (provider !== undefined && fn.scopeId === 'Handler');
    if (!runsKubectl && !provider) continue;
    const subnetIds = fn.subnetKeys;
    const name = fn.path;
    networks.push({ name, description: `the function ${name}`, securityGroups: fn.securityGroupKeys, cidrs: subnetIds.map(subnetCidr) });
    const handler = runsKubectl && provider !== undefined;
    const services: NeededService[] = runsKubectl
      ? (handler ? [...contractNeeds('kubectl-handler'), ...charts.services] : [])
      : contractNeeds('kubectl-provider-framework');
    clients.push({
      kind: 'kubectl',
      name,
      inVpc: subnetIds.length > 0,
      subnets: subnetIds.map(id => subnetFacts(id)),
      services: dedupe(services),
      needsApi: runsKubectl,
      needsInternet: handler ? charts.internet : undefined,
      ...(handler && charts.proxied.length > 0 ? { throughProxy: charts.proxied } : {}),
    });
  }

  const clusterSubnetIds = cfnCluster.subnetKeys;
  const withApi = clients.map(c => {
    const net = networks.find(n => n.name === c.name)!;
    if (!c.inVpc || !c.needsApi) return c;
    return { ...c, apiBlocked: apiBlocked(facts, net, clusterSgKey, controlPlaneSgs, clusterSubnetIds.map(subnetCidr)) };
  });

  const vpcRecord = vpc.key === undefined ? undefined : facts.vpcs.get(vpc.key);
  const primaryCidr = vpcRecord?.cidr ?? vpc.literalCidr;
  const vpcCidrs = primaryCidr ? [primaryCidr, ...facts.vpcCidrBlocks.filter(b => b.vpcKey === vpc.key && b.cidr).map(b => b.cidr!)] : undefined;
  const images = imageFacts(facts, cluster, settings.declaredRegistries ?? [])
    .map(i => (settings.proxy && i.registry && (i.registryClass === 'public' || i.registryClass === 'unclassified' || i.registryClass === 'ecr-other-region')
      && proxyServes(settings.proxy.hosts, i.registry) ? { ...i, throughProxy: true } : i));

  const hubRead = settings.hub ? hubFromApp(facts, settings.hub, vpc.key) : undefined;
  const readManifest = (m: unknown) => readResolvedJson(m, cluster.location.regionKnown ? cluster.location : PLACEHOLDER);
  const model = waiveReachedSettings({
    clients: withApi,
    clusterSubnetAzs: clusterSubnetIds.map(id => subnetFacts(id).az),
    interfaceEndpoints: withComponents(interfaceEndpoints(facts, vpc.key, networks), clients),
    s3GatewayInVpc: hasGatewayEndpoint(facts, vpc.key, 's3'),
    // CloudFormation defaults (in the records): DNS support on, DNS hostnames off.
    vpcDnsSupport: vpcRecord?.dnsSupport,
    vpcDnsHostnames: vpcRecord?.dnsHostnames,
    apiAccess: {
      publicAccess: cfnCluster.publicAccess,
      privateAccess: cfnCluster.privateAccess,
      publicCidrs: cfnCluster.publicAccessCidrs,
    },
    declaredServices: settings.declaredServices,
    capacity: capacityFacts(capacity, subnetsById),
    version: versionFacts(settings.version, scope.kubectlLayer),
    autoMode: cfnCluster.autoMode,
    // CUSTOMER_ROUTED: the API server fetches an external OIDC issuer's discovery document through the cluster subnets.
    ...(egressMode !== undefined && egressMode !== 'AWS_MANAGED' && (cfnCluster.oidcIdentityProviders ?? []).length > 0
      ? { identityProviders: cfnCluster.oidcIdentityProviders } : {}),
    ...(egressMode !== undefined && egressMode !== 'AWS_MANAGED' ? {
      controlPlaneNacls: controlPlaneNacls(facts, cfnCluster.subnetKeys,
        nodegroups.flatMap(ng => ng.subnetKeys.map(subnetCidr)).filter((c): c is string => c !== undefined),
        features.some(f => f.service === 'sts') || (cfnCluster.oidcIdentityProviders ?? []).length > 0,
        id => subnetFacts(id).name),
    } : {}),
    ...regionFacts(cluster.location),
    images,
    components: components.components,
    ...(settings.hub ? {
      hub: hubRead!.hub,
      hubReadFromApp: hubRead!.readFromApp,
      hubZonesNotAssociated: zonesNotAssociated(facts, settings.hub, vpc.key),
      hubDeployOrder: deployOrderGaps(facts, settings.hub, vpc.key, nodegroups),
    } : {}),
    ...(settings.proxy ? { proxy: settings.proxy } : {}),
    ...(settings.podSecurity ? { podSecurity: podSecurityFacts(facts, cluster, settings.podSecurity, readManifest) } : {}),
    ...(vpcCidrs ? { vpcCidrs } : {}),
    ...(/^\d{12}$/.test(cluster.location.account) ? { account: cluster.location.account } : {}),
  });
  if (!settings.dnsFirewall) return model;
  // The firewall's allow-list is derived from the model: the region is the images' (a placeholder when not literal).
  const region = (cluster.location.regionKnown ? cluster.location : PLACEHOLDER).region;
  return { ...model, dnsFirewall: dnsFirewallFacts(facts, cluster, vpc.key, model, region, settings.dnsFirewall) };
}

const ECR_OCI = /^oci:\/\/\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;

/**
 * What the handler needs to fetch the charts: ECR and S3 for OCI charts in this region's ECR, S3 for assets, else the
 * internet. VPC endpoints serve only their own region ("VPC endpoints currently don't support cross-Region requests",
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html), so another region's ECR is the internet.
 */
function chartNeeds(charts: HelmChartRef[], location: AwsLocation, proxy?: ProxyFacts):
{ services: NeededService[]; internet: string[]; proxied: string[] } {
  const services: NeededService[] = [];
  const internet: string[] = [];
  const proxied: string[] = [];
  // A chart from a host the proxy lets through is fetched through it (the handler has the proxy in its environment).
  const viaProxy = (repo: string) => {
    const host = /^[a-z]+:\/\/([^/:]+)/i.exec(repo)?.[1];
    return proxy !== undefined && host !== undefined && proxyServes(proxy.hosts, host) ? host : undefined;
  };
  for (const chart of charts) {
    const what = `Helm chart ${chart.path}`;
    if (chart.hasAsset) {
      services.push({ service: 's3', feature: `${what} (chart asset)`, purpose: 'cdk-asset' });
      continue;
    }
    const repo = chart.repository;
    if (repo === undefined) continue; // a token or no repository: nothing to tell
    const ecrRegion = ECR_OCI.exec(repo)?.[1];
    const proxyHostOf = ecrRegion && !(location.regionKnown && ecrRegion !== location.region) ? undefined : viaProxy(repo);
    if (proxyHostOf) {
      proxied.push(`${proxyHostOf} (${what})`);
    } else if (ecrRegion && location.regionKnown && ecrRegion !== location.region) {
      internet.push(`${what} from ECR in ${ecrRegion} (${repo}): VPC endpoints serve only their own region, ${location.region}`);
    } else if (ecrRegion) {
      for (const service of ['ecr.api', 'ecr.dkr']) services.push({ service, feature: `${what} from ECR` });
      services.push({ service: 's3', feature: `${what} from ECR`, purpose: 'ecr-layers' });
    } else {
      internet.push(`${what} from ${repo}`);
    }
  }
  return { services, internet, proxied };
}

/**
 * The hub's private hosted zones that are in this app and associated with some VPC but not this one (a zone whose VPCs
 * cannot all be read is not judged).
 */
function zonesNotAssociated(facts: TreeRecords, hub: HubFacts, vpcKey: string | undefined): string[] {
  if (hub.resolution !== 'private-hosted-zones' || vpcKey === undefined) return [];
  const names = new Set((hub.names ?? []).filter(n => !n.startsWith('*.')).map(n => n.toLowerCase().replace(/\.$/, '')));
  return facts.hostedZones
    .filter(z => z.name !== undefined && names.has(z.name) && z.vpcKeys.length > 0)
    .filter(z => z.vpcKeys.every(k => k !== undefined) && !z.vpcKeys.includes(vpcKey))
    .map(z => z.name!);
}

/**
 * The hub's private hosted zones in this app that answer this VPC's names, and the nodegroups CloudFormation may
 * create before them: a nodegroup in another stack whose stack does not depend on the zone's, or in the zone's stack
 * with no dependency on it. `cdk deploy --all` deploys stacks in dependency order, and within a stack CloudFormation
 * creates resources with no dependency between them in parallel
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html, read 2026-12-07).
 */
function deployOrderGaps(facts: TreeRecords, hub: HubFacts, vpcKey: string | undefined, nodegroups: NodegroupRecord[]): HubDeployOrderGap[] {
  if (hub.resolution !== 'private-hosted-zones' || vpcKey === undefined) return [];
  const names = new Set((hub.names ?? []).map(n => n.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '')));
  const zones = facts.hostedZones.filter(z => z.name !== undefined && (hub.names === undefined || names.has(z.name)) && z.vpcKeys.includes(vpcKey));
  const gaps: HubDeployOrderGap[] = [];
  for (const ng of nodegroups) {
    for (const z of zones) {
      const ordered = z.stackPath === ng.stackPath
        ? ng.afterConstructs.some(p => z.path === p || z.path.startsWith(`${p}/`))
        : ng.afterStacks.includes(z.stackPath);
      if (!ordered) gaps.push({ nodegroup: ng.path, nodegroupStack: ng.stackPath, zone: z.name!, zoneStack: z.stackPath });
    }
  }
  return gaps;
}

/** The region, and what the catalogue says it does not offer through PrivateLink. */
function regionFacts(l: AwsLocation): Pick<JoinModel, 'region' | 'notOfferedInRegion'> {
  if (!l.regionKnown) return {};
  return {
    region: l.region,
    notOfferedInRegion: EndpointCatalogue.all()
      .filter(info => !EndpointCatalogue.offeredIn(info.name, l.region))
      .map(info => ({ service: info.name, source: info.unavailableInSource ?? info.source })),
  };
}

/**
 * Components run on the nodes, with the nodes' security groups: whether 443 to an endpoint is blocked for them is
 * what it is for the nodes (the first node client that is blocked says why).
 */
function withComponents(endpoints: InterfaceEndpointFacts[], clients: ClientFacts[]): InterfaceEndpointFacts[] {
  const nodes = clients.filter(c => c.kind === 'nodes').map(c => c.name);
  const components = clients.filter(c => c.kind === 'component').map(c => c.name);
  if (components.length === 0) return endpoints;
  return endpoints.map(e => {
    const why = nodes.map(n => e.blocked443[n]).find(w => w !== undefined);
    if (why === undefined) return e;
    return { ...e, blocked443: { ...e.blocked443, ...Object.fromEntries(components.map(c => [c, why])) } };
  });
}

/** Contract conditions that are defaults of the library: what messages name, and the setting that turns each off. */
const DEFAULT_CONDITIONS: Record<string, NeededByDefault> = {
  'session-logging': { name: 'the bastion\'s session logging', turnOff: 'bastionOptions: { sessionLogging: false } (sessionLogging: false on a ClusterBastion of your own)' },
};

/** A contract's services as the analysis' needs: what each is for names the feature in messages. */
function contractNeeds(name: string, conditions?: string[]): NeededService[] {
  return ComponentContracts.servicesOf(name, conditions ?? ['ssm-access', 'ssm-legacy-agent', 'kubectl-download', 'session-logging'])
    .map(s => ({ service: s.service, feature: s.why, purpose: s.purpose, byDefault: s.when ? DEFAULT_CONDITIONS[s.when] : undefined }));
}

function dedupe(services: NeededService[]): NeededService[] {
  const seen = new Set<string>();
  const id = (s: NeededService) => `${s.service}|${s.purpose ?? ''}`;
  return services.filter(s => (seen.has(id(s)) ? false : (seen.add(id(s)), true)));
}

function featureServices(facts: TreeRecords, cluster: ClusterRef, declared: DeclaredFeatures): NeededService[] {
  const out: NeededService[] = [];
  const oidc = cluster.oidcProviderPath;
  if (declared.irsa || oidc) {
    out.push({ service: 'sts', feature: declared.irsa ? 'IRSA' : `IRSA: the cluster has an OIDC provider (${oidc}); declare features: { irsa: true }` });
  }
  const associations = facts.podIdentityAssociations.filter(a => a.clusterKey === cluster.nameKey);
  const agents = facts.addons.filter(a => a.clusterKey === cluster.nameKey && a.name === 'eks-pod-identity-agent')
    .map(a => ({ order: a.order, path: a.resourcePath }));
  // The first in the tree of either kind.
  const podIdentity = [...associations, ...agents].sort((x, y) => x.order - y.order)[0];
  if (declared.podIdentity || podIdentity) {
    // A Pod Identity association of the user's own (in the tree) needs eks-auth whatever the default.
    out.push({
      service: 'eks-auth',
      byDefault: associations.length > 0 ? undefined : declared.podIdentityDefault,
      feature: declared.podIdentity ? `EKS Pod Identity${declared.podIdentityUsers ? ` (${declared.podIdentityUsers})` : ''}`
        : `EKS Pod Identity: found ${podIdentity!.path}; declare features: { podIdentity: true }`,
    });
  }
  if (declared.logShipping) out.push({ service: 'logs', feature: 'log shipping' });
  return out;
}

interface CapacityTally {
  needed: number;
  parts: string[];
  subnets: Set<unknown>;
  known: boolean;
}

function capacityFacts(c: CapacityTally, subnetsById: Map<string, SubnetRef>): CapacityFacts | undefined {
  if (!c.known || c.parts.length === 0) return undefined;
  let available = 0;
  for (const k of c.subnets) {
    const cidr = subnetsById.get(String(k))?.cidr;
    if (!cidr) return undefined;
    available += usableAddresses(cidr);
  }
  return { addressesNeeded: c.needed, addressesAvailable: available, detail: c.parts.join('; ') };
}

function versionFacts(version: string, layer?: LayerRef): VersionFacts | undefined {
  if (literal(version) === undefined) return undefined;
  const support = versionSupport(version);
  const layerMinor = layer?.kubectlMinor;
  return {
    version,
    creatable: support.creatable,
    endOfExtendedSupport: support.endOfExtendedSupport,
    oldestCreatable: oldestCreatableVersion(),
    notOffered: support.notOffered,
    newestOffered: `${EKS_NEWEST_OFFERED.version} (read ${EKS_NEWEST_OFFERED.read})`,
    newestLayer: `@aws-cdk/lambda-layer-kubectl-v${KUBECTL_LAYER_NEWEST.minor}`,
    kubectlVersion: layerMinor ? `1.${layerMinor}` : undefined,
  };
}

function isUnder(path: string, ancestor: string): boolean {
  return path.startsWith(ancestor + '/');
}

/**
 * The flows a CUSTOMER_ROUTED control plane needs that a network ACL of the app on a cluster subnet denies
 * (nacl-rules.ts). A subnet with no ACL of the app (the VPC's default ACL, or one made elsewhere) is not judged.
 */
function controlPlaneNacls(facts: TreeRecords, clusterSubnetKeys: Array<string | undefined>, nodeCidrs: string[], external: boolean,
  nameOf: (key: string) => string): Array<{ subnet: string; acl: string; blocked: string[] }> {
  const out: Array<{ subnet: string; acl: string; blocked: string[] }> = [];
  const flows = controlPlaneFlows(nodeCidrs, external);
  for (const k of clusterSubnetKeys) {
    const acl = facts.networkAcls.find(a => k !== undefined && a.subnetKeys.includes(k));
    if (!acl?.entries) continue;
    const blocked = flows.map(f => ({ f, ports: naclBlocks(acl.entries!, f) })).filter(x => x.ports !== undefined)
      .map(({ f, ports }) => `${f.what}${f.fromPort !== f.toPort ? ` (denied: ${ports!.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')})` : ''}`);
    if (blocked.length > 0) out.push({ subnet: nameOf(k!), acl: acl.path, blocked });
  }
  return out;
}
