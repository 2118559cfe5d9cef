/**
 * Workloads that run air-gapped: every image the app deploys is checked for a way in from the node subnets, and the
 * pull-through cache built into the cluster is the fix. Each failure has a passing neighbour.
 */
import { App, Aws, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { cluster, importedVpc, tinyLayer } from './join-cases';
import { PrivateEksCluster, PrivateEksClusterProps, Upstream } from '../lib';
import { newStack, resourcesOfType } from './util';
import { Finding } from '../lib/check/join-analysis';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const deployment = (image: string, kind = 'Deployment') => {
  const pod = { containers: [{ name: 'app', image }] };
  const spec = kind === 'Pod' ? pod : kind === 'CronJob'
    ? { jobTemplate: { spec: { template: { spec: pod } } } }
    : { template: { spec: pod } };
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'apps' }, spec };
};

function withWorkload(image: string | ((c: PrivateEksCluster) => string), props: Partial<PrivateEksClusterProps> = {}, stack = newStack(), kind = 'Deployment') {
  const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack), ...props });
  c.addManifest('Web', deployment(typeof image === 'string' ? image : image(c), kind));
  return c;
}

describe('public registries need the internet or the pull-through cache (PEKS-IMG-1)', () => {
  test.each([
    ['nginx', 'Docker Hub', 'docker.io', 'DOCKER_HUB'],
    ['registry.k8s.io/pause:3.10', 'Kubernetes', 'registry.k8s.io', 'KUBERNETES'],
    ['quay.io/prometheus/node-exporter:v1.8.2', 'Quay', 'quay.io', 'QUAY'],
    ['ghcr.io/fluxcd/source-controller:v1.4.1', 'GitHub', 'ghcr.io', 'GITHUB'],
    ['public.ecr.aws/nginx/nginx:1.27', 'Amazon ECR Public', 'public.ecr.aws', 'ECR_PUBLIC'],
  ])('fails for %s, naming the workload, the image, the registry and the cache rule to add', (image, name, host, upstream) => {
    const f = findingsOf(withWorkload(image));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-1']);
    expect(f[0].message).toContain(`Test/Eks/ManifestWeb: Deployment apps/web, container app pulls ${image} from ${name}`);
    expect(f[0].message).toContain(`(${host})`);
    expect(f[0].message).toMatch(/node subnets .*PrivateSubnet1, .*PrivateSubnet2 have no internet route: the pod stays in ImagePullBackOff/);
    expect(f[0].fix).toContain(`upstream: Upstream.${upstream}`);
  });

  test('the fix for Docker Hub names the secret ECR needs', () => {
    expect(findingsOf(withWorkload('nginx:1.27'))[0].fix).toMatch(/credentials: <a Secrets Manager secret named ecr-pullthroughcache\/docker-hub/);
  });

  test.each(['Pod', 'CronJob', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicaSet'])('finds the image of a %s', kind => {
    expect(findingsOf(withWorkload('quay.io/x/y:1', {}, newStack(), kind)).map(x => x.ruleId)).toEqual(['PEKS-IMG-1']);
  });

  test('init and ephemeral containers are checked too', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addManifest('Web', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox:1.36' }],
        containers: [{ name: 'app', image: `${c.cluster.stack.account}.dkr.ecr.${Aws.REGION}.amazonaws.com/app:1` }],
        ephemeralContainers: [{ name: 'debug', image: 'registry.k8s.io/e2e-test-images/agnhost:2.45' }],
      },
    });
    const f = findingsOf(c);
    expect(f.map(x => x.message.split(' pulls ')[0])).toEqual(['Test/Eks/ManifestWeb: Pod p, initContainer init', 'Test/Eks/ManifestWeb: Pod p, ephemeralContainer debug']);
  });

  test('passes with a NAT route, and for this account\'s ECR in this region written with Aws.ACCOUNT_ID / Aws.REGION', () => {
    const nat = newStack();
    expect(findingsOf(withWorkload('nginx:1.27', { vpc: new ec2.Vpc(nat, 'Vpc', { maxAzs: 2, natGateways: 1 }) }, nat))).toEqual([]);
    expect(findingsOf(withWorkload(`${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/web:1.0`))).toEqual([]);
  });

  test('an EKS add-on image of this region passes; a digest reference is read', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(findingsOf(withWorkload('602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause:3.10', {}, stack))).toEqual([]);
    const f = findingsOf(withWorkload(`nginx@sha256:${'a'.repeat(64)}`));
    expect(f[0].message).toContain(`pulls nginx@sha256:${'a'.repeat(64)} from Docker Hub`);
  });
});

describe('the pull-through cache, built in', () => {
  test('caches ECR Public: the rule, the creation template, node permissions, endpoint policies; the warm-up fills it, so no PEKS-IMG-6', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    const uri = c.imageUri('public.ecr.aws/nginx/nginx:1.27');
    expect(stack.resolve(uri)).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/ecr-public/nginx/nginx:1.27']] });
    c.addManifest('Web', deployment(uri));
    // The ECR guide: the first pull through a cache rule over interface endpoints needs a NAT gateway; the warm-up
    // (warmImages, on by default) makes it from outside the VPC before the manifest is applied.
    expect(findingsOf(c)).toEqual([]);

    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
    t.resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 1);
    // The cache's own managed policy, attached to the node role (not the role's default policy).
    const nodeRole = resourcesOfType(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('EksNodeRole'))![1];
    const cachePolicies = resourcesOfType(t, 'AWS::IAM::ManagedPolicy').filter(([id]) => JSON.stringify(nodeRole.Properties.ManagedPolicyArns).includes(id));
    expect(JSON.stringify(cachePolicies)).toContain('ecr:BatchImportUpstreamImage');
    for (const [id, e] of resourcesOfType(t, 'AWS::EC2::VPCEndpoint').filter(([i]) => /EcrApi|EcrDkr/.test(i))) {
      expect([id, JSON.stringify(e.Properties.PolicyDocument)]).toEqual([id, expect.stringContaining('ecr:BatchImportUpstreamImage')]);
    }
  });

  test('rewriteImages: manifests added afterwards pull covered images through the cache', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.KUBERNETES }, { upstream: Upstream.QUAY }], rewriteImages: true });
    c.addManifest('Web', deployment('registry.k8s.io/pause:3.10'));
    // Rewritten, then warmed at deploy.
    expect(findingsOf(c)).toEqual([]);
    const [[, manifest]] = resourcesOfType(Template.fromStack(stack), 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(JSON.stringify(manifest.Properties.Manifest)).toContain('/k8s/pause:3.10');
  });

  test('fails when no rule serves the image, naming the upstream to add; Docker Hub without a secret is refused', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    expect(() => c.imageUri('quay.io/x/y:1')).toThrow(/\[Test\/Eks\] no pull-through cache rule of this cluster serves quay.io\/x\/y:1. Fix: add one with cluster.addPullThroughCache/);
    expect(() => c.addPullThroughCache('Hub', { rules: [{ upstream: Upstream.DOCKER_HUB }] })).toThrow(/ecr-pullthroughcache\//);
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'HubSecret', 'ecr-pullthroughcache/docker-hub');
    expect(() => c.addPullThroughCache('Hub2', { rules: [{ upstream: Upstream.DOCKER_HUB, credentials: secret }] })).not.toThrow();
  });
});

describe('other registries', () => {
  test('through the cache with a NAT route: no warning (the first pull goes out through NAT)', () => {
    const stack = newStack();
    const c = cluster(stack, { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }), bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    c.addManifest('Web', deployment(c.imageUri('public.ecr.aws/nginx/nginx:1.27')));
    expect(findingsOf(c)).toEqual([]);
  });

  test('ECR\'s dual-stack host: the sources disagree, so a warning, never an error', () => {
    const f = findingsOf(withWorkload('123456789012.dkr-ecr.us-east-1.on.aws/web:1'));
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
    expect(f[0].message).toMatch(/dual-stack host.*disagree/);
  });

  test('where node routes cannot be seen (an imported VPC), an outside image is a warning, and a declaration clears it', () => {
    const stack = newStack();
    const shared = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages', 'eks', 'lambda'];
    const c = withWorkload('nginx:1.27', { vpc: importedVpc(stack), createVpcEndpoints: false, existingEndpointServices: shared, preflight: false }, stack);
    expect(findingsOf(c).map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
    const stack2 = newStack();
    const c2 = withWorkload('nginx:1.27', { vpc: importedVpc(stack2), createVpcEndpoints: false, existingEndpointServices: shared, existingRegistries: ['docker.io'], preflight: false }, stack2);
    expect(findingsOf(c2)).toEqual([]);
  });

  test('PEKS-IMG-2 fails for another region\'s ECR, naming the region; the same region passes', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
    const f = findingsOf(withWorkload('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1', {}, stack));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-2']);
    expect(f[0].message).toMatch(/from ECR in eu-west-1 \(123456789012.dkr.ecr.eu-west-1.amazonaws.com\).*serve eu-west-2 only/);
    expect(f[0].fix).toMatch(/ECR replication.*Upstream.ECR_PRIVATE, upstreamRegion: 'eu-west-1'/);
    const app2 = new App();
    expect(findingsOf(withWorkload('123456789012.dkr.ecr.eu-west-2.amazonaws.com/web:1', {}, new Stack(app2, 'Test', { env: { account: '123456789012', region: 'eu-west-2' } })))).toEqual([]);
  });

  test('PEKS-IMG-2 names cross-Region PrivateLink, and interface endpoints for that region\'s ecr.api, ecr.dkr and s3 make the image reachable', () => {
    const build = (services: string[]) => {
      const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
      const c = withWorkload('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1', {}, stack);
      for (const service of services) {
        new ec2.InterfaceVpcEndpoint(stack, `Remote${service}`, {
          vpc: c.vpc, service: new ec2.InterfaceVpcEndpointService(`com.amazonaws.eu-west-1.${service}`), serviceRegion: 'eu-west-1', privateDnsEnabled: true,
        });
      }
      return findingsOf(c);
    };
    const partial = build(['ecr.api', 'ecr.dkr']);
    expect(partial.map(x => x.ruleId)).toEqual(['PEKS-IMG-2']);
    expect(partial[0].fix).toMatch(/cross-Region PrivateLink: interface endpoints with serviceRegion: 'eu-west-1' for s3 \(s3 as an interface endpoint/);
    expect(build(['ecr.api', 'ecr.dkr', 's3'])).toEqual([]);
  });

  test('an endpoint for another region\'s service does not serve this region\'s names (no false pass for the nodes)', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
    const c = withWorkload('123456789012.dkr.ecr.eu-west-2.amazonaws.com/web:1', { createVpcEndpoints: false, existingEndpointServices: ['ec2', 's3', 'ssm', 'ssmmessages', 'logs', 'eks-auth'] }, stack);
    for (const service of ['ecr.api', 'ecr.dkr']) {
      new ec2.InterfaceVpcEndpoint(stack, `Remote${service}`, {
        vpc: c.vpc, service: new ec2.InterfaceVpcEndpointService(`com.amazonaws.eu-west-1.${service}`), serviceRegion: 'eu-west-1', privateDnsEnabled: true,
      });
    }
    const join = findingsOf(c).filter(x => x.ruleId === 'PEKS-JOIN-1');
    expect(join).toHaveLength(1);
    expect(join[0].message).toMatch(/ecr\.api, ecr\.dkr/);
  });

  test('an ECR region in an environment-agnostic stack cannot be compared: a warning, never an error', () => {
    const f = findingsOf(withWorkload('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1'));
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
  });

  test('PEKS-IMG-3 fails for a registry the library cannot classify; declaring it passes', () => {
    const f = findingsOf(withWorkload('harbor.corp.example/team/web:1'));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-3']);
    expect(f[0].fix).toContain("existingRegistries: ['harbor.corp.example']");
    expect(findingsOf(withWorkload('harbor.corp.example/team/web:1', { existingRegistries: ['harbor.corp.example'] }))).toEqual([]);
    expect(() => withWorkload('x', { existingRegistries: ['https://harbor.corp.example/v2'] })).toThrow(/existingRegistries: "https:\/\/harbor.corp.example\/v2" is not a registry host/);
  });

  test('PEKS-IMG-5 fails for a malformed reference; PEKS-IMG-4 warns for a token image', () => {
    expect(findingsOf(withWorkload('Nginx:Latest')).map(x => x.ruleId)).toEqual(['PEKS-IMG-5']);
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    const param = new CfnParameter(stack, 'Image');
    c.addManifest('Web', deployment(param.valueAsString));
    expect(findingsOf(c).map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
  });
});

describe('Helm values', () => {
  const chart = (values: Record<string, any> | undefined) => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addHelmChart('App', { chart: 'app', repository: `oci://${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com/charts/app`, version: '1.0.0', values });
    return findingsOf(c);
  };

  test('image.repository on a public registry fails; global.imageRegistry pointing at this region\'s ECR passes', () => {
    const f = chart({ image: { registry: 'docker.io', repository: 'bitnami/nginx', tag: '1.27.0' } });
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-1']);
    expect(f[0].message).toMatch(/Test\/Eks\/ChartApp: values image pulls docker.io\/bitnami\/nginx:1.27.0 from Docker Hub \(docker.io\)/);
    // Without a registry the chart's default applies: not in the app, a warning, never a guessed error.
    expect(chart({ image: { repository: 'bitnami/nginx', tag: '1.27.0' } }).map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
    expect(chart({ global: { imageRegistry: `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com` }, image: { repository: 'bitnami/nginx', tag: '1.27.0' } })).toEqual([]);
  });

  test('a chart whose values name no image: its default images cannot be seen, a warning says so', () => {
    const f = chart(undefined);
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-IMG-4:warning']);
    expect(f[0].message).toMatch(/the chart's default values pulls \(not in the app\), which cannot be checked: the chart's own default images are not in the app/);
  });
});


describe('add-on configuration', () => {
  test('an image named in an EKS add-on\'s configurationValues is checked; one in this region\'s ECR passes', () => {
    const build = (image: string) => {
      const stack = newStack();
      const c = cluster(stack, { bastion: false });
      new eks.Addon(stack, 'Observability', {
        cluster: c.cluster,
        addonName: 'amazon-cloudwatch-observability',
        configurationValues: { agent: { image: { registry: 'public.ecr.aws', repository: image.split(':')[0], tag: image.split(':')[1] } } },
      });
      // Only the image rules here: the add-on's own endpoints are the contract checks' (test/components.test.ts).
      return findingsOf(c).filter(x => x.ruleId.startsWith('PEKS-IMG-'));
    };
    const f = build('cloudwatch-agent/cloudwatch-agent:1.300');
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-IMG-1']);
    expect(f[0].message).toMatch(/^Test\/Observability: values agent.image pulls public.ecr.aws\/cloudwatch-agent\/cloudwatch-agent:1.300 from Amazon ECR Public/);
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    new eks.Addon(stack, 'Observability', {
      cluster: c.cluster,
      addonName: 'amazon-cloudwatch-observability',
      configurationValues: { agent: { image: { registry: `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`, repository: 'cloudwatch-agent', tag: '1.300' } } },
    });
    expect(findingsOf(c).filter(x => x.ruleId.startsWith('PEKS-IMG-'))).toEqual([]);
  });
});
