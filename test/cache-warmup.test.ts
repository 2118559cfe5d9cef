/**
 * Filling the pull-through cache at deploy: the warm-up construct on its own, and wired by PrivateEksCluster
 * (`warmImages`, on by default), with PEKS-IMG-6 now only for images nothing in the app warms.
 */
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { cluster, tinyLayer } from './join-cases';
import { newStack, resourcesOfType } from './util';
import { PrivateEksCluster, PullThroughCacheWarmup, Upstream } from '../lib';
import { Finding } from '../lib/check/join-analysis';
import { EcrPullThroughCache } from '../lib/workloads/pull-through-cache';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const pod = (image: string, name = 'web') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image }] } });
const BUSYBOX = 'public.ecr.aws/docker/library/busybox:1.37';

function envStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function withCache(stack: Stack, options: { warmImages?: boolean; rewriteImages?: boolean } = {}) {
  const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
  const cache = c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.KUBERNETES }], ...options });
  return { c, cache };
}

describe('PrivateEksCluster: warmImages (default true)', () => {
  test('warms the images of manifests through the cache, outside the VPC, before the manifest', () => {
    // GIVEN
    const stack = envStack();
    const { c, cache } = withCache(stack);

    // WHEN
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));

    // THEN
    const t = Template.fromStack(stack);
    const uri = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox:1.37';
    t.hasResourceProperties('Custom::PrivateEksCacheWarmup', {
      Images: [{ Image: uri, Upstream: 'public.ecr.aws' }],
      Architectures: ['amd64'],
      ServiceTimeout: '960',
    });
    const [[warmupId, warmup]] = resourcesOfType(t, 'Custom::PrivateEksCacheWarmup');
    // After the cache rules and creation templates: the repository ECR creates gets the template's settings.
    expect(warmup.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^EksCacheEcrPublic/), expect.stringMatching(/^EksCacheEcrPublicTemplate/)]));
    // The manifest waits for it.
    const [[, manifest]] = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(manifest.DependsOn).toContain(warmupId);
    // CloudFormation invokes the function directly; the function has no VpcConfig (Lambda's own networking).
    expect(JSON.stringify(warmup.Properties.ServiceToken)).toContain('EksCacheWarmupFunction');
    const [[, fn]] = resourcesOfType(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('EksCacheWarmupFunction'));
    expect(fn.Properties.VpcConfig).toBeUndefined();
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Timeout).toBe(900);
    expect(c.cacheWarmup(cache)?.images).toEqual([uri]);
  });

  test('the role has the cache\'s PullPolicy and its own log group, encrypted with the cluster\'s logs key', () => {
    const stack = envStack();
    const { c } = withCache(stack);
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));
    const t = Template.fromStack(stack);
    const [[, role]] = resourcesOfType(t, 'AWS::IAM::Role').filter(([id]) => id.startsWith('EksCacheWarmupRole'));
    expect(role.Properties.Policies).toBeUndefined();
    const arns = JSON.stringify(role.Properties.ManagedPolicyArns);
    expect(arns).toMatch(/EksCachePullPolicy/);
    expect(arns).toMatch(/EksCacheWarmupLogsPolicy/);
    expect(resourcesOfType(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes('EksCacheWarmupRole'))).toEqual([]);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EksCacheWarmupLogs'), 'Arn'] } }] },
    });
    const [[, group]] = resourcesOfType(t, 'AWS::Logs::LogGroup').filter(([id]) => id.startsWith('EksCacheWarmupLogs'));
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EksLogsKey/), 'Arn'] });
  });

  test('rewriteImages and chart values are warmed too; each image once', () => {
    const stack = envStack();
    const { c, cache } = withCache(stack, { rewriteImages: true });
    c.addManifest('Web', pod(BUSYBOX), pod('registry.k8s.io/pause:3.10', 'pause'));
    c.addManifest('Again', pod(BUSYBOX, 'again'));
    c.addHelmChart('Chart', { chart: 'x', repository: 'oci://111111111111.dkr.ecr.eu-west-1.amazonaws.com/x', values: { image: c.imageUri('registry.k8s.io/e2e-test-images/agnhost:2.45') } });
    expect(c.cacheWarmup(cache)?.images.map(i => i.split('/').slice(1).join('/'))).toEqual([
      'ecr-public/docker/library/busybox:1.37', 'k8s/pause:3.10', 'k8s/e2e-test-images/agnhost:2.45',
    ]);
    const t = Template.fromStack(stack);
    const [[warmupId]] = resourcesOfType(t, 'Custom::PrivateEksCacheWarmup');
    const [[, chart]] = resourcesOfType(t, 'Custom::AWSCDK-EKS-HelmChart');
    expect(chart.DependsOn).toContain(warmupId);
    expect(findingsOf(c).filter(f => f.ruleId.startsWith('PEKS-IMG'))).toEqual([]);
  });

  test('an arm64 nodegroup adds arm64 to the architectures pulled', () => {
    const stack = envStack();
    const { c } = withCache(stack);
    c.addNodegroup('Arm', { instanceTypes: [new ec2.InstanceType('t4g.medium')] });
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));
    Template.fromStack(stack).hasResourceProperties('Custom::PrivateEksCacheWarmup', { Architectures: ['amd64', 'arm64'] });
  });

  test('nothing is created while no workload pulls through the cache', () => {
    const stack = envStack();
    const { c, cache } = withCache(stack);
    c.addManifest('Web', pod('111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1'));
    Template.fromStack(stack).resourceCountIs('Custom::PrivateEksCacheWarmup', 0);
    expect(c.cacheWarmup(cache)).toBeUndefined();
  });

  test('in an environment-agnostic stack the warmed URI (tokens) matches the manifest\'s, so PEKS-IMG-6 stays quiet', () => {
    const stack = newStack();
    const { c } = withCache(stack);
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));
    expect(findingsOf(c)).toEqual([]);
    Template.fromStack(stack).resourceCountIs('Custom::PrivateEksCacheWarmup', 1);
    // The same app without the warm-up is warned: the quiet above comes from the match.
    const cold = newStack();
    const off = withCache(cold, { warmImages: false });
    off.c.addManifest('Web', pod(off.c.imageUri(BUSYBOX)));
    expect(findingsOf(off.c).map(f => f.ruleId)).toEqual(['PEKS-IMG-6']);
  });
});

describe('PEKS-IMG-6: images through the cache that nothing warms', () => {
  test('warns with warmImages: false, and the fix names the option', () => {
    const stack = envStack();
    const { c } = withCache(stack, { warmImages: false });
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));
    Template.fromStack(stack).resourceCountIs('Custom::PrivateEksCacheWarmup', 0);
    const f = findingsOf(c);
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-6:warning']);
    expect(f[0].message).toMatch(/busybox:1\.37 through a pull-through cache rule that nothing in the app fills, and node subnets .* have no internet route/);
    expect(f[0].fix).toMatch(/warmImages: true, the default/);
    expect(f[0].fix).toMatch(/PullThroughCacheWarmup/);
  });

  test('warns for a manifest created without the cluster (another tool\'s image), and not for the warmed one beside it', () => {
    const stack = envStack();
    const { c } = withCache(stack);
    c.addManifest('Web', pod(c.imageUri(BUSYBOX)));
    // What another tool writes: aws-eks-v2's manifest resource, not made by this cluster's addManifest.
    new CfnResource(stack, 'Other', {
      type: 'Custom::AWSCDK-EKS-KubernetesResource',
      properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:other', ClusterName: c.cluster.clusterName, Manifest: JSON.stringify([pod(c.imageUri('registry.k8s.io/pause:3.10'), 'other')]) },
    });
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-6']);
    expect(f[0].message).toContain('/k8s/pause:3.10');
  });

  test('the cache used on its own: warned until a PullThroughCacheWarmup pulls the image', () => {
    const stack = envStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    const cache = new EcrPullThroughCache(stack, 'Own', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const image = cache.imageUri(BUSYBOX);
    c.addManifest('Web', pod(image));
    expect(findingsOf(c).map(x => x.ruleId)).toEqual(['PEKS-IMG-6']);
    new PullThroughCacheWarmup(stack, 'Warmup', { cache, images: [BUSYBOX] });
    expect(findingsOf(c)).toEqual([]);
  });
});

describe('PullThroughCacheWarmup on its own', () => {
  test('takes upstream references or URIs in the cache, once each, with the rule\'s upstream', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }, { upstream: Upstream.QUAY }] });
    const warmup = new PullThroughCacheWarmup(stack, 'Warmup', { cache, architectures: ['arm64'], serviceTimeout: Duration.minutes(20) });
    expect(warmup.addImage(BUSYBOX)).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox:1.37');
    warmup.addImage(cache.imageUri(BUSYBOX));
    warmup.addImage('quay.io/prometheus/node-exporter:v1.8.2');
    Template.fromStack(stack).hasResourceProperties('Custom::PrivateEksCacheWarmup', {
      Images: [
        { Image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox:1.37', Upstream: 'public.ecr.aws', Source: BUSYBOX },
        { Image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/quay/prometheus/node-exporter:v1.8.2', Upstream: 'quay.io', Source: 'quay.io/prometheus/node-exporter:v1.8.2' },
      ],
      Architectures: ['arm64'],
      ServiceTimeout: '1200',
    });
  });

  test('fails when no rule of the cache serves the image, naming the registries it covers', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const warmup = new PullThroughCacheWarmup(stack, 'Warmup', { cache });
    expect(() => warmup.addImage('quay.io/x/y:1')).toThrow(/\[Test\/Cache\] no rule covers the registry of "quay.io\/x\/y:1" \(quay.io\); the rules cover public.ecr.aws/);
  });

  test('fails with a serviceTimeout shorter than the function\'s 15 minutes, or an architecture EKS does not run', () => {
    const stack = envStack();
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    expect(() => new PullThroughCacheWarmup(stack, 'Short', { cache, serviceTimeout: Duration.minutes(2) }))
      .toThrow(/\[Test\/Short\] serviceTimeout must be a whole number of seconds from 15 minutes .* got 2 minutes/);
    expect(() => new PullThroughCacheWarmup(stack, 'Arch', { cache, architectures: ['x86_64'] }))
      .toThrow(/\[Test\/Arch\] architecture "x86_64" is not a node architecture EKS runs. Fix: pass "amd64", "arm64" or both/);
  });
});
