import { analyzeHub, HubCheckInput, HubClient, HubFacts } from '../lib/check/hub-rules';
import { dnsName, dnsNameFacts, inZone, nameMatches } from '../lib/contracts/private-dns-names';

const R = 'eu-west-1';
const TGW = { destination: '10.0.0.0/8', target: 'transit gateway tgw-0abc' };
const LOCAL = { destination: '10.20.0.0/16', target: 'local' };

function subnets(routes = [LOCAL, TGW]) {
  return [
    { name: 'Private1', cidr: '10.20.0.0/24', routes },
    { name: 'Private2', cidr: '10.20.1.0/24', routes },
  ];
}

function client(extra: Partial<HubClient> = {}): HubClient {
  return { label: 'node subnets', subnets: subnets(), services: ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth'], ...extra };
}

/** The names the library's own hub zones hold for a service set. */
const zonesFor = (services: string[]) => services.flatMap(s => {
  const row = dnsNameFacts().find(f => f.service === s)!;
  return row.calledAs.map(p => dnsName(p, R, 'amazonaws.com'))
    .flatMap(n => (n.startsWith('*.') ? [n.slice(2), n] : [n]));
});

function hub(extra: Partial<HubFacts> = {}): HubFacts {
  const services = ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'sts', 'ssm', 'ssmmessages'];
  return {
    name: 'the hub',
    services,
    cidrs: ['10.0.0.0/16'],
    resolution: 'private-hosted-zones',
    names: zonesFor(services),
    admittedCidrs: ['10.0.0.0/16', '10.20.0.0/16'],
    admittedAccounts: ['222222222222'],
    region: R,
    ...extra,
  };
}

function input(extra: Partial<HubCheckInput> = {}): HubCheckInput {
  return {
    hub: hub(),
    clients: [client()],
    region: R,
    account: '222222222222',
    vpcCidrs: ['10.20.0.0/16'],
    localPrivateDns: [],
    ...extra,
  };
}

const ids = (i: HubCheckInput) => analyzeHub(i).map(f => f.ruleId);

describe('hub rules: what passes', () => {
  test('zones for every name, a Transit Gateway route, admitted CIDRs and account', () => {
    expect(analyzeHub(input())).toEqual([]);
  });

  test('a Route 53 Profile carries every name the endpoints register', () => {
    expect(analyzeHub(input({ hub: hub({ resolution: 'route53-profile', names: undefined }) }))).toEqual([]);
  });

  test('Resolver rules for the names, answered by the hub endpoints', () => {
    expect(analyzeHub(input({ hub: hub({ resolution: 'resolver-rules', names: ['amazonaws.com', 'eks-auth.eu-west-1.api.aws'] }) }))).toEqual([]);
  });

  test('a route to a supernet of the hub (10.0.0.0/8 to the Transit Gateway) reaches it', () => {
    expect(ids(input({ clients: [client({ subnets: subnets([LOCAL, { destination: '10.0.0.0/8', target: 'peering pcx-1' }]) })] }))).toEqual([]);
  });

  test('an organization admits any account of it', () => {
    expect(ids(input({ hub: hub({ admittedAccounts: undefined, admittedOrganizationId: 'o-abc' }), account: '999999999999' }))).toEqual([]);
  });

  test('a client that takes nothing from the hub needs no route to it', () => {
    expect(ids(input({ clients: [client({ services: [], subnets: subnets([LOCAL]) })] }))).toEqual([]);
  });
});

describe('hub rules: each failure mode', () => {
  test('fails when a node subnet has no route to the hub CIDR (PEKS-HUB-1)', () => {
    const [f] = analyzeHub(input({ clients: [client({ subnets: subnets([LOCAL]) })] }));
    expect(f.ruleId).toBe('PEKS-HUB-1');
    expect(f.message).toMatch(/node subnets: subnets Private1, Private2 have no route to the hub's 10.0.0.0\/16/);
    expect(f.fix).toMatch(/transitGatewayId/);
  });

  test('fails when the hub CIDR overlaps the VPC, even with a route (PEKS-HUB-1 names the overlap)', () => {
    const f = analyzeHub(input({ hub: hub({ cidrs: ['10.20.0.0/16'] }), clients: [client({ subnets: subnets([LOCAL, { destination: '10.20.0.0/16', target: 'transit gateway tgw-1' }]) })] }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-1']);
    expect(f[0].message).toMatch(/CIDR 10.20.0.0\/16 overlaps 10.20.0.0\/16 of this VPC/);
  });

  test('warns when the route tables are not in the app (PEKS-HUB-2)', () => {
    expect(ids(input({ clients: [client({ subnets: [{ name: 'subnet-0abc' }] })] }))).toEqual(['PEKS-HUB-2']);
  });

  test('fails when the ECR API zone is named after the service (ecr.api) instead of api.ecr (PEKS-HUB-3)', () => {
    const names = zonesFor(['ec2', 'ecr.dkr', 'eks-auth']).concat([`ecr.api.${R}.amazonaws.com`]);
    const f = analyzeHub(input({ hub: hub({ names }) }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-3']);
    expect(f[0].message).toMatch(/calls ecr.api as api.ecr.eu-west-1.amazonaws.com/);
  });

  test('fails when the dkr.ecr zone has no * record for account registries (PEKS-HUB-4: the zone answers "no such name")', () => {
    const names = hub().names!.filter(n => !n.startsWith('*.'));
    const f = analyzeHub(input({ hub: hub({ names }) }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-4']);
    expect(f[0].message).toMatch(/222222222222.dkr.ecr.eu-west-1.amazonaws.com \(account-specific/);
    expect(f[0].message).toMatch(/private hosted zone dkr.ecr.eu-west-1.amazonaws.com/);
  });

  test('fails when eks-auth is zoned under amazonaws.com instead of api.aws (PEKS-HUB-3)', () => {
    const names = zonesFor(['ec2', 'ecr.api', 'ecr.dkr']).concat([`eks-auth.${R}.amazonaws.com`]);
    expect(analyzeHub(input({ hub: hub({ names }) }))[0].message).toMatch(/eks-auth as eks-auth.eu-west-1.api.aws/);
  });

  test('fails when a zone for eks.<region> shadows oidc.eks.<region> that a client needs (PEKS-HUB-4)', () => {
    const services = ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'eks', 'oidc-eks'];
    const names = zonesFor(services.filter(s => s !== 'oidc-eks'));
    const f = analyzeHub(input({
      hub: hub({ services, names }),
      clients: [client(), { label: 'the control plane', subnets: subnets(), services: ['oidc-eks'] }],
    }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-4']);
    expect(f[0].message).toMatch(/oidc.eks.eu-west-1.amazonaws.com, and the private hosted zone eks.eu-west-1.amazonaws.com answers/);
  });

  test('passes when oidc.eks has a zone of its own beside the eks zone (the more specific zone answers)', () => {
    const services = ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'eks', 'oidc-eks'];
    expect(ids(input({
      hub: hub({ services, names: zonesFor(services) }),
      clients: [client(), { label: 'the control plane', subnets: subnets(), services: ['oidc-eks'] }],
    }))).toEqual([]);
  });

  test('fails when a Resolver rule covers a name the hub has no endpoint for (PEKS-HUB-4)', () => {
    const h = hub({ resolution: 'resolver-rules', names: ['amazonaws.com', 'api.aws'], services: ['ec2', 'ecr.api', 'ecr.dkr'] });
    const f = analyzeHub(input({ hub: h }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-4']);
    expect(f[0].message).toMatch(/the Resolver rule for api.aws/);
  });

  test('fails when a service is missing from a Route 53 Profile hub (PEKS-HUB-3, fix: add it to the profile)', () => {
    const f = analyzeHub(input({ hub: hub({ resolution: 'route53-profile', names: undefined, services: ['ec2', 'ecr.api', 'ecr.dkr'] }) }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-3']);
    expect(f[0].fix).toMatch(/EndpointHub services/);
  });

  test('fails when the VPC also creates a private-DNS endpoint for a zoned name (PEKS-HUB-5); warns with rules (PEKS-HUB-9)', () => {
    const local = [{ service: 'ecr.api', name: 'Eks/Endpoints/EcrApi' }];
    expect(ids(input({ localPrivateDns: local }))).toEqual(['PEKS-HUB-5']);
    expect(ids(input({ localPrivateDns: local, hub: hub({ resolution: 'resolver-rules', names: ['amazonaws.com', 'api.aws'] }) }))).toEqual(['PEKS-HUB-9']);
  });

  test('warns when the names cannot be checked (no region anywhere: PEKS-HUB-10)', () => {
    expect(ids(input({ region: undefined, hub: hub({ region: undefined }) }))).toEqual(['PEKS-HUB-10']);
  });

  test('fails when the hub\'s zones are in the app and not associated with this VPC (PEKS-HUB-11)', () => {
    const f = analyzeHub(input({ zonesNotAssociated: ['ec2.eu-west-1.amazonaws.com'] }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-11']);
    expect(f[0].fix).toMatch(/hub.associateVpc\(cluster.vpc\)/);
  });

  test('fails when the hub is in another region (PEKS-HUB-6)', () => {
    expect(ids(input({ hub: hub({ region: 'us-east-1' }) }))).toEqual(['PEKS-HUB-6']);
  });

  test('fails when a secondary CIDR of the VPC is not admitted by the hub (PEKS-HUB-7)', () => {
    const f = analyzeHub(input({ vpcCidrs: ['10.20.0.0/16', '100.64.0.0/16'] }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-HUB-7']);
    expect(f[0].message).toMatch(/use 100.64.0.0\/16/);
  });

  test('fails when the account is not admitted (PEKS-HUB-8); passes when the hub does not say', () => {
    expect(ids(input({ account: '333333333333' }))).toEqual(['PEKS-HUB-8']);
    expect(ids(input({ account: '333333333333', hub: hub({ admittedAccounts: undefined }) }))).toEqual([]);
  });
});

describe('private DNS name matching', () => {
  test('a * record matches the leftmost label, not the zone apex', () => {
    expect(nameMatches('*.dkr.ecr.eu-west-1.amazonaws.com', '111122223333.dkr.ecr.eu-west-1.amazonaws.com')).toBe(true);
    expect(nameMatches('*.dkr.ecr.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com')).toBe(false);
    expect(inZone('eks.eu-west-1.amazonaws.com', 'oidc.eks.eu-west-1.amazonaws.com')).toBe(true);
    expect(inZone('eks.eu-west-1.amazonaws.com', 'abc.gr7.eu-west-1.eks.amazonaws.com')).toBe(false);
  });

  test('every row has a source and a read date', () => {
    for (const f of dnsNameFacts()) {
      expect(f.source).toMatch(/https:\/\//);
      expect(f.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
