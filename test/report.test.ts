import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { fieldReportStep } from './join-cases';
import { quietly, USER_APP_CONTEXT } from './util';
import { build as buildFullyPrivate } from '../examples/fully-private/app';
import { build as buildSeedWorkshop } from '../examples/seed-workshop/app';
import { PrivateEksCluster } from '../lib';
import { HOURS_PER_MONTH, REGION_RATES } from '../lib/plan/network-costs';
import { JoinReport } from '../lib/plan/report';

function synthInto(build: (app: App) => unknown, svg = false): { outdir: string; app: App; error?: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-report-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  build(app);
  // The SVG is rendered under the CDK CLI; a test asks for it as the CLI would.
  if (svg) process.env.CDK_PRIVATE_EKS_SVG = '1';
  try {
    quietly(() => app.synth());
    return { outdir, app };
  } catch (e) {
    return { outdir, app, error: (e as Error).message };
  } finally {
    delete process.env.CDK_PRIVATE_EKS_SVG;
  }
}

const readReport = (outdir: string, base: string): JoinReport => JSON.parse(fs.readFileSync(path.join(outdir, `private-eks-report.${base}.json`), 'utf8'));

describe('the plan report of the default example', () => {
  const { outdir, app } = synthInto(buildFullyPrivate, true);
  const report = readReport(outdir, 'FullyPrivateEks-Eks');
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'FullyPrivateEks.template.json'), 'utf8'));
  // Construct paths of the resources in the template.
  const inTemplate = (c: any) => c.cfnResourceType && template.Resources[c.stack.resolve(c.logicalId)];
  const paths = new Set(app.node.findAll().filter(inTemplate).map(c => c.node.path));

  test('is written next to the templates, as Markdown and JSON', () => {
    expect(fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.md'), 'utf8')).toMatch(/^# Private EKS plan: FullyPrivateEks\/Eks/);
  });

  test('every endpoint it lists exists in the template, with that logical ID and type', () => {
    expect(report.endpoints.length).toBe(10);
    for (const e of report.endpoints) expect(template.Resources[e.logicalId]?.Type).toBe('AWS::EC2::VPCEndpoint');
  });

  test('every path it claims exists: each subnet and each endpoint that reaches a service is a construct of the template', () => {
    for (const row of report.reachability) {
      if (!row.subnet.startsWith('(')) expect(paths.has(`${row.subnet}/Subnet`)).toBe(true);
      if (row.via === 'interface-endpoint') expect(paths.has(`${row.detail}/Resource`)).toBe(true);
    }
  });

  test('the nodes reach ec2, ecr.api, ecr.dkr through interface endpoints and s3 through the gateway, in each subnet', () => {
    const nodes = report.reachability.filter(r => r.kind === 'nodes' && r.service !== 'API server');
    const subnets = [...new Set(nodes.map(r => r.subnet))];
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) {
      const via = Object.fromEntries(nodes.filter(r => r.subnet === subnet).map(r => [r.service, r.via]));
      expect(via).toEqual({ 'ec2': 'interface-endpoint', 'ecr.api': 'interface-endpoint', 'ecr.dkr': 'interface-endpoint', 's3': 'gateway-endpoint', 'eks-auth': 'interface-endpoint' });
    }
    expect(report.reachability.filter(r => r.service === 'API server').map(r => `${r.kind}:${r.via}`).sort())
      .toEqual(['bastion:private-endpoint', 'kubectl:private-endpoint', 'nodes:private-endpoint']);
  });

  test('prices the fixed network cost from the rate data: endpoints x AZs against one NAT gateway per AZ', () => {
    const azs = report.endpoints.filter(e => e.type === 'Interface').reduce((n, e) => n + e.azs, 0);
    const r = REGION_RATES['us-east-1'];
    expect(azs).toBe(18);
    expect(report.cost.thisDesign.monthlyUsd).toBeCloseTo(azs * r.interfaceEndpointAzHour * HOURS_PER_MONTH, 2);
    expect(report.cost.natDesign.monthlyUsd).toBeCloseTo(2 * (r.natGatewayHour + r.publicIpv4Hour) * HOURS_PER_MONTH, 2);
    expect(report.cost.thisDesign.ratesOf).toBe('us-east-1');
  });

  test('the SVG asks for monospace fonts of Graphviz\'s Courier width, so every label fits inside its box', () => {
    const svg = fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.svg'), 'utf8');
    expect(svg).not.toMatch(/font-family="(Helvetica|Times)/);
    const nodes = svg.split('<g id="node').slice(1).map(n => n.split('</g>')[0]);
    expect(nodes.length).toBeGreaterThan(8);
    for (const node of nodes) {
      const xs = [...(/ d="([^"]+)"/.exec(node)?.[1] ?? '').matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map(m => Number(m[1]));
      const width = Math.max(...xs) - Math.min(...xs);
      for (const t of node.matchAll(/font-family="DejaVu Sans Mono[^"]*" font-size="([\d.]+)">([^<]*)</g)) {
        // 0.602 em: the advance of DejaVu Sans Mono, the widest of the monospace fonts listed.
        const text = t[2].replace(/&#45;/g, '-').replace(/&amp;/g, '&').replace(/&[a-z]+;/g, '_');
        expect(text.length * Number(t[1]) * 0.602).toBeLessThanOrEqual(width);
      }
    }
  });

  test('the client table groups each client\'s services by way, and endpoints name who uses them', () => {
    const md = fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.md'), 'utf8');
    const table = md.split('## How each client reaches each service')[1].split('##')[0].split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| client'));
    // Two AZs, three clients (nodes, bastion, kubectl handler and framework): one screen.
    expect(table.length).toBeLessThanOrEqual(12);
    expect(table).toContainEqual(expect.stringMatching(/^\| nodes DefaultNodegroup\/Nodegroup \| ec2, ecr.api, ecr.dkr, eks-auth \(EKS Pod Identity \(the vpc-cni add-on's own role; vpcCniRole: false leaves it on the node role\)\) \| PrivateSubnet1, PrivateSubnet2 \| interface-endpoint: /));
    for (const e of report.endpoints) expect(e.usedBy.length).toBeGreaterThan(0);
    expect(md).toContain('environment-agnostic: priced at us-east-1');
  });

  test('an endpoint no client uses is marked so', () => {
    const { outdir: out } = synthInto(app2 => {
      const stack = new Stack(app2, 'Extra');
      new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36, bastion: false, additionalEndpoints: ['logs'] });
    });
    const md = fs.readFileSync(path.join(out, 'private-eks-report.Extra-Eks.md'), 'utf8');
    expect(md).toMatch(/\| logs \| Interface \| 2 \| created on request, used by nothing the library can see \|/);
  });

  test('draws the plan: a Graphviz graph with every client and interface endpoint, rendered to SVG by @viz-js/viz', () => {
    const dot = fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.dot'), 'utf8');
    for (const e of report.endpoints.filter(x => x.type === 'Interface')) expect(dot).toContain(`label="${e.service}\\n${e.azs} AZ"`);
    // Each client by its name: an add-on or chart by its own (vpc-cni), the others by their path's tail.
    for (const client of new Set(report.reachability.map(x => x.client))) {
      const c = report.clients.find(x => x.path === client)!;
      expect(dot).toContain(`label="${c.kind}: ${c.name}\\n`);
    }
    expect(report.clients.find(c => c.path.endsWith('/Addon-vpc-cni'))?.name).toBe('vpc-cni');
    const svg = fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('EKS&#45;owned network interfaces');
    expect(svg).toContain('>ecr.api<');
  });

  test('describes the PRIVATE mode\'s traffic paths, exec/logs included', () => {
    expect(report.settings.endpointAccess).toBe('PRIVATE');
    expect(report.trafficPaths.map(p => p.to)).toEqual(['API server', 'API server', 'kubelet :10250 (kubectl exec, logs, port-forward)']);
  });
});

test('the workshop\'s report: public subnets reach everything through the internet gateway, the API over the public endpoint', () => {
  const { outdir } = synthInto(buildSeedWorkshop);
  const report = readReport(outdir, 'SeedWorkshopEks-Eks');
  const nodes = report.reachability.filter(r => r.kind === 'nodes');
  expect(new Set(nodes.map(r => r.via))).toEqual(new Set(['internet', 'public-endpoint']));
  expect(report.settings.name).toBe('myeks');
  expect(report.settings.region).toBe('ap-northeast-2');
  expect(report.cost.thisDesign.ratesOf).toBe('us-east-1'); // no Seoul rates in the data: said in the report
  expect(fs.readFileSync(path.join(outdir, 'private-eks-report.SeedWorkshopEks-Eks.md'), 'utf8')).toContain('no rates for ap-northeast-2 in the library: priced at us-east-1');
});

test('a failing synth still writes the report, with the missing services and the findings', () => {
  const { outdir, error } = synthInto(app => fieldReportStep(app, 1));
  expect(error).toMatch(/PEKS-JOIN-1/);
  const report = readReport(outdir, 'FieldReport-Eks');
  expect(report.reachability.filter(r => r.via === 'missing').map(r => r.service).sort()).toEqual(['ecr.api', 'ecr.api', 's3', 's3']);
  expect(report.findings.map(f => f.ruleId)).toEqual(['PEKS-JOIN-1']);
});
