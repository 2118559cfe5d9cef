import { Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CacheRuleMapping, ImageReference, PullThroughCacheUri } from './images';
import { Upstream, UpstreamAuthentication, UpstreamRegistries } from './upstream-registries';
import { acknowledgeWildcards } from '../core/acknowledgements';
import {
  EcrServicePrincipals, ecrRegistryHost, ecrRepositoryArn, locationOf, parseEcrRegistryHost, pullThroughCacheOffered,
} from '../core/aws-env';
import { misuse } from '../core/errors';

/** The name every pull-through-cache credential secret must start with (pull-through-cache-creating-rule.html). */
const SECRET_NAME_PREFIX = 'ecr-pullthroughcache/';
/** `EcrRepositoryPrefix`: 2 to 30 characters, lower-case path components (AWS::ECR::PullThroughCacheRule schema). */
const PREFIX_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/**
 * One pull through cache rule.
 */
export interface PullThroughCacheRuleOptions {
  /** The upstream registry to cache. */
  readonly upstream: Upstream;

  /**
   * The ECR repository prefix cached images get (`<prefix>/<upstream repository>`): 2 to 30 characters, lower case.
   * @default - per upstream: `ecr-public`, `k8s`, `quay`, `docker-hub`, `github`, `gitlab`, `azure`, `chainguard`, `ecr`
   */
  readonly prefix?: string;

  /**
   * The Secrets Manager secret with the upstream's credentials. Required for Docker Hub, GitHub, GitLab, Azure and
   * Chainguard; refused for the others. Its name must start with `ecr-pullthroughcache/` and it must be in the cache's
   * account and region. Only its ARN goes into the template.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html
   * @default - none
   */
  readonly credentials?: secretsmanager.ISecret;

  /**
   * The upstream registry URL. Required for Azure (`<name>.azurecr.io`); for ECR it may replace
   * `upstreamRegion`/`upstreamAccount` (`<account>.dkr.ecr.<region>.amazonaws.com`); refused for the upstreams with a
   * fixed URL.
   * @default - the upstream's documented URL (ECR: built from `upstreamAccount` and `upstreamRegion`)
   */
  readonly upstreamRegistryUrl?: string;

  /**
   * ECR upstream only: the upstream registry's region.
   * @default - read from `upstreamRegistryUrl`
   */
  readonly upstreamRegion?: string;

  /**
   * ECR upstream only: the upstream registry's account.
   * @default - this stack's account
   */
  readonly upstreamAccount?: string;

  /**
   * ECR upstream only: cache only the upstream repositories under this prefix.
   * @default - the upstream registry's root
   */
  readonly upstreamRepositoryPrefix?: string;

  /**
   * ECR upstream only: the role ECR assumes to read the upstream registry.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html
   * @default - a new role trusting `pullthroughcache.ecr.amazonaws.com` with the documented permissions, when the
   * upstream account differs from this stack's account (or either is unknown); none for the same account
   */
  readonly role?: iam.IRole;
}

/**
 * Properties of `EcrPullThroughCache`.
 */
export interface EcrPullThroughCacheProps {
  /** The rules: one per upstream registry (ECR allows one rule per prefix). */
  readonly rules: PullThroughCacheRuleOptions[];

  /**
   * Create a repository creation template per cache prefix, so the repositories ECR creates on the first pull get the
   * settings below (without one they get AES-256, mutable tags and no lifecycle policy).
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
   * @default true
   */
  readonly repositoryCreationTemplates?: boolean;

  /**
   * The KMS key that encrypts the cached repositories. With a key, the templates get a custom role (trusting
   * `ecr.amazonaws.com`) that may create grants on it, as ECR requires for KMS in templates.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html
   * @default - AES-256 (S3-managed keys)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long untagged images (the old image a moving upstream tag leaves behind) stay in cached repositories.
   * @default Duration.days(14)
   */
  readonly untaggedImageExpiry?: Duration;

  /**
   * Make tags of cached repositories immutable. ECR then may not update a cached tag that moved upstream
   * ("If you manually enable tag immutability on the repository, Amazon ECR may not be able to update the cached images").
   * @default false
   */
  readonly immutableTags?: boolean;
}

/** A rule of an `EcrPullThroughCache`, as checks read it. */
export interface PullThroughCacheRuleInfo extends CacheRuleMapping {
  /** The upstream. */
  readonly upstream: Upstream;
  /** The `UpstreamRegistryUrl` of the rule. */
  readonly upstreamRegistryUrl: string;
  /** Whether the upstream needs a Secrets Manager secret. */
  readonly needsCredentials: boolean;
  /** Whether a secret is given. */
  readonly credentialsPresent: boolean;
  /**
   * The role ECR assumes (ECR upstreams).
   * @default - none
   */
  readonly roleArn?: string;
}

/**
 * An Amazon ECR pull through cache: one `AWS::ECR::PullThroughCacheRule` per upstream registry, and an
 * `AWS::ECR::RepositoryCreationTemplate` per cache prefix. Nodes then pull `nginx` as
 * `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/library/nginx` through the VPC's ECR endpoints, and ECR fetches it
 * from the upstream on the first pull.
 *
 * aws-cdk-lib 2.276 has only the L1s (`CfnPullThroughCacheRule`, `CfnRepositoryCreationTemplate`): this is the L2.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
 */
export class EcrPullThroughCache extends Construct {
  /**
   * The actions a principal needs beyond an ordinary pull to make the first pull of an image through the cache: import
   * the upstream image, and create its repository when it does not exist yet.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
   */
  public static readonly FIRST_PULL_ACTIONS = ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

  /** The actions of an ordinary image pull from a repository (the `GetAuthorizationToken` call is on `*`). */
  public static readonly PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

  /** The rules, as checks read them. */
  public readonly rules: PullThroughCacheRuleInfo[] = [];

  /** The rule resources, by prefix. */
  public readonly ruleResources: ecr.CfnPullThroughCacheRule[] = [];

  /** The repository creation templates, one per prefix, when created. */
  public readonly creationTemplates: ecr.CfnRepositoryCreationTemplate[] = [];

  /** The role of the creation templates (only with a KMS key). */
  public readonly templateRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: EcrPullThroughCacheProps) {
    super(scope, id);
    const l = locationOf(this);
    if (!pullThroughCacheOffered(l.region)) {
      throw misuse(this, `ECR pull through cache rules cannot be created in ${l.region} (the ECR guide and CloudFormation's resource list for the region leave it out)`,
        'cache images in a region that offers pull through cache and replicate them, or copy the images into this region\'s ECR');
    }
    if (!props.rules || props.rules.length === 0) {
      throw misuse(this, 'no rules were given', 'pass at least one rule, such as `{ upstream: Upstream.ECR_PUBLIC }`');
    }

    props.rules.forEach((options, i) => this.addRule(options, i));
    this.checkDistinctPrefixes();

    if (props.repositoryCreationTemplates ?? true) {
      if (props.encryptionKey) this.templateRole = this.createTemplateRole(props.encryptionKey);
      for (const rule of this.rules) this.creationTemplates.push(this.createTemplate(rule, props));
    } else if (props.encryptionKey || props.untaggedImageExpiry || props.immutableTags !== undefined) {
      throw misuse(this, 'encryptionKey, untaggedImageExpiry or immutableTags was given with repositoryCreationTemplates: false',
        'remove them, or leave repositoryCreationTemplates on: they only apply through the templates');
    }
  }

  /**
   * Grants a principal (the node role, a handler's role) what a first pull through the cache needs, on the cache's
   * repositories only: the ordinary pull actions, `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository`, and
   * `ecr:GetAuthorizationToken` (on `*`, the only resource it takes).
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      // A role gets the cache's own managed policy: the acknowledgement of its wildcards sits on that policy, so a
      // grant someone else adds to the role later is still reported.
      principal.addManagedPolicy(this.pullPolicy);
      return iam.Grant.drop(grantee, 'the cache\'s PullPolicy is attached to the role');
    }
    const repositories = this.repositoryArns();
    const pulls = iam.Grant.addToPrincipal({
      grantee,
      actions: [...EcrPullThroughCache.PULL_ACTIONS, ...EcrPullThroughCache.FIRST_PULL_ACTIONS],
      resourceArns: repositories,
    });
    const token = iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    return pulls.combine(token);
  }

  /**
   * The customer managed policy `grantPull` attaches to a role: the pull and first-pull actions on the cache's
   * repositories, and `ecr:GetAuthorizationToken` on `*` (the only resource it takes). Its two wildcards are
   * acknowledged on this policy only.
   */
  public get pullPolicy(): iam.ManagedPolicy {
    const existing = this.node.tryFindChild('PullPolicy');
    if (existing instanceof iam.ManagedPolicy) return existing;
    const policy = new iam.ManagedPolicy(this, 'PullPolicy', {
      description: `Pulls and first pulls through the pull-through cache ${this.node.path}`,
      statements: [
        new iam.PolicyStatement({
          sid: 'PullThroughCache',
          actions: [...EcrPullThroughCache.PULL_ACTIONS, ...EcrPullThroughCache.FIRST_PULL_ACTIONS],
          resources: this.repositoryArns(),
        }),
        new iam.PolicyStatement({ sid: 'RegistryLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      ],
    });
    acknowledgeWildcards(policy, 'pullThroughCacheGrant');
    return policy;
  }

  /**
   * A statement for an ECR interface endpoint's policy that admits first pulls through the cache by this account's
   * principals (`FIRST_PULL_ACTIONS` and the pull actions on the cache's repositories). A pull-only endpoint policy
   * without it denies the import.
   */
  public endpointPolicyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'PullThroughCacheFirstPull',
      principals: [new iam.AccountRootPrincipal()],
      actions: [...EcrPullThroughCache.PULL_ACTIONS, ...EcrPullThroughCache.FIRST_PULL_ACTIONS],
      resources: this.repositoryArns(),
    });
  }

  /** The ARN patterns of the cache's repositories (`arn:...:repository/<prefix>/*`). */
  public repositoryArns(): string[] {
    const l = locationOf(this);
    return this.rules.map(r => ecrRepositoryArn(l, `${r.prefix}/*`));
  }

  /** The registry host of the cache: `<account>.dkr.ecr.<region>.<urlSuffix>` (tokens in agnostic stacks). */
  public get registryHost(): string {
    return ecrRegistryHost(locationOf(this));
  }

  /** True when a rule covers the reference's registry. False for malformed or unresolved references. */
  public covers(reference: string): boolean {
    if (ImageReference.problemWith(reference) !== undefined) return false;
    return this.uriOf(ImageReference.parse(reference)) !== undefined;
  }

  /**
   * The URI of an image through the cache (`nginx` -> `<registry>/docker-hub/library/nginx:latest`). Throws when the
   * reference is malformed or unresolved, or when no rule covers its registry.
   */
  public imageUri(reference: string): string {
    const problem = ImageReference.problemWith(reference);
    if (problem !== undefined) {
      throw misuse(this, `cannot rewrite the image: ${problem}`, 'pass a literal image reference such as "nginx:1.27" or "registry.k8s.io/pause:3.10"');
    }
    const uri = this.uriOf(ImageReference.parse(reference));
    if (uri === undefined) {
      const hosts = this.rules.flatMap(r => r.upstreamHosts);
      throw misuse(this, `no rule covers the registry of "${reference}" (${ImageReference.parse(reference).registry}); the rules cover ${hosts.join(', ')}`,
        'add a rule for that upstream, or pull the image from a registry the cache covers');
    }
    return uri;
  }

  /**
   * The rule that serves an image URI in this cache (`<registry host>/<prefix>/...`, as `imageUri` writes it, tokens
   * included), or undefined when the URI is not in the cache.
   */
  public ruleOfUri(uri: string): PullThroughCacheRuleInfo | undefined {
    const host = `${this.registryHost}/`;
    if (!uri.startsWith(host)) return undefined;
    const repository = uri.slice(host.length);
    return this.rules.find(r => repository.startsWith(`${r.prefix}/`));
  }

  private uriOf(reference: ImageReference): string | undefined {
    const l = locationOf(this);
    return PullThroughCacheUri.of(reference, this.rules, { account: l.account, region: l.region, urlSuffix: l.urlSuffix });
  }

  private addRule(options: PullThroughCacheRuleOptions, index: number) {
    const info = UpstreamRegistries.describe(options.upstream);
    const prefix = options.prefix ?? info.defaultPrefix;
    const what = `rule ${index} (${options.upstream})`;
    this.checkPrefix(what, prefix);
    if (this.rules.some(r => r.prefix === prefix)) {
      throw misuse(this, `${what}: another rule already uses the prefix "${prefix}"`, 'give each rule its own `prefix`: ECR keys rules by prefix');
    }
    this.checkOptionsFor(what, options);

    let url: string;
    let upstreamHosts: string[];
    let roleArn: string | undefined;
    if (options.upstream === Upstream.ECR_PRIVATE) {
      ({ url, roleArn } = this.ecrUpstream(what, options, prefix));
      upstreamHosts = [url];
    } else if (options.upstream === Upstream.AZURE) {
      url = this.azureUrl(what, options.upstreamRegistryUrl);
      upstreamHosts = [url];
    } else {
      if (options.upstreamRegistryUrl !== undefined) {
        throw misuse(this, `${what}: upstreamRegistryUrl "${options.upstreamRegistryUrl}" was given, but ${options.upstream} has the fixed URL ${info.registryUrl}`,
          'remove `upstreamRegistryUrl`');
      }
      url = info.registryUrl!;
      upstreamHosts = info.imageHosts;
    }

    const needsCredentials = info.authentication === UpstreamAuthentication.SECRET;
    if (needsCredentials && !options.credentials) {
      throw misuse(this, `${what}: ${options.upstream} needs credentials and none were given`,
        `pass \`credentials\`: a Secrets Manager secret named "${SECRET_NAME_PREFIX}<name>" holding "username" and "accessToken" `
        + '(see https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html)');
    }
    if (!needsCredentials && options.credentials) {
      throw misuse(this, `${what}: ${options.upstream} does not take credentials (${info.authentication === UpstreamAuthentication.IAM_ROLE ? 'ECR authenticates with an IAM role' : 'it is pulled anonymously'}), and a secret was given`,
        info.authentication === UpstreamAuthentication.IAM_ROLE ? 'remove `credentials`; pass `role` if you bring your own role' : 'remove `credentials`');
    }
    if (options.credentials) this.checkSecret(what, options.credentials);

    const resource = new ecr.CfnPullThroughCacheRule(this, ruleId(prefix), {
      ecrRepositoryPrefix: prefix,
      upstreamRegistry: info.upstreamRegistry,
      upstreamRegistryUrl: url,
      credentialArn: options.credentials ? (options.credentials.secretFullArn ?? options.credentials.secretArn) : undefined,
      customRoleArn: roleArn,
      upstreamRepositoryPrefix: options.upstreamRepositoryPrefix,
    });
    this.ruleResources.push(resource);
    this.rules.push({
      prefix,
      upstream: options.upstream,
      upstreamRegistryUrl: url,
      upstreamHosts,
      upstreamRepositoryPrefix: options.upstreamRepositoryPrefix,
      needsCredentials,
      credentialsPresent: options.credentials !== undefined,
      roleArn,
    });
  }

  private checkPrefix(what: string, prefix: string) {
    if (Token.isUnresolved(prefix)) {
      throw misuse(this, `${what}: the prefix is a token`, 'write the prefix out: image URIs and IAM resources are built from it');
    }
    if (prefix.length < 2 || prefix.length > 30 || !PREFIX_PATTERN.test(prefix) || prefix === 'ROOT') {
      throw misuse(this, `${what}: prefix "${prefix}" is not a valid ECR repository prefix (2 to 30 characters: lower-case letters, digits, and . _ - / between them)`,
        'pass a prefix such as "docker-hub" or "cache/quay"');
    }
  }

  private checkOptionsFor(what: string, o: PullThroughCacheRuleOptions) {
    if (o.upstream === Upstream.ECR_PRIVATE) return;
    const ecrOnly = (['upstreamRegion', 'upstreamAccount', 'upstreamRepositoryPrefix', 'role'] as const).filter(k => o[k] !== undefined);
    if (ecrOnly.length > 0) {
      throw misuse(this, `${what}: ${ecrOnly.join(', ')} only apply to the ECR_PRIVATE upstream`, `remove ${ecrOnly.map(k => `\`${k}\``).join(', ')}`);
    }
  }

  private azureUrl(what: string, url: string | undefined): string {
    if (url === undefined) {
      throw misuse(this, `${what}: the Azure upstream needs upstreamRegistryUrl and none was given`,
        'pass `upstreamRegistryUrl: "<registry name>.azurecr.io"`');
    }
    if (Token.isUnresolved(url)) return url;
    if (!/^[a-z0-9][a-z0-9-]*\.azurecr\.io$/.test(url)) {
      throw misuse(this, `${what}: upstreamRegistryUrl "${url}" is not an Azure Container Registry host`,
        'pass the registry\'s login server, such as "myregistry.azurecr.io", without a scheme or path');
    }
    return url;
  }

  private ecrUpstream(what: string, o: PullThroughCacheRuleOptions, prefix: string): { url: string; roleArn?: string } {
    const l = locationOf(this);
    let region = o.upstreamRegion;
    let account = o.upstreamAccount;
    if (o.upstreamRegistryUrl !== undefined && !Token.isUnresolved(o.upstreamRegistryUrl)) {
      const parts = parseEcrRegistryHost(o.upstreamRegistryUrl);
      if (!parts || parts.dualStack) {
        throw misuse(this, `${what}: upstreamRegistryUrl "${o.upstreamRegistryUrl}" is not an ECR private registry host`,
          'pass "<account>.dkr.ecr.<region>.amazonaws.com", or `upstreamRegion` and `upstreamAccount` instead');
      }
      if ((region !== undefined && region !== parts.region) || (account !== undefined && account !== parts.account)) {
        throw misuse(this, `${what}: upstreamRegistryUrl "${o.upstreamRegistryUrl}" disagrees with upstreamRegion/upstreamAccount (${region ?? '-'}, ${account ?? '-'})`,
          'pass either the URL or the region and account');
      }
      region = parts.region;
      account = parts.account;
    } else if (o.upstreamRegistryUrl === undefined && region === undefined) {
      throw misuse(this, `${what}: the ECR upstream needs upstreamRegion (or upstreamRegistryUrl) and neither was given`,
        'pass `upstreamRegion` (and `upstreamAccount` for another account)');
    }
    account = account ?? l.account;
    const url = o.upstreamRegistryUrl ?? ecrRegistryHost(l, account, region!);
    if (!Token.isUnresolved(region!) && !Token.isUnresolved(l.region) && region === l.region
      && !Token.isUnresolved(account) && !Token.isUnresolved(l.account) && account === l.account) {
      throw misuse(this, `${what}: the upstream ECR registry ${url} is this stack's own registry`, 'point the rule at another region or account');
    }

    if (o.role) return { url, roleArn: o.role.roleArn };
    const sameAccount = !Token.isUnresolved(account) && !Token.isUnresolved(l.account) && account === l.account;
    // "For Amazon ECR, you must create an IAM role if the upstream and downstream Amazon ECR registries belong to
    // different AWS account" (pull-through-cache.html). An unknown account gets the role: it works in both cases.
    if (sameAccount) return { url };
    const role = new iam.Role(this, `${ruleId(prefix)}Role`, {
      assumedBy: new iam.ServicePrincipal(EcrServicePrincipals.pullThroughCache),
      description: `ECR pull through cache: reads ${prefix}/ images from the upstream ECR registry`,
    });
    // The permissions policy of https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private.html,
    // as written there (Resource "*"). The upstream owner must also admit this account in the upstream registry policy.
    role.addToPolicy(new iam.PolicyStatement({
      actions: [
        'ecr:GetDownloadUrlForLayer', 'ecr:GetAuthorizationToken', 'ecr:BatchImportUpstreamImage', 'ecr:BatchGetImage',
        'ecr:GetImageCopyStatus', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage',
      ],
      resources: ['*'],
    }));
    return { url, roleArn: role.roleArn };
  }

  private checkSecret(what: string, secret: secretsmanager.ISecret) {
    const name = literalSecretName(secret);
    if (name === null) {
      throw misuse(this, `${what}: the credentials secret ${secret.node.path} has a generated name, which cannot start with "${SECRET_NAME_PREFIX}"`,
        `give the secret \`secretName: "${SECRET_NAME_PREFIX}<name>"\``);
    }
    if (name !== undefined && !name.startsWith(SECRET_NAME_PREFIX)) {
      throw misuse(this, `${what}: the credentials secret is named "${name}", and ECR accepts only secrets whose name starts with "${SECRET_NAME_PREFIX}"`,
        `create (or rename) the secret as "${SECRET_NAME_PREFIX}${name}"`);
    }
    const arn = secret.secretArn;
    if (Token.isUnresolved(arn)) return;
    const parts = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME);
    const stack = Stack.of(this);
    const wrongRegion = parts.region && !Token.isUnresolved(stack.region) && parts.region !== stack.region;
    const wrongAccount = parts.account && !Token.isUnresolved(stack.account) && parts.account !== stack.account;
    if (wrongRegion || wrongAccount) {
      throw misuse(this, `${what}: the credentials secret ${arn} is in ${parts.account}/${parts.region}, and the cache in ${stack.account}/${stack.region}`,
        'use a secret in the cache\'s own account and region ("The account and Region that the secret is in must match")');
    }
  }

  private checkDistinctPrefixes() {
    const sorted = this.rules.map(r => r.prefix).sort();
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].startsWith(`${sorted[i - 1]}/`)) {
        throw misuse(this, `prefix "${sorted[i]}" is inside prefix "${sorted[i - 1]}"`, 'use prefixes that do not nest, such as "docker-hub" and "quay"');
      }
    }
  }

  private createTemplateRole(key: kms.IKey): iam.IRole {
    // Templates that use KMS need a custom role ECR assumes; trust and policy as in
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html and
    // repository-creation-templates-custom.html (ECR actions on "*" there; the KMS actions are scoped to the key here).
    const role = new iam.Role(this, 'TemplateRole', {
      assumedBy: new iam.ServicePrincipal(EcrServicePrincipals.repositoryCreation),
      description: 'ECR repository creation templates of the pull through cache: creates encrypted repositories',
    });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
      resources: ['*'],
    }));
    key.grant(role, 'kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey');
    return role;
  }

  private createTemplate(rule: PullThroughCacheRuleInfo, props: EcrPullThroughCacheProps): ecr.CfnRepositoryCreationTemplate {
    const days = (props.untaggedImageExpiry ?? Duration.days(14)).toDays({ integral: false });
    if (!Token.isUnresolved(days) && (days < 1 || !Number.isInteger(days))) {
      throw misuse(this, `untaggedImageExpiry must be a whole number of days, at least 1; got ${days}`, 'pass `Duration.days(n)` with n >= 1');
    }
    const lifecyclePolicy = JSON.stringify({
      rules: [{
        rulePriority: 1,
        description: `Expire untagged images ${days} days after they were cached`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
        action: { type: 'expire' },
      }],
    });
    return new ecr.CfnRepositoryCreationTemplate(this, `${ruleId(rule.prefix)}Template`, {
      prefix: rule.prefix,
      appliedFor: ['PULL_THROUGH_CACHE'],
      description: `Repositories the pull through cache creates under ${rule.prefix}/`,
      encryptionConfiguration: props.encryptionKey
        ? { encryptionType: 'KMS', kmsKey: props.encryptionKey.keyArn }
        : { encryptionType: 'AES256' },
      imageTagMutability: props.immutableTags ? 'IMMUTABLE' : 'MUTABLE',
      lifecyclePolicy,
      customRoleArn: this.templateRole?.roleArn,
    });
  }
}

/**
 * The literal name of a secret: `undefined` when it is a token (accepted), `null` when the secret is created here with
 * a generated name.
 */
function literalSecretName(secret: secretsmanager.ISecret): string | undefined | null {
  if (!Token.isUnresolved(secret.secretName)) return secret.secretName;
  const cfn = secret.node.defaultChild;
  if (cfn instanceof secretsmanager.CfnSecret) {
    // A secret created here: its physical name is a lazy value that resolves to undefined when CloudFormation names it.
    const name = Stack.of(cfn).resolve(cfn.name);
    if (name === undefined) return null;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/** Construct ID of a rule: "docker-hub" -> "DockerHub", "cache/quay" -> "CacheQuay". IDs are public API. */
function ruleId(prefix: string): string {
  return prefix.split(/[./_-]+/).filter(p => p).map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}
