/**
 * The plan prices the access clients of examples/access-and-ci: the API relay's instance hours in the fixed monthly
 * cost (both designs: the relay runs in either), the CI runner's builds per use (per 100 build minutes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { build } from '../examples/access-and-ci/app';
import { ApiAccessPolicy, ApiRelay, PrivateCiRunner, PrivateEksCluster } from '../lib';
import { BUILD_MINUTE_RATES, buildCostPer100Minutes, HOURS_PER_MONTH, INSTANCE_HOUR_RATES, relayCostLines } from '../lib/plan/network-costs';

describe('the access clients in the plan\'s cost (examples/access-and-ci)', () => {
  let markdown: string;
  let json: any;
  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-costs-'));
    const app = new App({ outdir });
    build(app);
    app.synth();
    const base = path.join(outdir, 'private-eks-report.AccessAndCiEks-Eks');
    markdown = fs.readFileSync(`${base}.md`, 'utf8');
    json = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8'));
  });

  test('the relay\'s t4g.nano is a fixed monthly line, in this design and the NAT design', () => {
    const monthly = Math.round(INSTANCE_HOUR_RATES['t4g.nano'] * HOURS_PER_MONTH * 100) / 100;
    const line = { item: 'API relay instance (t4g.nano, on-demand, us-east-1 rate)', count: 1, monthlyUsd: monthly };
    expect(json.cost.thisDesign.lines).toContainEqual(line);
    expect(json.cost.natDesign.lines).toContainEqual(line);
    expect(markdown).toContain(`1 API relay instance (t4g.nano, on-demand, us-east-1 rate): ${monthly.toFixed(2)}`);
  });

  test('the runner\'s builds are priced per use, per 100 build minutes, with the sources', () => {
    const per100 = (BUILD_MINUTE_RATES.BUILD_GENERAL1_SMALL * 100).toFixed(2);
    expect(markdown).toMatch(new RegExp(`CI runner builds \\(1 CodeBuild project, BUILD_GENERAL1_SMALL on Linux\\): per use, ${per100.replace('.', '\\.')} per 100 build minutes`));
    expect(markdown).toMatch(/Access rates: https:\/\/aws\.amazon\.com\/ec2\/pricing\/on-demand\/.*codebuild\/pricing/);
    // No build minutes are invented into the month.
    expect(JSON.stringify(json.cost.thisDesign.lines)).not.toMatch(/CodeBuild|build minute/);
  });
});

describe('sizes without a rate', () => {
  test('an ARM runner and a larger relay are named as not priced, never priced at the small Linux rate', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-costs-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Arm');
    const c = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36, kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer') });
    new ApiRelay(stack, 'Relay', { cluster: c.cluster, instanceType: new ec2.InstanceType('t4g.small') });
    new PrivateCiRunner(stack, 'Runner', {
      cluster: c.cluster,
      accessPolicy: ApiAccessPolicy.VIEW,
      buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
      buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['kubectl get nodes'] } } }),
    });
    app.synth();
    const md = fs.readFileSync(path.join(outdir, 'private-eks-report.Arm-Eks.md'), 'utf8');
    expect(md).toContain('API relay instance type(s) t4g.small: no rate in the library, not priced.');
    expect(md).toContain('CI runner builds (1 CodeBuild project, ARM_CONTAINER BUILD_GENERAL1_SMALL): per use, no rate in the library.');
    expect(md).not.toMatch(/API relay instance \(/);
  });
});

describe('access cost helpers', () => {
  test('an instance type without a rate is reported unpriced, not priced at zero', () => {
    const { lines, unpriced } = relayCostLines(['t4g.nano', 'm7g.large', 't4g.nano']);
    expect(lines).toEqual([{ item: 'API relay instance (t4g.nano, on-demand, us-east-1 rate)', count: 2, monthlyUsd: Math.round(2 * 0.0042 * HOURS_PER_MONTH * 100) / 100 }]);
    expect(unpriced).toEqual(['m7g.large']);
  });
  test('a compute type without a rate has no price per 100 minutes', () => {
    expect(buildCostPer100Minutes('BUILD_GENERAL1_SMALL')).toBe(0.5);
    expect(buildCostPer100Minutes('BUILD_GENERAL1_LARGE')).toBeUndefined();
  });
});
