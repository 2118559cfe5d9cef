/**
 * Issue 29, "Stay true, turn 4": facts that moved (each with its source and the day read) and typos that synthesized
 * and failed at deploy. Each fix has a "fails when ..." test and its passing neighbour.
 */
import { createHash } from 'crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster, natVpc, tinyLayer } from './join-cases';
import { ControlPlaneEgressMode, EndpointHub, PrivateEksCluster, PullThroughCacheWarmup, Upstream } from '../lib';
import { newStack, quietly, warningsOf } from './util';
import { Finding } from '../lib/check/join-analysis';
import { naclBlocks } from '../lib/check/nacl-rules';
import { factDates, oldestFact } from '../lib/contracts/fact-dates';
import { checkInstanceTypeName } from '../lib/contracts/instance-types';
import { EKS_NEWEST_OFFERED, KUBECTL_LAYER_NEWEST, kubectlLayerPackage, oldestCreatableVersion, versionSupport } from '../lib/contracts/kubernetes-versions';
import { chartVersionProblem } from '../lib/workloads/chart-version';
import { EcrPullThroughCache } from '../lib/workloads/pull-through-cache';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const ver1 = (c: PrivateEksCluster) => findingsOf(c).filter(f => f.ruleId.startsWith('PEKS-VER'));

describe('the EKS calendar, read 2026-12-07', () => {
  test('1.31 left extended support on 2026-11-26: creatable the day before, not on the day', () => {
    expect(versionSupport('1.31', '2026-11-25').creatable).toBe(true);
    expect(versionSupport('1.31', '2026-11-26')).toEqual({ creatable: false, endOfExtendedSupport: '2026-11-26' });
    expect(oldestCreatableVersion('2026-12-07')).toBe('1.32');
  });

  test('1.34 entered extended support on 2026-12-02 (still creatable)', () => {
    expect(versionSupport('1.34', '2026-12-01')).toEqual({ creatable: true, endOfExtendedSupport: '2027-12-02' });
    expect(versionSupport('1.34', '2026-12-02')).toEqual({ creatable: true, endOfExtendedSupport: '2027-12-02', extendedSupport: true });
  });

  test('1.37 is not offered by EKS as of the day read, and npm has no kubectl layer for it; 1.36 is offered and has one', () => {
    expect(EKS_NEWEST_OFFERED).toMatchObject({ version: '1.36', read: '2026-12-07' });
    expect(versionSupport('1.37', '2026-12-07')).toEqual({ creatable: false, notOffered: true });
    expect(versionSupport('1.36', '2026-12-07')).toEqual({ creatable: true });
    expect(KUBECTL_LAYER_NEWEST.minor).toBe(36);
    expect(kubectlLayerPackage(37)).toBeUndefined();
    expect(kubectlLayerPackage(36)).toEqual({ packageName: '@aws-cdk/lambda-layer-kubectl-v36', className: 'KubectlV36Layer' });
  });
});

describe('PEKS-VER-1 is an error for a version EKS does not create', () => {
  test('fails when the version is past its end of extended support (1.31 on 2026-12-07), naming the downgrade', () => {
    const f = ver1(cluster(newStack(), { version: eks.KubernetesVersion.V1_31, bastion: false }));
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-VER-1:error']);
    expect(f[0].message).toMatch(/Kubernetes 1\.31 is past the end of EKS extended support \(2026-11-26\)/);
    expect(f[0].fix).toMatch(/1\.32 or newer.*downgradeRules: \{ 'PEKS-VER-1': 'why' \}/);
  });

  test('fails when the version is KubernetesVersion.V1_37, saying EKS does not offer it and npm has no layer for it', () => {
    const f = ver1(cluster(newStack(), { version: eks.KubernetesVersion.V1_37, bastion: false }));
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-VER-1:error']);
    expect(f[0].message).toMatch(/Kubernetes 1\.37 is not offered by EKS \(the newest it offers is 1\.36 \(read 2026-12-07\)\), and npm has no kubectl layer package for it \(the newest is @aws-cdk\/lambda-layer-kubectl-v36\)/);
    expect(f[0].fix).toMatch(/set `version` to a version EKS offers \(1\.36\) with the kubectl layer from @aws-cdk\/lambda-layer-kubectl-v36/);
    expect(f[0].fix).not.toMatch(/kubectl-v37/);
  });

  test('1.32 to 1.36 pass; downgradeRules turns PEKS-VER-1 into a warning', () => {
    for (const v of ['1.32', '1.34', '1.36']) expect(ver1(cluster(newStack(), { version: eks.KubernetesVersion.of(v), bastion: false }))).toEqual([]);
    const stack = newStack();
    cluster(stack, { version: eks.KubernetesVersion.V1_31, bastion: false, downgradeRules: { 'PEKS-VER-1': 'a replay, not deployed' } });
    const { result } = quietly(() => (stack.node.root as App).synth());
    expect(warningsOf(result)).toContainEqual(expect.stringMatching(/PEKS-VER-1: Kubernetes 1\.31 is past the end.*\(Downgraded from an error: a replay, not deployed\)/));
    const failing = newStack();
    cluster(failing, { version: eks.KubernetesVersion.V1_31, bastion: false });
    expect(() => quietly(() => (failing.node.root as App).synth())).toThrow(/\[Test\/Eks\] PEKS-VER-1: Kubernetes 1\.31 is past the end of EKS extended support/);
  });

  test('fails when KubernetesVersion.of(\'1.40\') needs kubectl, and the fix names only a layer package npm has', () => {
    const stack = newStack();
    const c = cluster(stack, { version: eks.KubernetesVersion.of('1.40'), bastion: false });
    expect(() => c.addManifest('M', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }))
      .toThrow(/\[Test\/Eks\] addManifest needs kubectl, and no kubectlLayer was given.*Fix: npm has no kubectl layer package for Kubernetes 1\.40 \(the newest is @aws-cdk\/lambda-layer-kubectl-v36\)/);
    expect(() => c.addManifest('M2', {})).not.toThrow(/kubectl-v40/);
    const c2 = cluster(newStack(), { version: eks.KubernetesVersion.V1_36, bastion: false });
    expect(() => c2.addManifest('M', {})).toThrow(/Fix: install @aws-cdk\/lambda-layer-kubectl-v36 and pass kubectlLayer: new KubectlV36Layer/);
  });

  test('PEKS-VER-2 for a 1.40 cluster names the newest published layer, never -v40', () => {
    const stack = newStack();
    const f = findingsOf(cluster(stack, { version: eks.KubernetesVersion.of('1.40'), kubectlLayer: tinyLayer(stack), bastion: false }));
    for (const x of f) expect(x.fix).not.toMatch(/kubectl-v40/);
  });
});

/**
 * Rows read in November that were not re-dated this month (issue 29, 2026-12-07: every other November row was re-read
 * against its stored source and re-dated). The list only shrinks: a row re-read leaves it, and no other row may be older
 * than this month. Left, and why: their sources changed in what the contract table in docs/ shows, so each row changes
 * with that table (not this file's owner): the Load Balancer Controller's installation guide now offers Pod Identity, and
 * external-dns's AWS tutorial now offers Pod Identity and adds route53:ListTagsForResources to its policy.
 */
const NOT_YET_REREAD = new Set<string>([]);

describe('the fact table', () => {
  test('the oldest read date is this month\'s (issue 29; the bench prints it)', () => {
    expect(oldestFact().read! >= '2026-12-01').toBe(true);
  });

  test('every row has a date, and every row read before this month is on the re-read list (no new stale row)', () => {
    expect(factDates().filter(f => !f.read)).toEqual([]);
    expect(factDates().filter(f => f.read! < '2026-12-01' && !NOT_YET_REREAD.has(f.row))).toEqual([]);
  });

  test('the re-read list names exactly the rows still older than this month (a row re-read must leave it)', () => {
    const old = factDates().filter(f => f.read! < '2026-12-01').map(f => f.row).sort();
    expect(old).toEqual([...NOT_YET_REREAD].sort());
  });

  test('the November rows re-read on 2026-12-07 carry that date: the whole endpoint catalogue and endpoint-policy facts, the contracts', () => {
    const rows = factDates();
    expect(rows.filter(f => /^(catalogue|endpoint policy) /.test(f.row) && f.read! < '2026-12-01')).toEqual([]);
    for (const row of ['catalogue eks', 'catalogue ec2messages', 'endpoint policy sts', 'endpoint policy xray', 'contract nodes', 'contract bastion',
      'contract amazon-cloudwatch-observability', 'contract cluster-autoscaler setting awsRegion', 'endpoint claim route53', 'contract aws-load-balancer-controller setting clusterName']) {
      expect(rows).toContainEqual({ row, read: '2026-12-07' });
    }
  });

  test('the rows this issue re-read are this month\'s: the EKS calendar, the newest version and layer, Karpenter\'s contract and defect', () => {
    const rows = factDates();
    const reread = rows.filter(f => /^(kubernetes |kubectl layer |contract karpenter)/.test(f.row));
    expect(reread.length).toBeGreaterThan(12);
    expect(reread.filter(f => f.read! < '2026-12-01')).toEqual([]);
    expect(rows).toContainEqual({ row: 'kubernetes calendar 1.34', read: '2026-12-07' });
    expect(rows).toContainEqual({ row: 'kubernetes newest offered 1.36', read: '2026-12-07' });
    expect(rows).toContainEqual({ row: 'contract karpenter defect 1.7.2 to 1.8.3', read: '2026-12-07' });
    // The oldest row overall is this month's, or one still on the re-read list.
    expect(NOT_YET_REREAD.has(oldestFact().row) || oldestFact().read! >= '2026-12-01').toBe(true);
  });
});

describe('typos that synthesized and failed at deploy', () => {
  test('fails when the version is KubernetesVersion.of(\'v1.30\'), with the construct path and the way to write it', () => {
    expect(() => cluster(newStack(), { version: eks.KubernetesVersion.of('v1.30') }))
      .toThrow(/\[Test\/Eks\] version: "v1\.30" is not a Kubernetes version as EKS takes it.*Fix: write it as '1\.30' \(eks\.KubernetesVersion\.of\('1\.30'\)\)/);
    expect(() => cluster(newStack(), { version: eks.KubernetesVersion.of('1.36') })).not.toThrow();
  });

  test('fails when a chart version is 1.0.O; semver versions and constraints pass', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    const repository = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
    expect(() => c.addHelmChart('Bad', { chart: 'podinfo', repository: `oci://${repository}/podinfo`, version: '1.0.O' }))
      .toThrow(/\[Test\/Eks\] chart podinfo: version "1\.0\.O" is neither a SemVer 2 chart version.*Fix: write the chart's version as published/);
    expect(() => c.addHelmChart('Ok', { chart: 'podinfo', repository: `oci://${repository}/podinfo`, version: '6.7.0' })).not.toThrow();
    for (const v of ['1.0.0', 'v1.2.3', '^2.0.0', '~1.2', '>=1.0.0 <2.0.0', '1.2.x', '1.0.0-rc.1+build.5']) expect(chartVersionProblem(v)).toBeUndefined();
    for (const v of ['1.0.O', 'latest', '1..0']) expect(chartVersionProblem(v)).toBeDefined();
  });

  test('fails when an add-on version is v1.40.0-eksbuild1, suggesting v1.40.0-eksbuild.1', () => {
    const c = cluster(newStack(), { bastion: false });
    expect(() => c.addAddon('aws-ebs-csi-driver', { addonVersion: 'v1.40.0-eksbuild1' }))
      .toThrow(/\[Test\/Eks\/Addon-aws-ebs-csi-driver\] aws-ebs-csi-driver addonVersion: "v1\.40\.0-eksbuild1" is not an EKS add-on version.*Fix: did you mean addonVersion 'v1\.40\.0-eksbuild\.1'\?/);
    expect(() => c.addAddon('metrics-server', { addonVersion: 'v0.7.2-eksbuild.1' })).not.toThrow();
  });

  test('fails when the stack\'s region is eu-west1, suggesting eu-west-1; a real region code passes', () => {
    const make = (region: string) => () => cluster(new Stack(new App(), 'Test', { env: { region, account: '111111111111' } }), { bastion: false });
    expect(make('eu-west1')).toThrow(/\[Test\/Eks\] the stack's region "eu-west1" is not an AWS region code.*Fix: did you mean 'eu-west-1'\?/);
    expect(make('eu-west-1')).not.toThrow();
    expect(make('us-gov-west-1')).not.toThrow();
  });

  test('fails when an instance type is m5large, with "did you mean m5.large"; m5.large passes', () => {
    expect(checkInstanceTypeName('m5large')).toEqual({ verdict: 'error', suggestion: 'm5.large' });
    expect(checkInstanceTypeName('m5dnxlarge')).toEqual({ verdict: 'error', suggestion: 'm5dn.xlarge' });
    expect(checkInstanceTypeName('m5.large')).toEqual({ verdict: 'ok' });
    const c = cluster(newStack(), { bastion: false });
    expect(() => c.addNodegroup('Ng', { instanceTypes: [new ec2.InstanceType('m5large')] }))
      .toThrow(/instanceTypes: "m5large" is not an EC2 instance type.*Fix: did you mean m5\.large\?/);
  });
});

describe('Load Balancer Controller 3.x (aws-cdk-lib 2.276 names V3_0_0 to V3_2_2)', () => {
  const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
  const policiesOf = (version: eks.AlbControllerVersion, tag: string) => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addLoadBalancerController({ version, chartRepository: `oci://${ECR}/charts/aws-load-balancer-controller`, image: `${ECR}/aws-load-balancer-controller:${tag}` });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
    return Object.entries(resources).filter(([, r]) => /^AWS::IAM::/.test(r.Type) && JSON.stringify(r).includes('elasticloadbalancing:CreateLoadBalancer'))
      .map(([id, r]) => [id, r.Properties.PolicyDocument]);
  };

  test('v3.2.2 is accepted and gets the same controller statements as v2.17.1 (the policy documents aws-cdk-lib ships are identical)', () => {
    const v3 = policiesOf(eks.AlbControllerVersion.V3_2_2, 'v3.2.2');
    expect(v3.length).toBeGreaterThan(0);
    expect(v3).toEqual(policiesOf(eks.AlbControllerVersion.V2_17_1, 'v2.17.1'));
  });

  test('fails below v2.4.0 still (the neighbour: the version check holds for 3.x and refuses what it refused)', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack) });
    expect(() => c.addLoadBalancerController({ version: eks.AlbControllerVersion.V2_3_1, chartRepository: `oci://${ECR}/charts/aws-load-balancer-controller`, image: `${ECR}/lbc:v2.3.1` }))
      .toThrow(/watches Ingresses as networking\.k8s\.io\/v1beta1/);
  });
});

describe('the library\'s own VPC pins Availability Zones (network.availabilityZones)', () => {
  const ENV = { account: '111111111111', region: 'eu-west-1' };
  test('the subnets go to the zones written out; fails for one zone or with maxAzs too, naming the path', () => {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    cluster(stack, { bastion: false, network: { availabilityZones: ['eu-west-1b', 'eu-west-1c'] } });
    const azs = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.AvailabilityZone);
    expect(new Set(azs)).toEqual(new Set(['eu-west-1b', 'eu-west-1c']));
    expect(() => cluster(new Stack(new App(), 'Test', { env: ENV }), { network: { availabilityZones: ['eu-west-1a'] } }))
      .toThrow(/\[Test\/Eks\/Network\] availabilityZones names 1 zone\(s\) \(eu-west-1a\), and EKS needs cluster subnets in two Availability Zones/);
    expect(() => cluster(new Stack(new App(), 'Test', { env: ENV }), { network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'], maxAzs: 3 } }))
      .toThrow(/\[Test\/Eks\/Network\] availabilityZones and maxAzs were both given/);
  });

  test('the CLI\'s pass after a failed lookup (no credentials: the context holds $providerError) does not crash with LookupSupportedAzsReturned', () => {
    // GIVEN the context the CLI writes when its lookups fail: every missing key answered with a provider error
    const first = new App();
    cluster(new Stack(first, 'Test', { env: ENV }), { bastion: false, network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } });
    const missing = quietly(() => first.synth()).result.manifest.missing ?? [];
    expect(missing.length).toBeGreaterThan(0);
    const context: Record<string, unknown> = {};
    for (const m of missing) context[m.key] = { $providerError: 'Need to perform AWS calls for account 111111111111, but no credentials have been configured', $dontSaveContext: true };
    // WHEN the app synthesizes again with it, THEN the library builds (the lookups are asked for again), no LookupSupportedAzsReturned
    const second = new App({ context });
    expect(() => cluster(new Stack(second, 'Test', { env: ENV }), { bastion: false, network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } })).not.toThrow();
  });
});

describe('PEKS-AUTO-1 reads Auto Mode as the template carries it', () => {
  const build = (turnOn: (cfn: eks.CfnCluster, c: PrivateEksCluster) => void) => {
    const c = cluster(newStack(), { bastion: false });
    turnOn(c.cluster.node.defaultChild as eks.CfnCluster, c);
    return findingsOf(c).filter(f => f.ruleId === 'PEKS-AUTO-1');
  };

  test('fails when Auto Mode is turned on through addPropertyOverride(\'ComputeConfig\', ...), citing the private-clusters page', () => {
    const f = build((cfn, c) => cfn.addPropertyOverride('ComputeConfig', { Enabled: true, NodePools: ['system'], NodeRoleArn: c.nodeRole.roleArn }));
    expect(f.map(x => x.severity)).toEqual(['error']);
    expect(f[0].message).toMatch(/EKS Auto Mode is on \(ComputeConfig\.Enabled\).*does not mention Auto Mode \(read 2026-12-07\)/);
    expect(f[0].message).not.toMatch(/#2583/);
    expect(build(cfn => cfn.addPropertyOverride('ComputeConfig.Enabled', true)).map(x => x.severity)).toEqual(['error']);
  });

  test('passes when an override turns it off again, or sets ComputeConfig with Enabled false', () => {
    expect(build((cfn, c) => {
      cfn.computeConfig = { enabled: true, nodePools: ['system'], nodeRoleArn: c.nodeRole.roleArn };
      cfn.addPropertyOverride('ComputeConfig.Enabled', false);
    })).toEqual([]);
    expect(build(cfn => cfn.addPropertyOverride('ComputeConfig', { Enabled: false }))).toEqual([]);
  });
});

describe('the pull-through cache and digests (containers-roadmap#2837: a first pull by digest is not imported)', () => {
  const SHA = `sha256:${'a'.repeat(64)}`;
  const warmupIn = () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
    const cache = new EcrPullThroughCache(stack, 'Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    return new PullThroughCacheWarmup(stack, 'Warmup', { cache });
  };

  test('fails when an image to warm is pinned by digest only, naming the image and the name:tag@digest fix', () => {
    expect(() => warmupIn().addImage(`public.ecr.aws/docker/library/busybox@${SHA}`))
      .toThrow(new RegExp(`\\[Test/Warmup\\] public\\.ecr\\.aws/docker/library/busybox@${SHA} is pinned by digest only.*#2837.*Fix: write it with its tag too \\(public\\.ecr\\.aws/docker/library/busybox:<tag>@${SHA}\\)`));
  });

  test('name:tag@digest is warmed (and a tag alone, as before)', () => {
    const w = warmupIn();
    expect(w.addImage(`public.ecr.aws/docker/library/busybox:1.37@${SHA}`)).toBe(`111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox:1.37@${SHA}`);
    expect(w.addImage('public.ecr.aws/docker/library/busybox:1.37')).toMatch(/busybox:1\.37$/);
  });

  describe('the handler pulls name:tag@digest by the tag, then checks the digest', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const handler = require('../lib/workloads/cache-warmup/index.cjs');
    const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:c' }, layers: [{ digest: 'sha256:l' }] });
    const digestOf = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
    const run = (image: string) => {
      const paths: string[] = [];
      const client = {
        get: async (_name: string, p: string) => {
          paths.push(p);
          const ref = p.split('/').pop()!;
          if (p.includes('/manifests/') && (ref === '1.37' || ref === digestOf(MANIFEST))) {
            return { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: Buffer.from(MANIFEST), bytes: MANIFEST.length };
          }
          if (p.includes('/blobs/')) return { status: 200, headers: {}, body: Buffer.alloc(0), bytes: 1 };
          return { status: 404, headers: {}, body: Buffer.from('{}'), bytes: 2 };
        },
      };
      const done = handler.warmImage({ image, upstream: 'public.ecr.aws' }, async () => client, { architectures: ['amd64'] });
      return { done, paths };
    };
    const HOST = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/docker/library/busybox';

    test('pulls the tag first, then the digest, then the blobs', async () => {
      const { done, paths } = run(`${HOST}:1.37@${digestOf(MANIFEST)}`);
      await expect(done).resolves.toMatchObject({ manifests: 2, blobs: 2 });
      expect(paths.slice(0, 2)).toEqual([
        '/v2/ecr-public/docker/library/busybox/manifests/1.37',
        `/v2/ecr-public/docker/library/busybox/manifests/${digestOf(MANIFEST)}`,
      ]);
      expect(handler.parseImage(`${HOST}:1.37@${digestOf(MANIFEST)}`)).toEqual({ host: '111111111111.dkr.ecr.eu-west-1.amazonaws.com', name: 'ecr-public/docker/library/busybox', reference: digestOf(MANIFEST), tag: '1.37' });
    });

    test('fails when the tag has moved to another digest upstream, and for a digest with no tag', async () => {
      await expect(run(`${HOST}:1.37@${SHA}`).done).rejects.toThrow(new RegExp(`busybox:1\\.37 is ${digestOf(MANIFEST)} at public\\.ecr\\.aws, not the pinned ${SHA}`));
      await expect(run(`${HOST}@${SHA}`).done).rejects.toThrow(/is pinned by digest only/);
    });
  });
});

describe('control-plane egress CUSTOMER_ROUTED: an external OIDC identity provider is fetched from the cluster subnets', () => {
  const build = (mode: ControlPlaneEgressMode | undefined, natVpcToo = false) => {
    const stack = new Stack(new App(), 'Egress', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = natVpcToo ? natVpc(stack) : undefined;
    const c = cluster(stack, { bastion: false, lookupSupportedAzs: false, controlPlaneEgressMode: mode, ...(vpc ? { vpc } : {}) });
    new eks.CfnIdentityProviderConfig(stack, 'Corp', {
      clusterName: c.cluster.clusterName,
      type: 'oidc',
      oidc: { clientId: 'kubernetes', issuerUrl: 'https://login.corp.example' },
    });
    return findingsOf(c).filter(f => f.ruleId === 'PEKS-EGRESS-1');
  };

  test('fails when the cluster subnets reach no internet, naming the provider, its issuer and the fix', () => {
    const f = build(ControlPlaneEgressMode.CUSTOMER_ROUTED);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/the OIDC identity provider Egress\/Corp \(https:\/\/login\.corp\.example\) is fetched by the API server through the cluster subnets .*reach no internet \(no NAT route\): OIDC authentication fails/);
    expect(f[0].fix).toMatch(/NAT route.*1024-65535.*or leave controlPlaneEgressMode AWS_MANAGED/);
  });

  test('passes with AWS_MANAGED egress, and with a NAT route from the cluster subnets', () => {
    expect(build(undefined)).toEqual([]);
    expect(build(ControlPlaneEgressMode.CUSTOMER_ROUTED, true)).toEqual([]);
  });
});

describe('control-plane egress CUSTOMER_ROUTED: the cluster role reads the DHCP options', () => {
  // The troubleshooting page: "Confirm the cluster IAM role grants ec2:DescribeVpcs and ec2:DescribeDhcpOptions"
  // (control-plane-egress-troubleshooting.adoc at 101184ec, read 2026-12-07). PrivateEksCluster takes no cluster role:
  // aws-cdk-lib's role carries AmazonEKSClusterPolicy, whose document (v8 and later) lists both actions
  // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEKSClusterPolicy.html, read 2026-12-07).
  test('the cluster role of a CUSTOMER_ROUTED cluster carries AmazonEKSClusterPolicy, and only the cluster role does', () => {
    const stack = new Stack(new App(), 'Egress', { env: { account: '111111111111', region: 'eu-west-1' } });
    const c = cluster(stack, { bastion: false, lookupSupportedAzs: false, controlPlaneEgressMode: ControlPlaneEgressMode.CUSTOMER_ROUTED });
    const t = Template.fromStack(stack);
    const roleId = stack.getLogicalId(c.cluster.role.node.defaultChild as any);
    const arns = JSON.stringify(t.toJSON().Resources[roleId].Properties.ManagedPolicyArns);
    expect(arns).toContain('policy/AmazonEKSClusterPolicy');
    const holders = Object.entries(t.findResources('AWS::IAM::Role')).filter(([, r]: any) => JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes('AmazonEKSClusterPolicy'));
    expect(holders.map(([id]) => id)).toEqual([roleId]);
  });
});

describe('control-plane egress CUSTOMER_ROUTED: network ACLs of the cluster subnets (PEKS-EGRESS-2)', () => {
  const build = (mode: ControlPlaneEgressMode | undefined, entries: (acl: ec2.NetworkAcl) => void) => {
    const stack = new Stack(new App(), 'Egress', { env: { account: '111111111111', region: 'eu-west-1' } });
    const c = cluster(stack, { bastion: false, lookupSupportedAzs: false, controlPlaneEgressMode: mode });
    const acl = new ec2.NetworkAcl(stack, 'Acl', { vpc: c.vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    entries(acl);
    return findingsOf(c).filter(f => f.ruleId === 'PEKS-EGRESS-2');
  };
  const allowVpc = (acl: ec2.NetworkAcl) => {
    acl.addEntry('In', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    acl.addEntry('Out', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
  };

  test('fails when the ACL admits only 443 between the subnets: 10250 out and the return ports in are denied, named with the ACL and the subnet', () => {
    const f = build(ControlPlaneEgressMode.CUSTOMER_ROUTED, acl => {
      acl.addEntry('In443', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.tcpPort(443), direction: ec2.TrafficDirection.INGRESS });
      acl.addEntry('Out443', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('10.0.0.0/16'), traffic: ec2.AclTraffic.tcpPort(443), direction: ec2.TrafficDirection.EGRESS });
    });
    expect(f.length).toBeGreaterThan(0);
    expect(f[0].message).toMatch(/the network ACL Egress\/Acl of cluster subnet .* denies .*outbound TCP 10250 \(the kubelet API\) to the nodes in 10\.0\.\d+\.0\/\d+; inbound TCP 1024-65535 \(return traffic\) from the nodes in .* \(denied: 1024-65535\)/);
    expect(f[0].fix).toMatch(/outbound TCP 10250.*inbound TCP 1024-65535/);
  });

  test('fails when a deny numbered first covers 10250; passes when the ACL admits the VPC both ways, and with AWS_MANAGED egress', () => {
    const denied = build(ControlPlaneEgressMode.CUSTOMER_ROUTED, acl => {
      acl.addEntry('Deny', { ruleNumber: 50, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(10250), direction: ec2.TrafficDirection.EGRESS, ruleAction: ec2.Action.DENY });
      allowVpc(acl);
    });
    expect(denied.map(f => f.message.match(/denies .*: (.*)$/)![1])).toEqual(expect.arrayContaining([expect.stringMatching(/^outbound TCP 10250/)]));
    expect(denied.every(f => !/1024-65535/.test(f.message))).toBe(true);
    expect(build(ControlPlaneEgressMode.CUSTOMER_ROUTED, allowVpc)).toEqual([]);
    expect(build(undefined, () => undefined)).toEqual([]);
  });
});

describe('EndpointHub looks up which Availability Zones offer each service, as NodeEndpoints does', () => {
  const ENV = { account: '111111111111', region: 'eu-west-1' };
  const key = (s: string) => `endpoint-service-availability-zones:account=111111111111:region=eu-west-1:serviceName=com.amazonaws.eu-west-1.${s}`;
  const hubIn = (context: Record<string, unknown>) => {
    const stack = new Stack(new App({ context }), 'Hub', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'HubVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      natGateways: 0,
      subnetConfiguration: [{ name: 'Endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new EndpointHub(stack, 'Hub', { vpc, services: ['ec2', 'ecr.api'], spokeCidrs: ['10.20.0.0/16'], principalAccounts: ['222222222222'] });
    return stack;
  };
  const subnetCount = (stack: Stack, service: string) => (Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))
    .find((r: any) => JSON.stringify(r.Properties.ServiceName).includes(`.${service}`)) as any).Properties.SubnetIds.length;

  test('the first pass asks for the lookups (no crash on written-out AZs); the next pass leaves out an AZ the service is not offered in', () => {
    const first = hubIn({});
    const missing = quietly(() => (first.node.root as App).synth()).result.manifest.missing ?? [];
    expect(missing.map(m => m.key)).toEqual(expect.arrayContaining([key('ec2'), key('ecr.api')]));
    expect(subnetCount(first, 'ecr.api')).toBe(2);
    const second = hubIn({ [key('ec2')]: ['eu-west-1a', 'eu-west-1b'], [key('ecr.api')]: ['eu-west-1a'] });
    expect(subnetCount(second, 'ecr.api')).toBe(1);
    expect(subnetCount(second, 'ec2')).toBe(2);
  });
});

describe('naclBlocks (first match by rule number, implicit deny)', () => {
  const flow = { egress: false, fromPort: 1024, toPort: 65535, cidr: '10.0.0.0/19', what: 'return' };
  const e = (ruleNumber: number, allow: boolean, cidr: string, fromPort?: number, toPort?: number) =>
    ({ ruleNumber, egress: false, protocol: 6, allow, cidr, fromPort, toPort });

  test('fails (reports the ports) when a lower-numbered deny covers part of the range, or nothing allows the rest', () => {
    expect(naclBlocks([e(50, false, '0.0.0.0/0', 2000, 2000), e(100, true, '0.0.0.0/0')], flow)).toEqual([[2000, 2000]]);
    expect(naclBlocks([e(100, true, '10.0.0.0/16', 1024, 32767)], flow)).toEqual([[32768, 65535]]);
    expect(naclBlocks([e(100, true, '10.0.1.0/24')], flow)).toEqual([[1024, 65535]]);
  });

  test('passes when allows for all the peers cover the range, split or whole, before any deny', () => {
    const split = [e(100, true, '10.0.0.0/16', 1024, 32767), e(110, true, '0.0.0.0/0', 32768, 65535), e(200, false, '0.0.0.0/0')];
    expect(naclBlocks(split, flow)).toBeUndefined();
    expect(naclBlocks([{ ruleNumber: 100, egress: false, protocol: -1, allow: true, cidr: '0.0.0.0/0' }], flow)).toBeUndefined();
  });
});
