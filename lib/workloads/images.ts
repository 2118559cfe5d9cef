import { Aws, Token } from 'aws-cdk-lib';
import {
  CONTAINER_LISTS, POD_SPEC_PATHS, formatReference, isImageKey, isPlainObject, isUnresolvedValue, parseReference, scalarString,
} from './image-reference';
import { Upstream, UpstreamRegistries } from './upstream-registries';
import { AwsLocation, ecrRegistryHost, eksImageAccounts, parseEcrRegistryHost, partitionOfRegion, urlSuffixOfPartition } from '../core/aws-env';

/**
 * Container images: how runtimes read a reference, which registry serves it and whether nodes with no internet route
 * can reach that registry, where a set of Kubernetes manifests or Helm values uses images, and the URI an image has
 * through an ECR pull through cache. Pure logic: no construct scope, testable without a stack.
 */

/**
 * An image reference normalised as container runtimes do (docker/distribution `reference`): `nginx` is
 * `docker.io/library/nginx:latest`.
 */
export class ImageReference {
  /**
   * Parses and normalises a reference. Throws, naming the reference and what is wrong, when it is malformed (empty,
   * upper case in the repository, a bad tag or digest) or is an unresolved token.
   */
  public static parse(reference: string): ImageReference {
    const r = parseReference(reference);
    if (!r.ok) throw new Error(`Invalid image reference: ${r.problem}`);
    return new ImageReference(reference, r.registry, r.repository, r.tag, r.digest, r.tagDefaulted);
  }

  /** Why a reference is malformed, or undefined when it parses. An unresolved token is a problem too. */
  public static problemWith(reference: string): string | undefined {
    const r = parseReference(reference);
    return r.ok ? undefined : r.problem;
  }

  /** True when the reference is (or contains) an unresolved CDK token: it cannot be read before deployment. */
  public static isUnresolved(reference: string): boolean {
    return isUnresolvedValue(reference);
  }

  /** The reference as written. */
  public readonly original: string;
  /** The registry host, with its port when written (`docker.io`, `localhost:5000`). */
  public readonly registry: string;
  /** The repository path in the registry (`library/nginx`). */
  public readonly repository: string;
  /**
   * The tag: as written, or `latest` when neither tag nor digest is written.
   * @default - none when only a digest is written
   */
  public readonly tag?: string;
  /**
   * The digest (`sha256:...`), when written.
   * @default - none
   */
  public readonly digest?: string;
  /** True when the tag is the `latest` the runtime assumes, not one written in the reference. */
  public readonly tagDefaulted: boolean;

  private constructor(
    original: string, registry: string, repository: string, tag: string | undefined, digest: string | undefined, tagDefaulted: boolean,
  ) {
    this.original = original;
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
    this.tagDefaulted = tagDefaulted;
  }

  /** `registry/repository`, without tag or digest. */
  public get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** The normalised reference: `registry/repository[:tag][@digest]`. */
  public toString(): string {
    return formatReference(this);
  }
}

/** What kind of registry serves an image. */
export enum RegistryKind {
  /** An Amazon ECR private registry (`<account>.dkr.ecr.<region>.<suffix>`). */
  ECR_PRIVATE = 'ecr-private',
  /** The ECR registry of an EKS add-on image account (vpc-cni, kube-proxy, coredns, pause). */
  EKS_ADDON_REGISTRY = 'eks-addon-registry',
  /** Amazon ECR Public, `public.ecr.aws`: no VPC endpoint; reachable only through the internet or a cache. */
  ECR_PUBLIC = 'ecr-public',
  /** A well-known public registry (Docker Hub, registry.k8s.io, Quay, ...): reachable only through the internet or a cache. */
  PUBLIC_REGISTRY = 'public-registry',
  /** Anything else: a self-hosted registry, Harbor, Artifactory, a proxy. Its reachability cannot be told. */
  UNKNOWN = 'unknown',
  /** The host is an unresolved token. */
  UNRESOLVED = 'unresolved',
}

/** Where an ECR registry is, compared with the cluster. */
export enum RegionRelation {
  /** The cluster's region: nodes reach it through the VPC's ECR endpoints. */
  SAME_REGION = 'same-region',
  /** Another region: VPC endpoints do not serve it; nodes need an internet route, peering to that region, or a cache. */
  OTHER_REGION = 'other-region',
  /** The cluster's region is a token (environment-agnostic stack), so the two cannot be compared. */
  UNKNOWN_REGION = 'unknown-region',
}

/** Where the cluster is, for classifying registries. */
export interface ImageLocation {
  /** The cluster's region, or the `AWS::Region` token. */
  readonly region: string;
  /**
   * The cluster's account, or the `AWS::AccountId` token.
   * @default - unknown: `sameAccount` is left undefined
   */
  readonly account?: string;
}

/** Which registry serves an image, seen from a location. */
export interface RegistryClassification {
  /** The host classified (lower case). */
  readonly host: string;
  /** The kind of registry. */
  readonly kind: RegistryKind;
  /**
   * The registry's account (ECR registries).
   * @default - not an ECR registry
   */
  readonly account?: string;
  /**
   * The registry's region (ECR registries).
   * @default - not an ECR registry
   */
  readonly region?: string;
  /**
   * The registry's region compared with the location's (ECR registries).
   * @default - not an ECR registry
   */
  readonly regionRelation?: RegionRelation;
  /**
   * Whether the registry belongs to the location's account (ECR registries, when both are known).
   * @default - unknown
   */
  readonly sameAccount?: boolean;
  /**
   * The ECR dual-stack host (`.on.aws`): ECR does not carry PrivateLink traffic over it.
   * @default false
   */
  readonly dualStack?: boolean;
  /**
   * The public registry's name (`Docker Hub`).
   * @default - not a well-known public registry
   */
  readonly registryName?: string;
  /**
   * The pull-through-cache upstream that can serve this registry.
   * @default - none
   */
  readonly upstream?: Upstream;
}

/**
 * Classifies registry hosts.
 */
export class ImageRegistries {
  /**
   * Classifies a registry host seen from a location. An ECR host is compared with the location's region only when that
   * region is written out; with a token region it is `UNKNOWN_REGION` (never guessed).
   */
  public static classify(host: string, location: ImageLocation): RegistryClassification {
    if (isUnresolvedValue(host)) return { host, kind: RegistryKind.UNRESOLVED };
    const h = host.toLowerCase();
    const ecr = parseEcrRegistryHost(h);
    if (ecr) {
      const regionRelation = Token.isUnresolved(location.region)
        ? RegionRelation.UNKNOWN_REGION
        : (ecr.region === location.region ? RegionRelation.SAME_REGION : RegionRelation.OTHER_REGION);
      const sameAccount = location.account === undefined || Token.isUnresolved(location.account) ? undefined : location.account === ecr.account;
      return {
        host: h,
        kind: eksImageAccounts().includes(ecr.account) ? RegistryKind.EKS_ADDON_REGISTRY : RegistryKind.ECR_PRIVATE,
        account: ecr.account,
        region: ecr.region,
        regionRelation,
        sameAccount,
        dualStack: ecr.dualStack,
        upstream: Upstream.ECR_PRIVATE,
      };
    }
    if (h === 'public.ecr.aws') return { host: h, kind: RegistryKind.ECR_PUBLIC, registryName: 'Amazon ECR Public', upstream: Upstream.ECR_PUBLIC };
    const pub = UpstreamRegistries.publicRegistry(h);
    if (pub) return { host: h, kind: RegistryKind.PUBLIC_REGISTRY, registryName: pub.name, upstream: pub.upstream };
    return { host: h, kind: RegistryKind.UNKNOWN };
  }

  /** Classifies the registry of an image reference (which must parse). */
  public static classifyImage(reference: string, location: ImageLocation): RegistryClassification {
    if (isUnresolvedValue(reference)) return { host: reference, kind: RegistryKind.UNRESOLVED };
    return ImageRegistries.classify(ImageReference.parse(reference).registry, location);
  }
}

/** Where an image use was found. */
export enum ImageSource {
  /** A Kubernetes manifest. */
  MANIFEST = 'manifest',
  /** Helm chart values. */
  HELM_VALUES = 'helm-values',
}

/** One place an image is used. */
export interface ImageUse {
  /** The image as written, or as assembled from Helm values (`registry/repository:tag`); `<token>` for a token object. */
  readonly image: string;
  /**
   * The normalised reference.
   * @default - none: the image is unresolved or malformed
   */
  readonly reference?: ImageReference;
  /** True when the image (or a part of it) is an unresolved token: reported, never guessed. */
  readonly unresolved: boolean;
  /**
   * Why the image could not be read (malformed, or unresolved).
   * @default - none
   */
  readonly problem?: string;
  /** Manifest or Helm values. */
  readonly source: ImageSource;
  /** Where in the input: `[0].spec.template.spec.containers[1].image`, `controller.image`. */
  readonly path: string;
  /**
   * The Kubernetes kind of the object holding it (manifests).
   * @default - Helm values
   */
  readonly kind?: string;
  /**
   * The object's namespace (manifests).
   * @default - not written
   */
  readonly namespace?: string;
  /**
   * The object's name (manifests).
   * @default - not written
   */
  readonly name?: string;
  /**
   * The container's name (manifests).
   * @default - not written
   */
  readonly container?: string;
  /**
   * `container`, `initContainer` or `ephemeralContainer` (manifests).
   * @default - Helm values
   */
  readonly containerType?: string;
  /**
   * True when Helm values give neither tag nor digest: the chart picks the tag (often its appVersion), so the
   * reference's `latest` is only a placeholder.
   * @default false
   */
  readonly tagFromChart?: boolean;
}

/**
 * Finds the images a set of Kubernetes manifests or Helm values use.
 */
export class ImageInventory {
  /**
   * Every container image of the pods the manifests define: Pod, PodTemplate, Deployment, ReplicaSet,
   * ReplicationController, StatefulSet, DaemonSet, Job (`spec.template.spec`), CronJob
   * (`spec.jobTemplate.spec.template.spec`), and the items of `List` kinds; containers, initContainers and
   * ephemeralContainers. Other kinds (custom resources) are not read.
   */
  public static fromManifests(manifests: any[]): ImageUse[] {
    const out: ImageUse[] = [];
    (manifests ?? []).forEach((m, i) => collectManifest(m, `[${i}]`, out));
    return out;
  }

  /**
   * The images Helm values name, in the common shapes, anywhere in the values: a key `image` or ending in `Image` whose
   * value is a reference (`image: "repo:tag"`, with a sibling `tag`/`<key>Tag` when the string has none) or an object
   * `{ registry, repository, tag, digest }`. `global.imageRegistry` replaces `registry` as Bitnami's
   * `common.images.image` helper does (`default .imageRoot.registry .global.imageRegistry`: the global value wins when
   * set). A digest wins over a tag, as in that helper. Token values are reported as unresolved.
   */
  public static fromHelmValues(values: any): ImageUse[] {
    const out: ImageUse[] = [];
    if (!isPlainObject(values)) return out;
    const globalValues = values.global;
    const globalRegistry: unknown = isPlainObject(globalValues) ? globalValues.imageRegistry : undefined;
    walkValues(values, '', globalRegistry === '' ? undefined : globalRegistry, out);
    return out;
  }
}

function use(image: string, base: Omit<ImageUse, 'image' | 'unresolved' | 'reference' | 'problem'>, unresolvedHint = false): ImageUse {
  if (unresolvedHint || isUnresolvedValue(image)) {
    return { ...base, image, unresolved: true, problem: 'the image is an unresolved token: its value is known only at deployment' };
  }
  const r = parseReference(image);
  if (!r.ok) return { ...base, image, unresolved: false, problem: r.problem };
  return { ...base, image, unresolved: false, reference: ImageReference.parse(image) };
}

function collectManifest(m: unknown, path: string, out: ImageUse[]): void {
  if (isUnresolvedValue(m)) {
    out.push({ image: '<token>', unresolved: true, problem: 'the manifest is an unresolved token', source: ImageSource.MANIFEST, path });
    return;
  }
  if (!isPlainObject(m)) return;
  const kind = typeof m.kind === 'string' ? m.kind : undefined;
  if (kind && kind.endsWith('List') && Array.isArray(m.items)) {
    m.items.forEach((item: unknown, i: number) => collectManifest(item, `${path}.items[${i}]`, out));
    return;
  }
  const specPath = kind ? POD_SPEC_PATHS[kind] : undefined;
  if (!specPath) return;
  const metadata = isPlainObject(m.metadata) ? m.metadata : {};
  const base = {
    source: ImageSource.MANIFEST,
    kind,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: typeof metadata.name === 'string' ? metadata.name : undefined,
  };
  let spec: unknown = m;
  let at = path;
  for (const key of specPath) {
    if (isUnresolvedValue(spec)) break;
    spec = isPlainObject(spec) ? spec[key] : undefined;
    at = `${at}.${key}`;
  }
  if (isUnresolvedValue(spec)) {
    out.push({ ...base, image: '<token>', unresolved: true, problem: 'the pod spec is an unresolved token', path: at });
    return;
  }
  if (!isPlainObject(spec)) return;
  for (const [list, containerType] of CONTAINER_LISTS) {
    const containers = spec[list];
    if (isUnresolvedValue(containers)) {
      out.push({ ...base, image: '<token>', unresolved: true, problem: `${list} is an unresolved token`, path: `${at}.${list}`, containerType });
      continue;
    }
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, i: number) => {
      const cpath = `${at}.${list}[${i}]`;
      if (isUnresolvedValue(c)) {
        out.push({ ...base, image: '<token>', unresolved: true, problem: 'the container is an unresolved token', path: cpath, containerType });
        return;
      }
      if (!isPlainObject(c)) return;
      const container = typeof c.name === 'string' ? c.name : undefined;
      const image = c.image;
      if (image === undefined || image === null || image === '') return;
      const text = typeof image === 'string' ? image : '<token>';
      out.push(use(text, { ...base, path: `${cpath}.image`, container, containerType }, typeof image !== 'string'));
    });
  }
}

function walkValues(node: unknown, path: string, globalRegistry: unknown, out: ImageUse[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => walkValues(v, `${path}[${i}]`, globalRegistry, out));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const p = path ? `${path}.${key}` : key;
    if (isImageKey(key) && imageValue(node, key, value, p, globalRegistry, out)) continue;
    walkValues(value, p, globalRegistry, out);
  }
}

/** Reports the image a values key names; false when the value is no image shape (walk into it instead). */
function imageValue(parent: Record<string, unknown>, key: string, value: unknown, path: string, globalRegistry: unknown, out: ImageUse[]): boolean {
  const base = { source: ImageSource.HELM_VALUES, path };
  if (isUnresolvedValue(value)) {
    out.push(use(typeof value === 'string' ? value : '<token>', base, true));
    return true;
  }
  if (typeof value === 'string') {
    if (value === '') return true;
    let image = value;
    const r = parseReference(value);
    const siblingTag = parent[`${key}Tag`] ?? (key === 'image' ? parent.tag : undefined);
    if (r.ok && r.tagDefaulted && siblingTag !== undefined) {
      if (isUnresolvedValue(siblingTag)) {
        out.push(use(`${value}:${String(siblingTag)}`, base, true));
        return true;
      }
      const t = scalarString(siblingTag);
      if (t) image = `${value}:${t}`;
    }
    out.push(use(image, base));
    return true;
  }
  // `{ registry, repository, tag, digest }`, or ingress-nginx's `{ registry, image, tag, digest }`.
  const repoKey = value && isPlainObject(value) ? (value.repository !== undefined ? 'repository' : typeof value.image === 'string' ? 'image' : undefined) : undefined;
  if (!isPlainObject(value) || repoKey === undefined) return false;
  const { tag, digest } = value;
  const repository = value[repoKey];
  const registry = globalRegistry ?? value.registry;
  // No registry in the values and none in the repository: the chart's own default registry applies, which is in the
  // chart, not in the app. Said, never guessed as Docker Hub.
  if ((registry === undefined || registry === '') && typeof repository === 'string' && !/^[^/]*[.:][^/]*\/|^localhost\//.test(repository)) {
    out.push({
      ...base,
      image: `${repository}${typeof tag === 'string' && tag !== '' ? `:${tag}` : ''}`,
      unresolved: true,
      problem: 'the values give no registry, so the chart\'s default registry applies, which is not in the app',
    });
    return true;
  }
  const parts = [registry, repository, tag, digest];
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '<token>');
  const assembled = `${registry !== undefined && registry !== '' ? `${text(registry)}/` : ''}${text(repository)}`
    + (digest !== undefined && digest !== '' ? `@${text(digest)}` : (tag !== undefined && tag !== '' ? `:${text(tag)}` : ''));
  if (parts.some(isUnresolvedValue)) {
    out.push(use(assembled, base, true));
    return true;
  }
  const tagFromChart = scalarString(tag) === undefined && scalarString(digest) === undefined;
  out.push({ ...use(assembled, base), ...(tagFromChart ? { tagFromChart } : {}) });
  return true;
}

/** One pull-through-cache rule, as the rewrite needs it. `EcrPullThroughCache.rules` has this shape. */
export interface CacheRuleMapping {
  /** The ECR repository prefix of the rule (`docker-hub`). */
  readonly prefix: string;
  /** The registry hosts image references of this upstream carry (`docker.io`, `registry-1.docker.io`). */
  readonly upstreamHosts: string[];
  /**
   * The upstream repository prefix (ECR-to-ECR rules): only upstream repositories under it are cached, and it is
   * replaced by `prefix` (`my-app` / `upstream-app`: `my-app/image1` -> `upstream-app/image1`).
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
   * @default - the upstream registry's root
   */
  readonly upstreamRepositoryPrefix?: string;
}

/** The ECR registry that holds a pull through cache. */
export interface CacheRegistry {
  /** Its account (a token in environment-agnostic stacks). */
  readonly account: string;
  /** Its region (a token in environment-agnostic stacks). */
  readonly region: string;
  /**
   * Its DNS suffix.
   * @default - from the region's partition, or the `AWS::URLSuffix` token when the region is a token
   */
  readonly urlSuffix?: string;
}

/**
 * The URI an image has through an ECR pull through cache.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html
 */
export class PullThroughCacheUri {
  /**
   * `<account>.dkr.ecr.<region>.<urlSuffix>/<prefix>/<path>[:tag][@digest]` for the first rule whose upstream hosts
   * include the reference's registry, or undefined when no rule covers it. Docker Hub official images keep `library/`
   * ("For Docker Hub official images, the /library prefix must be included").
   */
  public static of(reference: ImageReference, rules: CacheRuleMapping[], registry: CacheRegistry): string | undefined {
    const host = reference.registry.toLowerCase();
    for (const rule of rules) {
      if (!rule.upstreamHosts.some(h => h.toLowerCase() === host)) continue;
      let path = reference.repository;
      if (rule.upstreamRepositoryPrefix !== undefined) {
        if (!path.startsWith(`${rule.upstreamRepositoryPrefix}/`)) continue;
        path = path.slice(rule.upstreamRepositoryPrefix.length + 1);
      }
      const registryHost = ecrRegistryHost(cacheLocation(registry));
      return formatReference({ registry: registryHost, repository: `${rule.prefix}/${path}`, tag: reference.tag, digest: reference.digest });
    }
    return undefined;
  }
}

function cacheLocation(r: CacheRegistry): AwsLocation {
  const regionKnown = !Token.isUnresolved(r.region);
  const partition = regionKnown ? partitionOfRegion(r.region) : Aws.PARTITION;
  return {
    region: r.region,
    account: r.account,
    partition,
    urlSuffix: r.urlSuffix ?? (regionKnown ? urlSuffixOfPartition(partition) : Aws.URL_SUFFIX),
    regionKnown,
  };
}
