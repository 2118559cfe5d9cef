import { Aws, Lazy, Token } from 'aws-cdk-lib';
import {
  ImageInventory, ImageReference, ImageRegistries, ImageSource, PullThroughCacheUri, RegionRelation, RegistryKind,
} from '../lib/workloads/images';
import { Upstream } from '../lib/workloads/upstream-registries';

const SHA = 'sha256:' + 'a'.repeat(64);

describe('ImageReference.parse normalises as container runtimes do', () => {
  test.each([
    // [reference, registry, repository, tag, digest, tagDefaulted]
    ['nginx', 'docker.io', 'library/nginx', 'latest', undefined, true],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined, false],
    ['foo/bar', 'docker.io', 'foo/bar', 'latest', undefined, true],
    ['docker.io/nginx', 'docker.io', 'library/nginx', 'latest', undefined, true],
    ['index.docker.io/library/nginx:1', 'docker.io', 'library/nginx', '1', undefined, false],
    ['registry-1.docker.io/library/nginx', 'registry-1.docker.io', 'library/nginx', 'latest', undefined, true],
    ['localhost/x', 'localhost', 'x', 'latest', undefined, true],
    ['localhost:5000/x', 'localhost:5000', 'x', 'latest', undefined, true],
    ['registry:5000/x', 'registry:5000', 'x', 'latest', undefined, true],
    ['registry/x', 'docker.io', 'registry/x', 'latest', undefined, true],
    ['Registry/x', 'Registry', 'x', 'latest', undefined, true],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io', 'pause', '3.10', undefined, false],
    ['quay.io/a/b/c:v1', 'quay.io', 'a/b/c', 'v1', undefined, false],
    [`nginx@${SHA}`, 'docker.io', 'library/nginx', undefined, SHA, false],
    [`ghcr.io/o/i:v2@${SHA}`, 'ghcr.io', 'o/i', 'v2', SHA, false],
    ['[::1]:5000/x:y', '[::1]:5000', 'x', 'y', undefined, false],
  ])('%s', (ref, registry, repository, tag, digest, tagDefaulted) => {
    const r = ImageReference.parse(ref as string);
    expect({ registry: r.registry, repository: r.repository, tag: r.tag, digest: r.digest, tagDefaulted: r.tagDefaulted })
      .toEqual({ registry, repository, tag, digest, tagDefaulted });
    expect(r.original).toBe(ref);
  });

  test('toString writes the normalised reference, and name leaves tag and digest out', () => {
    expect(ImageReference.parse('nginx').toString()).toBe('docker.io/library/nginx:latest');
    expect(ImageReference.parse(`ghcr.io/o/i:v2@${SHA}`).toString()).toBe(`ghcr.io/o/i:v2@${SHA}`);
    expect(ImageReference.parse(`nginx@${SHA}`).toString()).toBe(`docker.io/library/nginx@${SHA}`);
    expect(ImageReference.parse('quay.io/a/b:1').name).toBe('quay.io/a/b');
  });

  test.each([
    ['', /empty/],
    ['Nginx', /must be lower case/],
    ['docker.io/Foo/bar', /must be lower case/],
    ['nginx:', /malformed tag/],
    ['nginx:-x', /malformed tag/],
    [':latest', /no repository name/],
    ['nginx@sha256:abc', /malformed digest/],
    [`nginx@sha256:${'a'.repeat(40)}`, /64 hexadecimal/],
    ['quay.io/', /no repository path/],
    ['a//b', /not a valid repository path component/],
    ['ngi nx', /white space/],
    ['my_reg.io:port/x', /not a valid registry host/],
  ])('fails when the reference is malformed: "%s"', (ref, message) => {
    expect(() => ImageReference.parse(ref)).toThrow(message);
    expect(ImageReference.problemWith(ref)).toMatch(message);
  });

  test('a well-formed neighbour of each malformed case has no problem', () => {
    for (const ref of ['nginx', 'docker.io/foo/bar', 'nginx:x-1', `nginx@${SHA}`, 'quay.io/x', 'a/b', 'my-reg.io:5000/x']) {
      expect(ImageReference.problemWith(ref)).toBeUndefined();
    }
  });

  test('fails when the reference is a token, and says so', () => {
    const token = Lazy.string({ produce: () => 'nginx' });
    expect(ImageReference.isUnresolved(token)).toBe(true);
    expect(ImageReference.isUnresolved('nginx')).toBe(false);
    expect(() => ImageReference.parse(token)).toThrow(/unresolved token/);
  });
});

describe('ImageRegistries.classify', () => {
  const useast1 = { region: 'us-east-1', account: '111111111111' };
  const euwest1 = { region: 'eu-west-1', account: '111111111111' };
  const cnnorth1 = { region: 'cn-north-1', account: '111111111111' };
  const agnostic = { region: Aws.REGION, account: Aws.ACCOUNT_ID };

  test('ECR private registry in the same region and account, and in another region', () => {
    const host = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
    expect(ImageRegistries.classify(host, useast1)).toEqual(expect.objectContaining({
      kind: RegistryKind.ECR_PRIVATE, account: '111111111111', region: 'us-east-1', regionRelation: RegionRelation.SAME_REGION, sameAccount: true, dualStack: false,
    }));
    expect(ImageRegistries.classify(host, euwest1)).toEqual(expect.objectContaining({
      kind: RegistryKind.ECR_PRIVATE, regionRelation: RegionRelation.OTHER_REGION,
    }));
    expect(ImageRegistries.classify('222222222222.dkr.ecr.eu-west-1.amazonaws.com', euwest1)).toEqual(expect.objectContaining({
      regionRelation: RegionRelation.SAME_REGION, sameAccount: false,
    }));
  });

  test('ECR in China uses amazonaws.com.cn; the wrong suffix for the region is not ECR', () => {
    expect(ImageRegistries.classify('111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn', cnnorth1)).toEqual(expect.objectContaining({
      kind: RegistryKind.ECR_PRIVATE, regionRelation: RegionRelation.SAME_REGION,
    }));
    expect(ImageRegistries.classify('111111111111.dkr.ecr.cn-north-1.amazonaws.com', cnnorth1).kind).toBe(RegistryKind.UNKNOWN);
    expect(ImageRegistries.classify('111111111111.dkr.ecr.us-east-1.amazonaws.com', cnnorth1).regionRelation).toBe(RegionRelation.OTHER_REGION);
  });

  test('the dual-stack ECR host is ECR, flagged dual-stack', () => {
    expect(ImageRegistries.classify('111111111111.dkr-ecr.eu-west-1.on.aws', euwest1)).toEqual(expect.objectContaining({
      kind: RegistryKind.ECR_PRIVATE, dualStack: true, regionRelation: RegionRelation.SAME_REGION,
    }));
  });

  test('a token region makes every literal ECR region unknown-region, never a guess', () => {
    const c = ImageRegistries.classify('111111111111.dkr.ecr.us-east-1.amazonaws.com', agnostic);
    expect(c.regionRelation).toBe(RegionRelation.UNKNOWN_REGION);
    expect(c.sameAccount).toBeUndefined();
    expect(ImageRegistries.classify('602401143452.dkr.ecr.us-west-2.amazonaws.com', agnostic)).toEqual(expect.objectContaining({
      kind: RegistryKind.EKS_ADDON_REGISTRY, regionRelation: RegionRelation.UNKNOWN_REGION,
    }));
  });

  test('EKS add-on image accounts are the add-on registry, per region', () => {
    expect(ImageRegistries.classify('602401143452.dkr.ecr.us-east-1.amazonaws.com', useast1)).toEqual(expect.objectContaining({
      kind: RegistryKind.EKS_ADDON_REGISTRY, regionRelation: RegionRelation.SAME_REGION, sameAccount: false,
    }));
    expect(ImageRegistries.classify('602401143452.dkr.ecr.eu-west-1.amazonaws.com', euwest1).kind).toBe(RegistryKind.EKS_ADDON_REGISTRY);
    expect(ImageRegistries.classify('918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn', cnnorth1)).toEqual(expect.objectContaining({
      kind: RegistryKind.EKS_ADDON_REGISTRY, regionRelation: RegionRelation.SAME_REGION,
    }));
  });

  test.each([
    ['public.ecr.aws', RegistryKind.ECR_PUBLIC, Upstream.ECR_PUBLIC],
    ['docker.io', RegistryKind.PUBLIC_REGISTRY, Upstream.DOCKER_HUB],
    ['registry-1.docker.io', RegistryKind.PUBLIC_REGISTRY, Upstream.DOCKER_HUB],
    ['registry.k8s.io', RegistryKind.PUBLIC_REGISTRY, Upstream.KUBERNETES],
    ['k8s.gcr.io', RegistryKind.PUBLIC_REGISTRY, undefined],
    ['quay.io', RegistryKind.PUBLIC_REGISTRY, Upstream.QUAY],
    ['ghcr.io', RegistryKind.PUBLIC_REGISTRY, Upstream.GITHUB],
    ['registry.gitlab.com', RegistryKind.PUBLIC_REGISTRY, Upstream.GITLAB],
    ['gcr.io', RegistryKind.PUBLIC_REGISTRY, undefined],
    ['myreg.azurecr.io', RegistryKind.PUBLIC_REGISTRY, Upstream.AZURE],
    ['cgr.dev', RegistryKind.PUBLIC_REGISTRY, Upstream.CHAINGUARD],
    ['mcr.microsoft.com', RegistryKind.PUBLIC_REGISTRY, undefined],
    ['harbor.corp.example', RegistryKind.UNKNOWN, undefined],
    ['artifactory.example.com:8443', RegistryKind.UNKNOWN, undefined],
    ['azurecr.io', RegistryKind.UNKNOWN, undefined],
  ])('%s is %s (upstream %s) in every location', (host, kind, upstream) => {
    for (const loc of [useast1, euwest1, cnnorth1, agnostic]) {
      const c = ImageRegistries.classify(host, loc);
      expect(c.kind).toBe(kind);
      expect(c.upstream).toBe(upstream);
      expect(c.regionRelation).toBeUndefined();
    }
  });

  test('a token host is unresolved', () => {
    expect(ImageRegistries.classify(`${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}`, useast1).kind).toBe(RegistryKind.UNRESOLVED);
    expect(ImageRegistries.classifyImage(Lazy.string({ produce: () => 'x' }), useast1).kind).toBe(RegistryKind.UNRESOLVED);
    expect(ImageRegistries.classifyImage('nginx', useast1).kind).toBe(RegistryKind.PUBLIC_REGISTRY);
  });
});

describe('ImageInventory.fromManifests', () => {
  const podSpec = (image: string) => ({
    initContainers: [{ name: 'init', image: 'busybox:1.36' }],
    containers: [{ name: 'app', image }, { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2' }],
    ephemeralContainers: [{ name: 'debug', image: 'registry.k8s.io/e2e-test-images/agnhost:2.39' }],
  });

  test.each([
    ['Pod', (s: any) => ({ spec: s }), 'spec'],
    ['Deployment', (s: any) => ({ spec: { template: { spec: s } } }), 'spec.template.spec'],
    ['ReplicaSet', (s: any) => ({ spec: { template: { spec: s } } }), 'spec.template.spec'],
    ['StatefulSet', (s: any) => ({ spec: { template: { spec: s } } }), 'spec.template.spec'],
    ['DaemonSet', (s: any) => ({ spec: { template: { spec: s } } }), 'spec.template.spec'],
    ['Job', (s: any) => ({ spec: { template: { spec: s } } }), 'spec.template.spec'],
    ['CronJob', (s: any) => ({ spec: { jobTemplate: { spec: { template: { spec: s } } } } }), 'spec.jobTemplate.spec.template.spec'],
  ])('%s: init, regular and ephemeral containers, with kind, namespace and name', (kind, wrap, at) => {
    const manifest = { apiVersion: 'v1', kind, metadata: { name: 'web', namespace: 'shop' }, ...wrap(podSpec('nginx:1.27')) };
    const uses = ImageInventory.fromManifests([manifest]);
    expect(uses.map(u => [u.containerType, u.container, u.image, u.path])).toEqual([
      ['initContainer', 'init', 'busybox:1.36', `[0].${at}.initContainers[0].image`],
      ['container', 'app', 'nginx:1.27', `[0].${at}.containers[0].image`],
      ['container', 'sidecar', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2', `[0].${at}.containers[1].image`],
      ['ephemeralContainer', 'debug', 'registry.k8s.io/e2e-test-images/agnhost:2.39', `[0].${at}.ephemeralContainers[0].image`],
    ]);
    for (const u of uses) expect(u).toEqual(expect.objectContaining({ kind, namespace: 'shop', name: 'web', source: ImageSource.MANIFEST, unresolved: false }));
    expect(uses[1].reference?.toString()).toBe('docker.io/library/nginx:1.27');
  });

  test('List kinds are read item by item; other kinds (ConfigMap, custom resources) are not', () => {
    const uses = ImageInventory.fromManifests([
      { kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'quay.io/x/y:1' }] } }] },
      { kind: 'ConfigMap', metadata: { name: 'cm' }, data: { image: 'nginx' } },
      { kind: 'Karpenter', spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } },
    ]);
    expect(uses.map(u => [u.path, u.image, u.name])).toEqual([['[0].items[0].spec.containers[0].image', 'quay.io/x/y:1', 'a']]);
  });

  test('token images and token pod specs are reported as unresolved, never guessed', () => {
    const uses = ImageInventory.fromManifests([
      { kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/app:1` }] } },
      { kind: 'Deployment', metadata: { name: 'b' }, spec: { template: Lazy.any({ produce: () => ({}) }) } },
      Lazy.any({ produce: () => ({}) }),
    ]);
    expect(uses.map(u => [u.unresolved, u.reference, u.path])).toEqual([
      [true, undefined, '[0].spec.containers[0].image'],
      [true, undefined, '[1].spec.template'],
      [true, undefined, '[2]'],
    ]);
  });

  test('a malformed image is reported with its problem, next to a good one', () => {
    const uses = ImageInventory.fromManifests([{ kind: 'Pod', spec: { containers: [{ name: 'bad', image: 'Nginx' }, { name: 'good', image: 'nginx' }] } }]);
    expect(uses[0]).toEqual(expect.objectContaining({ unresolved: false, problem: expect.stringMatching(/lower case/) }));
    expect(uses[0].reference).toBeUndefined();
    expect(uses[1].problem).toBeUndefined();
    expect(uses[1].reference?.name).toBe('docker.io/library/nginx');
  });
});

describe('ImageInventory.fromHelmValues', () => {
  test('the common shapes, nested anywhere', () => {
    const uses = ImageInventory.fromHelmValues({
      image: 'nginx:1.27',
      controller: { image: { registry: 'registry.k8s.io', repository: 'ingress-nginx/controller', tag: 'v1.11.0' } },
      webhook: { patch: { image: { repository: 'quay.io/jetstack/cert-manager-ctl', tag: 1.5 } } },
      digested: { image: { registry: 'ghcr.io', repository: 'o/i', tag: 'v1', digest: SHA } },
      sidecars: [{ sidecarImage: 'public.ecr.aws/x/y:2' }],
      plain: { image: 'busybox', tag: '1.36' },
      named: { exporterImage: 'quay.io/prometheus/node-exporter', exporterImageTag: 'v1.8.0' },
      imagePullPolicy: 'IfNotPresent',
      chart: { repository: 'oci://charts', tag: 'x' },
    });
    expect(uses.map(u => [u.path, u.image, u.reference?.toString()])).toEqual([
      ['image', 'nginx:1.27', 'docker.io/library/nginx:1.27'],
      ['controller.image', 'registry.k8s.io/ingress-nginx/controller:v1.11.0', 'registry.k8s.io/ingress-nginx/controller:v1.11.0'],
      ['webhook.patch.image', 'quay.io/jetstack/cert-manager-ctl:1.5', 'quay.io/jetstack/cert-manager-ctl:1.5'],
      ['digested.image', `ghcr.io/o/i@${SHA}`, `ghcr.io/o/i@${SHA}`],
      ['sidecars[0].sidecarImage', 'public.ecr.aws/x/y:2', 'public.ecr.aws/x/y:2'],
      ['plain.image', 'busybox:1.36', 'docker.io/library/busybox:1.36'],
      ['named.exporterImage', 'quay.io/prometheus/node-exporter:v1.8.0', 'quay.io/prometheus/node-exporter:v1.8.0'],
    ]);
    for (const u of uses) expect(u.source).toBe(ImageSource.HELM_VALUES);
  });

  test('global.imageRegistry prefixes image.repository where image.registry is absent', () => {
    const uses = ImageInventory.fromHelmValues({
      global: { imageRegistry: '111111111111.dkr.ecr.us-east-1.amazonaws.com' },
      image: { repository: 'bitnami/redis', tag: '7.2' },
    });
    expect(uses.map(u => u.image)).toEqual(['111111111111.dkr.ecr.us-east-1.amazonaws.com/bitnami/redis:7.2']);
  });

  test('global.imageRegistry also replaces image.registry, as Bitnami\'s common.images.image does; without it image.registry stays', () => {
    const withGlobal = ImageInventory.fromHelmValues({ global: { imageRegistry: 'mirror.example.com' }, image: { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' } });
    expect(withGlobal[0].image).toBe('mirror.example.com/bitnami/redis:7.2');
    const withoutGlobal = ImageInventory.fromHelmValues({ global: { imageRegistry: '' }, image: { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' } });
    expect(withoutGlobal[0].image).toBe('docker.io/bitnami/redis:7.2');
  });

  test('without tag or digest the chart picks the tag: flagged, not trusted', () => {
    const [u] = ImageInventory.fromHelmValues({ image: { registry: 'docker.io', repository: 'grafana/grafana' } });
    expect(u).toEqual(expect.objectContaining({ image: 'docker.io/grafana/grafana', tagFromChart: true }));
    const [tagged] = ImageInventory.fromHelmValues({ image: { registry: 'docker.io', repository: 'grafana/grafana', tag: '11.0.0' } });
    expect(tagged.tagFromChart).toBeUndefined();
  });

  test('no registry in the values: the chart\'s default registry applies, which is unresolved, never guessed as Docker Hub', () => {
    const [u] = ImageInventory.fromHelmValues({ image: { repository: 'grafana/grafana', tag: '11.0.0' } });
    expect(u).toEqual(expect.objectContaining({ image: 'grafana/grafana:11.0.0', unresolved: true }));
    expect(u.problem).toMatch(/chart's default registry/);
    // A repository with its own host needs no registry.
    const [full] = ImageInventory.fromHelmValues({ image: { repository: 'quay.io/prometheus/prometheus', tag: 'v2' } });
    expect(full.reference?.registry).toBe('quay.io');
  });

  test('ingress-nginx\'s shape { registry, image, tag } is one image', () => {
    const uses = ImageInventory.fromHelmValues({ controller: { image: { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', image: 'ingress-nginx/controller', tag: 'v1.11.0' } } });
    expect(uses.map(u => u.image)).toEqual(['123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingress-nginx/controller:v1.11.0']);
  });

  test('token values are unresolved, never guessed', () => {
    const repoUri = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/app`;
    const uses = ImageInventory.fromHelmValues({
      image: { repository: repoUri, tag: '1' },
      worker: { image: Lazy.string({ produce: () => 'nginx' }) },
      job: { image: { registry: 'quay.io', repository: 'a/b', tag: Lazy.string({ produce: () => 'v1' }) } },
      ok: { image: 'quay.io/a/b:1' },
    });
    expect(uses.map(u => [u.path, u.unresolved, u.reference === undefined])).toEqual([
      ['image', true, true],
      ['worker.image', true, true],
      ['job.image', true, true],
      ['ok.image', false, false],
    ]);
    expect(Token.isUnresolved(uses[0].image)).toBe(true);
  });

  test('a token global.imageRegistry makes object-shaped images unresolved, string images stay readable', () => {
    const uses = ImageInventory.fromHelmValues({ global: { imageRegistry: Aws.URL_SUFFIX }, image: { repository: 'x/y', tag: '1' }, other: { image: 'quay.io/a/b:1' } });
    expect(uses.map(u => u.unresolved)).toEqual([true, false]);
  });
});

describe('PullThroughCacheUri.of', () => {
  const rules = [
    { prefix: 'docker-hub', upstreamHosts: ['docker.io', 'registry-1.docker.io'] },
    { prefix: 'ecr-public', upstreamHosts: ['public.ecr.aws'] },
    { prefix: 'k8s', upstreamHosts: ['registry.k8s.io'] },
    { prefix: 'central', upstreamHosts: ['999999999999.dkr.ecr.us-west-2.amazonaws.com'], upstreamRepositoryPrefix: 'team' },
    { prefix: 'team-a', upstreamHosts: ['888888888888.dkr.ecr.us-west-2.amazonaws.com'], upstreamRepositoryPrefix: 'team-a' },
  ];
  const registry = { account: '111111111111', region: 'eu-west-1' };
  const uri = (ref: string, reg: any = registry) => PullThroughCacheUri.of(ImageReference.parse(ref), rules, reg);

  test.each([
    ['nginx', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:latest'],
    ['nginx:1.27', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27'],
    ['bitnami/redis:7', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/bitnami/redis:7'],
    ['public.ecr.aws/eks-distro/kubernetes/pause:3.9', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/eks-distro/kubernetes/pause:3.9'],
    ['registry.k8s.io/pause:3.10', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/k8s/pause:3.10'],
    [`registry.k8s.io/pause@${SHA}`, `111111111111.dkr.ecr.eu-west-1.amazonaws.com/k8s/pause@${SHA}`],
    [`registry.k8s.io/pause:3.10@${SHA}`, `111111111111.dkr.ecr.eu-west-1.amazonaws.com/k8s/pause:3.10@${SHA}`],
    ['999999999999.dkr.ecr.us-west-2.amazonaws.com/team/api:1', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/central/api:1'],
    // the guide's table: team-a / team-a maps team-a/myapp/image1 to team-a/myapp/image1 (pull-through-cache-private-wildcards.html)
    ['888888888888.dkr.ecr.us-west-2.amazonaws.com/team-a/myapp/image1:1', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/team-a/myapp/image1:1'],
  ])('%s -> %s', (ref, expected) => {
    expect(uri(ref)).toBe(expected);
  });

  test('undefined when no rule covers the upstream (or the upstream repository prefix)', () => {
    expect(uri('quay.io/a/b:1')).toBeUndefined();
    expect(uri('k8s.gcr.io/pause:3.2')).toBeUndefined();
    expect(uri('999999999999.dkr.ecr.us-west-2.amazonaws.com/other/api:1')).toBeUndefined();
  });

  test('China regions get amazonaws.com.cn', () => {
    expect(uri('nginx', { account: '111111111111', region: 'cn-northwest-1' })).toBe('111111111111.dkr.ecr.cn-northwest-1.amazonaws.com.cn/docker-hub/library/nginx:latest');
  });

  test('tokens for account and region in environment-agnostic stacks', () => {
    const u = uri('nginx', { account: Aws.ACCOUNT_ID, region: Aws.REGION });
    expect(Token.isUnresolved(u)).toBe(true);
    expect(u).toBe(`${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/docker-hub/library/nginx:latest`);
  });
});
