import { Token } from 'aws-cdk-lib';

/**
 * Image reference grammar of docker/distribution (the `reference` package containerd and Docker use), re-expressed:
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*
 * A first component is a domain when it holds a "." or ":", is "localhost", or has an upper-case letter; otherwise the
 * domain is docker.io, and a one-component path on docker.io gets "library/" (ParseNormalizedNamed / splitDockerDomain).
 * @see https://github.com/distribution/reference/blob/main/normalize.go
 * @see https://github.com/distribution/reference/blob/main/regexp.go
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*$/;
const IPV6 = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_TOTAL_LENGTH_MAX = 255;

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';

/** A normalised reference, or the reason it is malformed. */
export type ParseResult =
  | { ok: true; registry: string; repository: string; tag?: string; digest?: string; tagDefaulted: boolean }
  | { ok: false; problem: string };

/** True when a value (string or object) is or holds an unresolved CDK token. */
export function isUnresolvedValue(v: unknown): boolean {
  if (typeof v === 'string') return Token.isUnresolved(v) || v.includes('${Token[');
  if (typeof v === 'number') return Token.isUnresolved(v);
  if (v !== null && typeof v === 'object') return Token.isUnresolved(v);
  return false;
}

/** Parses and normalises an image reference as container runtimes do. */
export function parseReference(ref: string): ParseResult {
  if (typeof ref !== 'string' || ref.length === 0) return { ok: false, problem: 'the image reference is empty' };
  if (isUnresolvedValue(ref)) return { ok: false, problem: `"${ref}" is an unresolved token: its value is known only at deployment` };
  if (/\s/.test(ref)) return { ok: false, problem: `"${ref}" contains white space` };

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { ok: false, problem: `"${ref}" has a malformed digest "${digest}" (expected algorithm:hex, such as sha256:<64 hex>)` };
    if (digest.startsWith('sha256:') && digest.length !== 'sha256:'.length + 64) {
      return { ok: false, problem: `"${ref}" has a sha256 digest that is not 64 hexadecimal characters` };
    }
  }

  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, problem: `"${ref}" has a malformed tag "${tag}" (up to 128 of [A-Za-z0-9_.-], not starting with . or -)` };
  }

  if (rest.length === 0) return { ok: false, problem: `"${ref}" has no repository name` };

  let registry: string;
  let repository: string;
  const i = rest.indexOf('/');
  const first = i === -1 ? rest : rest.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    registry = DEFAULT_DOMAIN;
    repository = rest;
  } else {
    registry = first;
    repository = rest.slice(i + 1);
  }
  if (registry === LEGACY_DEFAULT_DOMAIN) registry = DEFAULT_DOMAIN;
  if (registry === DEFAULT_DOMAIN && !repository.includes('/')) repository = OFFICIAL_REPO_PREFIX + repository;

  const domainProblem = checkDomain(registry);
  if (domainProblem) return { ok: false, problem: `"${ref}": ${domainProblem}` };
  if (repository.length === 0) return { ok: false, problem: `"${ref}" has no repository path after the registry "${registry}"` };
  if (repository.toLowerCase() !== repository) {
    return { ok: false, problem: `"${ref}": the repository name "${repository}" must be lower case` };
  }
  for (const c of repository.split('/')) {
    if (!PATH_COMPONENT.test(c)) {
      return { ok: false, problem: `"${ref}": "${c}" is not a valid repository path component (lower-case letters and digits, separated by ".", "_", "__" or "-")` };
    }
  }
  if (registry.length + 1 + repository.length > NAME_TOTAL_LENGTH_MAX) {
    return { ok: false, problem: `"${ref}": the repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters` };
  }

  const tagDefaulted = tag === undefined && digest === undefined;
  return { ok: true, registry, repository, tag: tagDefaulted ? DEFAULT_TAG : tag, digest, tagDefaulted };
}

function checkDomain(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']');
    host = domain.slice(0, end + 1);
    const after = domain.slice(end + 1);
    if (after) {
      if (!after.startsWith(':')) return `"${domain}" is not a valid registry host`;
      port = after.slice(1);
    }
    if (!IPV6.test(host)) return `"${domain}" is not a valid registry host`;
  } else {
    const c = domain.lastIndexOf(':');
    if (c >= 0) {
      host = domain.slice(0, c);
      port = domain.slice(c + 1);
    }
    if (!DOMAIN_NAME.test(host)) return `"${domain}" is not a valid registry host`;
  }
  if (port !== undefined && !PORT.test(port)) return `"${domain}" has a malformed port "${port}"`;
  return undefined;
}

/** The reference written back: `registry/repository[:tag][@digest]`. */
export function formatReference(r: { registry: string; repository: string; tag?: string; digest?: string }): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** Kubernetes kinds whose pod spec sits at a fixed place, and that place. */
export const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The container lists of a pod spec, with the kind of container each holds. */
export const CONTAINER_LISTS: Array<[string, string]> = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/** True when a Helm values key names an image: `image`, or ending in `Image` (`sidecarImage`). */
export function isImageKey(key: string): boolean {
  return key === 'image' || /[a-z0-9]Image$/.test(key);
}

/** A plain JSON object (not an array, not a token). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Token.isUnresolved(v);
}

/** A scalar a Helm value may hold for a tag (`1.2` written as a number). */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && !Token.isUnresolved(v)) return String(v);
  return undefined;
}

/**
 * A copy of Kubernetes manifest objects with every pod container image passed through `rewrite` (which returns the
 * image unchanged when it has nothing to say). `List` items are rewritten too.
 */
export function rewritePodImages(objects: unknown[], rewrite: (image: string) => string): unknown[] {
  const copy = (o: unknown): unknown => JSON.parse(JSON.stringify(o));
  return objects.map(original => {
    const o = copy(original);
    visitObject(o, rewrite);
    return o;
  });
}

function visitObject(o: unknown, rewrite: (image: string) => string) {
  if (!isPlainObject(o)) return;
  if (o.kind === 'List' && Array.isArray(o.items)) {
    o.items.forEach(item => visitObject(item, rewrite));
    return;
  }
  const specPath = typeof o.kind === 'string' ? POD_SPEC_PATHS[o.kind] : undefined;
  if (!specPath) return;
  let spec: unknown = o;
  for (const k of specPath) spec = isPlainObject(spec) ? spec[k] : undefined;
  if (!isPlainObject(spec)) return;
  for (const [list] of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (isPlainObject(c) && typeof c.image === 'string') c.image = rewrite(c.image);
    }
  }
}
