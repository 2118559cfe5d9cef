import * as path from 'path';
import { CustomResource, Duration, Lazy, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { parseReference } from './image-reference';
import { EcrPullThroughCache } from './pull-through-cache';
import { acknowledgeFindings } from '../core/acknowledgements';
import { misuse } from '../core/errors';

/** The warm-up's handler directory: the function's code asset (plain CommonJS; the AWS SDK v3 of the runtime). */
const HANDLER_DIR = path.join(__dirname, 'cache-warmup');

/** The CloudFormation type of the warm-up's custom resource (the checks find it by this type). */
export const CACHE_WARMUP_RESOURCE_TYPE = 'Custom::PrivateEksCacheWarmup';

/** Lambda's longest function timeout (15 minutes); the handler stops pulling two minutes before it to answer. */
const FUNCTION_TIMEOUT = Duration.minutes(15);

/**
 * Properties of a `PullThroughCacheWarmup`.
 */
export interface PullThroughCacheWarmupProps {
  /** The cache whose rules the images are pulled through. */
  readonly cache: EcrPullThroughCache;

  /**
   * The images to warm: upstream references the cache covers (`public.ecr.aws/docker/library/busybox:1.37`), or their
   * URIs in the cache (`cache.imageUri(...)`). More can be added with `addImage`.
   * @default - none
   */
  readonly images?: string[];

  /**
   * The CPU architectures of the nodes, as OCI platforms name them (`amd64`, `arm64`): of a multi-architecture image,
   * the manifests and layers of these are pulled.
   * @default ['amd64']
   */
  readonly architectures?: string[];

  /**
   * How long CloudFormation waits for the function's answer (the custom resource's `ServiceTimeout`).
   * @default Duration.minutes(16): the function's 15 minutes, plus a minute
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
   */
  readonly serviceTimeout?: Duration;

  /**
   * The KMS key that encrypts the function's log group (its policy must let CloudWatch Logs use it).
   * @default - CloudWatch Logs' default encryption
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * How long the function's log group is kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** One image to warm, as the custom resource carries it. */
interface WarmupItem {
  /** The URI in the cache. */
  readonly uri: string;
  /** The reference the app wrote (`nginx:1.27`), when it was not the URI. */
  readonly source?: string;
  /** The upstream registry URL of the rule that serves it. */
  readonly upstream: string;
}

/**
 * Fills an ECR pull-through cache at deploy: a Lambda function that runs OUTSIDE the VPC (Lambda's own networking,
 * no NAT) pulls each image through the cache the way a container runtime does (registry login, manifest, the nodes'
 * architectures of an index, every layer), so ECR imports it from the upstream. Nodes with no internet route then
 * pull it from this account's ECR through the VPC endpoints. Without it, ECR's first pull through the cache over
 * interface endpoints needs a NAT gateway ("When an image is pulled using a pull through cache rule for the first time,
 * if you've configured Amazon ECR to use an interface VPC endpoint ... you need to create a public subnet in the same
 * VPC, with a NAT gateway", https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html, read
 * 2026-12-05).
 *
 * CloudFormation invokes the function directly (`ServiceToken` = the function ARN), asynchronously ("CloudFormation
 * invokes your Lambda function asynchronously with an event that includes a callback URL":
 * https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html, read 2026-12-07; aws-cdk #5873), and the
 * resource completes when the function answers at that URL, not when the invocation returns: what depends on the
 * resource waits for the answer. On update it pulls only the images it had not pulled before; on delete nothing. A
 * failure fails the stack with the image, the upstream, the cause (not found, credentials, the upstream's rate limit)
 * and the fix; a function that never answers (a crash or timeout, which Lambda retries as an asynchronous event) fails
 * it at `serviceTimeout`. Make the manifests and charts that use the images depend on it (`PrivateEksCluster` does, for
 * the caches it adds).
 *
 * Container images only. containers-roadmap#1855 ("Pull-Through Cache Helm Support") is closed and labelled Shipped, but
 * the ECR user guide's pull-through cache page, which says what a rule covers, speaks of images only ("pull an image
 * from that upstream registry using your Amazon ECR private registry URI. Amazon ECR then creates a repository and
 * caches that image") and says nothing of Helm charts or other OCI artifacts
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html, read 2026-12-07); the issue
 * names no announcement or page either. A behaviour no AWS page states is not one the check may count on, so
 * charts are not warmed here and the chart rule (PEKS-KUBECTL-2) stands: push charts to this region's ECR.
 *
 * Digests: ECR imports on a first pull by tag, not by digest (aws/containers-roadmap#2837, read 2026-12-07): an
 * image pinned by digest only is refused (`addImage`); `name:tag@digest` is pulled by its tag, its digest checked,
 * then pulled by the digest.
 */
export class PullThroughCacheWarmup extends Construct {
  /** The function (outside the VPC). */
  public readonly function: lambda.Function;
  /** The function's role: the cache's `PullPolicy` and its own log group, nothing else. */
  public readonly role: iam.Role;
  /** The custom resource (`Custom::PrivateEksCacheWarmup`): what the workloads wait for. */
  public readonly resource: CustomResource;
  private readonly cache: EcrPullThroughCache;
  private readonly items: WarmupItem[] = [];

  constructor(scope: Construct, id: string, props: PullThroughCacheWarmupProps) {
    super(scope, id);
    this.cache = props.cache;
    const serviceTimeout = props.serviceTimeout ?? FUNCTION_TIMEOUT.plus(Duration.minutes(1));
    if (!serviceTimeout.isUnresolved()) {
      const seconds = serviceTimeout.toSeconds({ integral: false });
      if (!Number.isInteger(seconds) || seconds < FUNCTION_TIMEOUT.toSeconds() || seconds > 3600) {
        throw misuse(this, `serviceTimeout must be a whole number of seconds from 15 minutes (the function's timeout) to 1 hour, got ${serviceTimeout.toHumanString()}`,
          'leave serviceTimeout out for the default of 16 minutes, or pass for example `Duration.minutes(20)`');
      }
    }
    const architectures = props.architectures ?? ['amd64'];
    for (const a of Token.isUnresolved(architectures) ? [] : architectures) {
      if (!Token.isUnresolved(a) && !['amd64', 'arm64'].includes(a)) {
        throw misuse(this, `architecture "${a}" is not a node architecture EKS runs`, 'pass "amd64", "arm64" or both');
      }
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logsEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Pull-through cache warm-up of ${props.cache.node.path}: pulls through the cache's prefixes and writes its own log`,
    });
    // The pull and first-pull actions on the cache's prefixes and the registry login (its acknowledged PullPolicy).
    props.cache.grantPull(this.role);
    // Its own log group only (a customer managed policy, not an inline one).
    this.role.addManagedPolicy(new iam.ManagedPolicy(this, 'LogsPolicy', {
      description: 'The pull-through cache warm-up writes its own log group',
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
    }));

    this.function = new lambda.Function(this, 'Function', {
      description: `Pull-through cache warm-up: pulls the app's images through ${props.cache.node.path} from outside the VPC, so ECR imports them before the nodes pull`,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_DIR),
      role: this.role,
      timeout: FUNCTION_TIMEOUT,
      // Layers stream through and are discarded: memory is for the network throughput Lambda gives with it.
      memorySize: 512,
      logGroup,
    });

    this.resource = new CustomResource(this, 'Resource', {
      // CloudFormation invokes the function itself (asynchronously; it waits for the answer at the response URL): no
      // provider framework.
      serviceToken: this.function.functionArn,
      resourceType: CACHE_WARMUP_RESOURCE_TYPE,
      serviceTimeout,
      properties: {
        Images: Lazy.any({ produce: () => this.items.map(i => ({ Image: i.uri, Upstream: i.upstream, ...(i.source ? { Source: i.source } : {}) })) }),
        Architectures: architectures,
      },
    });
    // The rules exist, and the creation templates too: a repository ECR creates on the first pull gets their settings.
    this.resource.node.addDependency(...props.cache.ruleResources, ...props.cache.creationTemplates);

    for (const image of props.images ?? []) this.addImage(image);
    acknowledgeFindings(this, 'cacheWarmup');
  }

  /**
   * Adds an image to warm: an upstream reference the cache covers, or its URI in the cache. Returns the URI in the
   * cache. Fails when no rule of the cache serves it.
   */
  public addImage(image: string): string {
    // ECR's pull-through cache imports an image on a first pull by tag; a first pull by digest finds nothing and is
    // not imported ("Allow a pull-through cache rule to populate the cache when an image is referenced by digest ...
    // not only when it's pulled by tag"; "This also happens when an image has both a tag and a digest",
    // https://github.com/aws/containers-roadmap/issues/2837, open, read 2026-12-07). So an image pinned by digest
    // only cannot be warmed, and the nodes' first pull of it fails; `name:tag@digest` is warmed by its tag, then the
    // digest is checked (the handler's warmImage).
    const parsed = Token.isUnresolved(image) ? undefined : parseReference(image);
    if (parsed?.ok && parsed.digest !== undefined && parsed.tag === undefined) {
      throw misuse(this, `${image} is pinned by digest only: ECR's pull-through cache does not import an image on a first pull by digest `
        + '(aws/containers-roadmap#2837), so neither this warm-up nor the nodes can pull it through the cache',
      `write it with its tag too (${parsed.registry}/${parsed.repository}:<tag>@${parsed.digest}): the warm-up pulls the tag, checks that it is this digest, and the nodes then pull the digest from the cache`);
    }
    const rule = this.cache.ruleOfUri(image);
    let item: WarmupItem;
    if (rule) {
      item = { uri: image, upstream: rule.upstreamRegistryUrl };
    } else {
      const uri = this.cache.imageUri(image);
      item = { uri, source: image, upstream: this.cache.ruleOfUri(uri)!.upstreamRegistryUrl };
    }
    if (!this.items.some(i => i.uri === item.uri)) this.items.push(item);
    return item.uri;
  }

  /** The URIs in the cache of the images warmed. */
  public get images(): string[] {
    return this.items.map(i => i.uri);
  }

  /** Whether this warm-up pulls the image (its URI in the cache). */
  public warms(uri: string): boolean {
    return this.items.some(i => i.uri === uri);
  }
}
