import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

// The probe is plain CommonJS shipped as the Lambda asset: the tests load the very file Lambda runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const probe = require('../lib/network/preflight-probe/index.cjs');
const DOCTOR = path.join(__dirname, '..', 'lib', 'network', 'preflight-doctor.py');

type Answer = string[] | 'NXDOMAIN' | 'TIMEOUT' | 'SERVFAIL';

/** A stub resolver: the answers by name; unknown names do not exist. */
function stubResolver(answers: Record<string, Answer>) {
  return async (host: string): Promise<string[]> => {
    const a = answers[host] ?? 'NXDOMAIN';
    if (a === 'TIMEOUT') return new Promise<string[]>(() => undefined);
    if (a === 'NXDOMAIN') throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    if (a === 'SERVFAIL') throw Object.assign(new Error(`queryA ESERVFAIL ${host}`), { code: 'ESERVFAIL' });
    return a;
  };
}

const REGION = 'eu-west-1';
const HOST = {
  'ec2': 'ec2.eu-west-1.amazonaws.com',
  'ecr.api': 'api.ecr.eu-west-1.amazonaws.com',
  'ecr.dkr': '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  'sts': 'sts.eu-west-1.amazonaws.com',
  'logs': 'logs.eu-west-1.amazonaws.com',
  'eks': 'eks.eu-west-1.amazonaws.com',
  's3': 's3.eu-west-1.amazonaws.com',
};

const TIMEOUTS = { dnsTimeoutMs: 200, connectTimeoutMs: 300, httpsTimeoutMs: 500, budgetMs: 3000 };

/** The probe's configuration for a test: loopback is "the VPC", the port and protocol point at local servers. */
function config(services: string[], answers: Record<string, Answer>, port: number, extra: object = {}) {
  return {
    services,
    vpcCidrs: ['127.0.0.0/8'],
    region: REGION,
    urlSuffix: 'amazonaws.com',
    account: '123456789012',
    subnet: 'subnet-0aaa',
    availabilityZone: 'eu-west-1a',
    port,
    s3Protocol: 'http:',
    resolve: stubResolver(answers),
    ...TIMEOUTS,
    ...extra,
  };
}

const servers: Array<net.Server> = [];
const children: ChildProcess[] = [];

/** An HTTP server on 127.0.0.1 that answers every request 403 (what S3 says to an unsigned HEAD /). TCP connects succeed. */
async function s3LikeServer(): Promise<number> {
  const server = http.createServer((_req, res) => { res.statusCode = 403; res.end(); });
  servers.push(server);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/**
 * A port held by a python3 child for the whole file, set up by `lines` (which print the port), and proven to give
 * `kind` to a probe before any test relies on it.
 */
async function heldPort(lines: string[], kind: string, connectTimeoutMs: number): Promise<number> {
  const child = spawn('python3', ['-c', lines.join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', d => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  const check = await probe.probeService('ec2', config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, port, { connectTimeoutMs }));
  if (check.kind !== kind) throw new Error(`the held port gave ${check.kind}, not ${kind}: ${JSON.stringify(check)}`);
  return port;
}

/**
 * A port whose connections are refused: a socket bound to it that does not listen (Linux answers a SYN with a reset).
 * A port closed after a listen(0) is free for the next listen(0) of this or another jest worker, and then answers:
 * a flaky test.
 */
function closedPort(): Promise<number> {
  return heldPort([
    'import socket, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0))',
    'print(s.getsockname()[1], flush=True)',
    'time.sleep(120)',
  ], 'CONNECT_REFUSED', 2000);
}

/**
 * A port whose connections never complete: a listening socket with a backlog of 0 that never accepts, its accept queue
 * already full, so Linux drops every further SYN. Deterministic offline, unlike an unroutable address.
 */
function blackholePort(): Promise<number> {
  return heldPort([
    'import socket, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'port = s.getsockname()[1]',
    'fill = []',
    'for _ in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'time.sleep(0.2)',
    'print(port, flush=True)',
    'time.sleep(120)',
  ], 'CONNECT_TIMEOUT', 200);
}

let okPort: number;
let refusedPort: number;
let silentPort: number;

beforeAll(async () => {
  okPort = await s3LikeServer();
  refusedPort = await closedPort();
  silentPort = await blackholePort();
});

afterAll(async () => {
  for (const c of children) c.kill();
  await Promise.all(servers.map(s => new Promise(r => s.close(r))));
});

describe('regional DNS names', () => {
  test.each([
    ['ec2', 'amazonaws.com', 'ec2.eu-west-1.amazonaws.com'],
    ['ecr.api', 'amazonaws.com', 'api.ecr.eu-west-1.amazonaws.com'],
    ['ecr.dkr', 'amazonaws.com', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['eks-auth', 'amazonaws.com', 'eks-auth.eu-west-1.api.aws'],
    ['s3', 'amazonaws.com', 's3.eu-west-1.amazonaws.com'],
    ['ssmmessages', 'amazonaws.com', 'ssmmessages.eu-west-1.amazonaws.com'],
    ['ecr.api', 'amazonaws.com.cn', 'api.ecr.eu-west-1.amazonaws.com.cn'],
    ['eks-auth', 'amazonaws.com.cn', 'eks-auth.eu-west-1.api.amazonwebservices.com.cn'],
  ])('%s with suffix %s is %s', (service, urlSuffix, host) => {
    expect(probe.serviceHost(service, { region: REGION, urlSuffix, account: '123456789012' })).toBe(host);
  });

  test('addresses are classified against the VPC CIDRs, then the private ranges', () => {
    expect(probe.classifyAddress('10.1.2.3', ['10.1.0.0/16'])).toBe('vpc');
    expect(probe.classifyAddress('10.2.2.3', ['10.1.0.0/16'])).toBe('private');
    expect(probe.classifyAddress('100.64.0.9', ['10.1.0.0/16'])).toBe('private');
    expect(probe.classifyAddress('52.94.0.10', ['10.1.0.0/16'])).toBe('public');
  });
});

describe('the proxy probe against real sockets', () => {
  test('a proxy whose name resolves and whose port connects is OK, beside the services', async () => {
    const results = await probe.runProbes(config(['ec2'], { [HOST.ec2]: ['127.0.0.1'], 'proxy.egress.internal': ['127.0.0.1'] }, okPort,
      { proxy: `proxy.egress.internal:${okPort}`, budgetMs: 3000 }));
    expect(results.map((r: any) => [r.service, r.ok])).toEqual([['proxy', true], ['ec2', true]]);
    expect(results[0].detail).toMatch(new RegExp(`^TCP ${okPort} connected`));
  });

  test('fails when the proxy\'s name does not resolve here, naming the zone to associate', async () => {
    const r = await probe.probeProxy({ ...config([], {}, okPort), proxy: 'proxy.egress.internal:3128' });
    expect(r).toMatchObject({ ok: false, kind: 'PROXY_DNS', service: 'proxy', host: 'proxy.egress.internal' });
    expect(probe.formatLine(r)).toMatch(/FAIL proxy proxy.egress.internal \[-\] DNS: the proxy proxy.egress.internal does not resolve here \(ENOTFOUND\).*associate the zone/);
  });

  test('fails when nothing answers at the proxy\'s port, naming the route to its CIDR', async () => {
    const r = await probe.probeProxy({ ...config([], {}, okPort), proxy: `127.0.0.1:${silentPort}` });
    expect(r).toMatchObject({ ok: false, kind: 'PROXY_CONNECT', addresses: ['127.0.0.1'] });
    expect(probe.formatLine(r)).toMatch(/timed out after 0.3s.*attachToTransitGateway/);
  });

  test('the proxy comes from PROBE_PROXY, and "-" means none', () => {
    expect(probe.configFromEnv({ PROBE_PROXY: 'proxy.corp.internal:3128' }).proxy).toBe('proxy.corp.internal:3128');
    expect(probe.configFromEnv({ PROBE_PROXY: '-' }).proxy).toBeUndefined();
  });
});

describe('one service probe against real sockets', () => {
  test('a private answer inside the VPC that connects is OK', async () => {
    const r = await probe.probeService('ec2', config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, okPort));
    expect(r).toMatchObject({ ok: true, service: 'ec2', host: HOST.ec2, addresses: ['127.0.0.1'] });
    expect(r.detail).toMatch(new RegExp(`^TCP ${okPort} connected in \\d+ ms$`));
  });

  test('fails when an interface service resolves to a public address, naming private DNS', async () => {
    const r = await probe.probeService('ecr.api', config(['ecr.api'], { [HOST['ecr.api']]: ['52.94.0.10'] }, okPort));
    expect(r).toMatchObject({ ok: false, kind: 'PUBLIC_ADDRESS', addresses: ['52.94.0.10'] });
    expect(r.problem).toBe('api.ecr.eu-west-1.amazonaws.com resolves to public address(es) 52.94.0.10');
    expect(r.cause).toMatch(/com\.amazonaws\.eu-west-1\.ecr\.api is missing, has private DNS off, or lives in a hub VPC whose private hosted zone is not associated/);
  });

  test('a declared service (reached by a route the app cannot see) may answer at any address: the connection decides', async () => {
    const reached = await probe.probeService('sts', { ...config(['sts'], { [HOST.sts]: ['127.0.0.1'] }, okPort), vpcCidrs: ['10.1.0.0/16'], anyAddress: ['sts'] });
    expect(reached).toMatchObject({ ok: true, service: 'sts' });
    const notDeclared = await probe.probeService('sts', { ...config(['sts'], { [HOST.sts]: ['127.0.0.1'] }, okPort), vpcCidrs: ['10.1.0.0/16'] });
    expect(notDeclared).toMatchObject({ ok: false, kind: 'PUBLIC_ADDRESS' });
    const blocked = await probe.probeService('sts', { ...config(['sts'], { [HOST.sts]: ['127.0.0.1'] }, refusedPort), anyAddress: ['sts'] });
    expect(blocked).toMatchObject({ ok: false, kind: 'CONNECT_REFUSED' });
    expect(probe.configFromEnv({ PROBE_SERVICES: 'sts,ec2', PROBE_ANY_ADDRESS: '-' }).anyAddress).toEqual([]);
    expect(probe.configFromEnv({ PROBE_SERVICES: 'sts,ec2', PROBE_ANY_ADDRESS: 'sts' }).anyAddress).toEqual(['sts']);
  });

  test('fails when the answer is private but outside the CIDRs, naming vpcCidrs', async () => {
    const r = await probe.probeService('logs', config(['logs'], { [HOST.logs]: ['10.9.0.5'] }, okPort));
    expect(r).toMatchObject({ ok: false, kind: 'OUTSIDE_CIDRS' });
    expect(r.problem).toBe('logs.eu-west-1.amazonaws.com resolves to 10.9.0.5, outside 127.0.0.0/8');
    expect(r.fix).toMatch(/add the hub's CIDR to vpcCidrs/);
  });

  test('fails on NXDOMAIN', async () => {
    const r = await probe.probeService('ecr.dkr', config(['ecr.dkr'], {}, okPort));
    expect(r).toMatchObject({ ok: false, kind: 'DNS_NXDOMAIN', addresses: [] });
    expect(r.problem).toBe('DNS: 123456789012.dkr.ecr.eu-west-1.amazonaws.com does not exist here (NXDOMAIN)');
  });

  test('fails on a DNS timeout within the DNS timeout', async () => {
    const start = Date.now();
    const r = await probe.probeService('sts', config(['sts'], { [HOST.sts]: 'TIMEOUT' }, okPort));
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.dnsTimeoutMs + 300);
    expect(r).toMatchObject({ ok: false, kind: 'DNS_TIMEOUT', problem: 'DNS: no answer for sts.eu-west-1.amazonaws.com within 0.2s' });
    expect(r.cause).toMatch(/enableDnsSupport/);
  });

  test('fails on a resolver error (SERVFAIL)', async () => {
    const r = await probe.probeService('sts', config(['sts'], { [HOST.sts]: 'SERVFAIL' }, okPort));
    expect(r).toMatchObject({ ok: false, kind: 'DNS_ERROR', problem: 'DNS: the query for sts.eu-west-1.amazonaws.com failed (ESERVFAIL)' });
  });

  test('fails when the connection is refused', async () => {
    const r = await probe.probeService('ec2', config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, refusedPort));
    expect(r).toMatchObject({ ok: false, kind: 'CONNECT_REFUSED', problem: `TCP ${refusedPort} to 127.0.0.1 was refused` });
  });

  test('fails on a connect timeout, naming security groups, network ACLs and the subnet\'s route table', async () => {
    const start = Date.now();
    const r = await probe.probeService('ec2', config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, silentPort));
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.dnsTimeoutMs + TIMEOUTS.connectTimeoutMs + 300);
    expect(r).toMatchObject({ ok: false, kind: 'CONNECT_TIMEOUT', problem: `TCP ${silentPort} to 127.0.0.1 timed out after 0.3s` });
    expect(r.cause).toMatch(/security group .* network ACL/);
    expect(r.fix).toMatch(/route table of subnet-0aaa/);
  });

  test('one blocked address of several fails the service', async () => {
    // 127.0.0.1 accepts (okPort) but 127.0.0.2 has nothing on that port.
    const r = await probe.probeService('ec2', config(['ec2'], { [HOST.ec2]: ['127.0.0.1', '127.0.0.2'] }, okPort));
    expect(r).toMatchObject({ ok: false, kind: 'CONNECT_REFUSED', problem: `TCP ${okPort} to 127.0.0.2 was refused` });
  });

  test('S3 is reachable when any HTTP status comes back (403), at a public address', async () => {
    const r = await probe.probeService('s3', config(['s3'], { [HOST.s3]: ['127.0.0.1'] }, okPort, { vpcCidrs: ['10.0.0.0/16'] }));
    expect(r).toMatchObject({ ok: true, service: 's3', host: HOST.s3 });
    expect(r.detail).toMatch(/^HTTP 403 in \d+ ms$/);
  });

  test('fails when S3 does not answer, naming the gateway endpoint', async () => {
    const r = await probe.probeService('s3', config(['s3'], { [HOST.s3]: ['127.0.0.1'] }, silentPort));
    expect(r).toMatchObject({ ok: false, kind: 'HTTPS_TIMEOUT' });
    expect(r.fix).toMatch(/add the s3 gateway endpoint to the route table of subnet-0aaa/);
  });
});

describe('a whole run', () => {
  test('finishes within the budget when every probe would time out', async () => {
    const services = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 's3'];
    const answers = Object.fromEntries(services.map(s => [probe.serviceHost(s, { region: REGION, urlSuffix: 'amazonaws.com', account: '123456789012' }), 'TIMEOUT' as Answer]));
    const start = Date.now();
    // DNS alone would take 5 s per service: the 600 ms budget ends the run.
    const results = await probe.runProbes(config(services, answers, silentPort, { dnsTimeoutMs: 5000, budgetMs: 600 }));
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(1000);
    expect(results.map((r: any) => `${r.service} ${r.kind}`)).toEqual(services.map(s => `${s} NOT_FINISHED`));
  });

  test('probes run in parallel: five connect timeouts take one timeout, not five', async () => {
    const services = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs'];
    const answers = Object.fromEntries(services.map(s => [probe.serviceHost(s, { region: REGION, urlSuffix: 'amazonaws.com', account: '123456789012' }), ['127.0.0.1'] as Answer]));
    const start = Date.now();
    const results = await probe.runProbes(config(services, answers, silentPort));
    expect(Date.now() - start).toBeLessThan(TIMEOUTS.connectTimeoutMs * 2);
    expect(results.every((r: any) => r.kind === 'CONNECT_TIMEOUT')).toBe(true);
  });
});

/** A local stand-in for CloudFormation's presigned response URL: records the PUT bodies. */
async function responseServer(): Promise<{ url: string; bodies: any[]; methods: string[] }> {
  const bodies: any[] = [];
  const methods: string[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', d => { data += d; });
    req.on('end', () => { methods.push(req.method!); bodies.push(JSON.parse(data)); res.end(); });
  });
  servers.push(server);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/response?X-Amz-Signature=x`, bodies, methods };
}

function event(requestType: string, responseURL: string) {
  return {
    RequestType: requestType,
    ResponseURL: responseURL,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/1',
    RequestId: 'req-1',
    LogicalResourceId: 'PreflightCheck1',
    ResourceType: 'Custom::PrivateEksNetworkPreflight',
    ResourceProperties: {},
  };
}

describe('the answer to CloudFormation', () => {
  let log: jest.SpyInstance;
  beforeEach(() => { log = jest.spyOn(console, 'log').mockImplementation(() => undefined); });
  afterEach(() => log.mockRestore());

  test('FAILED with a reason naming the subnet, the service, the name, the addresses and the cause', async () => {
    const cfn = await responseServer();
    const handler = probe.createHandler(config(['ec2', 'ecr.api'], { [HOST.ec2]: ['127.0.0.1'], [HOST['ecr.api']]: ['52.94.0.10'] }, okPort));
    await handler(event('Create', cfn.url), { logStreamName: 'stream-1' });
    expect(cfn.methods).toEqual(['PUT']);
    const body = cfn.bodies[0];
    expect(body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'preflight-subnet-0aaa',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/S/1',
      RequestId: 'req-1',
      LogicalResourceId: 'PreflightCheck1',
      Data: { Failed: 'ecr.api' },
    });
    expect(body.Reason).toBe(
      'Network preflight failed in subnet subnet-0aaa (eu-west-1a): 1 of 2 services unreachable. '
      + 'ecr.api (api.ecr.eu-west-1.amazonaws.com, addresses [52.94.0.10]): api.ecr.eu-west-1.amazonaws.com resolves to public address(es) 52.94.0.10. '
      + 'Likely cause: there is no private DNS answer for ecr.api: the interface endpoint com.amazonaws.eu-west-1.ecr.api is missing, has private DNS off, '
      + 'or lives in a hub VPC whose private hosted zone is not associated with this VPC; the traffic would need a NAT gateway and the internet. '
      + 'Fix: create the ecr.api interface endpoint in this VPC with private DNS enabled, or associate the hub VPC\'s private hosted zone for '
      + 'api.ecr.eu-west-1.amazonaws.com with this VPC.');
    // One JSON log line per service, then the result.
    const lines = log.mock.calls.map(c => JSON.parse(c[0]));
    expect(lines.map(l => l.preflight)).toEqual(['OK', 'FAIL', 'RESULT']);
    expect(lines[1].line).toMatch(/^FAIL ecr\.api api\.ecr\.eu-west-1\.amazonaws\.com \[52\.94\.0\.10\] /);
  });

  test('SUCCESS when every service passes', async () => {
    const cfn = await responseServer();
    const handler = probe.createHandler(config(['ec2', 's3'], { [HOST.ec2]: ['127.0.0.1'], [HOST.s3]: ['127.0.0.1'] }, okPort));
    await handler(event('Create', cfn.url), {});
    expect(cfn.bodies[0]).toMatchObject({ Status: 'SUCCESS', Reason: 'Network preflight passed in subnet subnet-0aaa (eu-west-1a): ec2, s3 reachable.' });
  });

  test('an update keeps the physical ID', async () => {
    const cfn = await responseServer();
    const handler = probe.createHandler(config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, okPort));
    await handler({ ...event('Update', cfn.url), PhysicalResourceId: 'preflight-old' }, {});
    expect(cfn.bodies[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'preflight-old' });
  });

  test('Delete answers SUCCESS at once, without probing', async () => {
    const cfn = await responseServer();
    const resolve = jest.fn(stubResolver({}));
    const handler = probe.createHandler(config(['ec2'], {}, silentPort, { resolve }));
    const start = Date.now();
    await handler({ ...event('Delete', cfn.url), PhysicalResourceId: 'preflight-subnet-0aaa' }, {});
    expect(Date.now() - start).toBeLessThan(200);
    expect(resolve).not.toHaveBeenCalled();
    expect(cfn.bodies[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'preflight-subnet-0aaa' });
  });

  test('a long reason is cut to fit CloudFormation\'s 4 KB response, pointing at the log', async () => {
    const cfn = await responseServer();
    const services = ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs', 'eks', 'ssm', 'ssmmessages', 'ec2messages', 'kms'];
    const handler = probe.createHandler(config(services, {}, okPort));
    await handler(event('Create', cfn.url), { logStreamName: '2026/01/01/[$LATEST]abc' });
    const body = cfn.bodies[0];
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(4096);
    expect(body.Reason).toMatch(/^Network preflight failed in subnet subnet-0aaa \(eu-west-1a\): 10 of 10 services unreachable\./);
    expect(body.Reason).toMatch(/\(truncated: every line is in the function's log, stream 2026\/01\/01\/\[\$LATEST\]abc\)$/);
  });

  test('when the response URL cannot be reached the handler still ends (the ServiceTimeout takes over)', async () => {
    const handler = probe.createHandler(config(['ec2'], { [HOST.ec2]: ['127.0.0.1'] }, okPort));
    const body = await handler(event('Create', `http://127.0.0.1:${refusedPort}/response`), {});
    expect(body.Status).toBe('SUCCESS');
    const last = JSON.parse(log.mock.calls[log.mock.calls.length - 1][0]);
    expect(last.preflight).toBe('NO_ANSWER');
    expect(last.error).toMatch(/ServiceTimeout/);
  });
});

describe('private-eks-doctor (python3 twin)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-doctor-'));

  /** Runs the doctor with a stub resolver; resolves with its exit code and output (asynchronously: the servers it talks to live in this process). */
  function runDoctor(services: string[], answers: Record<string, Answer>, port: number, budgetMs = TIMEOUTS.budgetMs)
    : Promise<{ code: number; lines: string[] }> {
    const configFile = path.join(dir, `config-${port}-${services.join('_')}.json`);
    fs.writeFileSync(configFile, JSON.stringify({ services, vpcCidrs: ['127.0.0.0/8'], region: REGION, urlSuffix: 'amazonaws.com', account: '123456789012' }));
    const args = [DOCTOR, '--config', configFile, '--subnet', 'subnet-0aaa', '--port', String(port), '--s3-protocol', 'http:',
      '--dns-timeout', String(TIMEOUTS.dnsTimeoutMs), '--connect-timeout', String(TIMEOUTS.connectTimeoutMs),
      '--https-timeout', String(TIMEOUTS.httpsTimeoutMs), '--budget', String(budgetMs)];
    const stub = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v === 'SERVFAIL' ? 'NXDOMAIN' : v]));
    return new Promise(resolve => {
      execFile('python3', args, { env: { ...process.env, PRIVATE_EKS_DOCTOR_STUB_DNS: JSON.stringify(stub) } }, (err, stdout) => {
        resolve({ code: err ? (err as any).code : 0, lines: stdout.trim().split('\n') });
      });
    });
  }

  const normalize = (line: string) => line.replace(/\d+ ms/g, 'N ms');

  test.each([
    ['reachable, public, outside the CIDRs, NXDOMAIN, DNS timeout, S3 403', 'ok'],
    ['refused, S3 refused', 'refused'],
    ['connect timeout, S3 timeout', 'silent'],
  ])('prints the same lines as the Lambda probe: %s', async (_name, which) => {
    const port = which === 'ok' ? okPort : which === 'refused' ? refusedPort : silentPort;
    const services = which === 'ok' ? ['ec2', 'ecr.api', 'logs', 'ecr.dkr', 'sts', 's3'] : ['ec2', 's3'];
    const answers: Record<string, Answer> = {
      [HOST.ec2]: ['127.0.0.1'],
      [HOST['ecr.api']]: ['52.94.0.10'],
      [HOST.logs]: ['10.9.0.5'],
      [HOST.sts]: 'TIMEOUT',
      [HOST.s3]: ['127.0.0.1'],
    };
    const [doctor, lambdaResults] = await Promise.all([
      runDoctor(services, answers, port),
      probe.runProbes(config(services, answers, port)),
    ]);
    const expected = lambdaResults.map((r: any) => normalize(probe.formatLine(r)));
    expect(doctor.lines.map(normalize)).toEqual(expected);
    expect(doctor.code).toBe(lambdaResults.every((r: any) => r.ok) ? 0 : 1);
    if (which === 'ok') {
      expect(expected[0]).toMatch(/^OK {3}ec2 ec2\.eu-west-1\.amazonaws\.com \[127\.0\.0\.1\] TCP \d+ connected in N ms$/);
      expect(expected.slice(1, 5).every((l: string) => l.startsWith('FAIL '))).toBe(true);
      expect(expected[5]).toBe(`OK   s3 ${HOST.s3} [127.0.0.1] HTTP 403 in N ms`);
    }
  });

  test('exits 0 when every service passes, and ends within its budget when DNS never answers', async () => {
    expect((await runDoctor(['ec2', 's3'], { [HOST.ec2]: ['127.0.0.1'], [HOST.s3]: ['127.0.0.1'] }, okPort)).code).toBe(0);
    const start = Date.now();
    const stuck = await runDoctor(['ec2'], { [HOST.ec2]: 'TIMEOUT' }, okPort, 100);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(stuck.code).toBe(1);
    expect(stuck.lines[0]).toMatch(/^FAIL ec2 ec2\.eu-west-1\.amazonaws\.com \[-\] /);
  });
});
