/**
 * The preflight proves an API relay's path at deploy: from the relay's subnet, with the relay's security group, the
 * cluster API endpoint's name resolves to private addresses and connects on 443 (and the Session Manager services the
 * preflight probes answer there too); the relay boots after that check. The probe half runs against local sockets.
 */
import * as net from 'net';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cluster } from './join-cases';
import { newStack, resourcesOfType } from './util';
import { ApiRelay } from '../lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const probe = require('../lib/network/preflight-probe/index.cjs');

const API_HOST = 'ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com';

describe('a relay of a cluster with the preflight', () => {
  let stack: Stack;
  let relay: ApiRelay;
  let t: Template;
  beforeAll(() => {
    stack = newStack();
    const c = cluster(stack, { preflight: true });
    // Added after the cluster, as users do: the cluster's aspect still finds it.
    relay = new ApiRelay(stack, 'Relay', { cluster: c.cluster });
    t = Template.fromStack(stack);
  });

  const relayGroupId = () => stack.getLogicalId(relay.securityGroup.node.defaultChild as CfnElement);
  const relayChecks = () => resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight').filter(([, r]) => r.Properties.ApiEndpointHost !== undefined);

  test('one check in the relay\'s subnet, with the relay\'s security group, probing the API endpoint and ssm/ssmmessages', () => {
    const checks = relayChecks();
    expect(checks).toHaveLength(1);
    const [[, check]] = checks;
    const [[, instance]] = resourcesOfType(t, 'AWS::EC2::Instance').filter(([id]) => id.startsWith('RelayInstance'));
    // The instance's subnet is on its network interface (no public address).
    const relaySubnet = instance.Properties.NetworkInterfaces[0].SubnetId;
    expect(relaySubnet).toEqual({ Ref: expect.stringMatching(/PrivateSubnet1/) });
    expect(check.Properties.SubnetId).toEqual(relaySubnet);
    expect(JSON.stringify(check.Properties.SecurityGroupIds)).toContain(relayGroupId());
    expect(check.Properties.Services).toBe('ssm,ssmmessages');
    expect(JSON.stringify(check.Properties.ApiEndpointHost)).toMatch(/Fn::Split.*Endpoint/);
    // Its function runs there, with the relay's group and the endpoint's name.
    const fnId = check.Properties.ServiceToken['Fn::GetAtt'][0];
    const fn = t.toJSON().Resources[fnId];
    expect(fn.Properties.VpcConfig.SubnetIds).toEqual([relaySubnet]);
    expect(JSON.stringify(fn.Properties.VpcConfig.SecurityGroupIds)).toContain(relayGroupId());
    expect(JSON.stringify(fn.Properties.Environment.Variables.PROBE_API_HOST)).toMatch(/Fn::Split/);
  });

  test('the relay instance waits for its check, and the check for the cluster security group\'s rule that admits the relay', () => {
    const [[checkId, check]] = relayChecks();
    const [[, instance]] = resourcesOfType(t, 'AWS::EC2::Instance').filter(([id]) => id.startsWith('RelayInstance'));
    expect(instance.DependsOn).toEqual(expect.arrayContaining([checkId]));
    const ingress = resourcesOfType(t, 'AWS::EC2::SecurityGroupIngress')
      .filter(([, r]) => JSON.stringify(r.Properties.SourceSecurityGroupId).includes(relayGroupId()));
    expect(ingress.length).toBeGreaterThan(0);
    expect(check.DependsOn).toEqual(expect.arrayContaining(ingress.map(([id]) => id)));
  });

  test('the nodes do not wait for the relay\'s check (it is outside the preflight construct), only for their own', () => {
    const [[relayCheckId]] = relayChecks();
    const nodeChecks = resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight').filter(([, r]) => r.Properties.ApiEndpointHost === undefined).map(([id]) => id);
    const [[, nodegroup]] = resourcesOfType(t, 'AWS::EKS::Nodegroup');
    expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(nodeChecks));
    expect(nodegroup.DependsOn).not.toContain(relayCheckId);
  });
});

describe('without the preflight', () => {
  test('a relay gets no check (nothing is created)', () => {
    const stack = newStack();
    const c = cluster(stack);
    new ApiRelay(stack, 'Relay', { cluster: c.cluster });
    Template.fromStack(stack).resourceCountIs('Custom::PrivateEksNetworkPreflight', 0);
  });
});

describe('addApiEndpointCheck misuse', () => {
  test('fails when given no security group, naming the fix', () => {
    const stack = newStack();
    const c = cluster(stack, { preflight: true });
    expect(() => c.preflight!.addApiEndpointCheck(stack, 'X', { endpointHost: API_HOST, subnets: c.vpc.selectSubnets().subnets, securityGroups: [] }))
      .toThrow(/no security group.*client's security groups/);
  });
});

describe('the API endpoint probe against local sockets', () => {
  let okPort: number;
  let refusedPort: number;
  const servers: net.Server[] = [];
  beforeAll(async () => {
    const listen = async () => {
      const s = net.createServer(sock => sock.end());
      await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
      return s;
    };
    const ok = await listen();
    servers.push(ok);
    okPort = (ok.address() as net.AddressInfo).port;
    const closed = await listen();
    refusedPort = (closed.address() as net.AddressInfo).port;
    await new Promise(r => closed.close(r));
  });
  afterAll(async () => { await Promise.all(servers.map(s => new Promise(r => s.close(r)))); });

  const cfg = (answer: string[] | 'NXDOMAIN', port: number) => ({
    services: [],
    vpcCidrs: ['127.0.0.0/8'],
    region: 'eu-west-1',
    urlSuffix: 'amazonaws.com',
    account: '123456789012',
    subnet: 'subnet-0relay',
    availabilityZone: 'eu-west-1a',
    apiHost: API_HOST,
    port,
    dnsTimeoutMs: 200,
    connectTimeoutMs: 300,
    httpsTimeoutMs: 500,
    budgetMs: 3000,
    resolve: async (host: string) => {
      if (host !== API_HOST || answer === 'NXDOMAIN') throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      return answer;
    },
  });

  test('a private answer that connects on the port is OK', async () => {
    const r = await probe.probeApiEndpoint(cfg(['127.0.0.1'], okPort));
    expect(r).toEqual(expect.objectContaining({ ok: true, service: 'eks-api', host: API_HOST, addresses: ['127.0.0.1'] }));
  });

  test('fails when the endpoint\'s name does not resolve, naming the VPC\'s DNS settings', async () => {
    const r = await probe.probeApiEndpoint(cfg('NXDOMAIN', okPort));
    expect(r.kind).toBe('API_DNS');
    expect(probe.formatLine(r)).toMatch(/FAIL eks-api .* does not resolve here \(NXDOMAIN\).*enableDnsSupport and enableDnsHostnames/);
  });

  test('fails when the endpoint resolves to a public address, naming private endpoint access', async () => {
    const r = await probe.probeApiEndpoint(cfg(['54.1.2.3'], okPort));
    expect(r.kind).toBe('API_PUBLIC_ADDRESS');
    expect(probe.formatLine(r)).toMatch(/public address\(es\) 54\.1\.2\.3.*private endpoint access is off.*endpointAccess PRIVATE/);
  });

  test('fails when the connection is refused, naming the cluster security group and the relay\'s', async () => {
    const r = await probe.probeApiEndpoint(cfg(['127.0.0.1'], refusedPort));
    expect(r.kind).toBe('API_CONNECT');
    expect(probe.formatLine(r))
      .toMatch(/TCP \d+ to the cluster API endpoint at 127\.0\.0\.1 failed \(ECONNREFUSED\).*cluster security group does not admit 443 from the relay's security group/);
  });

  test('a run from the relay\'s subnet (PROBE_API_HOST set) includes the endpoint beside the services; "-" means none', async () => {
    expect(probe.configFromEnv({ PROBE_API_HOST: API_HOST }).apiHost).toBe(API_HOST);
    expect(probe.configFromEnv({ PROBE_API_HOST: '-' }).apiHost).toBeUndefined();
    const results = await probe.runProbes(cfg(['127.0.0.1'], refusedPort));
    expect(results.map((r: { service: string }) => r.service)).toEqual(['eks-api']);
    const summary = probe.summarize(results, cfg(['127.0.0.1'], refusedPort));
    expect(summary.status).toBe('FAILED');
    expect(summary.reason).toMatch(/subnet subnet-0relay \(eu-west-1a\): 1 of 1 services unreachable\. eks-api \(ABCDEF.*\): TCP/);
  });
});
