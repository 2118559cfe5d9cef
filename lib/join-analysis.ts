/**
 * Can the nodes join? A reachability analysis over a plain description of the network: node subnets with their
 * routes, VPC endpoints, DNS settings, the API endpoint access mode and the services the enabled features need.
 * Pure logic, no construct scope: an adapter builds the `JoinModel` from the construct tree.
 *
 * A service counts as reached from a node subnet through:
 * - a default route to a NAT gateway or NAT instance;
 * - a default route to an internet gateway *and* public IPs on the instances;
 * - for interface services, an interface endpoint of that service in the VPC with private DNS on and a security
 *   group that admits 443 from the nodes;
 * - for S3, a gateway endpoint associated with the subnet's own route table;
 * - a declaration by the user (`existingEndpointServices`) for what the construct cannot see.
 */

/** What is known of a node subnet's route table. */
export interface RouteFacts {
  /** false when the route table cannot be seen (an imported subnet): nothing below is then known. */
  readonly known: boolean;
  /** A default route to a NAT gateway or NAT instance. */
  readonly natRoute: boolean;
  /** A default route to an internet gateway. */
  readonly internetGatewayRoute: boolean;
  /** Short names of the gateway endpoints associated with this route table (`s3`, `dynamodb`). */
  readonly gatewayEndpoints: string[];
}

/** A subnet the nodes run in. */
export interface NodeSubnetFacts {
  /** How messages name it (construct path or subnet ID). */
  readonly name: string;
  /** Its Availability Zone, when known. */
  readonly az?: string;
  /** Its route table. */
  readonly routes: RouteFacts;
  /** Whether instances launched here get a public IPv4 address; undefined when unknown. */
  readonly mapPublicIpOnLaunch?: boolean;
}

/** An interface endpoint in the cluster's VPC. */
export interface InterfaceEndpointFacts {
  /** Short service name (`ecr.api`). */
  readonly service: string;
  /** How messages name it (construct path or endpoint ID). */
  readonly name: string;
  /** Whether private DNS is on; undefined when unknown. */
  readonly privateDns?: boolean;
  /** Whether its security groups admit 443 from the nodes; undefined when unknown. */
  readonly admitsNodes443?: boolean;
}

/** The API server endpoint access mode. */
export interface ApiAccessFacts {
  readonly privateAccess: boolean;
  readonly publicAccess: boolean;
  /** CIDRs the public endpoint is restricted to; empty means open. */
  readonly publicCidrs: string[];
}

/** Everything the analysis looks at. */
export interface JoinModel {
  readonly nodeSubnets: NodeSubnetFacts[];
  /** The Availability Zones of the cluster subnets (undefined entries: unknown). */
  readonly clusterSubnetAzs: Array<string | undefined>;
  readonly interfaceEndpoints: InterfaceEndpointFacts[];
  /** Whether any S3 gateway endpoint exists in the VPC (to tell "missing" from "not on these route tables"). */
  readonly s3GatewayInVpc: boolean;
  /** VPC DNS attributes; undefined when unknown. */
  readonly vpcDnsSupport?: boolean;
  readonly vpcDnsHostnames?: boolean;
  readonly apiAccess: ApiAccessFacts;
  /** Services the nodes and features need, short names, `s3` included. */
  readonly requiredServices: string[];
  /** Whether the nodes' security groups allow 443 out to the endpoints; undefined when unknown. */
  readonly nodeEgress443?: boolean;
  /** Services the user declares reachable by means the construct cannot see. */
  readonly declaredServices: string[];
}

/** A rule's finding. */
export interface Finding {
  /** Stable rule ID. */
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  /** What is wrong and what was found. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** The rules, with their one-line reasons. IDs are stable: users acknowledge or downgrade them by ID. */
export const JOIN_RULES: Record<string, string> = {
  'PEKS-JOIN-1': 'a node subnet reaches neither the internet nor an endpoint for a service nodes need to join',
  'PEKS-JOIN-2': 'S3 (ECR image layers) is reachable only through a gateway endpoint that is not on the node subnets\' route tables',
  'PEKS-JOIN-3': 'an interface endpoint the nodes need has private DNS off: nodes resolve the public name and time out',
  'PEKS-JOIN-4': 'the endpoint security group, or the nodes\' egress, does not allow 443 between nodes and endpoints',
  'PEKS-JOIN-5': 'VPC DNS support or DNS hostnames is off, which private API access and private DNS of endpoints need',
  'PEKS-JOIN-6': 'a node subnet\'s routes cannot be seen, so what it reaches cannot be verified',
  'PEKS-API-1': 'the API endpoint is public only and some node subnets have no internet route to reach it',
  'PEKS-API-2': 'the public API endpoint is restricted to CIDRs and there is no private access: node egress must be in them',
  'PEKS-NET-1': 'nodes in a public subnet that assigns no public IPs and has no NAT: EKS managed nodegroups reject this',
  'PEKS-NET-2': 'cluster subnets span fewer than 2 Availability Zones',
};

/** Runs every rule; returns all findings at once, errors first. */
export function analyzeJoin(model: JoinModel): Finding[] {
  const findings: Finding[] = [];
  const declared = new Set(model.declaredServices);
  const undeclared = model.requiredServices.filter(s => !declared.has(s));
  const declareHint = (services: string[]) =>
    `if they are reached by means this construct cannot see (a proxy, an on-premises route, endpoints in a shared VPC), declare them: existingEndpointServices: [${services.map(s => `'${s}'`).join(', ')}]`;

  // DNS first: without it, private DNS of every endpoint and private API access fail.
  const interfaceNeeded = model.requiredServices.some(s => s !== 's3');
  if ((model.apiAccess.privateAccess || interfaceNeeded) && (model.vpcDnsSupport === false || model.vpcDnsHostnames === false)) {
    const off = [model.vpcDnsSupport === false ? 'enableDnsSupport' : undefined, model.vpcDnsHostnames === false ? 'enableDnsHostnames' : undefined]
      .filter(Boolean).join(' and ');
    findings.push(finding('PEKS-JOIN-5', 'error',
      `the VPC has ${off} off; private API access and the private DNS names of interface endpoints need both on`,
      'create the VPC with enableDnsSupport: true and enableDnsHostnames: true'));
  }

  const endpointsByService = new Map<string, InterfaceEndpointFacts[]>();
  for (const e of model.interfaceEndpoints) {
    endpointsByService.set(e.service, [...(endpointsByService.get(e.service) ?? []), e]);
  }

  const reportedEndpoints = new Set<string>();
  const missingBySet = new Map<string, string[]>();
  const s3NotAttached: string[] = [];
  const unknownRoutes: string[] = [];
  const noInternet: string[] = [];

  for (const subnet of model.nodeSubnets) {
    const r = subnet.routes;
    if (!r.known) {
      if (undeclared.length > 0) unknownRoutes.push(subnet.name);
      noInternet.push(subnet.name);
      continue;
    }
    if (r.internetGatewayRoute && !r.natRoute && subnet.mapPublicIpOnLaunch === false) {
      findings.push(finding('PEKS-NET-1', 'error',
        `node subnet ${subnet.name} routes to an internet gateway but assigns no public IPs and has no NAT route: EKS rejects managed nodes there, and the nodes could not reach anything outside the VPC`,
        'run the nodes in private subnets (nodeSubnets), or turn on mapPublicIpOnLaunch for this subnet'));
    }
    const internet = r.natRoute || (r.internetGatewayRoute && subnet.mapPublicIpOnLaunch !== false);
    if (internet) continue;
    noInternet.push(subnet.name);

    const missing: string[] = [];
    for (const service of model.requiredServices) {
      if (declared.has(service)) continue;
      if (service === 's3') {
        if (r.gatewayEndpoints.includes('s3')) continue;
        if (model.s3GatewayInVpc) {
          s3NotAttached.push(subnet.name);
          continue;
        }
        missing.push(service);
        continue;
      }
      const endpoints = endpointsByService.get(service) ?? [];
      const usable = endpoints.filter(e => e.privateDns !== false && e.admitsNodes443 !== false);
      if (usable.length > 0) continue;
      if (endpoints.length === 0) {
        missing.push(service);
        continue;
      }
      for (const e of endpoints) {
        if (reportedEndpoints.has(e.name)) continue;
        reportedEndpoints.add(e.name);
        if (e.privateDns === false) {
          findings.push(finding('PEKS-JOIN-3', 'error',
            `the ${service} endpoint ${e.name} has private DNS off: nodes resolve the public ${service} name and their connections time out`,
            'turn privateDnsEnabled on for this endpoint'));
        } else if (e.admitsNodes443 === false) {
          findings.push(finding('PEKS-JOIN-4', 'error',
            `the security groups of the ${service} endpoint ${e.name} do not admit HTTPS (443) from the nodes`,
            'allow 443 from the node subnets\' CIDRs (or the cluster security group) on the endpoint security group'));
        }
      }
    }
    if (missing.length > 0) {
      const key = missing.join(',');
      missingBySet.set(key, [...(missingBySet.get(key) ?? []), subnet.name]);
    }
  }

  for (const [key, subnets] of missingBySet) {
    const services = key.split(',');
    findings.push(finding('PEKS-JOIN-1', 'error',
      `node subnet${subnets.length > 1 ? 's' : ''} ${subnets.join(', ')} reach${subnets.length > 1 ? '' : 'es'} neither the internet (no NAT route, no internet gateway with public IPs) nor an endpoint for: ${services.join(', ')}. Nodes there cannot join`,
      `create the endpoints (createVpcEndpoints: true, or additionalEndpoints), or give the subnets a NAT route; ${declareHint(services)}`));
  }
  if (s3NotAttached.length > 0) {
    findings.push(finding('PEKS-JOIN-2', 'error',
      `the VPC has an S3 gateway endpoint, but not on the route table of node subnet${s3NotAttached.length > 1 ? 's' : ''} ${s3NotAttached.join(', ')}: image layers (served from S3) cannot be pulled`,
      'associate the S3 gateway endpoint with the node subnets\' route tables'));
  }
  if (unknownRoutes.length > 0) {
    findings.push(finding('PEKS-JOIN-6', 'error',
      `cannot verify node subnet${unknownRoutes.length > 1 ? 's' : ''} ${unknownRoutes.join(', ')}: their route tables and endpoints are not in this app (imported). Nodes need: ${undeclared.join(', ')}`,
      `make sure they are reachable, then ${declareHint(undeclared)}`));
  }
  if (model.nodeEgress443 === false && interfaceNeeded && noInternet.length > 0) {
    findings.push(finding('PEKS-JOIN-4', 'error',
      'the nodes\' security groups do not allow HTTPS (443) out, so they cannot reach the interface endpoints',
      'allow egress on 443 to the endpoint security group (or the VPC CIDR) from the node security groups'));
  }

  const api = model.apiAccess;
  if (api.publicAccess && !api.privateAccess) {
    const cannotReachPublic = model.nodeSubnets.filter(s => s.routes.known && noInternet.includes(s.name)).map(s => s.name);
    if (cannotReachPublic.length > 0) {
      findings.push(finding('PEKS-API-1', 'error',
        `the API endpoint is PUBLIC only, and node subnet${cannotReachPublic.length > 1 ? 's' : ''} ${cannotReachPublic.join(', ')} ha${cannotReachPublic.length > 1 ? 've' : 's'} no internet route: kubelet and kube-proxy cannot reach the API server`,
        'use EndpointAccess.PRIVATE or PUBLIC_AND_PRIVATE (kubelet then uses the private endpoint), or give the subnets a NAT route'));
    }
    const restricted = api.publicCidrs.length > 0 && !api.publicCidrs.includes('0.0.0.0/0');
    if (restricted) {
      findings.push(finding('PEKS-API-2', 'warning',
        `the public API endpoint admits only ${api.publicCidrs.join(', ')} and private access is off: nodes reach the API server from their NAT or public IPs, which must be in that list`,
        'add the nodes\' egress IPs (NAT gateway EIPs) to onlyFrom(...), or use PUBLIC_AND_PRIVATE so nodes use the private endpoint'));
    }
  }

  const azs = new Set(model.clusterSubnetAzs);
  if (!azs.has(undefined) && azs.size < 2) {
    findings.push(finding('PEKS-NET-2', 'error',
      `the cluster subnets span ${azs.size} Availability Zone${azs.size === 1 ? '' : 's'} (${[...azs].join(', ') || 'none'}); EKS needs at least 2`,
      'select cluster subnets (clusterSubnets or nodeSubnets) in two or more Availability Zones'));
  }

  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function finding(ruleId: string, severity: 'error' | 'warning', message: string, fix: string): Finding {
  return { ruleId, severity, message, fix };
}
