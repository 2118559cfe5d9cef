import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, Duration, Lazy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { cfnLint, newStack, resourcesOfType } from './util';
import { EcrPullThroughCache, PullThroughCacheRuleOptions } from '../lib/workloads/pull-through-cache';
import { Upstream, UpstreamRegistries } from '../lib/workloads/upstream-registries';

function envStack(region = 'eu-west-1', account = '111111111111'): Stack {
  return new Stack(new App(), 'Test', { env: { region, account } });
}

function secret(stack: Stack, name: string) {
  return secretsmanager.Secret.fromSecretNameV2(stack, `Secret${name.replace(/[^a-z0-9]/gi, '')}`, name);
}

/** One rule per upstream, each with what it needs. */
function everyUpstream(stack: Stack): PullThroughCacheRuleOptions[] {
  return [
    { upstream: Upstream.ECR_PUBLIC },
    { upstream: Upstream.KUBERNETES },
    { upstream: Upstream.QUAY },
    { upstream: Upstream.DOCKER_HUB, credentials: secret(stack, 'ecr-pullthroughcache/docker-hub') },
    { upstream: Upstream.GITHUB, credentials: secret(stack, 'ecr-pullthroughcache/github') },
    { upstream: Upstream.GITLAB, credentials: secret(stack, 'ecr-pullthroughcache/gitlab') },
    { upstream: Upstream.AZURE, credentials: secret(stack, 'ecr-pullthroughcache/azure'), upstreamRegistryUrl: 'myregistry.azurecr.io' },
    { upstream: Upstream.CHAINGUARD, credentials: secret(stack, 'ecr-pullthroughcache/chainguard') },
    { upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'us-west-2', upstreamAccount: '999999999999' },
  ];
}

describe('EcrPullThroughCache', () => {
  test('one rule per upstream with the documented UpstreamRegistry and UpstreamRegistryUrl', () => {
    // GIVEN
    const stack = envStack();
    // WHEN
    new EcrPullThroughCache(stack, 'Cache', { rules: everyUpstream(stack) });
    // THEN
    const rules = resourcesOfType(Template.fromStack(stack), 'AWS::ECR::PullThroughCacheRule')
      .map(([, r]) => [r.Properties.EcrRepositoryPrefix, r.Properties.UpstreamRegistry, r.Properties.UpstreamRegistryUrl]);
    expect(rules).toEqual([
      ['ecr-public', 'ecr-public', 'public.ecr.aws'],
      ['k8s', 'k8s', 'registry.k8s.io'],
      ['quay', 'quay', 'quay.io'],
      ['docker-hub', 'docker-hub', 'registry-1.docker.io'],
      ['github', 'github-container-registry', 'ghcr.io'],
      ['gitlab', 'gitlab-container-registry', 'registry.gitlab.com'],
      ['azure', 'azure-container-registry', 'myregistry.azurecr.io'],
      ['chainguard', 'chainguard', 'cgr.dev'],
      ['ecr', 'ecr', '999999999999.dkr.ecr.us-west-2.amazonaws.com'],
    ]);
    expect(UpstreamRegistries.all().map(u => u.upstream)).toEqual(Object.values(Upstream));
  });

  test('credentials are referenced by secret ARN only: no secret value reaches the template', () => {
    // GIVEN a secret created in the app with a value, and an imported one
    const stack = envStack();
    const owned = new secretsmanager.Secret(stack, 'DockerHubSecret', {
      secretName: 'ecr-pullthroughcache/docker-hub',
      secretObjectValue: { username: SecretValue.unsafePlainText('me'), accessToken: SecretValue.secretsManager('elsewhere') },
    });
    // WHEN
    new EcrPullThroughCache(stack, 'Cache', {
      rules: [
        { upstream: Upstream.DOCKER_HUB, credentials: owned },
        { upstream: Upstream.GITHUB, credentials: secret(stack, 'ecr-pullthroughcache/github') },
      ],
    });
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'docker-hub', CredentialArn: { Ref: Match.stringLikeRegexp('DockerHubSecret') } });
    t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'github',
      CredentialArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/github']] },
    });
    const rules = JSON.stringify(t.findResources('AWS::ECR::PullThroughCacheRule'));
    expect(rules).not.toMatch(/accessToken|username|SecretString/);
    t.resourceCountIs('AWS::ECR::PullThroughCacheRule', 2);
  });

  test('upstreams without credentials get no CredentialArn', () => {
    const stack = envStack();
    new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.QUAY, prefix: 'cache/quay' }] });
    const t = Template.fromStack(stack);
    t.allResourcesProperties('AWS::ECR::PullThroughCacheRule', { CredentialArn: Match.absent(), CustomRoleArn: Match.absent() });
    t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'cache/quay', UpstreamRegistryUrl: 'quay.io' });
  });

  test('a repository creation template per prefix: PULL_THROUGH_CACHE, AES256, mutable tags, untagged images expire after 14 days', () => {
    // GIVEN
    const stack = envStack();
    // WHEN
    new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.KUBERNETES, prefix: 'kubernetes' }] });
    // THEN
    const templates = resourcesOfType(Template.fromStack(stack), 'AWS::ECR::RepositoryCreationTemplate').map(([, r]) => r.Properties);
    expect(templates.map(p => p.Prefix)).toEqual(['ecr-public', 'kubernetes']);
    for (const p of templates) {
      expect(p).toEqual(expect.objectContaining({
        AppliedFor: ['PULL_THROUGH_CACHE'],
        EncryptionConfiguration: { EncryptionType: 'AES256' },
        ImageTagMutability: 'MUTABLE',
      }));
      expect(p.CustomRoleArn).toBeUndefined();
      expect(JSON.parse(p.LifecyclePolicy)).toEqual({
        rules: [{
          rulePriority: 1,
          description: expect.any(String),
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
          action: { type: 'expire' },
        }],
      });
    }
  });

  test('with a KMS key: KMS encryption and a custom role trusting ecr.amazonaws.com that may create grants on the key', () => {
    const stack = envStack();
    const key = new kms.Key(stack, 'Key');
    new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }], encryptionKey: key, immutableTags: true, untaggedImageExpiry: Duration.days(3) });
    const t = Template.fromStack(stack);
    const [[, tpl]] = resourcesOfType(t, 'AWS::ECR::RepositoryCreationTemplate');
    expect(tpl.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } });
    expect(tpl.Properties.ImageTagMutability).toBe('IMMUTABLE');
    expect(JSON.parse(tpl.Properties.LifecyclePolicy).rules[0].selection.countNumber).toBe(3);
    expect(tpl.Properties.CustomRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CacheTemplateRole/), 'Arn'] });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecr.amazonaws.com' } })] },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'] })]) },
    });
  });

  test('repositoryCreationTemplates: false creates none; fails when template settings are given with it', () => {
    const stack = envStack();
    new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }], repositoryCreationTemplates: false });
    Template.fromStack(stack).resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 0);
    expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }], repositoryCreationTemplates: false, immutableTags: true }))
      .toThrow(/^\[Test\/Cache\] encryptionKey, untaggedImageExpiry or immutableTags was given with repositoryCreationTemplates: false\. Fix: /);
  });

  test('fails when untaggedImageExpiry is under a day', () => {
    expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }], untaggedImageExpiry: Duration.hours(12) }))
      .toThrow(/untaggedImageExpiry must be a whole number of days, at least 1; got 0\.5\. Fix: /);
  });

  test('grantPull attaches the cache\'s own managed policy to a role: pull and first-pull actions on the cache prefixes, and GetAuthorizationToken on *', () => {
    // GIVEN
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.KUBERNETES }] });
    const role = new iam.Role(stack, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    cache.grantPull(role);
    // THEN nothing lands in the role's default policy (where an acknowledgement would also cover a user's grants)
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('CachePullPolicy') }] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'PullThroughCache',
            Effect: 'Allow',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
            Resource: [
              'arn:aws:ecr:eu-west-1:111111111111:repository/ecr-public/*',
              'arn:aws:ecr:eu-west-1:111111111111:repository/k8s/*',
            ],
          },
          { Sid: 'RegistryLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      },
    });
  });

  test('grantPull to a principal that is not a role adds the statements to the principal', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const user = new iam.User(stack, 'User');
    cache.grantPull(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.stringLikeRegexp('User') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }]) },
    });
  });

  test('endpointPolicyStatement admits the first-pull actions for the account on the cache repositories', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const json = stack.resolve(cache.endpointPolicyStatement().toStatementJson());
    expect(json.Action).toEqual(expect.arrayContaining(EcrPullThroughCache.FIRST_PULL_ACTIONS));
    expect(json.Resource).toBe('arn:aws:ecr:eu-west-1:111111111111:repository/ecr-public/*');
    expect(json.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } });
  });

  test('rules lists prefix, hosts, credential needs and presence for the join check', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: everyUpstream(stack) });
    expect(cache.rules.map(r => [r.prefix, r.upstreamHosts, r.needsCredentials, r.credentialsPresent])).toEqual([
      ['ecr-public', ['public.ecr.aws'], false, false],
      ['k8s', ['registry.k8s.io'], false, false],
      ['quay', ['quay.io'], false, false],
      ['docker-hub', ['docker.io', 'registry-1.docker.io'], true, true],
      ['github', ['ghcr.io'], true, true],
      ['gitlab', ['registry.gitlab.com'], true, true],
      ['azure', ['myregistry.azurecr.io'], true, true],
      ['chainguard', ['cgr.dev'], true, true],
      ['ecr', ['999999999999.dkr.ecr.us-west-2.amazonaws.com'], false, false],
    ]);
  });

  test('imageUri and covers rewrite through the rules', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: everyUpstream(stack) });
    expect(cache.imageUri('nginx:1.27')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27');
    expect(cache.imageUri('myregistry.azurecr.io/team/app:2')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/azure/team/app:2');
    expect(cache.imageUri('999999999999.dkr.ecr.us-west-2.amazonaws.com/api:1')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr/api:1');
    expect(cache.covers('registry.k8s.io/pause:3.10')).toBe(true);
    expect(cache.covers('gcr.io/distroless/static')).toBe(false);
    expect(cache.covers('Bad')).toBe(false);
    expect(cache.registryHost).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com');
  });

  test('imageUri gives tokens in an environment-agnostic stack', () => {
    const stack = newStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const uri = cache.imageUri('public.ecr.aws/nginx/nginx:1');
    expect(Token.isUnresolved(uri)).toBe(true);
    expect(stack.resolve(uri)).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/ecr-public/nginx/nginx:1']] });
  });

  test('fails when imageUri is asked for an image no rule covers, or a malformed one', () => {
    const cache = new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    expect(() => cache.imageUri('quay.io/a/b:1'))
      .toThrow(/^\[Test\/Cache\] no rule covers the registry of "quay\.io\/a\/b:1" \(quay\.io\); the rules cover public\.ecr\.aws\. Fix: add a rule/);
    expect(() => cache.imageUri('Nginx')).toThrow(/^\[Test\/Cache\] cannot rewrite the image: .*must be lower case\. Fix: /);
  });

  describe('ECR to ECR', () => {
    test('another account: a role trusting pullthroughcache.ecr.amazonaws.com with the documented permissions', () => {
      const stack = envStack();
      new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegistryUrl: '999999999999.dkr.ecr.us-west-2.amazonaws.com', upstreamRepositoryPrefix: 'team' }] });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
        UpstreamRegistry: 'ecr',
        UpstreamRegistryUrl: '999999999999.dkr.ecr.us-west-2.amazonaws.com',
        UpstreamRepositoryPrefix: 'team',
        CustomRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheEcrRole'), 'Arn'] },
      });
      t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'pullthroughcache.ecr.amazonaws.com' } })] } });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['ecr:BatchImportUpstreamImage', 'ecr:GetImageCopyStatus', 'ecr:PutImage']), Resource: '*' })] },
      });
    });

    test('the same account in another region needs no role', () => {
      const stack = envStack();
      new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'us-west-2' }] });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { UpstreamRegistryUrl: '111111111111.dkr.ecr.us-west-2.amazonaws.com', CustomRoleArn: Match.absent() });
      t.resourceCountIs('AWS::IAM::Role', 0);
    });

    test('a given role is used as is', () => {
      const stack = envStack();
      const role = iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111111111111:role/ptc');
      new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'us-west-2', upstreamAccount: '999999999999', role }] });
      Template.fromStack(stack).hasResourceProperties('AWS::ECR::PullThroughCacheRule', { CustomRoleArn: 'arn:aws:iam::111111111111:role/ptc' });
    });

    test('fails when neither region nor URL is given, when they disagree, and when the upstream is the stack\'s own registry', () => {
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE }] }))
        .toThrow(/^\[Test\/Cache\] rule 0 \(ECR_PRIVATE\): the ECR upstream needs upstreamRegion \(or upstreamRegistryUrl\) and neither was given\. Fix: pass `upstreamRegion`/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegistryUrl: '999999999999.dkr.ecr.us-west-2.amazonaws.com', upstreamRegion: 'us-east-2' }] }))
        .toThrow(/disagrees with upstreamRegion\/upstreamAccount \(us-east-2, -\)\. Fix: /);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegistryUrl: 'quay.io' }] }))
        .toThrow(/upstreamRegistryUrl "quay\.io" is not an ECR private registry host\. Fix: /);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'eu-west-1' }] }))
        .toThrow(/the upstream ECR registry 111111111111\.dkr\.ecr\.eu-west-1\.amazonaws\.com is this stack's own registry\. Fix: /);
    });
  });

  describe('credentials', () => {
    test('fails when an upstream that needs credentials gets none; passes with them', () => {
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.DOCKER_HUB }] }))
        .toThrow(/^\[Test\/Cache\] rule 0 \(DOCKER_HUB\): DOCKER_HUB needs credentials and none were given\. Fix: pass `credentials`: a Secrets Manager secret named "ecr-pullthroughcache\/<name>"/);
      const stack = envStack();
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.DOCKER_HUB, credentials: secret(stack, 'ecr-pullthroughcache/dh') }] })).not.toThrow();
    });

    test('fails when an anonymous upstream is given credentials; passes without them', () => {
      const stack = envStack();
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.QUAY, credentials: secret(stack, 'ecr-pullthroughcache/quay') }] }))
        .toThrow(/^\[Test\/Cache\] rule 0 \(QUAY\): QUAY does not take credentials \(it is pulled anonymously\), and a secret was given\. Fix: remove `credentials`\.$/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY }] })).not.toThrow();
      const s2 = envStack();
      expect(() => new EcrPullThroughCache(s2, 'Cache', { rules: [{ upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'us-west-2', credentials: secret(s2, 'ecr-pullthroughcache/x') }] }))
        .toThrow(/ECR_PRIVATE does not take credentials \(ECR authenticates with an IAM role\).*Fix: remove `credentials`; pass `role`/);
    });

    test('fails when the secret name does not start with ecr-pullthroughcache/, naming the value and the fix', () => {
      const stack = envStack();
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.GITHUB, credentials: secret(stack, 'github-token') }] }))
        .toThrow(/^\[Test\/Cache\] rule 0 \(GITHUB\): the credentials secret is named "github-token", and ECR accepts only secrets whose name starts with "ecr-pullthroughcache\/"\. Fix: create \(or rename\) the secret as "ecr-pullthroughcache\/github-token"\.$/);
    });

    test('fails when the secret is created here with a generated name; passes with an explicit good name', () => {
      const stack = envStack();
      const generated = new secretsmanager.Secret(stack, 'Generated');
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.GITLAB, credentials: generated }] }))
        .toThrow(/the credentials secret Test\/Generated has a generated name.*Fix: give the secret `secretName: "ecr-pullthroughcache\/<name>"`/);
      const named = new secretsmanager.Secret(stack, 'Named', { secretName: 'ecr-pullthroughcache/gitlab' });
      expect(() => new EcrPullThroughCache(stack, 'Cache2', { rules: [{ upstream: Upstream.GITLAB, credentials: named }] })).not.toThrow();
      const misnamed = new secretsmanager.Secret(stack, 'Misnamed', { secretName: 'gitlab' });
      expect(() => new EcrPullThroughCache(stack, 'Cache3', { rules: [{ upstream: Upstream.GITLAB, credentials: misnamed }] })).toThrow(/named "gitlab"/);
    });

    test('a secret whose name is a token is accepted', () => {
      const stack = envStack();
      const name = Lazy.string({ produce: () => 'whatever' });
      const s = secretsmanager.Secret.fromSecretNameV2(stack, 'TokenName', name);
      expect(Token.isUnresolved(s.secretName)).toBe(true);
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.DOCKER_HUB, credentials: s }] })).not.toThrow();
    });

    test('fails when the secret is in another region or account; passes in the same', () => {
      const stack = envStack();
      const other = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Other', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ecr-pullthroughcache/dh-AbCdEf');
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.DOCKER_HUB, credentials: other }] }))
        .toThrow(/the credentials secret arn:aws:secretsmanager:us-east-1:111111111111:secret:ecr-pullthroughcache\/dh-AbCdEf is in 111111111111\/us-east-1, and the cache in 111111111111\/eu-west-1\. Fix: use a secret in the cache's own account and region/);
      const same = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Same', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/dh-AbCdEf');
      new EcrPullThroughCache(stack, 'Cache2', { rules: [{ upstream: Upstream.DOCKER_HUB, credentials: same }] });
      Template.fromStack(stack).hasResourceProperties('AWS::ECR::PullThroughCacheRule', { CredentialArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/dh-AbCdEf' });
    });
  });

  describe('misuse', () => {
    test('fails when the Azure upstream has no URL, or not an azurecr.io host; passes with one', () => {
      const stack = envStack();
      const creds = secret(stack, 'ecr-pullthroughcache/azure');
      expect(() => new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.AZURE, credentials: creds }] }))
        .toThrow(/^\[Test\/Cache\] rule 0 \(AZURE\): the Azure upstream needs upstreamRegistryUrl and none was given\. Fix: pass `upstreamRegistryUrl: "<registry name>\.azurecr\.io"`\.$/);
      expect(() => new EcrPullThroughCache(stack, 'Cache2', { rules: [{ upstream: Upstream.AZURE, credentials: creds, upstreamRegistryUrl: 'https://x.azurecr.io' }] }))
        .toThrow(/upstreamRegistryUrl "https:\/\/x\.azurecr\.io" is not an Azure Container Registry host\. Fix: /);
      expect(() => new EcrPullThroughCache(stack, 'Cache3', { rules: [{ upstream: Upstream.AZURE, credentials: creds, upstreamRegistryUrl: 'x.azurecr.io' }] })).not.toThrow();
    });

    test('fails when a fixed-URL upstream is given a URL or ECR-only options', () => {
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, upstreamRegistryUrl: 'quay.example.com' }] }))
        .toThrow(/rule 0 \(QUAY\): upstreamRegistryUrl "quay\.example\.com" was given, but QUAY has the fixed URL quay\.io\. Fix: remove `upstreamRegistryUrl`/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, upstreamRegion: 'us-west-2' }] }))
        .toThrow(/upstreamRegion only apply to the ECR_PRIVATE upstream\. Fix: remove `upstreamRegion`/);
    });

    test('fails on an invalid, duplicate or nested prefix; passes on distinct valid ones', () => {
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, prefix: 'Quay' }] }))
        .toThrow(/prefix "Quay" is not a valid ECR repository prefix/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, prefix: 'q' }] }))
        .toThrow(/prefix "q" is not a valid/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, prefix: 'cache' }, { upstream: Upstream.ECR_PUBLIC, prefix: 'cache' }] }))
        .toThrow(/rule 1 \(ECR_PUBLIC\): another rule already uses the prefix "cache"/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, prefix: 'cache' }, { upstream: Upstream.ECR_PUBLIC, prefix: 'cache/public' }] }))
        .toThrow(/prefix "cache\/public" is inside prefix "cache"/);
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [{ upstream: Upstream.QUAY, prefix: 'cache/quay' }, { upstream: Upstream.ECR_PUBLIC, prefix: 'cache/public' }] })).not.toThrow();
    });

    test('fails with no rules', () => {
      expect(() => new EcrPullThroughCache(envStack(), 'Cache', { rules: [] })).toThrow(/^\[Test\/Cache\] no rules were given\. Fix: /);
    });

    test('fails in a region without pull through cache (China, GovCloud); passes in a commercial one', () => {
      expect(() => new EcrPullThroughCache(envStack('cn-north-1'), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] }))
        .toThrow(/^\[Test\/Cache\] ECR pull through cache rules cannot be created in cn-north-1 .*Fix: /);
      expect(() => new EcrPullThroughCache(envStack('us-gov-west-1'), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] })).toThrow(/us-gov-west-1/);
      expect(() => new EcrPullThroughCache(envStack('us-east-1'), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] })).not.toThrow();
    });
  });

  test('the templates are cfn-lint clean (concrete and environment-agnostic)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-ptc-'));
    const files: string[] = [];
    const concrete = envStack('us-east-1');
    const full = new EcrPullThroughCache(concrete, 'Cache', { rules: everyUpstream(concrete), encryptionKey: new kms.Key(concrete, 'Key') });
    full.grantPull(new iam.Role(concrete, 'NodeRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
    const agnostic = newStack();
    new EcrPullThroughCache(agnostic, 'Cache', {
      rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.ECR_PRIVATE, upstreamRegion: 'us-west-2', upstreamAccount: '999999999999' }],
    });
    for (const [name, stack] of [['concrete', concrete], ['agnostic', agnostic]] as const) {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
      files.push(file);
    }
    expect(cfnLint(files)).toEqual([]);
  });
});

test('Aws pseudo parameters stay tokens in the agnostic registry host', () => {
  const cache = new EcrPullThroughCache(newStack(), 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
  expect(cache.registryHost).toBe(`${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}`);
});
