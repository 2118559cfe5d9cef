/**
 * Every container image the app deploys to a cluster, classified for the join analysis: from the tree's records of the
 * custom resources aws-eks-v2's `KubernetesManifest` and `HelmChart` create (whoever created them), with CloudFormation's
 * pseudo parameters replaced by the stack's location (or a placeholder location for an environment-agnostic stack, so
 * an image in "this account's ECR" written with `Aws.ACCOUNT_ID`/`Aws.REGION` is still recognised as such).
 */
import { ImageFacts, ImageRegistryClass } from './join-analysis';
import { ClusterRef, TreeRecords } from './tree-records';
import { substitutePseudoParameters } from '../contracts/endpoint-policy';
import { AwsLocation } from '../core/aws-env';
import { ImageInventory, ImageRegistries, ImageSource, ImageUse, RegionRelation, RegistryKind } from '../workloads/images';
import { UpstreamAuthentication, UpstreamRegistries } from '../workloads/upstream-registries';


/** Where an environment-agnostic stack is taken to be when reading images and values: the same placeholder in them and in the comparison. */
export const PLACEHOLDER: AwsLocation = { region: 'zz-thisregion-1', partition: 'aws', account: '000000000000', urlSuffix: 'amazonaws.com', regionKnown: true };

/** The images of the cluster's manifests and charts. */
export function imageFacts(facts: TreeRecords, cluster: ClusterRef, declaredRegistries: string[]): ImageFacts[] {
  const clusterKey = cluster.nameKey;
  const real = cluster.location;
  const location = real.regionKnown ? real : PLACEHOLDER;
  const declared = new Set(declaredRegistries.map(r => r.toLowerCase()));
  // Any pull-through cache rule of the app: the library's (EcrPullThroughCache) or one written as an L1.
  const cachePrefixes = facts.pullThroughCacheRules.map(r => r.prefix).filter((p): p is string => p !== undefined);
  const warmed = warmedImages(facts, location);
  const out: ImageFacts[] = [];
  const add = (uses: ImageUse[], workload: string) => {
    for (const u of uses) out.push(classify(u, workload, location, real.regionKnown, declared, cachePrefixes, warmed));
  };
  // EKS add-ons whose configuration names images (`configurationValues`, read like Helm values).
  for (const r of facts.addons) {
    if (r.clusterKey !== clusterKey) continue;
    const raw = r.configurationValues;
    if (raw === undefined || raw === '' || raw === '{}') continue;
    const values = readResolvedJson(raw, location);
    add(values === undefined ? [unseen('the add-on configuration could not be read at synth')] : ImageInventory.fromHelmValues(values), r.path);
  }
  for (const r of facts.kubernetesResources) {
    if (r.clusterKey !== clusterKey) continue;
    const workload = r.workload;
    if (r.kind === 'manifest') {
      const manifest = readResolvedJson(r.manifest, location);
      add(manifest === undefined
        ? [unseen('the manifest could not be read at synth')]
        : ImageInventory.fromManifests(Array.isArray(manifest) ? manifest : [manifest]), workload);
    } else {
      const values = !r.hasValues ? {} : readResolvedJson(r.values, location);
      const uses = values === undefined ? [unseen('the chart values could not be read at synth')] : ImageInventory.fromHelmValues(values);
      add(uses, workload);
      // What the chart pulls by default is in the chart, not in the app: said, never guessed.
      if (values !== undefined && uses.length === 0) {
        out.push({
          workload,
          where: 'the chart\'s default values',
          image: '(not in the app)',
          registryClass: 'unseen',
          problem: 'the chart\'s own default images are not in the app',
          fix: 'name the chart\'s images in `values` (image.registry / image.repository, global.imageRegistry) in this region\'s ECR or the pull-through cache, so they are checked; or acknowledge the warning once you know where the chart pulls from',
        });
      }
    }
  }
  return out;
}

/**
 * The image URIs every pull-through cache warm-up of the app pulls at deploy (`Custom::PrivateEksCacheWarmup`
 * `Images[].Image`), read like the manifests: pseudo parameters replaced by the same location.
 */
function warmedImages(facts: TreeRecords, location: AwsLocation): Set<string> {
  const out = new Set<string>();
  for (const r of facts.cacheWarmups) {
    let images: unknown;
    try {
      images = substitutePseudoParameters(r.images as any, location);
    } catch {
      continue;
    }
    if (!Array.isArray(images)) continue;
    for (const i of images) {
      const image = i && typeof i === 'object' ? (i as Record<string, unknown>).Image : undefined;
      if (typeof image === 'string') out.add(image);
    }
  }
  return out;
}

function unseen(problem: string): ImageUse {
  return { image: '<token>', unresolved: true, problem, source: ImageSource.MANIFEST, path: '' };
}

function classify(
  u: ImageUse, workload: string, location: AwsLocation, regionKnown: boolean, declared: Set<string>, cachePrefixes: string[],
  warmed: Set<string>,
): ImageFacts {
  const where = u.kind
    ? `${u.kind} ${[u.namespace, u.name].filter(Boolean).join('/') || '(unnamed)'}${u.container ? `, ${u.containerType ?? 'container'} ${u.container}` : ''}`
    : `values ${u.path}`;
  const base = { workload, where, image: u.image.split(PLACEHOLDER.account).join('<account>').split(PLACEHOLDER.region).join('<region>') };
  if (u.unresolved) return { ...base, registryClass: 'unseen', problem: u.problem };
  if (!u.reference) return { ...base, registryClass: 'malformed', problem: u.problem };
  const host = u.reference.registry.toLowerCase();
  const registry = host.split(PLACEHOLDER.account).join('<account>').split(PLACEHOLDER.region).join('<region>');
  if (declared.has(host)) return { ...base, registry, registryClass: 'declared' };
  const c = ImageRegistries.classify(host, { region: location.region, account: location.account });
  if (c.dualStack) {
    // The ECR pages disagree: ecr-requests.html says PrivateLink does not carry dual-stack traffic, newer copies of
    // vpc-endpoints.html say dual-stack endpoints are supported. Not guessed either way.
    return {
      ...base,
      registry,
      registryClass: 'unseen',
      problem: 'it uses ECR\'s dual-stack host, and the ECR pages disagree on whether VPC endpoints serve it (ecr-requests.html: no; newer vpc-endpoints.html: yes)',
      fix: `pull it through the IPv4 host ${c.account}.dkr.ecr.${c.region}.amazonaws.com, which the ecr.dkr endpoint serves`,
    };
  }
  let registryClass: ImageRegistryClass;
  let registryLabel: string | undefined = c.registryName;
  switch (c.kind) {
    case RegistryKind.ECR_PRIVATE:
    case RegistryKind.EKS_ADDON_REGISTRY:
      registryLabel = c.region;
      if (c.regionRelation === RegionRelation.SAME_REGION) registryClass = 'ecr-this-region';
      // A literal region in an environment-agnostic stack: the same region or not depends on where it is deployed.
      else if (!regionKnown || c.regionRelation === RegionRelation.UNKNOWN_REGION) registryClass = 'ecr-unknown-region';
      else registryClass = 'ecr-other-region';
      break;
    case RegistryKind.ECR_PUBLIC:
    case RegistryKind.PUBLIC_REGISTRY:
      registryClass = 'public';
      break;
    case RegistryKind.UNRESOLVED:
      registryClass = 'unseen';
      break;
    default:
      registryClass = 'unclassified';
  }
  const needsSecret = c.upstream !== undefined && UpstreamRegistries.describe(c.upstream).authentication === UpstreamAuthentication.SECRET;
  const throughCache = registryClass === 'ecr-this-region' && cachePrefixes.some(p => u.reference!.repository.startsWith(`${p}/`));
  return {
    ...base,
    registry,
    registryClass,
    registryLabel,
    cacheUpstream: c.upstream,
    cacheNeedsSecret: needsSecret || undefined,
    throughCache: throughCache || undefined,
    warmed: (throughCache && warmed.has(u.image)) || undefined,
  };
}

/**
 * A JSON property as the template will carry it (resolved by `TreeFacts`), parsed with pseudo parameters replaced by
 * the location's values; tokens that remain become `${Token[...]}`-like markers the inventory reports as unresolved.
 */
export function readResolvedJson(resolved: unknown, location: AwsLocation): any {
  try {
    const text = flatten(substitutePseudoParameters(resolved, location));
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function flatten(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && Array.isArray((v as any)['Fn::Join']) && (v as any)['Fn::Join'][0] === '') {
    return ((v as any)['Fn::Join'][1] as unknown[]).map(p => (typeof p === 'string' ? p : '${Token[unresolved]}')).join('');
  }
  return undefined;
}
