/**
 * The plan draws what is beyond the VPC (issue 29): the hub and the proxy each get a box and an edge from each client
 * that uses them, and a failing hub or proxy rule makes the edge red with the rule's ID.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { quietly, USER_APP_CONTEXT } from './util';
import { build as buildHubAndSpoke } from '../examples/hub-and-spoke/app';
import { build as buildProxy } from '../examples/proxy/app';
import { HubDnsResolution, PrivateEksCluster } from '../lib';

function dotsOf(build: (app: App) => unknown): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-beyond-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  build(app);
  quietly(() => app.synth());
  return new Map(fs.readdirSync(outdir).filter(f => f.endsWith('.dot')).map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
}

describe('the hub example', () => {
  const dots = dotsOf(app => buildHubAndSpoke(app));
  const spoke = [...dots.entries()].find(([f]) => /SpokeTeamA/.test(f))![1];

  test('draws the hub as a box outside the VPC, with one edge from each client that takes its services', () => {
    expect(spoke).toMatch(/subgraph cluster_hub \{ label="hub VPC \(Transit Gateway or peering\)"/);
    expect(spoke).toMatch(/hub \[label="endpoint hub [^"]*\\ninterface endpoints \(443\)"/);
    const edges = spoke.split('\n').filter(l => / -> hub/.test(l));
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every(e => !/c62828/.test(e))).toBe(true);
    expect(spoke).toMatch(/hub -> aws \[style=dashed, label="PrivateLink"\]/);
  });
});

describe('a spoke whose route to the hub is missing (PEKS-HUB-1, downgraded so the plan is written)', () => {
  test('draws the edge to the hub in red with the rule ID', () => {
    const dots = dotsOf(app => {
      const stack = new Stack(app, 'NoRoute', { env: { account: '222222222222', region: 'eu-west-1' } });
      new PrivateEksCluster(stack, 'Eks', {
        version: eks.KubernetesVersion.V1_36,
        kubectlLayer: new KubectlV36Layer(stack, 'Layer'),
        lookupSupportedAzs: false,
        network: { cidr: '10.20.0.0/16' },
        sharedEndpoints: { services: ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'eks-auth'], hubCidrs: ['10.0.0.0/16'], resolution: HubDnsResolution.ROUTE53_PROFILE, profileId: 'rp-0f1e2d3c4b5a6978' },
        downgradeRules: { 'PEKS-HUB-1': 'a test of the plan: the route is missing on purpose' },
      });
    });
    const dot = [...dots.values()][0];
    const red = dot.split('\n').filter(l => / -> hub/.test(l));
    expect(red.length).toBeGreaterThan(0);
    for (const e of red) expect(e).toMatch(/PEKS-HUB-1.*color="#c62828"/);
  });
});

describe('the proxy example', () => {
  const dots = dotsOf(app => buildProxy(app));
  const dot = [...dots.values()].find(d => /egress proxy/.test(d));

  test('draws the proxy as a box, with the registries the nodes reach through it', () => {
    expect(dot).toBeDefined();
    expect(dot).toMatch(/proxy \[label="egress proxy\\nhttp:\/\/[^"]+"/);
    expect(dot).toMatch(/client_[A-Za-z0-9_]+ -> proxy \[label="images: [^"]+"\]/);
    expect(dot).toMatch(/proxy -> internet/);
  });
});
