import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { componentFacts } from './component-facts';
import { imageFacts } from './image-facts';
import { CapacityFacts, ClientFacts, InterfaceEndpointFacts, JoinModel, NeededByDefault, NeededService, SubnetFacts, VersionFacts, waiveReachedSettings } from './join-analysis';
import { ClientNetwork, key, literal, rawList, rawValue, TreeFacts, usableAddresses } from './tree-facts';
import { ClusterBastion } from '../bastion/bastion';
import { ComponentContracts } from '../contracts/component-contracts';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { oldestCreatableVersion, versionSupport } from '../contracts/kubernetes-versions';
import { maxPodsFor } from '../contracts/max-pods';
import { AwsLocation, locationOf } from '../core/aws-env';

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
export interface JoinModelInput {
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly kubectlLayer?: lambda.ILayerVersion;
  readonly features: DeclaredFeatures;
  readonly declaredServices: string[];
  readonly version: string;
  /** Helm charts the cluster's kubectl handler installs. */
  readonly helmCharts?: eks.HelmChart[];
  /** Registries the user declares reachable (`existingRegistries`). */
  readonly declaredRegistries?: string[];
}

const EKS_DEFAULT_INSTANCE_TYPE = 't3.medium';

/**
 * Builds the join analysis' model from the construct tree: every nodegroup of the cluster, every bastion that
 * administers it, every Lambda function that runs kubectl against it, the VPC's endpoints and routes as the L1
 * resources will deploy them.
 */
export function buildJoinModel(facts: TreeFacts, input: JoinModelInput): JoinModel {
  const { cluster, vpc } = input;
  const cfnCluster = cluster.node.defaultChild as eks.CfnCluster;
  const vpcConfig = (rawValue(cfnCluster.resourcesVpcConfig) ?? {}) as Record<string, unknown>;
  const clusterSgKey = key(cluster.clusterSecurityGroupId)!;
  const controlPlaneSgs = keys(rawList(vpcConfig.securityGroupIds));
  const clusterNameKey = key(cluster.clusterName);

  const subnetsById = new Map<string, ec2.ISubnet>();
  for (const s of [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]) {
    const k = key(s.subnetId);
    if (k) subnetsById.set(k, s);
  }
  const subnetFacts = (id: unknown, publicIp?: boolean): SubnetFacts => {
    const s = subnetsById.get(key(id) ?? '');
    if (s) return facts.subnetFacts(s, publicIp);
    const unknownRoutes = { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints: [] };
    return { name: literal(id) ?? 'a subnet outside the VPC\'s subnet lists', routes: unknownRoutes };
  };
  const subnetCidr = (id: unknown) => {
    const s = subnetsById.get(key(id) ?? '');
    return s ? facts.subnetCidr(s) : undefined;
  };

  const clients: ClientFacts[] = [];
  const networks: ClientNetwork[] = [];
  const features = featureServices(facts, cluster, clusterNameKey, input.features);

  // Nodes: every managed nodegroup of this cluster, wherever it was added.
  const nodegroups = facts.nodegroups.filter(ng => key(ng.clusterName) === clusterNameKey);
  const capacity: CapacityTally = { needed: 0, parts: [], subnets: new Set(), known: true };
  for (const ng of nodegroups) {
    const subnetIds = rawList(ng.subnets);
    const name = ng.node.scope?.node.path ?? ng.node.path;
    const sgs = launchTemplateGroups(facts, ng) ?? [clusterSgKey];
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
    const scaling = rawValue(ng.scalingConfig) as Record<string, unknown> | undefined;
    const maxSize = rawValue(scaling?.maxSize);
    const types = rawList(ng.instanceTypes).map(literal);
    const pods = (types.length ? types : [EKS_DEFAULT_INSTANCE_TYPE]).map(t => (t ? maxPodsFor(t) : undefined));
    if (typeof maxSize !== 'number' || pods.some(p => p === undefined)) {
      capacity.known = false;
    } else {
      const maxPods = Math.max(...(pods as number[]));
      capacity.needed += maxSize * (maxPods + 1);
      capacity.parts.push(`${name}: ${maxSize} nodes x (${maxPods} pods + 1)`);
      subnetIds.forEach(id => capacity.subnets.add(key(id)));
    }
  }

  // Bastions that administer this cluster.
  for (const bastion of facts.all.filter((c): c is ClusterBastion => c instanceof ClusterBastion && c.cluster === cluster)) {
    const cfn = bastion.instance.instance;
    const nic = rawList(cfn.networkInterfaces)[0] as Record<string, unknown> | undefined;
    const subnetId = cfn.subnetId ?? nic?.subnetId;
    const publicIp = rawValue(nic?.associatePublicIpAddress);
    const sgs = keys(rawList(cfn.securityGroupIds ?? nic?.groupSet));
    const name = bastion.node.path;
    networks.push({ name, description: `the bastion ${name}`, securityGroups: sgs, cidrs: [subnetCidr(subnetId)] });
    const services = contractNeeds('bastion').filter(s => bastion.requiredServices.includes(s.service));
    clients.push({
      kind: 'bastion',
      name,
      inVpc: true,
      subnets: [subnetFacts(subnetId, typeof publicIp === 'boolean' ? publicIp : undefined)],
      services,
      needsApi: true,
    });
  }

  // The control plane, when it routes its own egress through the cluster subnets (CUSTOMER_ROUTED, set by the
  // library or an escape hatch): it then resolves names with the VPC's DNS and needs, from the cluster subnets, what
  // the API server calls itself. With IRSA that is OIDC discovery at oidc.eks.<region> (control-plane-egress.html:
  // "This applies to IAM roles for service accounts"), which the oidc-eks endpoint serves with private DNS
  // (vpc-interface-endpoints.html; that the control plane may use it is inferred, not stated: both read 2026-12-05).
  // Webhooks, aggregated APIs and kubelets are in the VPC.
  const egressMode = controlPlaneEgressMode(cfnCluster);
  if (egressMode !== undefined && egressMode !== 'AWS_MANAGED') {
    const irsa = features.find(f => f.service === 'sts');
    const name = `${cluster.node.path} control plane`;
    const clusterSgs = [clusterSgKey, ...controlPlaneSgs];
    networks.push({ name, description: `the control plane's network interfaces (${egressMode})`, securityGroups: clusterSgs, cidrs: rawList(vpcConfig.subnetIds).map(subnetCidr) });
    clients.push({
      kind: 'control-plane',
      name,
      label: `the control plane of ${cluster.node.path} (egress ${egressMode})`,
      inVpc: true,
      subnets: rawList(vpcConfig.subnetIds).map(id => subnetFacts(id)),
      services: irsa ? [{ service: 'oidc-eks', feature: `OIDC discovery for IRSA (${irsa.feature})` }] : [],
      needsApi: false,
    });
  }

  // Add-ons and recognised charts run on the nodes: their contracts' services are checked from every node subnet.
  const nodeSubnets = [...new Map(clients.filter(c => c.kind === 'nodes').flatMap(c => c.subnets).map(s => [s.name, s])).values()];
  const components = componentFacts(facts, cluster, nodeSubnets);
  clients.push(...components.clients);

  const charts = chartNeeds(input.helmCharts ?? [], locationOf(cluster));

  // Lambda functions that run kubectl: they carry the cluster's kubectl layer or belong to its kubectl provider.
  const layerKey = input.kubectlLayer ? key(input.kubectlLayer.layerVersionArn) : undefined;
  const hasLayer = (fn: lambda.CfnFunction) => layerKey !== undefined && rawList(fn.layers).some(l => key(l) === layerKey);
  const providers = facts.all.filter((c): c is eks.KubectlProvider => c instanceof eks.KubectlProvider)
    .filter(p => p === cluster.kubectlProvider || facts.functions.some(fn => isUnder(fn, p) && hasLayer(fn)));
  for (const fn of facts.functions) {
    const provider = providers.find(p => isUnder(fn, p));
    const runsKubectl = hasLayer(fn) || (provider !== undefined && fn.node.scope?.node.id === 'Handler');
    if (!runsKubectl && !provider) continue;
    const vpcCfg = (rawValue(fn.vpcConfig) ?? {}) as Record<string, unknown>;
    const subnetIds = rawList(vpcCfg.subnetIds);
    const name = fn.node.scope?.node.path ?? fn.node.path;
    networks.push({ name, description: `the function ${name}`, securityGroups: keys(rawList(vpcCfg.securityGroupIds)), cidrs: subnetIds.map(subnetCidr) });
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
    });
  }

  const clusterSubnetIds = rawList(vpcConfig.subnetIds);
  const withApi = clients.map(c => {
    const net = networks.find(n => n.name === c.name)!;
    if (!c.inVpc || !c.needsApi) return c;
    return { ...c, apiBlocked: facts.apiBlocked(net, clusterSgKey, controlPlaneSgs, clusterSubnetIds.map(subnetCidr)) };
  });

  const cfnVpc = facts.resolveRef(vpc.vpcId, ec2.CfnVPC);
  const dnsSupport = cfnVpc ? rawValue(cfnVpc.enableDnsSupport) : undefined;
  const dnsHostnames = cfnVpc ? rawValue(cfnVpc.enableDnsHostnames) : undefined;
  const publicAccess = rawValue(vpcConfig.endpointPublicAccess);
  const privateAccess = rawValue(vpcConfig.endpointPrivateAccess);

  return waiveReachedSettings({
    clients: withApi,
    clusterSubnetAzs: clusterSubnetIds.map(id => subnetFacts(id).az),
    interfaceEndpoints: withComponents(facts.interfaceEndpoints(vpc.vpcId, networks), clients),
    s3GatewayInVpc: facts.hasGatewayEndpoint(vpc.vpcId, 's3'),
    // CloudFormation defaults: DNS support on, DNS hostnames off.
    vpcDnsSupport: cfnVpc ? (dnsSupport === undefined ? true : bool(dnsSupport)) : undefined,
    vpcDnsHostnames: cfnVpc ? (dnsHostnames === undefined ? false : bool(dnsHostnames)) : undefined,
    apiAccess: {
      // CloudFormation defaults: public on, private off.
      publicAccess: publicAccess === undefined ? true : publicAccess !== false,
      privateAccess: privateAccess === true,
      publicCidrs: rawList(vpcConfig.publicAccessCidrs).map(literal).filter((c): c is string => c !== undefined),
    },
    declaredServices: input.declaredServices,
    capacity: capacityFacts(facts, capacity, subnetsById),
    version: versionFacts(input.version, input.kubectlLayer),
    autoMode: bool(rawValue((rawValue(cfnCluster.computeConfig) as Record<string, unknown> | undefined)?.enabled)) === true,
    ...regionFacts(cluster),
    images: imageFacts(facts, cluster, input.declaredRegistries ?? []),
    components: components.components,
  });
}

const ECR_OCI = /^oci:\/\/\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;

/**
 * What the handler needs to fetch the charts: ECR and S3 for OCI charts in this region's ECR, S3 for assets, else the
 * internet. VPC endpoints serve only their own region ("VPC endpoints currently don't support cross-Region requests",
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html), so another region's ECR is the internet.
 */
function chartNeeds(charts: eks.HelmChart[], location: AwsLocation): { services: NeededService[]; internet: string[] } {
  const services: NeededService[] = [];
  const internet: string[] = [];
  for (const chart of charts) {
    const what = `Helm chart ${chart.node.path}`;
    if (chart.chartAsset) {
      services.push({ service: 's3', feature: `${what} (chart asset)`, purpose: 'cdk-asset' });
      continue;
    }
    const repo = literal(chart.repository);
    if (repo === undefined) continue; // a token or no repository: nothing to tell
    const ecrRegion = ECR_OCI.exec(repo)?.[1];
    if (ecrRegion && location.regionKnown && ecrRegion !== location.region) {
      internet.push(`${what} from ECR in ${ecrRegion} (${repo}): VPC endpoints serve only their own region, ${location.region}`);
    } else if (ecrRegion) {
      for (const service of ['ecr.api', 'ecr.dkr']) services.push({ service, feature: `${what} from ECR` });
      services.push({ service: 's3', feature: `${what} from ECR`, purpose: 'ecr-layers' });
    } else {
      internet.push(`${what} from ${repo}`);
    }
  }
  return { services, internet };
}

/** The region, and what the catalogue says it does not offer through PrivateLink. */
function regionFacts(cluster: eks.Cluster): Pick<JoinModel, 'region' | 'notOfferedInRegion'> {
  const l = locationOf(cluster);
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

function featureServices(facts: TreeFacts, cluster: eks.Cluster, clusterNameKey: string | undefined, declared: DeclaredFeatures): NeededService[] {
  const out: NeededService[] = [];
  const oidc = cluster.node.tryFindChild('OidcProviderNative') ?? cluster.node.tryFindChild('OpenIdConnectProvider');
  if (declared.irsa || oidc) {
    out.push({ service: 'sts', feature: declared.irsa ? 'IRSA' : `IRSA: the cluster has an OIDC provider (${oidc!.node.path}); declare features: { irsa: true }` });
  }
  const podIdentity = facts.all.find(c => (c instanceof eks.CfnPodIdentityAssociation && key(c.clusterName) === clusterNameKey)
    || (c instanceof eks.CfnAddon && key(c.clusterName) === clusterNameKey && c.addonName === 'eks-pod-identity-agent'));
  if (declared.podIdentity || podIdentity) {
    // A Pod Identity association of the user's own (in the tree) needs eks-auth whatever the default.
    const associations = facts.all.some(c => c instanceof eks.CfnPodIdentityAssociation && key(c.clusterName) === clusterNameKey);
    out.push({
      service: 'eks-auth',
      byDefault: associations ? undefined : declared.podIdentityDefault,
      feature: declared.podIdentity ? `EKS Pod Identity${declared.podIdentityUsers ? ` (${declared.podIdentityUsers})` : ''}`
        : `EKS Pod Identity: found ${podIdentity!.node.path}; declare features: { podIdentity: true }`,
    });
  }
  if (declared.logShipping) out.push({ service: 'logs', feature: 'log shipping' });
  return out;
}

function launchTemplateGroups(facts: TreeFacts, ng: eks.CfnNodegroup): string[] | undefined {
  const spec = rawValue(ng.launchTemplate) as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  const lt = facts.resolveRef(spec.id, ec2.CfnLaunchTemplate);
  if (!lt) return undefined;
  const data = (rawValue(lt.launchTemplateData) ?? {}) as Record<string, unknown>;
  const groups = keys(rawList(data.securityGroupIds));
  return groups.length > 0 ? groups : undefined;
}

interface CapacityTally {
  needed: number;
  parts: string[];
  subnets: Set<unknown>;
  known: boolean;
}

function capacityFacts(facts: TreeFacts, c: CapacityTally,
  subnetsById: Map<string, ec2.ISubnet>): CapacityFacts | undefined {
  if (!c.known || c.parts.length === 0) return undefined;
  let available = 0;
  for (const k of c.subnets) {
    const s = subnetsById.get(String(k));
    const cidr = s ? facts.subnetCidr(s) : undefined;
    if (!cidr) return undefined;
    available += usableAddresses(cidr);
  }
  return { addressesNeeded: c.needed, addressesAvailable: available, detail: c.parts.join('; ') };
}

function versionFacts(version: string, layer?: lambda.ILayerVersion): VersionFacts | undefined {
  if (literal(version) === undefined) return undefined;
  const support = versionSupport(version);
  // The @aws-cdk/lambda-layer-kubectl-vNN packages name their class KubectlVNNLayer.
  const layerMinor = layer ? /^KubectlV(\d+)Layer$/.exec(layer.constructor.name)?.[1] : undefined;
  return {
    version,
    creatable: support.creatable,
    endOfExtendedSupport: support.endOfExtendedSupport,
    oldestCreatable: oldestCreatableVersion(),
    kubectlVersion: layerMinor ? `1.${layerMinor}` : undefined,
  };
}

function keys(values: unknown[]): string[] {
  return values.map(v => key(v)).filter((k): k is string => k !== undefined);
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function isUnder(c: IConstruct, ancestor: IConstruct): boolean {
  return c.node.path.startsWith(ancestor.node.path + '/');
}

/**
 * The cluster's control-plane egress mode as the template will carry it (`ResourcesVpcConfig.ControlPlaneEgressMode`,
 * from the L1 property or a property override); undefined when not set (EKS's default, AWS_MANAGED).
 */
export function controlPlaneEgressMode(cfn: eks.CfnCluster): string | undefined {
  const rendered = Stack.of(cfn).resolve((cfn as any)._toCloudFormation()) as { Resources: Record<string, { Properties?: any }> };
  const mode = Object.values(rendered.Resources)[0]?.Properties?.ResourcesVpcConfig?.ControlPlaneEgressMode;
  return typeof mode === 'string' ? mode : undefined;
}
