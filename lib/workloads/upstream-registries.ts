/**
 * The upstream registries Amazon ECR pull through cache supports, and the public registries images come from. Pure
 * data and lookups: no construct scope, testable without a stack. Each row names the AWS page whose words it encodes.
 */

/**
 * An upstream registry an ECR pull through cache rule can cache.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
 */
export enum Upstream {
  /** Amazon ECR Public, `public.ecr.aws`. No credentials. */
  ECR_PUBLIC = 'ECR_PUBLIC',
  /** The Kubernetes container image registry, `registry.k8s.io`. No credentials. */
  KUBERNETES = 'KUBERNETES',
  /** Quay, `quay.io`. No credentials. */
  QUAY = 'QUAY',
  /** Docker Hub, `registry-1.docker.io`. Needs a Secrets Manager secret. */
  DOCKER_HUB = 'DOCKER_HUB',
  /** GitHub Container Registry, `ghcr.io`. Needs a Secrets Manager secret. */
  GITHUB = 'GITHUB',
  /** GitLab Container Registry, `registry.gitlab.com` (GitLab.com only, not self-managed). Needs a Secrets Manager secret. */
  GITLAB = 'GITLAB',
  /** Microsoft Azure Container Registry, `<name>.azurecr.io`. Needs a Secrets Manager secret and the registry URL. */
  AZURE = 'AZURE',
  /** Chainguard Registry, `cgr.dev`. Needs a Secrets Manager secret. */
  CHAINGUARD = 'CHAINGUARD',
  /** Another Amazon ECR private registry (other region or account). Authenticates with an IAM role, not a secret. */
  ECR_PRIVATE = 'ECR_PRIVATE',
}

/** How ECR authenticates to an upstream registry. */
export enum UpstreamAuthentication {
  /** Anonymous. */
  NONE = 'NONE',
  /** A Secrets Manager secret whose name starts with `ecr-pullthroughcache/`. */
  SECRET = 'SECRET',
  /** An IAM role ECR assumes (needed when the upstream ECR registry is in another account). */
  IAM_ROLE = 'IAM_ROLE',
}

/** What ECR pull through cache knows about one upstream registry. */
export interface UpstreamRegistryInfo {
  /** The upstream. */
  readonly upstream: Upstream;
  /** The CloudFormation `UpstreamRegistry` value (`ecr-public`, `docker-hub`, ...). */
  readonly upstreamRegistry: string;
  /**
   * The `UpstreamRegistryUrl` ECR documents for it.
   * @default - none: the user gives it (Azure: `<name>.azurecr.io`; ECR: `<account>.dkr.ecr.<region>.amazonaws.com`)
   */
  readonly registryUrl?: string;
  /** The hosts that normalised image references of this upstream carry (`docker.io` for Docker Hub). */
  readonly imageHosts: string[];
  /** The repository prefix this library uses when none is given. */
  readonly defaultPrefix: string;
  /** How ECR authenticates to it. */
  readonly authentication: UpstreamAuthentication;
  /** The AWS pages (and others) whose words this row encodes. */
  readonly source: string;
}

const PTC = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html';
const PTC_CREATE_API = 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html (upstreamRegistryUrl syntax)';
const PTC_PULL = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html';
const CFN_PTC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-pullthroughcacherule.html (UpstreamRegistry values, cfn-lint 1.51 schema)';

const TABLE: UpstreamRegistryInfo[] = [
  {
    upstream: Upstream.ECR_PUBLIC,
    upstreamRegistry: 'ecr-public',
    registryUrl: 'public.ecr.aws',
    imageHosts: ['public.ecr.aws'],
    defaultPrefix: 'ecr-public',
    authentication: UpstreamAuthentication.NONE,
    source: `${PTC} ("doesn't require authentication"); ${PTC_CREATE_API}; ${CFN_PTC}`,
  },
  {
    upstream: Upstream.KUBERNETES,
    upstreamRegistry: 'k8s',
    registryUrl: 'registry.k8s.io',
    imageHosts: ['registry.k8s.io'],
    // The console's default namespace is `kubernetes` (pull-through-cache-working-pulling.html); `k8s` is the
    // UpstreamRegistry name and this library's default. Pass `prefix: 'kubernetes'` to match the console.
    defaultPrefix: 'k8s',
    authentication: UpstreamAuthentication.NONE,
    source: `${PTC}; ${PTC_CREATE_API}; ${CFN_PTC}; ${PTC_PULL}`,
  },
  {
    upstream: Upstream.QUAY,
    upstreamRegistry: 'quay',
    registryUrl: 'quay.io',
    imageHosts: ['quay.io'],
    defaultPrefix: 'quay',
    authentication: UpstreamAuthentication.NONE,
    source: `${PTC}; ${PTC_CREATE_API}; ${CFN_PTC}`,
  },
  {
    upstream: Upstream.DOCKER_HUB,
    upstreamRegistry: 'docker-hub',
    registryUrl: 'registry-1.docker.io',
    // `docker.io` is what runtimes normalise `nginx` to; `registry-1.docker.io` is Docker Hub's API host.
    imageHosts: ['docker.io', 'registry-1.docker.io'],
    defaultPrefix: 'docker-hub',
    authentication: UpstreamAuthentication.SECRET,
    source: `${PTC} ("requires authentication with AWS Secrets Manager secret"); ${PTC_CREATE_API}; ${PTC_PULL} (official images keep /library)`,
  },
  {
    upstream: Upstream.GITHUB,
    upstreamRegistry: 'github-container-registry',
    registryUrl: 'ghcr.io',
    imageHosts: ['ghcr.io'],
    defaultPrefix: 'github',
    authentication: UpstreamAuthentication.SECRET,
    source: `${PTC}; ${PTC_CREATE_API}; ${CFN_PTC}`,
  },
  {
    upstream: Upstream.GITLAB,
    upstreamRegistry: 'gitlab-container-registry',
    registryUrl: 'registry.gitlab.com',
    imageHosts: ['registry.gitlab.com'],
    defaultPrefix: 'gitlab',
    authentication: UpstreamAuthentication.SECRET,
    source: `${PTC} ("only with GitLab's Software as a Service (SaaS) offering"); ${PTC_CREATE_API}; ${CFN_PTC}`,
  },
  {
    upstream: Upstream.AZURE,
    upstreamRegistry: 'azure-container-registry',
    imageHosts: [],
    defaultPrefix: 'azure',
    authentication: UpstreamAuthentication.SECRET,
    source: `${PTC}; ${PTC_CREATE_API} ("<custom>.azurecr.io"); ${CFN_PTC}`,
  },
  {
    upstream: Upstream.CHAINGUARD,
    upstreamRegistry: 'chainguard',
    // The ECR pages read list Chainguard Registry but not its URL; cgr.dev is Chainguard's registry host
    // (https://edu.chainguard.dev/chainguard/containers/chainguard-registry/pull-through-guides/ecr-pull-through/).
    registryUrl: 'cgr.dev',
    imageHosts: ['cgr.dev'],
    defaultPrefix: 'chainguard',
    authentication: UpstreamAuthentication.SECRET,
    source: `${PTC} ("Chainguard Registry (requires authentication with AWS Secrets Manager secret)"); ${CFN_PTC}`,
  },
  {
    upstream: Upstream.ECR_PRIVATE,
    upstreamRegistry: 'ecr',
    imageHosts: [],
    defaultPrefix: 'ecr',
    authentication: UpstreamAuthentication.IAM_ROLE,
    source: `${PTC} ("Amazon ECR (requires authentication with AWS IAM role)"); ${PTC_CREATE_API} ("<account>.dkr.ecr.<region>.amazonaws.com"); https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html`,
  },
];

/** A registry images are commonly pulled from, with no AWS endpoint: nodes reach it only through the internet. */
export interface PublicRegistryInfo {
  /** Host (or `*.suffix` pattern) as normalised image references carry it. */
  readonly host: string;
  /** What it is. */
  readonly name: string;
  /**
   * The pull-through-cache upstream that serves this host.
   * @default - none: ECR cannot cache it
   */
  readonly upstream?: Upstream;
}

const PUBLIC_REGISTRIES: PublicRegistryInfo[] = [
  { host: 'docker.io', name: 'Docker Hub', upstream: Upstream.DOCKER_HUB },
  { host: 'registry-1.docker.io', name: 'Docker Hub', upstream: Upstream.DOCKER_HUB },
  { host: 'registry.k8s.io', name: 'Kubernetes container image registry', upstream: Upstream.KUBERNETES },
  // Frozen since 2023 and not an ECR upstream: images must be referenced as registry.k8s.io to be cached.
  { host: 'k8s.gcr.io', name: 'legacy Kubernetes registry (frozen)' },
  { host: 'quay.io', name: 'Quay', upstream: Upstream.QUAY },
  { host: 'ghcr.io', name: 'GitHub Container Registry', upstream: Upstream.GITHUB },
  { host: 'registry.gitlab.com', name: 'GitLab Container Registry', upstream: Upstream.GITLAB },
  { host: 'gcr.io', name: 'Google Container Registry' },
  { host: '*.azurecr.io', name: 'Azure Container Registry', upstream: Upstream.AZURE },
  { host: 'cgr.dev', name: 'Chainguard Registry', upstream: Upstream.CHAINGUARD },
  { host: 'mcr.microsoft.com', name: 'Microsoft Artifact Registry' },
];

/**
 * The upstream registries ECR pull through cache supports, as a table.
 */
export class UpstreamRegistries {
  /** Every supported upstream, in the order of the `Upstream` enum. */
  public static all(): UpstreamRegistryInfo[] {
    return TABLE.map(r => ({ ...r, imageHosts: [...r.imageHosts] }));
  }

  /** What ECR documents about one upstream. */
  public static describe(upstream: Upstream): UpstreamRegistryInfo {
    const row = TABLE.find(r => r.upstream === upstream);
    if (!row) throw new Error(`unknown upstream "${upstream}"; expected one of ${TABLE.map(r => r.upstream).join(', ')}`);
    return { ...row, imageHosts: [...row.imageHosts] };
  }

  /** The well-known public registries this library recognises in image references. */
  public static publicRegistries(): PublicRegistryInfo[] {
    return PUBLIC_REGISTRIES.map(r => ({ ...r }));
  }

  /** The public registry a (lower-case) host is, or undefined. `*.azurecr.io` matches any Azure registry. */
  public static publicRegistry(host: string): PublicRegistryInfo | undefined {
    const h = host.toLowerCase();
    return PUBLIC_REGISTRIES.find(r => (r.host.startsWith('*.') ? h.endsWith(r.host.slice(1)) && h.length > r.host.length - 1 : r.host === h));
  }
}
