import { Lazy, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ClusterLogs } from './control-plane';
import { AddPullThroughCacheOptions } from './props';
import { misuse } from '../core/errors';
import { NodeEndpoints } from '../network/node-endpoints';
import { PullThroughCacheWarmup } from '../workloads/cache-warmup';
import { rewritePodImages } from '../workloads/image-reference';
import { EcrPullThroughCache } from '../workloads/pull-through-cache';

// The pull-through caches of one `PrivateEksCluster` and what they do to the workloads the kubectl handler deploys:
// the node role's and the ECR endpoints' grants, images rewritten to their URI in a cache, and the cache's warm-up
// (`PullThroughCacheWarmup`, created on the first image it serves) ordered before the workload.

interface CacheEntry {
  readonly cache: EcrPullThroughCache;
  readonly rewrite: boolean;
  readonly warm: boolean;
  warmup?: PullThroughCacheWarmup;
}

/** The caches added with `addPullThroughCache`, in order (their children are created in `scope`). */
export class ClusterCaches {
  private readonly caches: CacheEntry[] = [];

  constructor(private readonly scope: Construct, private readonly logSettings: ClusterLogs) {}

  /** A cache the nodes pull through: the node role may pull, and the ECR endpoints' policies admit it. */
  public add(id: string, options: AddPullThroughCacheOptions, nodeRole: iam.IRole, endpoints?: NodeEndpoints): EcrPullThroughCache {
    const cache = new EcrPullThroughCache(this.scope, id, options);
    cache.grantPull(nodeRole);
    for (const service of ['ecr.api', 'ecr.dkr']) endpoints?.interfaceEndpoint(service)?.addToPolicy(cache.endpointPolicyStatement());
    this.caches.push({ cache, rewrite: options.rewriteImages ?? false, warm: options.warmImages ?? true });
    return cache;
  }

  /** The warm-up of a cache, once a workload deploys one of its images. */
  public warmupOf(cache: EcrPullThroughCache): PullThroughCacheWarmup | undefined {
    return this.caches.find(c => c.cache === cache)?.warmup;
  }

  /** An image's URI in the first cache whose rule serves its registry; fails (from `entry`) when none does. */
  public imageUri(image: string, entry: (...args: any[]) => any): string {
    for (const { cache } of this.caches) {
      if (cache.covers(image)) return cache.imageUri(image);
    }
    throw misuse(this.scope, `no pull-through cache rule of this cluster serves ${image}`,
      'add one with cluster.addPullThroughCache(id, { rules: [{ upstream: Upstream.<the registry> }] }) first', entry);
  }

  /** An image's URI in a cache, when one of its rules serves the image's registry. */
  public cachedImage(image: string): string | undefined {
    return this.caches.find(({ cache }) => cache.covers(image))?.cache.imageUri(image);
  }

  /** The manifests with their images rewritten to the caches with `rewriteImages` on. */
  public rewrite(manifest: Record<string, any>[]): Record<string, any>[] {
    for (const { cache, rewrite } of this.caches) {
      if (rewrite) manifest = rewritePodImages(manifest, image => (cache.covers(image) ? cache.imageUri(image) : image)) as Record<string, any>[];
    }
    return manifest;
  }

  /**
   * The images in a cache with `warmImages` on are added to its warm-up (created on the first one), and the workload
   * waits for it: the pods start once ECR holds their images.
   */
  public warmBefore(workload: Construct, images: string[]) {
    for (const entry of this.caches) {
      if (!entry.warm) continue;
      const ours = images.filter(image => entry.cache.ruleOfUri(image) !== undefined);
      if (ours.length === 0) continue;
      entry.warmup ??= new PullThroughCacheWarmup(this.scope, `${entry.cache.node.id}Warmup`, {
        cache: entry.cache,
        architectures: Lazy.list({ produce: () => this.nodeArchitectures() }),
        logsEncryptionKey: this.logSettings.logsEncryptionKey(),
        logRetention: this.logSettings.logRetention,
      });
      for (const image of ours) entry.warmup.addImage(image);
      workload.node.addDependency(entry.warmup.resource);
    }
  }

  /**
   * The CPU architectures of this cluster's managed nodegroups, by AMI type (`..._ARM_64...` is arm64, a custom AMI
   * may be either); amd64 when there are none.
   */
  private nodeArchitectures(): string[] {
    const arches = new Set<string>();
    for (const ng of this.scope.node.findAll().filter((c): c is eks.CfnNodegroup => c instanceof eks.CfnNodegroup)) {
      const ami = Stack.of(this.scope).resolve(ng.amiType);
      if (typeof ami !== 'string' || ami === 'CUSTOM') {
        arches.add('amd64');
        arches.add('arm64');
      } else {
        arches.add(ami.includes('ARM_64') ? 'arm64' : 'amd64');
      }
    }
    return arches.size === 0 ? ['amd64'] : [...arches].sort();
  }
}
