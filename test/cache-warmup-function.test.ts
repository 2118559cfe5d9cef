import { createHash } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

// The warm-up is plain CommonJS shipped as the Lambda asset: the tests load the very file Lambda runs, against a fake
// registry on 127.0.0.1 that speaks the distribution API (token auth, manifest lists, redirected blobs, 404, 429).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const warmup = require('../lib/workloads/cache-warmup/index.cjs');

const TOKEN = Buffer.from('AWS:secret-password').toString('base64');
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

interface FakeRegistry {
  host: string;
  /** Every request the registry and the blob store got: `<method> <path> <authorization or ->`. */
  log: string[];
  /** Paths answered 429 `remaining` more times (Retry-After: `retryAfter` seconds). */
  limit(path: string, remaining: number, retryAfter: string): void;
}

const servers: http.Server[] = [];
/** The registry the ECR login is for (the token's proxyEndpoint): the newest fake registry. */
let loginRegistry = '';
// The handler logs one JSON line per image (the function's log): kept out of the test output.
beforeAll(() => { jest.spyOn(console, 'log').mockImplementation(() => undefined); });
afterAll(() => { servers.forEach(s => s.close()); jest.restoreAllMocks(); });

function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/**
 * A registry with: `busybox` (an OCI index for amd64, arm64 and an attestation), `single` (a Docker v2 manifest),
 * `windows-only` (an index with only windows/amd64). Blobs redirect to a second server (the "S3" of the fake), which
 * refuses requests that carry the registry's Authorization header. The registry asks for a Bearer token
 * (WWW-Authenticate) obtained at /token with the Basic login.
 */
async function fakeRegistry(): Promise<FakeRegistry> {
  const log: string[] = [];
  const limits = new Map<string, { remaining: number; retryAfter: string }>();
  const blobs = new Map<string, string>();
  const blob = (content: string) => { const d = digest(content); blobs.set(d, content); return d; };
  const image = (arch: string, mediaType = MANIFEST) => JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(`config-${arch}`), size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob(`layer-${arch}-${'x'.repeat(50000)}`), size: 50000 }],
  });
  const manifests = new Map<string, { type: string; body: string }>();
  const put = (name: string, refs: string[], type: string, body: string) => {
    for (const r of [...refs, digest(body)]) manifests.set(`${name}@${r}`, { type, body });
    return digest(body);
  };
  const amd = put('ecr-public/docker/library/busybox', [], MANIFEST, image('amd64'));
  const arm = put('ecr-public/docker/library/busybox', [], MANIFEST, image('arm64'));
  const att = put('ecr-public/docker/library/busybox', [], MANIFEST, image('attestation'));
  put('ecr-public/docker/library/busybox', ['1.37'], INDEX, JSON.stringify({
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: [
      { mediaType: MANIFEST, digest: amd, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: MANIFEST, digest: arm, size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: MANIFEST, digest: att, size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
    ],
  }));
  put('docker-hub/library/single', ['1.0'], DOCKER_MANIFEST, image('single', DOCKER_MANIFEST));
  put('k8s/windows-only', ['1.0'], LIST, JSON.stringify({
    schemaVersion: 2,
    mediaType: LIST,
    manifests: [{ mediaType: DOCKER_MANIFEST, digest: amd, size: 1, platform: { os: 'windows', architecture: 'amd64' } }],
  }));

  const store = await listen((req, res) => {
    log.push(`GET store${req.url} ${req.headers.authorization ?? '-'}`);
    if (req.headers.authorization) { res.statusCode = 400; res.end('<Error>Only one auth mechanism allowed</Error>'); return; }
    const content = blobs.get(decodeURIComponent(req.url!.slice(1)));
    res.statusCode = content ? 200 : 404;
    res.end(content ?? 'NoSuchKey');
  });

  const host = await listen((req, res) => {
    const url = new URL(req.url!, 'http://x');
    log.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? '-'}`);
    const error = (status: number, code: string, message: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errors: [{ code, message }] }));
    };
    if (url.pathname === '/token') {
      if (req.headers.authorization !== `Basic ${TOKEN}`) return error(401, 'UNAUTHORIZED', 'bad login');
      res.end(JSON.stringify({ token: `bearer-for-${url.searchParams.get('scope')}` }));
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) return error(404, 'NOT_FOUND', 'no route');
    const [, name, kind, ref] = m;
    if (req.headers.authorization !== `Bearer bearer-for-repository:${name}:pull`) {
      res.setHeader('www-authenticate', `Bearer realm="http://${host}/token",service="fake",scope="repository:${name}:pull"`);
      return error(401, 'UNAUTHORIZED', 'authentication required');
    }
    const limit = limits.get(url.pathname);
    if (limit && limit.remaining > 0) {
      limit.remaining--;
      res.setHeader('retry-after', limit.retryAfter);
      return error(429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit');
    }
    if (name === 'forbidden/app') return error(403, 'DENIED', 'upstream registry credentials were rejected');
    if (kind === 'manifests') {
      const found = manifests.get(`${name}@${ref}`);
      if (!found) return error(404, 'MANIFEST_UNKNOWN', `Requested image not found: ${name}:${ref}`);
      if (!req.headers.accept?.includes(found.type)) return error(404, 'MANIFEST_UNKNOWN', `not acceptable: ${found.type}`);
      res.setHeader('content-type', found.type);
      res.end(found.body);
      return;
    }
    if (!blobs.has(ref)) return error(404, 'BLOB_UNKNOWN', 'blob unknown');
    res.statusCode = 307;
    res.setHeader('location', `http://${store}/${encodeURIComponent(ref)}`);
    res.end();
  });
  loginRegistry = host;
  return {
    host,
    log,
    limit: (path, remaining, retryAfter) => limits.set(path, { remaining, retryAfter }),
  };
}

// The fake's blob store is another 127.0.0.1 port: the tests' stand-in for S3 (the default admits AWS hosts only).
const LIMITS = { protocol: 'http:', requestTimeoutMs: 2000, budgetMs: 10000, backoffMs: 10, maxRetryAfterMs: 1500, redirectHost: (h: string) => /^127\.0\.0\.1:\d+$/.test(h) };
const login = async () => ({ token: TOKEN, endpoint: `http://${loginRegistry}` });

function cfg(extra: object = {}) {
  return { ...warmup.DEFAULTS, ...LIMITS, architectures: ['amd64'], region: 'eu-west-1', getToken: login, deadline: Date.now() + 10000, ...extra };
}

describe('the warm-up against a local registry', () => {
  let registry: FakeRegistry;
  beforeAll(async () => { registry = await fakeRegistry(); });
  beforeEach(() => { registry.log.length = 0; });

  test('pulls an index like a runtime: the token, the index, the amd64 manifest, then its config and layer through the redirect', async () => {
    // WHEN
    const [r] = await warmup.warmAll([{ image: `${registry.host}/ecr-public/docker/library/busybox:1.37`, upstream: 'public.ecr.aws' }], cfg());

    // THEN
    expect(r.ok).toBe(true);
    expect(r.stats).toEqual({ manifests: 2, blobs: 2, bytes: expect.any(Number) });
    expect(r.stats.bytes).toBeGreaterThan(50000);
    // The Basic login first, the Bearer token after the challenge; the blob store never sees the registry's token.
    expect(registry.log[0]).toBe(`GET /v2/ecr-public/docker/library/busybox/manifests/1.37 Basic ${TOKEN}`);
    expect(registry.log).toContain(`GET /token Basic ${TOKEN}`);
    expect(registry.log.filter(l => l.startsWith('GET store')).every(l => l.endsWith(' -'))).toBe(true);
    expect(registry.log.filter(l => l.startsWith('GET store'))).toHaveLength(2);
    // Not the arm64 image nor the attestation.
    expect(registry.log.filter(l => l.includes('/manifests/sha256:'))).toHaveLength(1);
  });

  test('pulls the manifests of every node architecture (amd64 and arm64 nodegroups)', async () => {
    const [r] = await warmup.warmAll([{ image: `${registry.host}/ecr-public/docker/library/busybox:1.37` }], cfg({ architectures: ['amd64', 'arm64'] }));
    expect(r.ok).toBe(true);
    expect(r.stats).toMatchObject({ manifests: 3, blobs: 4 });
  });

  test('pulls a single Docker v2 manifest and its blobs', async () => {
    const [r] = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0` }], cfg());
    expect(r.ok).toBe(true);
    expect(r.stats).toMatchObject({ manifests: 1, blobs: 2 });
  });

  test('waits for Retry-After on 429 and succeeds', async () => {
    registry.limit('/v2/docker-hub/library/single/manifests/1.0', 1, '1');
    const start = Date.now();
    const [r] = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0` }], cfg());
    expect(r.ok).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
  });

  test('fails on a lasting 429 naming the image, the upstream, the rate limit and the fix', async () => {
    registry.limit('/v2/docker-hub/library/single/manifests/1.0', 10, '3600');
    const results = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0`, upstream: 'registry-1.docker.io', source: 'nginx:1.0' }], cfg());
    registry.limit('/v2/docker-hub/library/single/manifests/1.0', 0, '0');
    expect(results[0].ok).toBe(false);
    expect(results[0].error.kind).toBe('RATE_LIMITED');
    const { status, reason } = warmup.summarize(results, 0);
    expect(status).toBe('FAILED');
    expect(reason).toMatch(/docker-hub\/library\/single:1\.0 \(nginx:1\.0\) from registry-1\.docker\.io: .*HTTP 429, Retry-After 3600.*pull rate limit.*Fix: deploy again later; for Docker Hub give the rule credentials/);
  });

  test('fails on 404 saying the upstream has no such image', async () => {
    const results = await warmup.warmAll([{ image: `${registry.host}/ecr-public/docker/library/busybox:9.99`, upstream: 'public.ecr.aws', source: 'public.ecr.aws/docker/library/busybox:9.99' }], cfg());
    expect(results[0].error.kind).toBe('NOT_FOUND');
    expect(warmup.summarize(results, 0).reason).toMatch(/not found \(HTTP 404: MANIFEST_UNKNOWN.*\): public\.ecr\.aws has no public\.ecr\.aws\/docker\/library\/busybox:9\.99\. Fix: check that the tag or digest exists at public\.ecr\.aws/);
  });

  test('fails on 403 with the credentials fix', async () => {
    const [r] = await warmup.warmAll([{ image: `${registry.host}/forbidden/app:1`, upstream: 'ghcr.io' }], cfg());
    expect(r.error.kind).toBe('CREDENTIALS');
    expect(r.error.message).toMatch(/HTTP 403: DENIED: upstream registry credentials were rejected/);
    expect(r.error.fix).toMatch(/cache\.grantPull\(role\).*ecr-pullthroughcache/);
  });

  test('fails when the index has no manifest for the nodes, naming what it offers', async () => {
    const [r] = await warmup.warmAll([{ image: `${registry.host}/k8s/windows-only:1.0` }], cfg());
    expect(r.error.kind).toBe('NO_PLATFORM');
    expect(r.error.message).toMatch(/built for windows\/amd64, not for the nodes \(linux\/amd64\)/);
  });

  test('fails every image when the ECR login fails, naming ecr:GetAuthorizationToken', async () => {
    const denied = async () => { throw Object.assign(new Error('not authorized to perform: ecr:GetAuthorizationToken'), { name: 'AccessDeniedException' }); };
    const [r] = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0` }], cfg({ getToken: denied }));
    expect(r.error.kind).toBe('CREDENTIALS');
    expect(r.error.message).toMatch(/ecr:GetAuthorizationToken failed \(AccessDeniedException/);
  });
});

describe('where the registry login and the redirects may go (issue 30)', () => {
  let registry: FakeRegistry;
  beforeAll(async () => { registry = await fakeRegistry(); });
  beforeEach(() => { registry.log.length = 0; });

  test('fails an image on a host that is not the login\'s registry, before any request', async () => {
    const other = await listen((_req, res) => { res.statusCode = 500; res.end(); });
    const [r] = await warmup.warmAll([{ image: `${other}/docker-hub/library/single:1.0` }], cfg());
    expect(r.error.kind).toBe('BAD_IMAGE');
    expect(r.error.message).toBe(`${other} is not the cache's registry (${registry.host}): the registry login is not sent to it`);
    // The neighbour: the registry of the login itself is warmed.
    const [ok] = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0` }], cfg());
    expect(ok.ok).toBe(true);
  });

  test('does not follow a redirect outside the registry and AWS\'s hosts, and never sends the login there', async () => {
    const [r] = await warmup.warmAll([{ image: `${registry.host}/docker-hub/library/single:1.0` }], cfg({ redirectHost: () => false }));
    expect(r.error.message).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+, outside the registry and AWS's storage: not followed/);
    expect(registry.log.filter(l => l.startsWith('GET store'))).toEqual([]);
  });

  test('does not send the login to a Bearer realm on another host', async () => {
    const realm = await listen((req, res) => { registry.log.push(`REALM ${req.headers.authorization ?? '-'}`); res.end('{}'); });
    const tricky = await listen((_req, res) => {
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer realm="http://${realm}/token",service="x"`);
      res.end('{}');
    });
    const [r] = await warmup.warmAll([{ image: `${tricky}/a/b:1` }], cfg({ getToken: async () => ({ token: TOKEN, endpoint: `http://${tricky}` }) }));
    expect(r.error.message).toMatch(new RegExp(`asked for the login at http://${realm.replace(/\./g, '\\.')}, which is not the cache's registry`));
    expect(registry.log.filter(l => l.startsWith('REALM'))).toEqual([]);
  });

  test('by default, redirects may lead only to hosts under the AWS domains (ECR\'s layers are in S3)', () => {
    expect(warmup.DEFAULTS.protocol).toBe('https:');
    expect(warmup.DEFAULTS.redirectHost('prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com')).toBe(true);
    expect(warmup.DEFAULTS.redirectHost('prod-cn-north-1-starport-layer-bucket.s3.cn-north-1.amazonaws.com.cn')).toBe(true);
    expect(warmup.DEFAULTS.redirectHost('evil.example')).toBe(false);
    expect(warmup.DEFAULTS.redirectHost('amazonaws.com.evil.example')).toBe(false);
    expect(warmup.DEFAULTS.redirectHost('evilamazonaws.com')).toBe(false);
  });
});

describe('the custom resource', () => {
  let registry: FakeRegistry;
  let responses: any[];
  let responseUrl: string;
  beforeAll(async () => {
    registry = await fakeRegistry();
    responses = [];
    const host = await listen((req, res) => {
      let body = '';
      req.on('data', c => { body += c; });
      req.on('end', () => { responses.push(JSON.parse(body)); res.end(); });
    });
    responseUrl = `http://${host}/response`;
  });
  beforeEach(() => { responses.length = 0; registry.log.length = 0; });

  const event = (type: string, images: string[], old?: string[], extra: object = {}) => ({
    RequestType: type,
    ResponseURL: responseUrl,
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'Warmup',
    PhysicalResourceId: type === 'Create' ? undefined : 'pull-through-cache-warmup',
    ResourceProperties: { ServiceToken: 'arn', Architectures: ['amd64'], Images: images.map(i => ({ Image: `${registry.host}/${i}`, Upstream: 'public.ecr.aws' })) },
    OldResourceProperties: old ? { ServiceToken: 'arn', Architectures: ['amd64'], Images: old.map(i => ({ Image: `${registry.host}/${i}`, Upstream: 'public.ecr.aws' })) } : undefined,
    ...extra,
  });
  const handler = () => warmup.createHandler({ ...LIMITS, getToken: login });

  test('on create, warms every image and answers SUCCESS', async () => {
    const body = await handler()(event('Create', ['ecr-public/docker/library/busybox:1.37', 'docker-hub/library/single:1.0']));
    expect(body.Status).toBe('SUCCESS');
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pull-through-cache-warmup', Reason: 'Pull-through cache warmed: 2 image(s), 4 blob(s).' });
  });

  test('on update, pulls only the images not warmed before', async () => {
    const body = await handler()(event('Update', ['ecr-public/docker/library/busybox:1.37', 'docker-hub/library/single:1.0'], ['ecr-public/docker/library/busybox:1.37']));
    expect(body.Reason).toBe('Pull-through cache warmed: 1 image(s), 2 blob(s); 1 warmed before.');
    expect(registry.log.some(l => l.includes('busybox'))).toBe(false);
  });

  test('on update with new architectures, pulls every image again', () => {
    const plan = warmup.planOf({ ...event('Update', ['a/b:1'], ['a/b:1']), ResourceProperties: { Architectures: ['arm64'], Images: ['h/a/b:1'] }, OldResourceProperties: { Architectures: ['amd64'], Images: ['h/a/b:1'] } });
    expect(plan.items).toHaveLength(1);
  });

  test('on delete, pulls nothing and answers SUCCESS', async () => {
    const body = await handler()(event('Delete', ['ecr-public/docker/library/busybox:1.37']));
    expect(body.Status).toBe('SUCCESS');
    expect(registry.log).toEqual([]);
  });

  test('fails the create with the reason CloudFormation shows', async () => {
    const body = await handler()(event('Create', ['ecr-public/docker/library/busybox:9.99']));
    expect(body.Status).toBe('FAILED');
    expect(responses[0].Reason).toMatch(/^Pull-through cache warm-up failed for 1 of 1 image\(s\); nodes with no internet route could not pull them through the cache \(ImagePullBackOff\)\. .*busybox:9\.99 from public\.ecr\.aws: .*HTTP 404/);
  });
});

describe('helpers', () => {
  test('parses image URIs with tags, digests and ports', () => {
    expect(warmup.parseImage('1.dkr.ecr.eu-west-1.amazonaws.com/k8s/pause:3.10')).toEqual({ host: '1.dkr.ecr.eu-west-1.amazonaws.com', name: 'k8s/pause', reference: '3.10' });
    expect(warmup.parseImage('127.0.0.1:5000/a/b@sha256:abc')).toEqual({ host: '127.0.0.1:5000', name: 'a/b', reference: 'sha256:abc' });
    expect(warmup.parseImage('127.0.0.1:5000/a/b')).toEqual({ host: '127.0.0.1:5000', name: 'a/b', reference: 'latest' });
  });

  test('reads Retry-After as seconds or a date, and Bearer challenges', () => {
    expect(warmup.retryAfterMs('7')).toBe(7000);
    expect(warmup.retryAfterMs(new Date(10000).toUTCString(), 4000)).toBe(6000);
    expect(warmup.retryAfterMs(undefined)).toBeUndefined();
    expect(warmup.parseBearerChallenge('Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"'))
      .toEqual({ realm: 'https://auth/token', service: 'reg', scope: 'repository:a:pull' });
    expect(warmup.parseBearerChallenge('Basic realm="x"')).toBeUndefined();
  });

  test('accepts OCI and Docker manifests and indexes', () => {
    for (const t of [INDEX, MANIFEST, LIST, DOCKER_MANIFEST]) expect(warmup.ACCEPT).toContain(t);
  });
});
