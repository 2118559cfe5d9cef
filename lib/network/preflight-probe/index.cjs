'use strict';
// The network preflight probe: a Lambda handler that CloudFormation invokes directly (the custom resource's
// ServiceToken is this function's ARN). It runs in ONE node subnet and checks, for every service it is given, that the
// service's regional name resolves (to addresses inside the VPC CIDRs for interface endpoints), that TCP 443 connects,
// and for gateway services (S3) that an HTTPS request gets any HTTP answer. Then it answers CloudFormation.
//
// Plain CommonJS with no dependencies (Node.js 22 built-ins only), so it ships as a directory asset as it is. The
// `.cjs` extension keeps it CommonJS and out of the compiled-output patterns (/lib/**/*.js) in .gitignore; Lambda's
// Node.js runtimes load `index.cjs` for the handler `index.handler`
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html#nodejs-commonjs-es-modules).
//
// Every exit answers CloudFormation (or, when even the answer cannot get out, the custom resource's ServiceTimeout
// fails the stack); the whole run is capped by a time budget well under the function timeout.

const dns = require('dns');
const http = require('http');
const https = require('https');
const net = require('net');
const FAILURES = {
  ...require('./failures.json'),
  // The proxy's own failures: the probe's only (the bastion's doctor, which shares failures.json, does not probe a proxy).
  PROXY_DNS: {"problem": "DNS: the proxy {host} does not resolve here ({code})", "cause": "the proxy's name is in a private hosted zone not associated with this VPC, or a Resolver rule for it is missing", "fix": "associate the zone that holds {host} with this VPC (or forward its domain with a Resolver rule), or give the proxy as an IP address"},
  PROXY_CONNECT: {"problem": "TCP {port} to the proxy at {address} failed ({code})", "cause": "no route from {subnet} to the proxy's network (a Transit Gateway or peering route missing), a network ACL, or the proxy's security group does not admit this subnet", "fix": "route the proxy's CIDR from {subnet} (PrivateNetwork.attachToTransitGateway), and admit this subnet on the proxy's port"},
  // The cluster API endpoint as an API relay reaches it (the probe's only: it runs in the relay's subnet with the relay's
  // security group). With private endpoint access, EKS answers the endpoint's name inside the VPC from a private hosted
  // zone it manages, with the addresses of network interfaces in the cluster's subnets; the VPC needs DNS support and
  // DNS hostnames (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html, read 2026-12-07).
  API_DNS: {"problem": "DNS: the cluster API endpoint {host} does not resolve here ({code})", "cause": "the VPC's DNS support or DNS hostnames is off, or the DHCP options name a DNS server that does not know the endpoint's private hosted zone", "fix": "turn on enableDnsSupport and enableDnsHostnames on the VPC and keep AmazonProvidedDNS in its DHCP options"},
  API_PUBLIC_ADDRESS: {"problem": "the cluster API endpoint {host} resolves to public address(es) {addresses} here", "cause": "the cluster's private endpoint access is off, or the VPC's DNS hostnames is off, so the name answers with the public endpoint and the relay would need the internet", "fix": "use endpointAccess PRIVATE (or PUBLIC_AND_PRIVATE) and turn on enableDnsHostnames and enableDnsSupport on the VPC"},
  API_CONNECT: {"problem": "TCP {port} to the cluster API endpoint at {address} failed ({code})", "cause": "the cluster security group does not admit 443 from the relay's security group, the relay's security group has no 443 egress, or a network ACL of {subnet} or of the cluster's subnets blocks 443 or the return ports 1024-65535", "fix": "admit 443 from the relay's security group on the cluster security group (ApiRelay does; check overrides), and allow 443 and 1024-65535 in the network ACLs of {subnet} and of the cluster's subnets"},
};

/** Timeouts in milliseconds. The budget caps the whole run even when every probe times out. */
const DEFAULTS = {
  dnsTimeoutMs: 4000,
  connectTimeoutMs: 5000,
  httpsTimeoutMs: 8000,
  budgetMs: 25000,
  responseTimeoutMs: 10000,
  port: 443,
  s3Protocol: 'https:',
};

/** CloudFormation refuses a response body over 4096 bytes: the reason stays well under it. */
const MAX_REASON = 3000;

/** Services reached through a gateway endpoint (route table): their names resolve to public addresses by design. */
const GATEWAY_SERVICES = new Set(['s3', 'dynamodb']);

/**
 * The dual-stack DNS suffix of a partition, by its IPv4 suffix (`AWS::URLSuffix`). EKS Auth only has dual-stack names:
 * the AWS SDKs resolve it to `https://eks-auth.{Region}.{PartitionResult#dualStackDnsSuffix}`
 * (https://github.com/boto/botocore/blob/develop/botocore/data/eks-auth/2023-11-26/endpoint-rule-set-1.json, suffixes
 * from https://github.com/boto/botocore/blob/develop/botocore/data/partitions.json).
 */
const DUAL_STACK_SUFFIX = {
  'amazonaws.com': 'api.aws',
  'amazonaws.com.cn': 'api.amazonwebservices.com.cn',
  'amazonaws.eu': 'api.amazonwebservices.eu',
};

/**
 * The regional DNS name clients use for a VPC endpoint service (short name as in `com.amazonaws.<region>.<name>`).
 * Most are `<name>.<region>.<suffix>` (https://docs.aws.amazon.com/general/latest/gr/rande.html); ECR's API is
 * `api.ecr.<region>.<suffix>` and its registry `<account>.dkr.ecr.<region>.<suffix>`
 * (https://docs.aws.amazon.com/general/latest/gr/ecr.html); EKS Auth is `eks-auth.<region>.api.aws`
 * (`api.amazonwebservices.com.cn` in China, see DUAL_STACK_SUFFIX). `<suffix>` is `amazonaws.com`, or
 * `amazonaws.com.cn` in China.
 */
function serviceHost(service, { region, urlSuffix, account }) {
  switch (service) {
    case 'ecr.api': return `api.ecr.${region}.${urlSuffix}`;
    case 'ecr.dkr': return `${account}.dkr.ecr.${region}.${urlSuffix}`;
    case 'eks-auth': return `eks-auth.${region}.${DUAL_STACK_SUFFIX[urlSuffix] || urlSuffix}`;
    default: return `${service}.${region}.${urlSuffix}`;
  }
}

function ipToNumber(ip) {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Whether IPv4 `ip` is inside `cidr`. */
function inCidr(ip, cidr) {
  const [base, len] = cidr.split('/');
  const size = 2 ** (32 - Number(len));
  return Math.floor(ipToNumber(ip) / size) === Math.floor(ipToNumber(base) / size);
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** `vpc` (inside one of the CIDRs), `private` (RFC 1918 or 100.64/10, elsewhere) or `public`. */
function classifyAddress(ip, cidrs) {
  if (cidrs.some(c => inCidr(ip, c))) return 'vpc';
  if (PRIVATE_RANGES.some(c => inCidr(ip, c))) return 'private';
  return 'public';
}

/** Fills `{name}` placeholders of a failure template. */
function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (values[name] === undefined ? m : String(values[name])));
}

/** A failed result: the failure kind's problem, likely cause and fix, filled in. */
function failure(kind, base, values) {
  const v = { ...values, service: base.service, host: base.host, subnet: base.subnet, region: base.region };
  const t = FAILURES[kind];
  return { ...base, ok: false, kind, problem: fill(t.problem, v), cause: fill(t.cause, v), fix: fill(t.fix, v) };
}

/** Resolves a promise's value, or `onTimeout` after `ms`. */
function withTimeout(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise(resolve => { timer = setTimeout(() => resolve(onTimeout), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The real resolver: A records from the resolver in /etc/resolv.conf (the VPC resolver, in Lambda). */
function systemResolver(timeoutMs) {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(250, Math.floor(timeoutMs / 2)), tries: 2 });
  return host => resolver.resolve4(host);
}

/** Opens a TCP connection and closes it: `{ ok, code, ms }`. */
function tcpConnect(address, port, timeoutMs) {
  return new Promise(resolve => {
    const start = Date.now();
    const socket = net.connect({ host: address, port });
    const finish = (result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...result, ms: Date.now() - start });
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEDOUT' }), timeoutMs);
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', e => finish({ ok: false, code: e.code || 'ERROR' }));
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|ERR_TLS/;

/** One HEAD request to `host` at a resolved address: any HTTP status proves the route. `{ ok, status, code }`. */
function httpReach(host, address, port, protocol, timeoutMs) {
  return new Promise(resolve => {
    const mod = protocol === 'http:' ? http : https;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = mod.request({
      host,
      port,
      method: 'HEAD',
      path: '/',
      agent: false,
      // Connect to the address already resolved (and reported), while TLS still verifies the name.
      lookup: (_h, opts, cb) => (opts && opts.all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4)),
    }, res => {
      res.resume();
      finish({ ok: true, status: res.statusCode });
    });
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEDOUT' }), timeoutMs);
    req.on('error', e => finish({ ok: false, code: e.code || 'ERROR' }));
    req.end();
  });
}

/** Tenths of a second, for messages. */
const seconds = ms => Math.round(ms / 100) / 10;

/** A timeout cut to the run's budget: no timer outlives it (runProbes reports what it cut as NOT_FINISHED). */
function within(cfg, ms) {
  return cfg.deadline === undefined ? ms : Math.max(0, Math.min(ms, cfg.deadline - Date.now() + 50));
}

/** Resolves `host` within the DNS timeout: `{ addresses }`, or `{ code }` (ETIMEOUT, ENOTFOUND, ...). */
function resolveWithin(host, cfg) {
  return withTimeout(
    Promise.resolve().then(() => cfg.resolve(host)).then(a => ({ addresses: a }), e => ({ code: e.code || 'ERROR' })),
    within(cfg, cfg.dnsTimeoutMs), { code: 'ETIMEOUT' });
}

/**
 * TCP to `port` at every address (a client picks any of them, so one blocked Availability Zone fails one connection
 * in N): `{ ok: true, ms }` with the slowest, or `{ ok: false, address, code }` for the first that failed.
 */
async function connectAll(addresses, port, cfg) {
  const connects = await Promise.all(addresses.map(a => tcpConnect(a, port, within(cfg, cfg.connectTimeoutMs))));
  const badIndex = connects.findIndex(c => !c.ok);
  if (badIndex >= 0) return { ok: false, address: addresses[badIndex], code: connects[badIndex].code };
  return { ok: true, ms: Math.max(...connects.map(c => c.ms)) };
}

/**
 * Probes one service from here. Returns `{ service, host, addresses, ok, detail }` or, when it fails, with `kind`,
 * `problem`, `cause` and `fix`.
 */
async function probeService(service, cfg) {
  const start = Date.now();
  const host = serviceHost(service, cfg);
  const base = { service, host, subnet: cfg.subnet, region: cfg.region, addresses: [] };

  const answer = await resolveWithin(host, cfg);
  if (!answer.addresses) {
    if (answer.code === 'ETIMEOUT') return failure('DNS_TIMEOUT', base, { seconds: seconds(cfg.dnsTimeoutMs) });
    if (answer.code === 'ENOTFOUND' || answer.code === 'ENODATA') {
      return failure('DNS_NXDOMAIN', base, { code: answer.code === 'ENOTFOUND' ? 'NXDOMAIN' : 'no IPv4 address' });
    }
    return failure('DNS_ERROR', base, { code: answer.code });
  }
  const addresses = [...answer.addresses].sort();
  const found = { ...base, addresses };
  if (addresses.length === 0) return failure('DNS_NXDOMAIN', found, { code: 'no IPv4 address' });

  if (GATEWAY_SERVICES.has(service)) {
    const address = addresses[0];
    const r = await httpReach(host, address, cfg.port, cfg.s3Protocol, within(cfg, cfg.httpsTimeoutMs));
    if (r.ok) return { ...found, ok: true, detail: `HTTP ${r.status} in ${Date.now() - start} ms` };
    if (r.code === 'ETIMEDOUT') return failure('HTTPS_TIMEOUT', found, { address, seconds: seconds(cfg.httpsTimeoutMs) });
    return failure(TLS_CODES.test(r.code) ? 'HTTPS_TLS' : 'HTTPS_ERROR', found, { address, code: r.code });
  }

  // A service declared reachable by a route the app cannot see (a transit gateway to an egress VPC, a NAT) may
  // resolve to any address: only the connection proves it. An endpoint the app created must answer inside the VPC.
  if (!(cfg.anyAddress || []).includes(service)) {
    const kinds = addresses.map(a => classifyAddress(a, cfg.vpcCidrs));
    const publicOnes = addresses.filter((_a, i) => kinds[i] === 'public');
    if (publicOnes.length > 0) return failure('PUBLIC_ADDRESS', found, { addresses: publicOnes.join(', ') });
    const outside = addresses.filter((_a, i) => kinds[i] === 'private');
    if (outside.length > 0) return failure('OUTSIDE_CIDRS', found, { addresses: outside.join(', '), cidrs: cfg.vpcCidrs.join(', ') });
  }

  const c = await connectAll(addresses, cfg.port, cfg);
  if (!c.ok) {
    const values = { address: c.address, port: cfg.port, code: c.code, seconds: seconds(cfg.connectTimeoutMs) };
    if (c.code === 'ETIMEDOUT') return failure('CONNECT_TIMEOUT', found, values);
    if (c.code === 'ECONNREFUSED') return failure('CONNECT_REFUSED', found, values);
    return failure('CONNECT_ERROR', found, values);
  }
  return { ...found, ok: true, detail: `TCP ${cfg.port} connected in ${c.ms} ms` };
}

/**
 * Probes the HTTP(S) proxy (`host:port`): its name resolves here and TCP to its port connects. The proxy's own way out
 * is its business; what this subnet needs is the route to it.
 */
async function probeProxy(cfg) {
  const [host, portText] = cfg.proxy.split(':');
  const port = cfg.proxyPortOverride || Number(portText);
  const base = { service: 'proxy', host, subnet: cfg.subnet, region: cfg.region, addresses: [] };
  let addresses = [host];
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    const answer = await resolveWithin(host, cfg);
    if (!answer.addresses || answer.addresses.length === 0) {
      return failure('PROXY_DNS', base, { code: answer.code === 'ETIMEOUT' ? `no answer within ${seconds(cfg.dnsTimeoutMs)}s` : answer.code || 'no IPv4 address' });
    }
    addresses = [...answer.addresses].sort();
  }
  const found = { ...base, addresses };
  const c = await connectAll(addresses, port, cfg);
  if (!c.ok) {
    return failure('PROXY_CONNECT', found, { address: c.address, port, code: c.code === 'ETIMEDOUT' ? `timed out after ${seconds(cfg.connectTimeoutMs)}s` : c.code });
  }
  return { ...found, ok: true, detail: `TCP ${port} connected in ${c.ms} ms` };
}

/**
 * Probes the cluster API endpoint (`cfg.apiHost`) as an API relay reaches it: its name resolves here to private addresses
 * (a public answer means the relay would need the internet), and TCP 443 connects to every address.
 */
async function probeApiEndpoint(cfg) {
  const host = cfg.apiHost;
  const base = { service: 'eks-api', host, subnet: cfg.subnet, region: cfg.region, addresses: [] };
  const answer = await resolveWithin(host, cfg);
  if (!answer.addresses || answer.addresses.length === 0) {
    const code = answer.code === 'ETIMEOUT' ? `no answer within ${seconds(cfg.dnsTimeoutMs)}s`
      : answer.code === 'ENOTFOUND' ? 'NXDOMAIN' : answer.code || 'no IPv4 address';
    return failure('API_DNS', base, { code });
  }
  const addresses = [...answer.addresses].sort();
  const found = { ...base, addresses };
  // The endpoint's interfaces are in the cluster's subnets, inside the VPC; a private address elsewhere (a hub's
  // override) is left to the connection.
  const publicOnes = addresses.filter(a => classifyAddress(a, cfg.vpcCidrs) === 'public');
  if (publicOnes.length > 0) return failure('API_PUBLIC_ADDRESS', found, { addresses: publicOnes.join(', ') });
  const c = await connectAll(addresses, cfg.port, cfg);
  if (!c.ok) {
    return failure('API_CONNECT', found, { address: c.address, port: cfg.port, code: c.code === 'ETIMEDOUT' ? `timed out after ${seconds(cfg.connectTimeoutMs)}s` : c.code });
  }
  return { ...found, ok: true, detail: `TCP ${cfg.port} connected in ${c.ms} ms` };
}

/**
 * One probe within the run's budget: what it throws becomes `thrownKind`, what it does not finish NOT_FINISHED, both
 * named by `service` and `host`.
 */
function guarded(probe, service, host, thrownKind, cfg) {
  const base = { service, host, subnet: cfg.subnet, region: cfg.region, addresses: [] };
  return withTimeout(probe.catch(e => failure(thrownKind, base, { code: e.message })), cfg.budgetMs,
    failure('NOT_FINISHED', base, { seconds: cfg.budgetMs / 1000 }));
}

/** Probes every service (and the proxy) in parallel; finishes within the budget, reporting what did not finish. */
async function runProbes(config) {
  const cfg = { ...config, deadline: Date.now() + config.budgetMs };
  const proxy = cfg.proxy ? [guarded(probeProxy(cfg), 'proxy', cfg.proxy, 'PROXY_DNS', cfg)] : [];
  const api = cfg.apiHost ? [guarded(probeApiEndpoint(cfg), 'eks-api', cfg.apiHost, 'API_DNS', cfg)] : [];
  return Promise.all([...proxy, ...api, ...cfg.services.map(service => guarded(probeService(service, cfg), service, serviceHost(service, cfg), 'DNS_ERROR', cfg))]);
}

/** One line per service, as the doctor prints it and the log keeps it. */
function formatLine(r) {
  const addresses = `[${r.addresses.join(', ') || '-'}]`;
  return r.ok
    ? `OK   ${r.service} ${r.host} ${addresses} ${r.detail}`
    : `FAIL ${r.service} ${r.host} ${addresses} ${r.problem}. Likely cause: ${r.cause}. Fix: ${r.fix}.`;
}

/** The custom resource's status and reason: what the CloudFormation console shows. */
function summarize(results, cfg) {
  const where = `subnet ${cfg.subnet}${cfg.availabilityZone ? ` (${cfg.availabilityZone})` : ''}`;
  const failed = results.filter(r => !r.ok);
  if (failed.length === 0) {
    return { status: 'SUCCESS', reason: `Network preflight passed in ${where}: ${results.map(r => r.service).join(', ')} reachable.` };
  }
  let reason = `Network preflight failed in ${where}: ${failed.length} of ${results.length} services unreachable. `
    + failed.map(r => `${r.service} (${r.host}, addresses [${r.addresses.join(', ') || '-'}]): ${r.problem}. `
      + `Likely cause: ${r.cause}. Fix: ${r.fix}.`).join(' ');
  if (reason.length > MAX_REASON) {
    const tail = ` ... (truncated: every line is in the function's log${cfg.logStream ? `, stream ${cfg.logStream}` : ''})`;
    reason = reason.slice(0, MAX_REASON - tail.length) + tail;
  }
  return { status: 'FAILED', reason };
}

/** PUTs the response to CloudFormation's presigned URL (https; http only for local tests). */
function sendResponse(event, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const url = new URL(event.ResponseURL);
    const mod = url.protocol === 'http:' ? http : https;
    const data = JSON.stringify(body);
    const req = mod.request(url, {
      method: 'PUT',
      // The presigned URL was signed with no content type.
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(data) },
      timeout: timeoutMs,
    }, res => {
      res.resume();
      res.on('end', () => (res.statusCode >= 200 && res.statusCode < 300 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer from the response URL'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(data);
  });
}

function responseBody(event, status, reason, physicalId, data) {
  return {
    Status: status,
    Reason: reason,
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: data || {},
  };
}

function splitList(s) {
  return (s || '').split(',').map(x => x.trim()).filter(x => x !== '' && x !== '-');
}

/** The configuration from the function's environment (set by the NetworkPreflight construct). */
function configFromEnv(env) {
  return {
    services: splitList(env.PROBE_SERVICES),
    anyAddress: splitList(env.PROBE_ANY_ADDRESS),
    vpcCidrs: splitList(env.PROBE_VPC_CIDRS),
    region: env.PROBE_REGION,
    urlSuffix: env.PROBE_URL_SUFFIX,
    account: env.PROBE_ACCOUNT,
    subnet: env.PROBE_SUBNET_ID,
    availabilityZone: env.PROBE_AZ,
    proxy: env.PROBE_PROXY && env.PROBE_PROXY !== '-' ? env.PROBE_PROXY : undefined,
    // The cluster API endpoint's hostname, for the probe in an API relay's subnet.
    apiHost: env.PROBE_API_HOST && env.PROBE_API_HOST !== '-' ? env.PROBE_API_HOST : undefined,
  };
}

/**
 * The handler, with test seams: `overrides` replaces timeouts, the port, the S3 protocol and the resolver
 * (`resolve(host) => Promise<string[]>`, rejecting with `code` ENOTFOUND, ETIMEOUT, ...).
 */
function createHandler(overrides = {}) {
  return async (event, context) => {
    const cfg = { ...DEFAULTS, ...configFromEnv(process.env), ...overrides };
    cfg.logStream = context && context.logStreamName;
    if (!cfg.resolve) cfg.resolve = systemResolver(cfg.dnsTimeoutMs);
    const physicalId = event.PhysicalResourceId || `preflight-${cfg.subnet}`;

    let status;
    let reason;
    let data = {};
    if (event.RequestType === 'Delete') {
      // Nothing was created; a failed create is followed by this delete, which must not fail too.
      status = 'SUCCESS';
      reason = 'Nothing to delete.';
    } else {
      try {
        const results = await runProbes(cfg);
        for (const r of results) {
          console.log(JSON.stringify({
            preflight: r.ok ? 'OK' : 'FAIL', subnet: cfg.subnet, az: cfg.availabilityZone, service: r.service, host: r.host,
            addresses: r.addresses, kind: r.kind, line: formatLine(r),
          }));
        }
        ({ status, reason } = summarize(results, cfg));
        data = { Failed: results.filter(r => !r.ok).map(r => r.service).join(',') };
      } catch (e) {
        status = 'FAILED';
        reason = `Network preflight in subnet ${cfg.subnet} could not run: ${e && e.message}`;
      }
    }
    console.log(JSON.stringify({ preflight: 'RESULT', subnet: cfg.subnet, status, reason }));
    const body = responseBody(event, status, reason, physicalId, data);
    try {
      await sendResponse(event, body, cfg.responseTimeoutMs);
    } catch (e) {
      // Nothing else can be done: the custom resource's ServiceTimeout fails the stack.
      console.log(JSON.stringify({
        preflight: 'NO_ANSWER',
        error: `could not answer CloudFormation at the response URL (${e && (e.code || e.message)}): S3 is not reachable from this subnet (no S3 gateway endpoint?); the stack fails at the custom resource's ServiceTimeout`,
      }));
    }
    return body;
  };
}

module.exports = {
  handler: createHandler(),
  createHandler,
  probeService,
  runProbes,
  probeProxy,
  probeApiEndpoint,
  serviceHost,
  classifyAddress,
  summarize,
  formatLine,
  configFromEnv,
  DEFAULTS,
};
