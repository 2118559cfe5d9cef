import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { cluster } from './join-cases';
import { quietly, resourcesOfType, USER_APP_CONTEXT } from './util';
import { PrivateEksCluster, PrivateEksClusterProps } from '../lib';
import { compareReleases, UPGRADE_RULES, upgradeFacts, UpgradeFacts, upgradeFindings } from '../lib/cluster/upgrade-checks';
import { KubernetesCoverage } from '../lib/contracts/kubernetes-coverage';

// Upgrades that cannot strand a private cluster: the synth-time check (upgradeFrom), the deploy-time guard (its
// handler run offline against a local fake of the EKS API) and the order CloudFormation follows.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const guard = require('../lib/cluster/upgrade-guard/index.cjs');

const TINY = path.join(__dirname, 'fixtures', 'tiny-layer');
/** Stand-ins for @aws-cdk/lambda-layer-kubectl-vNN: the library reads the minor from the class name. */
class KubectlV35Layer extends lambda.LayerVersion {
  constructor(scope: Construct, id: string) { super(scope, id, { code: lambda.Code.fromAsset(TINY) }); }
}
class KubectlV34Layer extends lambda.LayerVersion {
  constructor(scope: Construct, id: string) { super(scope, id, { code: lambda.Code.fromAsset(TINY) }); }
}

const ENV = { account: '111122223333', region: 'us-east-1' };
const ecr = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.amazonaws.com`;

/** A cluster moving from 1.34 to 1.35 with Karpenter, constructed only. */
function upgrading(props: Partial<PrivateEksClusterProps> = {}, karpenter = '1.9.0', app = new App({ context: USER_APP_CONTEXT })): { stack: Stack; eks: PrivateEksCluster } {
  const stack = new Stack(app, 'Up', { env: ENV });
  const eksCluster = cluster(stack, {
    version: eks.KubernetesVersion.of('1.35'),
    upgradeFrom: eks.KubernetesVersion.of('1.34'),
    kubectlLayer: new KubectlV35Layer(stack, 'KubectlLayer'),
    clusterName: 'up',
    ...props,
  });
  eksCluster.addKarpenter({ version: karpenter, chartRepository: `oci://${ecr}/charts/karpenter`, image: `${ecr}/karpenter/controller:${karpenter}` });
  return { stack, eks: eksCluster };
}

function facts(over: Partial<UpgradeFacts> = {}): UpgradeFacts {
  return {
    from: '1.34',
    to: '1.35',
    kubectlMinor: '35',
    nodegroups: [{ path: 'Up/Eks/Nodes', releaseVersion: '1.35.0-20261120' }],
    addons: [],
    components: [{ path: 'Up/Eks/Karpenter', name: 'karpenter', release: '1.9.0' }],
    ...over,
  };
}
const ids = (f: UpgradeFacts) => upgradeFindings(f).map(x => x.ruleId);

let t: Template;
let synthError: string | undefined;
let annotations: Annotations;
beforeAll(() => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'peks-upg-')), context: USER_APP_CONTEXT });
  const { stack } = upgrading({}, '1.9.0', app);
  try {
    quietly(() => app.synth());
  } catch (e) {
    synthError = (e as Error).message;
  }
  t = Template.fromStack(stack);
  annotations = Annotations.fromStack(stack);
});

describe('an upgrade of one minor (the passing set-up)', () => {
  test('synthesizes: layer, Karpenter and nodegroups fit 1.35', () => {
    expect(synthError).toBeUndefined();
  });

  test('the guard runs before the cluster: the cluster depends on it, and it carries the version', () => {
    const [[guardId, check]] = resourcesOfType(t, 'Custom::PrivateEksUpgradeGuard');
    expect(check.Properties).toEqual(expect.objectContaining({ ClusterName: 'up', Version: '1.35' }));
    const [[, clusterResource]] = resourcesOfType(t, 'AWS::EKS::Cluster');
    expect(clusterResource.DependsOn).toEqual(expect.arrayContaining([guardId]));
    // The guard refers to nothing of the cluster (no circle): it reads the cluster by its literal name.
    expect(JSON.stringify(check)).not.toMatch(/EksCluster[0-9A-F]{8}/);
  });

  test('the guard may describe this one cluster and write its log, nothing else', () => {
    const grant = resourcesOfType(t, 'AWS::IAM::ManagedPolicy').find(([, p]) => JSON.stringify(p).includes('eks:DescribeCluster'))!;
    const statements = grant[1].Properties.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Action)).toEqual(['eks:DescribeCluster', ['logs:CreateLogStream', 'logs:PutLogEvents']]);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:cluster\/up"$/);
    const [[, fn]] = resourcesOfType(t, 'AWS::Lambda::Function').filter(([, f]) => JSON.stringify(f.Properties.Description ?? '').includes('jump more than one minor'));
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.VpcConfig).toBeUndefined();
  });

  test('order: control plane, then vpc-cni and kube-proxy, then nodegroups (what aws-eks-v2 and the library already order)', () => {
    const [[clusterId]] = resourcesOfType(t, 'AWS::EKS::Cluster');
    const addons = resourcesOfType(t, 'AWS::EKS::Addon');
    const early = addons.filter(([, a]) => ['vpc-cni', 'kube-proxy'].includes(a.Properties.AddonName));
    expect(early).toHaveLength(2);
    for (const [, a] of early) expect(JSON.stringify(a.Properties.ClusterName)).toContain(clusterId);
    for (const [ngId, ng] of resourcesOfType(t, 'AWS::EKS::Nodegroup')) {
      expect(JSON.stringify(ng.Properties.ClusterName)).toContain(clusterId);
      for (const [addonId] of early) expect(ng.DependsOn ?? []).toContain(addonId);
      expect(ngId).toBeDefined();
    }
  });

  test('says which nodegroups and add-ons CloudFormation leaves on the old minor (PEKS-UPG-6), with the order to follow', () => {
    annotations.hasWarning('/Up/Eks', Match.stringLikeRegexp('PEKS-UPG-6: .*leaves nodegroup Up/Eks/.*add-on vpc-cni.*on 1\\.34.*Fix: .*update-nodegroup-version.*control plane, add-ons, nodegroups'));
  });
});

describe('synth-time neighbours (read from the tree)', () => {
  test('fails when the kubectl layer is the old minor\'s (PEKS-UPG-2)', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'Up', { env: ENV });
    const layer = new KubectlV34Layer(stack, 'KubectlLayer');
    const c = cluster(stack, { version: eks.KubernetesVersion.of('1.35'), upgradeFrom: eks.KubernetesVersion.of('1.34'), kubectlLayer: layer, clusterName: 'up', bastion: false });
    const f = upgradeFacts(c, c.cluster, '1.34', '1.35', layer);
    expect(f.kubectlMinor).toBe('34');
    expect(upgradeFindings(f).filter(x => x.severity === 'error')).toEqual([expect.objectContaining({
      ruleId: 'PEKS-UPG-2', message: expect.stringMatching(/kubectl 1\.34 and the cluster moves to 1\.35/), fix: expect.stringMatching(/KubectlV35Layer/),
    })]);
  });

  test('fails when Karpenter is older than the contract row for the new minor (PEKS-UPG-3)', () => {
    const { eks: c } = upgrading({}, '1.8.3');
    const f = upgradeFacts(c, c.cluster, '1.34', '1.35', c.kubectlLayer);
    expect(f.components).toEqual([expect.objectContaining({ name: 'karpenter', release: '1.8.3' })]);
    expect(upgradeFindings(f).find(x => x.ruleId === 'PEKS-UPG-3')?.message).toMatch(/karpenter 1\.8\.3 .* older than 1\.9\.0, the oldest release that supports Kubernetes 1\.35/);
  });

  test('fails when a nodegroup pins an AMI release of the old minor (PEKS-UPG-5); passes with the new minor\'s', () => {
    const { eks: c } = upgrading();
    c.addNodegroup('Old', { releaseVersion: '1.34.2-20261101' });
    c.addNodegroup('New', { releaseVersion: '1.35.0-20261120' });
    const found = upgradeFindings(upgradeFacts(c, c.cluster, '1.34', '1.35', c.kubectlLayer)).filter(x => x.ruleId === 'PEKS-UPG-5');
    expect(found.map(x => x.message)).toEqual([expect.stringMatching(/^Up\/Eks\/Old\/Nodegroup pins AMI release 1\.34\.2-20261101, of Kubernetes 1\.34, and the cluster moves to 1\.35/)]);
  });

  test('fails at synth on a two-minor jump (PEKS-UPG-1), naming the next step', () => {
    const { eks: c } = upgrading({ upgradeFrom: eks.KubernetesVersion.of('1.33') });
    // The cluster's validations, as synth runs them (without writing an assembly).
    expect(c.node.validate().join('\n')).toMatch(/PEKS-UPG-1: version 1\.35 is more than one minor above upgradeFrom 1\.33.*Fix: upgrade to 1\.34 first/);
  });

  test('the guard needs a literal cluster name', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
    expect(() => cluster(stack, { upgradeGuard: true, controlPlaneLogGroup: false, bastion: false })).toThrow(/upgradeGuard needs the cluster's name.*Fix: set clusterName/);
  });

  test('no upgradeFrom and no upgradeGuard: no guard and no upgrade check (nothing changes for a steady cluster)', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
    cluster(stack, { bastion: false });
    expect(stack.node.findAll().some(c => c.node.id === 'UpgradeGuard')).toBe(false);
  });
});

describe('the rules (pure)', () => {
  test('one minor, layer, controller, nodegroups of the new minor: nothing', () => {
    expect(ids(facts())).toEqual([]);
  });

  test('a downgrade fails, saying CloudFormation cannot downgrade', () => {
    expect(upgradeFindings(facts({ from: '1.35', to: '1.34' }))[0].message).toMatch(/below upgradeFrom 1\.35: CloudFormation cannot downgrade/);
  });

  test('a minor with no contract row warns (PEKS-UPG-4) instead of failing', () => {
    expect(upgradeFindings(facts({ from: '1.35', to: '1.36', kubectlMinor: '36', nodegroups: [] })).map(x => [x.ruleId, x.severity])).toEqual([['PEKS-UPG-4', 'warning']]);
  });

  test('releases compare as numbers', () => {
    expect(compareReleases('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareReleases('v1.6.0', '1.6.0')).toBe(0);
  });

  test('every coverage row has a source and a date', () => {
    for (const r of KubernetesCoverage.all()) {
      expect(r.source).toMatch(/^https:\/\//);
      expect(r.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('the rule list is pinned', () => {
    expect(UPGRADE_RULES.map(r => r.id)).toEqual(['PEKS-UPG-1', 'PEKS-UPG-2', 'PEKS-UPG-3', 'PEKS-UPG-4', 'PEKS-UPG-5', 'PEKS-UPG-6']);
  });
});

/** A local fake of the EKS API: DescribeCluster over clusters it holds, every call recorded. */
class FakeEks {
  public readonly calls: string[] = [];
  constructor(private readonly clusters: Record<string, string>, private readonly failure?: Error) {}
  public async send(command: { name: string; input: { name: string } }) {
    this.calls.push(`${command.name}:${command.input.name}`);
    if (this.failure) throw this.failure;
    const version = this.clusters[command.input.name];
    if (version === undefined) throw Object.assign(new Error(`No cluster found for name: ${command.input.name}.`), { name: 'ResourceNotFoundException' });
    return { cluster: { name: command.input.name, version, status: 'ACTIVE' } };
  }
}

describe('the deploy-time guard, offline against a fake EKS API', () => {
  beforeAll(() => {
    guard._setSdk({ DescribeClusterCommand: class { public readonly name = 'DescribeCluster'; constructor(public readonly input: any) {} } });
  });

  async function run(requestType: string, running: Record<string, string>, version: string, failure?: Error) {
    const eksApi = new FakeEks(running, failure);
    const answers: Array<{ status: string; reason: string }> = [];
    await guard.run({ RequestType: requestType, ResourceProperties: { ClusterName: 'up', Version: version } },
      { eks: eksApi, respond: async (_e: unknown, status: string, reason: string) => { answers.push({ status, reason }); } });
    return { answers, calls: eksApi.calls };
  }

  test('fails a two-minor jump before the update starts: only DescribeCluster was called', async () => {
    const { answers, calls } = await run('Update', { up: '1.33' }, '1.35');
    expect(calls).toEqual(['DescribeCluster:up']);
    expect(answers).toEqual([{ status: 'FAILED', reason: expect.stringMatching(/runs Kubernetes 1\.33 .* asks for 1\.35: EKS upgrades one minor version at a time\. Nothing was changed\. Fix: deploy version 1\.34 first/) }]);
  });

  test('passes one minor up', async () => {
    expect((await run('Update', { up: '1.34' }, '1.35')).answers[0].status).toBe('SUCCESS');
  });

  test('fails a downgrade', async () => {
    expect((await run('Update', { up: '1.35' }, '1.34')).answers[0]).toEqual({ status: 'FAILED', reason: expect.stringMatching(/cannot downgrade.*set version back to 1\.35/) });
  });

  test('passes when the cluster does not exist yet (first deploy) and when the version does not change', async () => {
    expect((await run('Create', {}, '1.35')).answers[0]).toEqual({ status: 'SUCCESS', reason: expect.stringMatching(/does not exist yet/) });
    expect((await run('Update', { up: '1.35.2' }, '1.35')).answers[0].status).toBe('SUCCESS');
  });

  test('fails clearly when EKS cannot be read (access denied), naming the call', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: eks:DescribeCluster'), { name: 'AccessDeniedException' });
    expect((await run('Update', { up: '1.34' }, '1.35', denied)).answers[0]).toEqual({ status: 'FAILED', reason: expect.stringMatching(/eks:DescribeCluster\): AccessDeniedException/) });
  });

  test('answers a delete without calling EKS', async () => {
    const { answers, calls } = await run('Delete', { up: '1.35' }, '1.35');
    expect(calls).toEqual([]);
    expect(answers[0].status).toBe('SUCCESS');
  });
});
