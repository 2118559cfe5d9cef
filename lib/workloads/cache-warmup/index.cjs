'use strict';
// The pull-through cache warm-up: a Lambda handler that CloudFormation invokes directly (the custom resource's
// ServiceToken is this function's ARN). It runs OUTSIDE the VPC (Lambda's default networking, which reaches the
// internet), so ECR's first pull of each image through a cache rule happens here and not on nodes with no internet
// route. The ECR guide: "When an image is pulled using a pull through cache rule for the first time, if you've
// configured Amazon ECR to use an interface VPC endpoint ... you need to create a public subnet in the same VPC, with
// a NAT gateway ... Subsequent image pulls don't require this"
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html, Considerations, read 2026-12-05).
//
// It pulls each image the way a container runtime does, over the registry HTTP API
// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
//   1. a registry login: ecr:GetAuthorizationToken, whose token goes in `Authorization: Basic <token>` ("curl -i -H
//      "Authorization: Basic $TOKEN" https://aws_account_id.dkr.ecr.region.amazonaws.com/v2/...",
//      https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html); a registry that answers 401 with a
//      `WWW-Authenticate: Bearer realm=...` challenge gets the Docker token flow
//      (https://distribution.github.io/distribution/spec/auth/token/);
//   2. GET /v2/<name>/manifests/<reference> accepting OCI and Docker v2 manifests and indexes (manifest lists);
//   3. for an index, the manifests of the node architectures only (linux/amd64, linux/arm64). ECR imports the whole
//      list anyway: "When a multi-architecture image is pulled using a pull through cache rule, the manifest list and
//      each image referenced in the manifest list are pulled to the Amazon ECR repository" (pull-through-cache.html);
//   4. GET /v2/<name>/blobs/<digest> for the config and every layer, following redirects (ECR answers with a
//      redirect to S3; the Authorization header is not sent to another host) and discarding the bytes.
//
// Where the registry token may go (issue 30): the login is ECR's, for one registry, the host of the token's
// `proxyEndpoint` ("proxyEndpoint: The registry URL to use for this authorization token in a docker login command",
// ECR API reference, AuthorizationData, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_AuthorizationData.html,
// read 2026-12-07). An image whose host is not that registry is refused before any request; the Basic login goes to a
// Bearer realm only on that host; redirects are followed only over https and only to hosts under the partition's
// AWS domain (ECR's layers are in S3: "Amazon ECR uses Amazon S3 to store your image layers",
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, read 2026-12-07), never to another host.
//
// Plain CommonJS with no dependencies but the AWS SDK for JavaScript v3 that Lambda's Node.js runtimes include ("The
// AWS SDK for JavaScript (v3) is included by default in AWS Lambda Node.js 18 runtime",
// https://aws.amazon.com/blogs/developer/why-and-how-you-should-use-aws-sdk-for-javascript-v3-on-node-js-18/, read
// 2026-12-05), loaded only when no token function is given (tests give one). The `.cjs` extension keeps it CommonJS
// and out of the compiled-output patterns in .gitignore; Lambda loads `index.cjs` for `index.handler`.

const crypto = require('crypto');
const http = require('http');
const https = require('https');

/** Timeouts and limits. `budgetMs` caps the whole run below the function timeout, so CloudFormation always gets an answer. */
const DEFAULTS = {
  requestTimeoutMs: 60000,
  budgetMs: 13 * 60 * 1000,
  responseTimeoutMs: 10000,
  /** Attempts of one request that gets 429 or a 5xx (the first included). */
  attempts: 4,
  /** The longest `Retry-After` waited; longer ones fail at once with the wait in the reason. */
  maxRetryAfterMs: 60000,
  /** Backoff of a 5xx without Retry-After: 1 s, 2 s, 4 s ... */
  backoffMs: 1000,
  maxRedirects: 5,
  /** Images warmed at the same time. */
  concurrency: 3,
  /** `https:`; `http:` only for the tests' local registry. */
  protocol: 'https:',
  /** The hosts the registry login may go to; undefined: the host of the token's proxyEndpoint. */
  registryHosts: undefined,
  /** Where a redirect may lead (besides a registry host): hosts under the AWS domains; the tests add their store. */
  redirectHost: host => /(^|\.)amazonaws\.com(\.cn)?$/.test(host),
};

/** CloudFormation refuses a response body over 4096 bytes: the reason stays well under it. */
const MAX_REASON = 3000;

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
/** What a container runtime accepts: image manifests and indexes, OCI and Docker v2. */
const ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');

/** A failure of one image, with the words a person paged for ImagePullBackOff needs. */
class WarmupError extends Error {
  constructor(kind, message, fix) {
    super(message);
    this.kind = kind;
    this.fix = fix;
  }
}

/**
 * `<host>/<name>(:<tag>|@<digest>|:<tag>@<digest>)` -> `{ host, name, reference }`, with `tag` too when both are
 * written (the reference is then the digest).
 */
function parseImage(image) {
  const slash = image.indexOf('/');
  if (slash < 0) throw new WarmupError('BAD_IMAGE', `"${image}" has no registry host`, 'pass the image URI in the cache (cluster.imageUri(...))');
  const host = image.slice(0, slash);
  let rest = image.slice(slash + 1);
  let reference;
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      const tag = rest.slice(colon + 1);
      return { host, name: rest.slice(0, colon), reference, tag };
    }
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    } else {
      reference = 'latest';
    }
  }
  return { host, name: rest, reference };
}

/** Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date), or undefined. */
function retryAfterMs(value, now = Date.now()) {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(String(value).trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `Bearer realm="...",service="...",scope="..."` -> `{ realm, service, scope }`, or undefined for other schemes. */
function parseBearerChallenge(header) {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params.realm ? params : undefined;
}

/** One HTTP request. `discard`: count the body's bytes and keep none (blobs). */
function send(url, { method = 'GET', headers = {}, timeoutMs, discard = false }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'http:' ? http : https;
    const req = mod.request(u, { method, headers, timeout: timeoutMs }, res => {
      const chunks = [];
      let bytes = 0;
      res.on('data', c => {
        bytes += c.length;
        if (!discard || res.statusCode >= 300) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/** The registry's own error text (`{"errors":[{"code","message"}]}`), or the start of the body. */
function registryMessage(res) {
  const text = res.body.toString('utf8');
  try {
    const errors = JSON.parse(text).errors;
    if (Array.isArray(errors) && errors.length > 0) return errors.map(e => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch { /* not JSON */ }
  return text.slice(0, 200).trim() || `HTTP ${res.status}`;
}

/**
 * A client of one registry host: the login, the bearer challenge, redirects, and retries of 429 and 5xx within the
 * run's deadline.
 */
class RegistryClient {
  constructor(host, basicToken, cfg) {
    this.host = host;
    this.basic = `Basic ${basicToken}`;
    this.cfg = cfg;
    this.bearer = new Map();
  }

  url(path) {
    return `${this.cfg.protocol}//${this.host}${path}`;
  }

  /** GET a registry path for `name`, with auth, redirects and retries. Returns the final response. */
  async get(name, path, { accept, discard = false } = {}) {
    let auth = this.bearer.get(name) || this.basic;
    for (let attempt = 1; ; attempt++) {
      const res = await this.follow(this.url(path), auth, accept, discard);
      if (res.status === 401 && auth === this.basic) {
        const challenge = parseBearerChallenge(res.headers['www-authenticate']);
        if (challenge) {
          auth = await this.login(name, challenge);
          attempt--;
          continue;
        }
      }
      if ((res.status === 429 || res.status >= 500) && attempt < this.cfg.attempts) {
        const wait = retryAfterMs(res.headers['retry-after']) ?? this.cfg.backoffMs * 2 ** (attempt - 1);
        if (wait <= this.cfg.maxRetryAfterMs && Date.now() + wait < this.cfg.deadline) {
          await sleep(wait);
          continue;
        }
      }
      return res;
    }
  }

  /** The Docker token flow: GET <realm>?service=..&scope=.. with the registry login, then `Bearer <token>`. */
  async login(name, challenge) {
    const u = new URL(challenge.realm);
    if (u.protocol !== this.cfg.protocol || !this.cfg.registryHosts.includes(u.host)) {
      throw new WarmupError('REGISTRY', `the registry asked for the login at ${u.protocol}//${u.host}, which is not the cache's registry (${this.cfg.registryHosts.join(', ')}): the login is not sent there`,
        'pull the image through the cache in this account\'s registry (cluster.imageUri(...))');
    }
    if (challenge.service) u.searchParams.set('service', challenge.service);
    u.searchParams.set('scope', challenge.scope || `repository:${name}:pull`);
    const res = await send(u.toString(), { headers: { authorization: this.basic }, timeoutMs: this.cfg.requestTimeoutMs });
    if (res.status !== 200) {
      throw new WarmupError('CREDENTIALS', `the registry's token service ${u.host} refused the login (HTTP ${res.status}: ${registryMessage(res)})`,
        'give the warm-up function\'s role the cache\'s PullPolicy (cache.grantPull(role)), which includes ecr:GetAuthorizationToken');
    }
    let body;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      body = {};
    }
    const token = body.token || body.access_token;
    if (!token) throw new WarmupError('REGISTRY', `the registry's token service ${u.host} answered without a token`, 'check the registry');
    const bearer = `Bearer ${token}`;
    this.bearer.set(name, bearer);
    return bearer;
  }

  /** One GET and its redirects; the Authorization header goes only to the registry host itself. */
  async follow(url, auth, accept, discard) {
    let current = url;
    for (let hop = 0; hop <= this.cfg.maxRedirects; hop++) {
      const target = new URL(current);
      const sameHost = target.host === this.host;
      if (hop > 0 && (target.protocol !== this.cfg.protocol || !(sameHost || this.cfg.registryHosts.includes(target.host) || this.cfg.redirectHost(target.host)))) {
        throw new WarmupError('REGISTRY', `${url} redirected to ${target.protocol}//${target.host}, outside the registry and AWS's storage: not followed`,
          'check the cache rule and the registry; the warm-up follows redirects only over https to the registry or AWS hosts');
      }
      const headers = {};
      if (sameHost) headers.authorization = auth;
      if (accept) headers.accept = accept;
      const res = await send(current, { headers, timeoutMs: this.cfg.requestTimeoutMs, discard });
      if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.location) {
        current = new URL(res.headers.location, current).toString();
        continue;
      }
      return res;
    }
    throw new WarmupError('REGISTRY', `more than ${this.cfg.maxRedirects} redirects from ${url}`, 'check the registry');
  }
}

/** The failure of a registry answer, by status: what went wrong, for this image and upstream, and the fix. */
function failureOf(res, what, item) {
  const upstream = item.upstream || 'the upstream registry';
  const message = registryMessage(res);
  if (res.status === 404) {
    return new WarmupError('NOT_FOUND', `${what} was not found (HTTP 404: ${message}): ${upstream} has no ${item.source || item.image}`,
      `check that the tag or digest exists at ${upstream} (a typo, a tag that was removed, an image that is private upstream), then fix the image reference`);
  }
  if (res.status === 401 || res.status === 403) {
    return new WarmupError('CREDENTIALS', `${what} was refused (HTTP ${res.status}: ${message})`,
      `if the message names the function's role, grant it the cache's pull (cache.grantPull(role)); if ${upstream} refused ECR, `
      + 'check the rule\'s Secrets Manager secret (ecr-pullthroughcache/..., "username" and "accessToken") or its role, and that the image is readable with them');
  }
  if (res.status === 429) {
    const after = res.headers['retry-after'];
    return new WarmupError('RATE_LIMITED', `${what} was refused by a rate limit (HTTP 429${after ? `, Retry-After ${after}` : ''}: ${message}): ${upstream} limits pulls`,
      `deploy again later; for Docker Hub give the rule credentials of a paid or authenticated account (its anonymous pull limit is per IP address), or pull the image from a registry without the limit (ECR Public mirrors Docker official images as public.ecr.aws/docker/library/...)`);
  }
  return new WarmupError('REGISTRY', `${what} failed (HTTP ${res.status}: ${message})`,
    `deploy again; if it persists, check ${upstream}'s status and the cache rule (aws ecr describe-pull-through-cache-rules)`);
}

function parseJson(res, what) {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new WarmupError('REGISTRY', `${what} is not JSON`, 'check the registry');
  }
}

/** Warms one image: manifest (index -> the node architectures' manifests), then every blob. `{ manifests, blobs, bytes }`. */
async function warmImage(item, getClient, cfg) {
  const { host, name, reference, tag } = parseImage(item.image);
  if (!tag && reference.includes(':')) {
    // ECR imports on a first pull by tag, never by digest (aws/containers-roadmap#2837): refused at synth as well.
    throw new WarmupError('DIGEST_ONLY', `${name}@${reference} is pinned by digest only, and ECR's pull-through cache does not import an image on a first pull by digest`,
      `write it as ${name}:<tag>@${reference}: the warm-up pulls the tag and checks the digest`);
  }
  const client = await getClient(host);
  const stats = { manifests: 0, blobs: 0, bytes: 0 };

  const getManifest = async ref => {
    const what = `the manifest ${name}:${ref}`;
    const res = await client.get(name, `/v2/${name}/manifests/${ref}`, { accept: ACCEPT });
    if (res.status !== 200) throw failureOf(res, what, item);
    stats.manifests++;
    const body = parseJson(res, what);
    const type = body.mediaType || String(res.headers['content-type'] || '').split(';')[0].trim();
    const digest = res.headers['docker-content-digest'] || `sha256:${crypto.createHash('sha256').update(res.body).digest('hex')}`;
    return { body, type, digest };
  };

  let top;
  if (tag) {
    // `name:tag@digest`: pulled by the tag (what the cache imports), then the digest checked, then pulled by the
    // digest as the nodes will (from the cache now).
    const byTag = await getManifest(tag);
    if (byTag.digest !== reference) {
      throw new WarmupError('DIGEST_MISMATCH', `${name}:${tag} is ${byTag.digest} at ${item.upstream}, not the pinned ${reference}`,
        `the tag moved upstream: pin the digest ${tag} has now, or the tag that still has ${reference}`);
    }
    top = await getManifest(reference);
  } else {
    top = await getManifest(reference);
  }
  let images;
  if (INDEX_TYPES.has(top.type) || Array.isArray(top.body.manifests)) {
    const wanted = (top.body.manifests || []).filter(m => m.platform && m.platform.os === 'linux' && cfg.architectures.includes(m.platform.architecture));
    if (wanted.length === 0) {
      const offered = (top.body.manifests || []).map(m => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : 'unknown')).join(', ');
      throw new WarmupError('NO_PLATFORM', `${name}:${reference} is built for ${offered || 'no platform'}, not for the nodes (linux/${cfg.architectures.join(', linux/')})`,
        'use an image (or tag) built for the nodes\' architecture, or nodes of an architecture the image offers');
    }
    images = [];
    for (const m of wanted) images.push((await getManifest(m.digest)).body);
  } else if (MANIFEST_TYPES.has(top.type) || top.body.layers) {
    images = [top.body];
  } else {
    throw new WarmupError('REGISTRY', `${name}:${reference} has a manifest of type ${top.type || 'unknown'}, not an image manifest or index`,
      'pull container images through the cache (Helm charts and other artifacts are not warmed)');
  }

  const digests = [...new Set(images.flatMap(m => [m.config && m.config.digest, ...(m.layers || []).map(l => l.digest)]).filter(Boolean))];
  for (const digest of digests) {
    const res = await client.get(name, `/v2/${name}/blobs/${digest}`, { discard: true });
    if (res.status !== 200) throw failureOf(res, `the blob ${digest} of ${name}:${reference}`, item);
    stats.blobs++;
    stats.bytes += res.bytes;
  }
  return stats;
}

/** The registry login from ECR, with the AWS SDK for JavaScript v3 of the Lambda runtime. */
async function ecrToken(region) {
  // eslint-disable-next-line import/no-extraneous-dependencies
  const { ECRClient, GetAuthorizationTokenCommand } = require('@aws-sdk/client-ecr');
  const out = await new ECRClient({ region }).send(new GetAuthorizationTokenCommand({}));
  return { token: out.authorizationData[0].authorizationToken, endpoint: out.authorizationData[0].proxyEndpoint };
}

/** Warms every item, a few at a time, within the deadline. Results in the items' order: `{ item, ok, stats | error }`. */
async function warmAll(items, cfg) {
  const clients = new Map();
  let token;
  const getClient = async host => {
    if (!clients.has(host)) {
      if (token === undefined) {
        let login;
        try {
          login = await cfg.getToken(cfg.region);
        } catch (e) {
          throw new WarmupError('CREDENTIALS', `ecr:GetAuthorizationToken failed (${e && (e.name || e.code)}: ${e && e.message})`,
            'give the warm-up function\'s role ecr:GetAuthorizationToken (the cache\'s PullPolicy has it)');
        }
        token = typeof login === 'string' ? login : login.token;
        if (!cfg.registryHosts) cfg.registryHosts = login && login.endpoint ? [new URL(login.endpoint).host] : [];
      }
      if (!cfg.registryHosts.includes(host)) {
        throw new WarmupError('BAD_IMAGE', `${host} is not the cache's registry (${cfg.registryHosts.join(', ') || 'none known'}): the registry login is not sent to it`,
          'pass the image URI in the cache (cluster.imageUri(...))');
      }
      clients.set(host, new RegistryClient(host, token, cfg));
    }
    return clients.get(host);
  };
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      const start = Date.now();
      try {
        if (Date.now() >= cfg.deadline) throw new WarmupError('NOT_FINISHED', `not started within the run's ${Math.round(cfg.budgetMs / 1000)}s`, 'deploy again: images warmed already are not pulled again');
        const stats = await warmImage(item, getClient, cfg);
        results[i] = { item, ok: true, stats, ms: Date.now() - start };
      } catch (e) {
        const error = e instanceof WarmupError ? e : new WarmupError('NETWORK', `${e && (e.code || e.name)}: ${e && e.message}`,
          'deploy again; the function runs outside the VPC with Lambda\'s own internet access, so a lasting failure is on the registry\'s side');
        results[i] = { item, ok: false, error, ms: Date.now() - start };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(cfg.concurrency, items.length)) }, worker));
  return results;
}

/** The custom resource's status and reason. */
function summarize(results, skipped) {
  const failed = results.filter(r => !r.ok);
  const warmed = results.length - failed.length;
  if (failed.length === 0) {
    const blobs = results.reduce((n, r) => n + r.stats.blobs, 0);
    return {
      status: 'SUCCESS',
      reason: `Pull-through cache warmed: ${warmed} image(s), ${blobs} blob(s)${skipped ? `; ${skipped} warmed before` : ''}.`,
    };
  }
  let reason = `Pull-through cache warm-up failed for ${failed.length} of ${results.length} image(s); nodes with no internet route `
    + 'could not pull them through the cache (ImagePullBackOff). '
    + failed.map(r => `${r.item.image}${r.item.source ? ` (${r.item.source})` : ''} from ${r.item.upstream || 'the upstream'}: `
      + `${r.error.message}. Fix: ${r.error.fix}.`).join(' ');
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 60)} ... (truncated: every image is in the function's log)`;
  return { status: 'FAILED', reason };
}

/** `ResourceProperties.Images` -> `[{ image, upstream, source }]`. */
function itemsOf(props) {
  return ((props && props.Images) || []).map(i => (typeof i === 'string' ? { image: i } : { image: i.Image, upstream: i.Upstream, source: i.Source }));
}

function architecturesOf(props) {
  const list = (props && props.Architectures) || ['amd64'];
  return Array.isArray(list) ? list : String(list).split(',');
}

/**
 * What to pull: on Create every image; on Update only those not in the old properties (the architectures changed:
 * all); on Delete nothing.
 */
function planOf(event) {
  if (event.RequestType === 'Delete') return { items: [], skipped: 0 };
  const items = itemsOf(event.ResourceProperties);
  if (event.RequestType !== 'Update') return { items, skipped: 0 };
  const old = event.OldResourceProperties || {};
  if (architecturesOf(old).slice().sort().join(',') !== architecturesOf(event.ResourceProperties).slice().sort().join(',')) return { items, skipped: 0 };
  const before = new Set(itemsOf(old).map(i => i.image));
  const fresh = items.filter(i => !before.has(i.image));
  return { items: fresh, skipped: items.length - fresh.length };
}

/** PUTs the response to CloudFormation's presigned URL. */
function sendResponse(event, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const url = new URL(event.ResponseURL);
    const mod = url.protocol === 'http:' ? http : https;
    const data = JSON.stringify(body);
    const req = mod.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(data) },
      timeout: timeoutMs,
    }, res => {
      res.resume();
      res.on('end', () => (res.statusCode >= 200 && res.statusCode < 300 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('no answer from the response URL')));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * The handler, with test seams: `overrides` replaces the limits, the protocol, and `getToken(region)` (the ECR login).
 */
function createHandler(overrides = {}) {
  return async event => {
    const cfg = { ...DEFAULTS, region: process.env.AWS_REGION, getToken: ecrToken, ...overrides };
    cfg.deadline = Date.now() + cfg.budgetMs;
    cfg.architectures = architecturesOf(event.ResourceProperties);
    const physicalId = event.PhysicalResourceId || 'pull-through-cache-warmup';
    const { items, skipped } = planOf(event);
    let status;
    let reason;
    try {
      const results = await warmAll(items, cfg);
      for (const r of results) {
        console.log(JSON.stringify({
          warmup: r.ok ? 'OK' : 'FAIL', image: r.item.image, source: r.item.source, upstream: r.item.upstream, ms: r.ms,
          ...(r.ok ? r.stats : { kind: r.error.kind, problem: r.error.message, fix: r.error.fix }),
        }));
      }
      ({ status, reason } = summarize(results, skipped));
      if (event.RequestType === 'Delete') reason = 'Nothing to delete: cached images stay in ECR (the repositories\' lifecycle policy expires them).';
    } catch (e) {
      status = 'FAILED';
      reason = `Pull-through cache warm-up could not run: ${e && e.message}`;
    }
    console.log(JSON.stringify({ warmup: 'RESULT', status, reason }));
    const body = {
      Status: status,
      Reason: reason,
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: false,
      Data: {},
    };
    try {
      await sendResponse(event, body, cfg.responseTimeoutMs);
    } catch (e) {
      console.log(JSON.stringify({ warmup: 'NO_ANSWER', error: `could not answer CloudFormation (${e && e.message}); the stack fails at the custom resource's ServiceTimeout` }));
    }
    return body;
  };
}

module.exports = {
  handler: createHandler(),
  createHandler,
  warmAll,
  warmImage,
  planOf,
  parseImage,
  parseBearerChallenge,
  retryAfterMs,
  summarize,
  ACCEPT,
  DEFAULTS,
};
