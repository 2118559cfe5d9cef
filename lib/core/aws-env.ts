import { Aws, DefaultStackSynthesizer, Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every value that depends on the region, the partition or the account comes from here: ARNs, bucket names, DNS
 * suffixes, the EKS image registries. The library writes no `us-east-1` or `arn:aws:` literal anywhere else.
 *
 * A location is either concrete (the stack has an `env`) or symbolic (environment-agnostic: CloudFormation's pseudo
 * parameters). The policy evaluator checks symbolic locations against several sample locations, so a rule is only
 * reported when it holds wherever the stack may be deployed.
 */
export interface AwsLocation {
  /** `us-east-1`, or the `AWS::Region` token. */
  readonly region: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, or the `AWS::Partition` token. */
  readonly partition: string;
  /** The 12-digit account, or the `AWS::AccountId` token. */
  readonly account: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, or the `AWS::URLSuffix` token. */
  readonly urlSuffix: string;
  /** True when the region is known at synth (the stack has a concrete region). */
  readonly regionKnown: boolean;
  /**
   * The stack's CDK asset bucket as its synthesizer names it, with `${AWS::AccountId}` and `${AWS::Region}`
   * placeholders (`cdk-<qualifier>-assets-${AWS::AccountId}-${AWS::Region}`).
   * @default - the default synthesizer's name with the default qualifier
   */
  readonly assetBucket?: string;
}

/** The location a construct's stack deploys to. */
export function locationOf(scope: IConstruct): AwsLocation {
  const stack = Stack.of(scope);
  const regionKnown = !Token.isUnresolved(stack.region);
  const partition = regionKnown ? partitionOfRegion(stack.region) : stack.partition;
  const synthesizer = stack.synthesizer;
  return {
    region: stack.region,
    partition,
    account: stack.account,
    urlSuffix: regionKnown ? urlSuffixOfPartition(partition) : Aws.URL_SUFFIX,
    regionKnown,
    assetBucket: synthesizer instanceof DefaultStackSynthesizer ? templateBucketName((synthesizer as any).bucketName) : undefined,
  };
}

/** A bucket name as a template with `${AWS::AccountId}`/`${AWS::Region}`, whether the stack rendered them or not. */
function templateBucketName(name: string): string | undefined {
  return Token.isUnresolved(name) ? undefined : name;
}

/** The CDK asset bucket of a location: its synthesizer's name, or the default qualifier's. */
export function cdkAssetBucket(l: AwsLocation): string {
  const template = l.assetBucket ?? 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}';
  return template.split('${AWS::AccountId}').join(l.account).split('${AWS::Region}').join(l.region).split('${AWS::Partition}').join(l.partition);
}

/** The partition of a region name. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/**
 * The dual-stack DNS suffix that goes with a partition's DNS suffix (`api.aws` beside `amazonaws.com`), as the SDKs'
 * partitions file pairs them (dualStackDnsSuffix: https://github.com/boto/botocore/blob/develop/botocore/data/partitions.json,
 * read 2026-12-05; the preflight probe holds the same pairs). Undefined for a partition the file read gives none.
 */
export function dualStackSuffixOf(urlSuffix: string): string | undefined {
  return ({ 'amazonaws.com': 'api.aws', 'amazonaws.com.cn': 'api.amazonwebservices.com.cn', 'amazonaws.eu': 'api.amazonwebservices.eu' } as Record<string, string>)[urlSuffix];
}

/** The DNS suffix of AWS service endpoints in a partition. */
export function urlSuffixOfPartition(partition: string): string {
  switch (partition) {
    case 'aws-cn': return 'amazonaws.com.cn';
    case 'aws-iso': return 'c2s.ic.gov';
    case 'aws-iso-b': return 'sc2s.sgov.gov';
    case 'aws-eusc': return 'amazonaws.eu';
    default: return 'amazonaws.com';
  }
}

/**
 * The region without dashes (`uswest2`), as CloudFormation names its custom-resource response buckets; an
 * `Fn::Join`/`Fn::Split` of `AWS::Region` where the region is a token.
 */
export function regionWithoutDashes(location: AwsLocation): string {
  return location.regionKnown ? location.region.replace(/-/g, '') : Fn.join('', Fn.split('-', location.region));
}

/**
 * The S3 buckets the cluster's clients reach through the S3 gateway endpoint.
 */
export const AwsBuckets = {
  /**
   * Where ECR stores image layers; containerd downloads them through URLs ECR presigns, so the request is not signed by
   * the node's role. Same name in every partition.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms
   */
  ecrLayers: (l: AwsLocation) => `prod-${l.region}-starport-layer-bucket`,
  /**
   * Where custom-resource handlers put their answer to CloudFormation (a presigned URL): the region is written without
   * dashes ("Region names don't contain dashes. For example, uswest2").
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html
   */
  cloudFormationResponses: (l: AwsLocation) => `cloudformation-custom-resource-response-${regionWithoutDashes(l)}`,
  /**
   * The CDK bootstrap asset buckets of the account (any qualifier), as the default synthesizer names them.
   * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
   */
  cdkAssets: (l: AwsLocation) => `cdk-*-assets-${l.account}-${l.region}`,
};

/** An S3 ARN in the location's partition. */
export function s3Arn(l: AwsLocation, bucketAndKey: string): string {
  return `arn:${l.partition}:s3:::${bucketAndKey}`;
}

/**
 * The AWS accounts whose ECR registries hold the EKS add-on images (vpc-cni, kube-proxy, coredns, pause), by region;
 * the regions the page lists with 602401143452 are left out. Read 2026-11-25 from
 * https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html (awsdocs/amazon-eks-user-guide
 * latest/ug/workloads/add-ons-images.adoc). The page writes ap-east-2's registry host with "ap-east-1" (kept as the
 * account only). ap-southeast-5 is not on the page: 602401143452 is assumed there, which only the policy evaluator's
 * sample resource uses.
 */
const EKS_IMAGE_ACCOUNTS: Record<string, string> = {
  'af-south-1': '877085696533',
  'ap-east-1': '800184023465',
  'ap-east-2': '533267051163',
  'ap-south-2': '900889452093',
  'ap-southeast-3': '296578399912',
  'ap-southeast-4': '491585149902',
  'ap-southeast-6': '333609536671',
  'ap-southeast-7': '121268973566',
  'ca-west-1': '761377655185',
  'cn-north-1': '918309763551',
  'cn-northwest-1': '961992271922',
  'eu-central-2': '900612956339',
  'eusc-de-east-1': '877088126301',
  'eu-south-1': '590381155156',
  'eu-south-2': '455263428931',
  'il-central-1': '066635153087',
  'me-central-1': '759879836304',
  'me-south-1': '558608220178',
  'mx-central-1': '730335286997',
  'us-gov-east-1': '151742754352',
  'us-gov-west-1': '013241004608',
};
const EKS_IMAGE_ACCOUNT_DEFAULT = '602401143452';

/** The account of the EKS add-on image registry in a region (a literal region). */
export function eksImageAccount(region: string): string {
  return EKS_IMAGE_ACCOUNTS[region] ?? EKS_IMAGE_ACCOUNT_DEFAULT;
}

/** Every EKS add-on image account, for matching image references. */
export function eksImageAccounts(): string[] {
  return [...new Set([EKS_IMAGE_ACCOUNT_DEFAULT, ...Object.values(EKS_IMAGE_ACCOUNTS)])];
}

/**
 * Sample locations an environment-agnostic stack is evaluated at: a rule that depends on the region holds only if it
 * holds at all of them. Two commercial regions (one with its own EKS registry account) and the China partition.
 */
export const SAMPLE_LOCATIONS: AwsLocation[] = [
  { region: 'us-east-1', partition: 'aws', account: '111111111111', urlSuffix: 'amazonaws.com', regionKnown: true },
  { region: 'ap-southeast-3', partition: 'aws', account: '111111111111', urlSuffix: 'amazonaws.com', regionKnown: true },
  { region: 'cn-northwest-1', partition: 'aws-cn', account: '111111111111', urlSuffix: 'amazonaws.com.cn', regionKnown: true },
];

/**
 * The registry host of an ECR private registry, as image references and pull-through-cache rules write it:
 * `<account>.dkr.ecr.<region>.<urlSuffix>`. The suffix follows the region's partition when the region is written
 * out, and is the `AWS::URLSuffix` token when the region is a token.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
 */
export function ecrRegistryHost(l: AwsLocation, account: string = l.account, region: string = l.region): string {
  let suffix: string;
  if (!Token.isUnresolved(region)) {
    suffix = urlSuffixOfPartition(partitionOfRegion(region));
  } else {
    suffix = region === l.region ? l.urlSuffix : Aws.URL_SUFFIX;
  }
  return `${account}.dkr.ecr.${region}.${suffix}`;
}

/** The parts of an ECR private registry host. */
export interface EcrRegistryHostParts {
  readonly account: string;
  readonly region: string;
  /**
   * The dual-stack (IPv4 and IPv6) host `<account>.dkr-ecr.<region>.on.aws`. ECR does not carry AWS PrivateLink
   * traffic over dual-stack endpoints, so nodes with no internet route cannot pull from it.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html
   */
  readonly dualStack: boolean;
}

/**
 * Reads an ECR private registry host: `<account>.dkr.ecr.<region>.<suffix of the region's partition>` or the
 * dual-stack `<account>.dkr-ecr.<region>.on.aws` (ecr-requests.html). Undefined for anything else, including a suffix
 * that does not belong to the region's partition. FIPS registry hosts are not recognised: their form was not verified.
 */
export function parseEcrRegistryHost(host: string): EcrRegistryHostParts | undefined {
  const h = host.toLowerCase();
  const dual = /^(\d{12})\.dkr-ecr\.([a-z0-9-]+)\.on\.aws$/.exec(h);
  if (dual) return { account: dual[1], region: dual[2], dualStack: true };
  const m = /^(\d{12})\.dkr\.ecr\.([a-z]+(?:-[a-z]+)+-\d+)\.([a-z0-9.-]+)$/.exec(h);
  if (!m) return undefined;
  if (m[3] !== urlSuffixOfPartition(partitionOfRegion(m[2]))) return undefined;
  return { account: m[1], region: m[2], dualStack: false };
}

/** An ECR repository ARN (or pattern, `prefix/*`) in the location's partition, region and account. */
export function ecrRepositoryArn(l: AwsLocation, repository: string): string {
  return `arn:${l.partition}:ecr:${l.region}:${l.account}:repository/${repository}`;
}

/**
 * The service principals of ECR's pull through cache: the one a cross-account ECR-to-ECR rule's role trusts, and the
 * one a repository creation template's custom role trusts.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html
 */
export const EcrServicePrincipals = {
  pullThroughCache: 'pullthroughcache.ecr.amazonaws.com',
  repositoryCreation: 'ecr.amazonaws.com',
};

/**
 * Regions where `AWS::ECR::PullThroughCacheRule` cannot be created: the China and GovCloud regions. Two sources agree:
 * the ECR guide ("Creating pull through cache rules isn't supported in the following Regions", awsdocs/amazon-ecr-user-guide
 * doc_source/pull-through-cache.md, commit 1e8d7c3) and CloudFormation's per-region resource lists as shipped in
 * cfn-lint 1.51 (no AWS::ECR::PullThroughCacheRule in cn-north-1, cn-northwest-1, us-gov-east-1, us-gov-west-1). The
 * current repository-creation-templates page lists the same four regions for templates, although cfn-lint lists
 * AWS::ECR::RepositoryCreationTemplate there: the two disagree, the stricter reading is kept.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
 */
const PULL_THROUGH_CACHE_UNAVAILABLE = ['cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1'];

/** True when ECR pull through cache rules can be created in a literal region (a token region gives true). */
export function pullThroughCacheOffered(region: string): boolean {
  return Token.isUnresolved(region) || !PULL_THROUGH_CACHE_UNAVAILABLE.includes(region);
}
