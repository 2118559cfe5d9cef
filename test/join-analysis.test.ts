import { analyzeJoin, ClientFacts, Finding, InterfaceEndpointFacts, JOIN_RULES, JoinModel, SubnetFacts } from '../lib/check/join-analysis';

const JOIN = ['ec2', 'ecr.api', 'ecr.dkr', 's3'].map(service => ({ service }));

function isolated(name: string, az: string, gatewayEndpoints: string[] = []): SubnetFacts {
  return { name, az, routes: { known: true, natRoute: false, internetGatewayRoute: false, gatewayEndpoints }, mapPublicIpOnLaunch: false };
}

function endpoint(service: string, extra: Partial<InterfaceEndpointFacts> = {}): InterfaceEndpointFacts {
  return { service, name: `Endpoints/${service}`, privateDns: true, blocked443: {}, ...extra };
}

function nodes(extra: Partial<ClientFacts> = {}): ClientFacts {
  return {
    kind: 'nodes',
    name: 'Nodes',
    inVpc: true,
    needsApi: true,
    services: JOIN,
    subnets: [isolated('Private1', 'az-a', ['s3']), isolated('Private2', 'az-b', ['s3'])],
    ...extra,
  };
}

/** A fully private set-up that joins: the model the tests vary one fact at a time. */
function model(overrides: Partial<JoinModel> = {}): JoinModel {
  return {
    clients: [nodes()],
    clusterSubnetAzs: ['az-a', 'az-b'],
    interfaceEndpoints: ['ec2', 'ecr.api', 'ecr.dkr'].map(s => endpoint(s)),
    s3GatewayInVpc: true,
    vpcDnsSupport: true,
    vpcDnsHostnames: true,
    apiAccess: { privateAccess: true, publicAccess: false, publicCidrs: [] },
    declaredServices: [],
    ...overrides,
  };
}

const ids = (fs: Finding[]) => fs.map(f => f.ruleId);
const withNodes = (extra: Partial<ClientFacts>) => model({ clients: [nodes(extra)] });

describe('join analysis: known-good set-ups pass (a false error is as bad as a missed one)', () => {
  test('fully private with ec2, ecr.api, ecr.dkr and the S3 gateway on the node route tables', () => {
    expect(analyzeJoin(model())).toEqual([]);
  });

  test("eksctl's fully-private endpoint set (ec2, ecr.api, ecr.dkr, s3, sts, logs...) with IRSA on", () => {
    expect(analyzeJoin(model({
      clients: [nodes({ services: [...JOIN, { service: 'sts', feature: 'IRSA' }] })],
      interfaceEndpoints: ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs', 'elasticloadbalancing', 'autoscaling'].map(s => endpoint(s)),
    }))).toEqual([]);
  });

  test('private subnets with a NAT route and no endpoint at all', () => {
    const nat = (name: string, az: string): SubnetFacts => ({
      name, az, routes: { known: true, natRoute: true, internetGatewayRoute: false, gatewayEndpoints: [] },
    });
    expect(analyzeJoin(model({ clients: [nodes({ subnets: [nat('P1', 'az-a'), nat('P2', 'az-b')] })], interfaceEndpoints: [], s3GatewayInVpc: false }))).toEqual([]);
  });

  test('the public-subnet workshop: IGW route, public IPs, PUBLIC endpoint, no endpoints', () => {
    const pub = (name: string, az: string): SubnetFacts => ({
      name, az, routes: { known: true, natRoute: false, internetGatewayRoute: true, gatewayEndpoints: [] }, mapPublicIpOnLaunch: true,
    });
    expect(analyzeJoin(model({
      clients: [nodes({ subnets: [pub('Public1', 'az-a'), pub('Public2', 'az-b')] })],
      interfaceEndpoints: [],
      s3GatewayInVpc: false,
      apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: [] },
    }))).toEqual([]);
  });

  test('imported subnets whose every need is served by endpoints in the app', () => {
    const imported: SubnetFacts = { name: 'subnet-0abc', routes: { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints: ['s3'] } };
    expect(analyzeJoin(withNodes({ subnets: [imported] }))).toEqual([]);
  });
});

describe('join analysis: the no-NAT nodegroup join of the field report, replayed', () => {
  // The report added endpoints one try at a time: none; ec2 + ecr.dkr + eks; + ecr.api; + the S3 gateway.
  const steps: Array<[string, string[], string[]]> = [
    ['no endpoints', [], ['ec2', 'ecr.api', 'ecr.dkr', 's3']],
    ['ec2 + ecr.dkr + eks', ['ec2', 'ecr.dkr', 'eks'], ['ecr.api', 's3']],
    ['+ ecr.api', ['ec2', 'ecr.dkr', 'eks', 'ecr.api'], ['s3']],
  ];
  test.each(steps)('fails with %s, naming exactly the missing services', (_name, services, missing) => {
    const findings = analyzeJoin(model({
      clients: [nodes({ subnets: [isolated('Private1', 'az-a'), isolated('Private2', 'az-b')] })],
      interfaceEndpoints: services.map(s => endpoint(s)),
      s3GatewayInVpc: false,
    }));
    expect(ids(findings)).toEqual(['PEKS-JOIN-1']);
    expect(findings[0].message).toContain('node subnets Private1, Private2 reach neither the internet');
    expect(findings[0].message).toContain(`an endpoint for: ${missing.join(', ')}.`);
  });

  test('passes once the S3 gateway is on the node route tables', () => {
    expect(analyzeJoin(model({ interfaceEndpoints: ['ec2', 'ecr.dkr', 'eks', 'ecr.api'].map(s => endpoint(s)) }))).toEqual([]);
  });
});

describe('join analysis: each rule fails when violated', () => {
  test('PEKS-FEAT-1 fails when features need endpoints that are missing (IRSA -> sts, Pod Identity -> eks-auth)', () => {
    const f = analyzeJoin(withNodes({ services: [...JOIN, { service: 'sts', feature: 'IRSA' }, { service: 'eks-auth', feature: 'EKS Pod Identity' }] }));
    expect(ids(f)).toEqual(['PEKS-FEAT-1']);
    expect(f[0].message).toMatch(/for: sts \(IRSA\); eks-auth \(EKS Pod Identity\)\./);
    expect(f[0].fix).toMatch(/existingEndpointServices: \['sts', 'eks-auth'\]/);
  });

  test('PEKS-FEAT-1 passes for a service the user declares', () => {
    expect(analyzeJoin(model({ clients: [nodes({ services: [...JOIN, { service: 'sts', feature: 'IRSA' }] })], declaredServices: ['sts'] }))).toEqual([]);
  });

  test('PEKS-JOIN-2 fails when the S3 gateway exists but is not on the node route tables', () => {
    const f = analyzeJoin(withNodes({ subnets: [isolated('Private1', 'az-a', ['s3']), isolated('Private2', 'az-b')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-2']);
    expect(f[0].message).toMatch(/not on the route table of node subnet Private2:/);
  });

  test('PEKS-JOIN-3 fails when a needed endpoint has private DNS off', () => {
    const f = analyzeJoin(model({ interfaceEndpoints: [endpoint('ec2'), endpoint('ecr.api', { privateDns: false }), endpoint('ecr.dkr')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-3']);
    expect(f[0].message).toMatch(/ecr\.api endpoint Endpoints\/ecr\.api has private DNS off/);
  });

  test('PEKS-JOIN-4 fails when the endpoint security group does not admit 443 from the nodes', () => {
    const f = analyzeJoin(model({ interfaceEndpoints: [endpoint('ec2', { blocked443: { Nodes: 'the endpoint\'s security groups admit no 443 from the nodes' } }), endpoint('ecr.api'), endpoint('ecr.dkr')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-4']);
    expect(f[0].message).toMatch(/admit no 443 from the nodes \(ec2 endpoint Endpoints\/ec2\)/);
  });

  test('PEKS-JOIN-4 passes when another endpoint of the same service admits the nodes', () => {
    expect(analyzeJoin(model({
      interfaceEndpoints: [endpoint('ec2', { name: 'A', blocked443: { Nodes: 'blocked' } }), endpoint('ec2', { name: 'B' }), endpoint('ecr.api'), endpoint('ecr.dkr')],
    }))).toEqual([]);
  });

  test('PEKS-JOIN-5 fails when VPC DNS hostnames are off with private access', () => {
    const f = analyzeJoin(model({ vpcDnsHostnames: false }));
    expect(ids(f)).toEqual(['PEKS-JOIN-5']);
    expect(f[0].message).toMatch(/enableDnsHostnames off/);
  });

  test('PEKS-JOIN-5 passes with DNS off for nodes that use NAT and a public API endpoint', () => {
    const nat: SubnetFacts = { name: 'P1', az: 'az-a', routes: { known: true, natRoute: true, internetGatewayRoute: false, gatewayEndpoints: [] } };
    expect(analyzeJoin(model({
      clients: [nodes({ subnets: [nat] })],
      interfaceEndpoints: [],
      vpcDnsHostnames: false,
      apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: [] },
    }))).toEqual([]);
  });

  test('PEKS-JOIN-6 fails with "cannot verify" for imported subnets, and passes once everything is declared', () => {
    const imported: SubnetFacts = { name: 'subnet-0abc', routes: { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints: [] } };
    const f = analyzeJoin(model({ clients: [nodes({ subnets: [imported] })], interfaceEndpoints: [] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-6']);
    expect(f[0].message).toMatch(/cannot verify node subnet subnet-0abc: its route table is not in this app/);
    expect(f[0].fix).toMatch(/existingEndpointServices: \['ec2', 'ecr.api', 'ecr.dkr', 's3'\]/);
    expect(analyzeJoin(model({ clients: [nodes({ subnets: [imported] })], interfaceEndpoints: [], declaredServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3'] }))).toEqual([]);
  });

  test('PEKS-JOIN-6 fails with "cannot verify" for a default route to a transit gateway', () => {
    const tgw: SubnetFacts = { name: 'P1', az: 'az-a', routes: { known: true, natRoute: false, internetGatewayRoute: false, otherDefaultRoute: 'a transit gateway', gatewayEndpoints: [] } };
    const f = analyzeJoin(model({ clients: [nodes({ subnets: [tgw] })], interfaceEndpoints: [] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-6']);
    expect(f[0].message).toMatch(/its default route goes to a transit gateway/);
  });

  test('PEKS-API-1 fails when the endpoint is PUBLIC only and nodes have no internet route', () => {
    const f = analyzeJoin(model({ apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: [] } }));
    expect(ids(f)).toEqual(['PEKS-API-1']);
  });

  test('PEKS-API-1 passes with PUBLIC_AND_PRIVATE in the same subnets', () => {
    expect(analyzeJoin(model({ apiAccess: { privateAccess: true, publicAccess: true, publicCidrs: ['203.0.113.0/24'] } }))).toEqual([]);
  });

  test('PEKS-API-2 warns when the public endpoint is CIDR-restricted with no private access', () => {
    const nat: SubnetFacts = { name: 'P1', az: 'az-a', routes: { known: true, natRoute: true, internetGatewayRoute: false, gatewayEndpoints: [] } };
    const f = analyzeJoin(model({ clients: [nodes({ subnets: [nat] })], apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: ['203.0.113.0/24'] } }));
    expect(f.map(x => [x.ruleId, x.severity])).toEqual([['PEKS-API-2', 'warning']]);
  });

  test('PEKS-API-3 fails when private access is on and the cluster security group does not admit the nodes', () => {
    const f = analyzeJoin(withNodes({ apiBlocked: 'the cluster security group admits no 443 from the nodes of Nodes' }));
    expect(ids(f)).toEqual(['PEKS-API-3']);
    expect(f[0].message).toMatch(/kubelet and kube-proxy cannot reach the private API endpoint/);
  });

  test('PEKS-BASTION-1 fails when an SSM bastion has no SSM endpoints, and passes with them', () => {
    const bastion: ClientFacts = {
      kind: 'bastion',
      name: 'Bastion',
      inVpc: true,
      needsApi: true,
      subnets: [isolated('Private1', 'az-a', ['s3'])],
      services: ['ssm', 'ssmmessages', 'ec2messages'].map(service => ({ service, feature: 'SSM Session Manager' })),
    };
    const f = analyzeJoin(model({ clients: [nodes(), bastion] }));
    expect(ids(f)).toEqual(['PEKS-BASTION-1']);
    expect(f[0].message).toMatch(/the bastion Bastion: bastion subnet Private1 reaches neither .* for: ssm, ssmmessages, ec2messages \(SSM Session Manager\)$/);
    const withSsm = [...model().interfaceEndpoints, ...['ssm', 'ssmmessages', 'ec2messages'].map(s => endpoint(s))];
    expect(analyzeJoin(model({ clients: [nodes(), bastion], interfaceEndpoints: withSsm }))).toEqual([]);
  });

  test('PEKS-KUBECTL-1 fails for a kubectl function outside the VPC with a private-only endpoint, passes with a public one', () => {
    const fn: ClientFacts = { kind: 'kubectl', name: 'Fn', inVpc: false, needsApi: true, subnets: [], services: [] };
    const f = analyzeJoin(model({ clients: [nodes(), fn] }));
    expect(ids(f)).toEqual(['PEKS-KUBECTL-1']);
    expect(f[0].message).toMatch(/runs outside the VPC and the API endpoint is PRIVATE/);
    expect(analyzeJoin(model({ clients: [nodes(), fn], apiAccess: { privateAccess: true, publicAccess: true, publicCidrs: [] } }))).toEqual([]);
  });

  test('PEKS-NET-1 fails for nodes in a public subnet that assigns no public IPs and has no NAT', () => {
    const pub: SubnetFacts = { name: 'Public1', az: 'az-a', routes: { known: true, natRoute: false, internetGatewayRoute: true, gatewayEndpoints: ['s3'] }, mapPublicIpOnLaunch: false };
    expect(ids(analyzeJoin(withNodes({ subnets: [pub] })))).toEqual(['PEKS-NET-1']);
  });

  test('PEKS-NET-2 fails when the cluster subnets are in one AZ', () => {
    const f = analyzeJoin(model({ clusterSubnetAzs: ['az-a', 'az-a'] }));
    expect(ids(f)).toEqual(['PEKS-NET-2']);
    expect(f[0].message).toMatch(/span 1 Availability Zone \(az-a\)/);
  });

  test('PEKS-NET-3 warns when the node subnets are smaller than max nodes x (max pods + 1), and passes when they fit', () => {
    const f = analyzeJoin(model({ capacity: { addressesNeeded: 180, addressesAvailable: 22, detail: '10 nodes x (17 pods + 1)' } }));
    expect(f.map(x => [x.ruleId, x.severity])).toEqual([['PEKS-NET-3', 'warning']]);
    expect(analyzeJoin(model({ capacity: { addressesNeeded: 36, addressesAvailable: 16374, detail: '' } }))).toEqual([]);
  });

  test('PEKS-VER-1 fails for a version EKS no longer creates, and passes for a current one', () => {
    const f = analyzeJoin(model({ version: { version: '1.24', creatable: false, endOfExtendedSupport: '2025-01-31', oldestCreatable: '1.31' } }));
    expect(f.map(x => [x.ruleId, x.severity])).toEqual([['PEKS-VER-1', 'error']]);
    expect(f[0].fix).toMatch(/1\.31 or newer/);
    expect(analyzeJoin(model({ version: { version: '1.36', creatable: true } }))).toEqual([]);
  });

  test('reports every problem at once, errors before warnings', () => {
    const f = analyzeJoin(model({
      vpcDnsSupport: false,
      clusterSubnetAzs: ['az-a'],
      interfaceEndpoints: [],
      apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: ['203.0.113.0/24'] },
    }));
    expect(ids(f)).toEqual(['PEKS-JOIN-1', 'PEKS-API-1', 'PEKS-JOIN-5', 'PEKS-NET-2', 'PEKS-API-2']);
  });

  test('every rule has an ID, a severity and a one-line reason', () => {
    expect(JOIN_RULES.map(r => r.id)).toEqual([
      'PEKS-JOIN-1', 'PEKS-JOIN-2', 'PEKS-JOIN-3', 'PEKS-JOIN-4', 'PEKS-JOIN-5', 'PEKS-JOIN-7', 'PEKS-JOIN-6', 'PEKS-FEAT-1',
      'PEKS-API-1', 'PEKS-API-2', 'PEKS-API-3', 'PEKS-BASTION-1', 'PEKS-ACCESS-1', 'PEKS-KUBECTL-1', 'PEKS-KUBECTL-2', 'PEKS-REGION-1', 'PEKS-IMG-1', 'PEKS-IMG-2', 'PEKS-IMG-3', 'PEKS-IMG-4', 'PEKS-IMG-6', 'PEKS-IMG-5',
      'PEKS-ADDON-1', 'PEKS-ADDON-2', 'PEKS-ADDON-3', 'PEKS-NET-1', 'PEKS-NET-2', 'PEKS-NET-3',
      'PEKS-EGRESS-1', 'PEKS-EGRESS-2', 'PEKS-AUTO-1', 'PEKS-VER-1', 'PEKS-VER-2',
      'PEKS-HUB-1', 'PEKS-HUB-2', 'PEKS-HUB-3', 'PEKS-HUB-4', 'PEKS-HUB-5', 'PEKS-HUB-6', 'PEKS-HUB-7', 'PEKS-HUB-8', 'PEKS-HUB-9', 'PEKS-HUB-10', 'PEKS-HUB-11', 'PEKS-HUB-12',
      'PEKS-PROXY-1', 'PEKS-PROXY-2',
      'PEKS-PSA-1', 'PEKS-DNS-1',
    ]);
    for (const r of JOIN_RULES) expect(r.reason).not.toMatch(/\n/);
  });
});
