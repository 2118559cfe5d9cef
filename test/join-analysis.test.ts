import { analyzeJoin, Finding, InterfaceEndpointFacts, JOIN_RULES, JoinModel, NodeSubnetFacts } from '../lib/join-analysis';

const NODE_SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 's3'];

function isolated(name: string, az: string, gatewayEndpoints: string[] = []): NodeSubnetFacts {
  return { name, az, routes: { known: true, natRoute: false, internetGatewayRoute: false, gatewayEndpoints }, mapPublicIpOnLaunch: false };
}

function endpoint(service: string, extra: Partial<InterfaceEndpointFacts> = {}): InterfaceEndpointFacts {
  return { service, name: `Endpoints/${service}`, privateDns: true, admitsNodes443: true, ...extra };
}

/** A fully private set-up that joins: the model the tests vary one fact at a time. */
function model(overrides: Partial<JoinModel> = {}): JoinModel {
  return {
    nodeSubnets: [isolated('Private1', 'az-a', ['s3']), isolated('Private2', 'az-b', ['s3'])],
    clusterSubnetAzs: ['az-a', 'az-b'],
    interfaceEndpoints: ['ec2', 'ecr.api', 'ecr.dkr'].map(s => endpoint(s)),
    s3GatewayInVpc: true,
    vpcDnsSupport: true,
    vpcDnsHostnames: true,
    apiAccess: { privateAccess: true, publicAccess: false, publicCidrs: [] },
    requiredServices: NODE_SERVICES,
    nodeEgress443: true,
    declaredServices: [],
    ...overrides,
  };
}

const ids = (fs: Finding[]) => fs.map(f => f.ruleId);

describe('join analysis: known-good set-ups pass (a false error is as bad as a missed one)', () => {
  test('fully private with ec2, ecr.api, ecr.dkr and the S3 gateway on the node route tables', () => {
    expect(analyzeJoin(model())).toEqual([]);
  });

  test("eksctl's fully-private endpoint set (ec2, ecr.api, ecr.dkr, s3, sts, logs...) with IRSA on", () => {
    expect(analyzeJoin(model({
      requiredServices: [...NODE_SERVICES, 'sts'],
      interfaceEndpoints: ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs', 'elasticloadbalancing', 'autoscaling'].map(s => endpoint(s)),
    }))).toEqual([]);
  });

  test('private subnets with a NAT route and no endpoint at all', () => {
    const nat = (name: string, az: string): NodeSubnetFacts => ({
      name, az, routes: { known: true, natRoute: true, internetGatewayRoute: false, gatewayEndpoints: [] },
    });
    expect(analyzeJoin(model({ nodeSubnets: [nat('P1', 'az-a'), nat('P2', 'az-b')], interfaceEndpoints: [], s3GatewayInVpc: false }))).toEqual([]);
  });

  test('the public-subnet workshop: IGW route, public IPs, PUBLIC endpoint, no endpoints', () => {
    const pub = (name: string, az: string): NodeSubnetFacts => ({
      name, az, routes: { known: true, natRoute: false, internetGatewayRoute: true, gatewayEndpoints: [] }, mapPublicIpOnLaunch: true,
    });
    expect(analyzeJoin(model({
      nodeSubnets: [pub('Public1', 'az-a'), pub('Public2', 'az-b')],
      interfaceEndpoints: [],
      s3GatewayInVpc: false,
      apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: [] },
    }))).toEqual([]);
  });
});

describe('join analysis: the no-NAT nodegroup join of the field report, replayed', () => {
  // The report added endpoints one try at a time: none; ec2 + ecr.dkr + eks; + ecr.api; + the S3 gateway.
  const steps: Array<[string, string[], boolean, string[]]> = [
    ['no endpoints', [], false, ['ec2', 'ecr.api', 'ecr.dkr', 's3']],
    ['ec2 + ecr.dkr + eks', ['ec2', 'ecr.dkr', 'eks'], false, ['ecr.api', 's3']],
    ['+ ecr.api', ['ec2', 'ecr.dkr', 'eks', 'ecr.api'], false, ['s3']],
  ];
  test.each(steps)('fails with %s, naming exactly the missing services', (_name, services, s3, missing) => {
    const findings = analyzeJoin(model({
      nodeSubnets: [isolated('Private1', 'az-a', s3 ? ['s3'] : []), isolated('Private2', 'az-b', s3 ? ['s3'] : [])],
      interfaceEndpoints: services.map(s => endpoint(s)),
      s3GatewayInVpc: s3,
    }));
    expect(ids(findings)).toEqual(['PEKS-JOIN-1']);
    expect(findings[0].message).toContain('node subnets Private1, Private2 reach neither the internet');
    expect(findings[0].message).toContain(`an endpoint for: ${missing.join(', ')}.`);
  });

  test('passes once the S3 gateway is on the node route tables', () => {
    expect(analyzeJoin(model({
      interfaceEndpoints: ['ec2', 'ecr.dkr', 'eks', 'ecr.api'].map(s => endpoint(s)),
    }))).toEqual([]);
  });
});

describe('join analysis: each rule fails when violated', () => {
  test('PEKS-JOIN-1 fails when features need endpoints that are missing (IRSA -> sts, Pod Identity -> eks-auth)', () => {
    const f = analyzeJoin(model({ requiredServices: [...NODE_SERVICES, 'sts', 'eks-auth'] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-1']);
    expect(f[0].message).toMatch(/for: sts, eks-auth\./);
    expect(f[0].fix).toMatch(/existingEndpointServices: \['sts', 'eks-auth'\]/);
  });

  test('PEKS-JOIN-1 passes for a service the user declares', () => {
    expect(analyzeJoin(model({ requiredServices: [...NODE_SERVICES, 'sts'], declaredServices: ['sts'] }))).toEqual([]);
  });

  test('PEKS-JOIN-2 fails when the S3 gateway exists but is not on the node route tables', () => {
    const f = analyzeJoin(model({ nodeSubnets: [isolated('Private1', 'az-a', ['s3']), isolated('Private2', 'az-b')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-2']);
    expect(f[0].message).toMatch(/not on the route table of node subnet Private2:/);
  });

  test('PEKS-JOIN-3 fails when a needed endpoint has private DNS off', () => {
    const f = analyzeJoin(model({ interfaceEndpoints: [endpoint('ec2'), endpoint('ecr.api', { privateDns: false }), endpoint('ecr.dkr')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-3']);
    expect(f[0].message).toMatch(/ecr\.api endpoint Endpoints\/ecr\.api has private DNS off/);
  });

  test('PEKS-JOIN-4 fails when the endpoint security group does not admit 443 from the nodes', () => {
    const f = analyzeJoin(model({ interfaceEndpoints: [endpoint('ec2', { admitsNodes443: false }), endpoint('ecr.api'), endpoint('ecr.dkr')] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-4']);
  });

  test('PEKS-JOIN-4 fails when the nodes may not send 443 out', () => {
    expect(ids(analyzeJoin(model({ nodeEgress443: false })))).toEqual(['PEKS-JOIN-4']);
  });

  test('PEKS-JOIN-5 fails when VPC DNS hostnames are off with private access', () => {
    const f = analyzeJoin(model({ vpcDnsHostnames: false }));
    expect(ids(f)).toEqual(['PEKS-JOIN-5']);
    expect(f[0].message).toMatch(/enableDnsHostnames off/);
  });

  test('PEKS-JOIN-6 fails with "cannot verify" for imported subnets, and passes once everything is declared', () => {
    const imported: NodeSubnetFacts = { name: 'subnet-0abc', routes: { known: false, natRoute: false, internetGatewayRoute: false, gatewayEndpoints: [] } };
    const f = analyzeJoin(model({ nodeSubnets: [imported], clusterSubnetAzs: ['az-a', 'az-b'] }));
    expect(ids(f)).toEqual(['PEKS-JOIN-6']);
    expect(f[0].message).toMatch(/cannot verify node subnet subnet-0abc/);
    expect(f[0].fix).toMatch(/existingEndpointServices: \['ec2', 'ecr.api', 'ecr.dkr', 's3'\]/);
    expect(analyzeJoin(model({ nodeSubnets: [imported], declaredServices: NODE_SERVICES }))).toEqual([]);
  });

  test('PEKS-API-1 fails when the endpoint is PUBLIC only and nodes have no internet route', () => {
    const f = analyzeJoin(model({ apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: [] } }));
    expect(ids(f)).toEqual(['PEKS-API-1']);
  });

  test('PEKS-API-1 passes with PUBLIC_AND_PRIVATE in the same subnets', () => {
    expect(analyzeJoin(model({ apiAccess: { privateAccess: true, publicAccess: true, publicCidrs: ['203.0.113.0/24'] } }))).toEqual([]);
  });

  test('PEKS-API-2 warns when the public endpoint is CIDR-restricted with no private access', () => {
    const nat: NodeSubnetFacts = { name: 'P1', az: 'az-a', routes: { known: true, natRoute: true, internetGatewayRoute: false, gatewayEndpoints: [] } };
    const f = analyzeJoin(model({ nodeSubnets: [nat], apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: ['203.0.113.0/24'] } }));
    expect(f.map(x => [x.ruleId, x.severity])).toEqual([['PEKS-API-2', 'warning']]);
  });

  test('PEKS-NET-1 fails for nodes in a public subnet that assigns no public IPs and has no NAT', () => {
    const pub: NodeSubnetFacts = { name: 'Public1', az: 'az-a', routes: { known: true, natRoute: false, internetGatewayRoute: true, gatewayEndpoints: ['s3'] }, mapPublicIpOnLaunch: false };
    const f = analyzeJoin(model({ nodeSubnets: [pub] }));
    expect(ids(f)).toEqual(['PEKS-NET-1']);
  });

  test('PEKS-NET-2 fails when the cluster subnets are in one AZ', () => {
    const f = analyzeJoin(model({ clusterSubnetAzs: ['az-a', 'az-a'] }));
    expect(ids(f)).toEqual(['PEKS-NET-2']);
    expect(f[0].message).toMatch(/span 1 Availability Zone \(az-a\)/);
  });

  test('reports every problem at once, errors before warnings', () => {
    const f = analyzeJoin(model({
      vpcDnsSupport: false,
      clusterSubnetAzs: ['az-a'],
      interfaceEndpoints: [],
      apiAccess: { privateAccess: false, publicAccess: true, publicCidrs: ['203.0.113.0/24'] },
    }));
    expect(ids(f)).toEqual(['PEKS-JOIN-5', 'PEKS-JOIN-1', 'PEKS-API-1', 'PEKS-NET-2', 'PEKS-API-2']);
  });

  test('every rule has a one-line reason', () => {
    expect(Object.keys(JOIN_RULES).sort()).toEqual([
      'PEKS-API-1', 'PEKS-API-2', 'PEKS-JOIN-1', 'PEKS-JOIN-2', 'PEKS-JOIN-3', 'PEKS-JOIN-4', 'PEKS-JOIN-5', 'PEKS-JOIN-6', 'PEKS-NET-1', 'PEKS-NET-2',
    ]);
  });
});
