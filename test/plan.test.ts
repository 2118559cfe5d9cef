import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { Annotations, App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cluster, fieldReportStep, RULE_CASES } from './join-cases';
import { quietly, USER_APP_CONTEXT } from './util';
import { build as buildPlatform } from '../examples/platform/app';
import { PrivateEksCluster } from '../lib';
import { JoinReport } from '../lib/plan/report';

// The plan (lib/plan/plan.ts, report.ts, diagram.ts) as a production user reads it: the summary line, the
// Markdown, the JSON and the diagram.

interface Synthesized {
  readonly outdir: string;
  readonly assembly?: CloudAssembly;
  readonly error?: string;
  readonly report: (base: string) => JoinReport;
  readonly file: (base: string, ext: string) => string;
}

function synth(build: (app: App) => unknown, svg = false): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-plan-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  build(app);
  if (svg) process.env.CDK_PRIVATE_EKS_SVG = '1';
  let assembly: CloudAssembly | undefined;
  let error: string | undefined;
  try {
    assembly = quietly(() => app.synth()).result;
  } catch (e) {
    error = (e as Error).message;
  } finally {
    delete process.env.CDK_PRIVATE_EKS_SVG;
  }
  const file = (base: string, ext: string) => fs.readFileSync(path.join(outdir, `private-eks-report.${base}.${ext}`), 'utf8');
  return { outdir, assembly, error, file, report: base => JSON.parse(file(base, 'json')) };
}

/** The summary line, as unit tests see it: an info entry on the cluster construct. */
function summaryLine(assembly: CloudAssembly): string {
  const lines = assembly.stacks.flatMap(s => s.messages).filter(m => m.level === 'info').map(m => String(m.entry.data))
    .filter(m => m.startsWith('private EKS plan:'));
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** The README's quick start: the one required prop and the kubectl layer. */
function quickStart(app: App, props: StackProps, preflight?: boolean): PrivateEksCluster {
  const stack = new Stack(app, 'PrivateEks', props);
  return new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_36,
    kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
    preflight,
  });
}

describe('an environment-agnostic stack', () => {
  const { assembly, report, file } = synth(app => quickStart(app, {}, true));

  test('says once, in the plan line, what was not checked and that env: { region } turns it on', () => {
    const line = summaryLine(assembly!);
    expect(line).toMatch(/environment-agnostic stack, so not checked: images and charts in another region's ECR, endpoint services offered in the region, region settings of add-ons and charts; `env: \{ region: '\.\.\.' \}` on the stack turns these checks on; 0 check error\(s\)\. Report: /);
    expect(line.split('environment-agnostic').length - 1).toBe(1);
    expect(report('PrivateEks-Eks').regionNotChecked).toBeDefined();
  });

  test('lists the network preflight when it is created: what it probes, from which subnets, that it runs at deploy', () => {
    const [p, ...others] = report('PrivateEks-Eks').preflights;
    expect(others).toEqual([]);
    expect(p.path).toBe('PrivateEks/Eks/Preflight');
    expect(p.services).toEqual(expect.arrayContaining(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'eks-auth']));
    expect(p.subnets).toEqual(['PrivateSubnet1', 'PrivateSubnet2']);
    expect(p.before).toEqual(['Eks/Bastion', 'Eks/DefaultNodegroup']);
    const md = file('PrivateEks-Eks', 'md').split('## Network preflight at deploy')[1].split('\n## ')[0];
    expect(md).toMatch(/- PrivateEks\/Eks\/Preflight: runs at deploy, not at synth: CloudFormation invokes one probe function in each node subnet \(PrivateSubnet1, PrivateSubnet2\); each resolves and opens HTTPS \(443\) to ec2, ecr\.api, ecr\.dkr, /);
    expect(md).toMatch(/- interface endpoint addresses must fall in 10\.0\.0\.0\/16/);
    expect(md).toContain('- waiting for it (created only after every probe passed): Eks/Bastion, Eks/DefaultNodegroup');
  });
});

describe('a stack with a region and no account (the README quick start)', () => {
  const { assembly, report, file } = synth(app => quickStart(app, { env: { region: 'eu-west-1' } }));

  test('synthesizes offline: the region alone triggers no context lookup', () => {
    expect(assembly!.manifest.missing ?? []).toEqual([]);
  });

  test('runs the region checks, so the plan line has no "not checked" clause', () => {
    const line = summaryLine(assembly!);
    expect(line).not.toMatch(/environment-agnostic|not checked/);
    expect(line).toMatch(/; 0 check error\(s\)\. Report: /);
    expect(report('PrivateEks-Eks').regionNotChecked).toBeUndefined();
    expect(report('PrivateEks-Eks').settings.region).toBe('eu-west-1');
  });

  test('says when no preflight is created', () => {
    expect(report('PrivateEks-Eks').preflights).toEqual([]);
    expect(file('PrivateEks-Eks', 'md')).toContain('## Network preflight at deploy\n\nNone: nothing probes the node subnets at deploy');
  });
});

describe('the platform example\'s plan', () => {
  const { report, file } = synth(buildPlatform, true);
  const r = report('PlatformEks-Eks');

  test('names each add-on and controller by what it is, not by its construct path', () => {
    const components = r.clients.filter(c => c.kind === 'component').map(c => c.name).sort();
    expect(components).toEqual(['aws-ebs-csi-driver', 'aws-load-balancer-controller', 'coredns', 'eks-pod-identity-agent', 'karpenter', 'kube-proxy', 'vpc-cni']);
    const md = file('PlatformEks-Eks', 'md');
    expect(md).toMatch(/^\| component aws-load-balancer-controller \| elasticloadbalancing /m);
    expect(md).toMatch(/^\| component karpenter \| ec2 /m);
    const dot = file('PlatformEks-Eks', 'dot');
    expect(dot).toContain('component: aws-load-balancer-controller\\n');
    expect(dot).toContain('component: karpenter\\n');
    for (const text of [md, dot]) expect(text).not.toMatch(/Chart\/Resource|Addon-[a-z-]+\/Resource/);
  });

  test('the diagram\'s labels sit on no box and on no other label', () => {
    expect(overlaps(file('PlatformEks-Eks', 'svg'))).toEqual([]);
  });
});

describe('a failing plan (the field report\'s second try: no ecr.api endpoint, no S3 gateway, no NAT)', () => {
  const { error, report, file } = synth(app => fieldReportStep(app, 1), true);

  test('draws each missing service from the client to the box of that service', () => {
    expect(error).toMatch(/PEKS-JOIN-1/);
    const nodes = report('FieldReport-Eks').clients.find(c => c.kind === 'nodes')!;
    const client = `client_${nodes.path.replace(/[^A-Za-z0-9]/g, '_')}`;
    const missing = [...file('FieldReport-Eks', 'dot').matchAll(/^ {2}(\S+) -> (\S+) \[label="([^"]*MISSING)"/gm)].map(m => `${m[1]} -> ${m[2]}: ${m[3]}`);
    expect(missing.sort()).toEqual([`${client} -> aws: ecr.api: MISSING`, `${client} -> s3: s3: MISSING`]);
    // As rendered: each red edge ends at the box it names.
    const svg = file('FieldReport-Eks', 'svg');
    const { nodes: boxes, edges } = geometry(svg);
    for (const e of edges.filter(x => x.labels.some(l => l.includes('MISSING')))) {
      const [from, to] = e.name.split('->');
      expect(near(e.start, boxes.get(from)!)).toBe(true);
      expect(near(e.end, boxes.get(to)!)).toBe(true);
    }
  });

  test('the diagram\'s labels sit on no box and on no other label', () => {
    expect(overlaps(file('FieldReport-Eks', 'svg'))).toEqual([]);
  });
});

test('no plan of the rule cases puts a label on a box or on another label, and each red edge ends at its service\'s box', () => {
  for (const c of RULE_CASES) {
    const { outdir } = synth(c.build, true);
    for (const f of fs.readdirSync(outdir).filter(x => x.endsWith('.svg'))) {
      const svg = fs.readFileSync(path.join(outdir, f), 'utf8');
      expect({ case: c.rule, overlaps: overlaps(svg) }).toEqual({ case: c.rule, overlaps: [] });
      const { nodes: boxes, edges } = geometry(svg);
      for (const e of edges.filter(x => x.labels.some(l => / (MISSING|UNVERIFIABLE)$/.test(l)))) {
        const to = e.name.split('->')[1];
        const services = e.labels.join(' ').replace(/: (MISSING|UNVERIFIABLE)$/, '').split(', ');
        // S3 and the API server have their own boxes; the other services are the AWS APIs.
        expect({ case: c.rule, services, to }).toEqual({ case: c.rule, services, to: services.includes('s3') ? 's3' : services.includes('API server') ? 'api' : 'aws' });
        expect(near(e.end, boxes.get(to)!)).toBe(true);
      }
    }
  }
});

test('acknowledged warnings are listed as acknowledged, with their reason, not as plain warnings', () => {
  // GIVEN three 1.33 clusters with a kubectl 1.36 layer (PEKS-VER-2, a warning): one acknowledged with a reason, one
  // with Annotations.acknowledgeWarning (which records no reason), one not acknowledged
  const { report, file } = synth(app => {
    const skewed = (stack: Stack) => cluster(stack, { version: eks.KubernetesVersion.V1_33, bastion: false, kubectlLayer: new KubectlV36Layer(stack, 'Layer') });
    Validations.of(skewed(new Stack(app, 'WithReason'))).acknowledge({ id: 'Annotation::cdk-private-eks:PEKS-VER-2', reason: 'upgrading the cluster next week' });
    Annotations.of(skewed(new Stack(app, 'NoReason'))).acknowledgeWarning('cdk-private-eks:PEKS-VER-2', 'not kept by aws-cdk-lib');
    skewed(new Stack(app, 'Open'));
  });

  // THEN the report says which are acknowledged, and why
  const ver2 = (base: string) => report(base).findings.find(f => f.ruleId === 'PEKS-VER-2')!;
  expect(ver2('WithReason-Eks').acknowledged).toBe('upgrading the cluster next week (acknowledged on WithReason/Eks)');
  expect(ver2('NoReason-Eks').acknowledged).toMatch(/^no reason recorded \(Annotations\.acknowledgeWarning keeps none/);
  expect(ver2('Open-Eks').acknowledged).toBeUndefined();
  const checks = (base: string) => file(base, 'md').split('## Synth-time checks')[1];
  expect(checks('WithReason-Eks')).not.toMatch(/^- warning PEKS-VER-2/m);
  expect(checks('WithReason-Eks')).toMatch(/Acknowledged by the app \(not reported as warnings\):\n\n- acknowledged warning PEKS-VER-2, reason: upgrading the cluster next week \(acknowledged on WithReason\/Eks\)\. Finding: the kubectl layer is kubectl 1\.36/);
  expect(checks('Open-Eks')).toMatch(/^- warning PEKS-VER-2: the kubectl layer is kubectl 1\.36/m);
  expect(checks('Open-Eks')).not.toContain('Acknowledged');
});

// SVG geometry: node boxes, edge ends and label boxes in Graphviz's output coordinates.
interface Box { x0: number; y0: number; x1: number; y1: number }
interface Point { x: number; y: number }

const unescape = (s: string) => s.replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&#\d+;/g, '_');
const points = (d: string): Point[] => [...d.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map(m => ({ x: Number(m[1]), y: Number(m[2]) }));
const boxOf = (ps: Point[]): Box => {
  const xs = ps.map(p => p.x);
  const ys = ps.map(p => p.y);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
};

function geometry(svg: string) {
  const nodes = new Map<string, Box>();
  const edges: Array<{ name: string; start: Point; end: Point; labels: string[] }> = [];
  const texts: Array<{ owner: string; text: string; box: Box }> = [];
  for (const [, cls, title, body] of svg.matchAll(/<g id="[^"]+" class="(node|edge|cluster)">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)) {
    const name = unescape(title);
    const labels: string[] = [];
    if (cls !== 'node') {
      for (const [, anchor, x, y, size, raw] of body.matchAll(/<text[^>]*text-anchor="(\w+)" x="([-\d.]+)" y="([-\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>([^<]*)</g)) {
        const text = unescape(raw);
        // 0.602 em: DejaVu Sans Mono's advance, the widest of the fonts the SVG asks for; the line's ascent and descent.
        const w = text.length * Number(size) * 0.602;
        const x0 = anchor === 'middle' ? Number(x) - w / 2 : anchor === 'end' ? Number(x) - w : Number(x);
        texts.push({ owner: name, text, box: { x0, x1: x0 + w, y0: Number(y) - Number(size) * 0.8, y1: Number(y) + Number(size) * 0.2 } });
        labels.push(text);
      }
    }
    if (cls === 'node') {
      const ellipse = /<ellipse[^>]*cx="([-\d.]+)" cy="([-\d.]+)" rx="([\d.]+)" ry="([\d.]+)"/.exec(body);
      nodes.set(name, ellipse
        ? { x0: +ellipse[1] - +ellipse[3], x1: +ellipse[1] + +ellipse[3], y0: +ellipse[2] - +ellipse[4], y1: +ellipse[2] + +ellipse[4] }
        : boxOf(points(/ (?:d|points)="([^"]+)"/.exec(body)![1])));
    } else if (cls === 'edge') {
      const line = points(/<path[^>]* d="([^"]+)"/.exec(body)![1]);
      // The arrowhead's tip is the polygon point farthest from the line's last point.
      const head = points(/<polygon[^>]* points="([^"]+)"/.exec(body)?.[1] ?? '');
      const last = line[line.length - 1];
      const away = (p: Point) => Math.hypot(p.x - last.x, p.y - last.y);
      const tip = head.length > 0 ? head.reduce((a, p) => (away(p) > away(a) ? p : a)) : last;
      edges.push({ name, start: line[0], end: tip, labels });
    }
  }
  return { nodes, edges, texts };
}

/** Whether a point lies on (or within 4 points of, the radius of the rounded corners) a box. */
function near(p: Point, b: Box): boolean {
  return p.x >= b.x0 - 4 && p.x <= b.x1 + 4 && p.y >= b.y0 - 4 && p.y <= b.y1 + 4;
}

/** Every edge or cluster label that overlaps a node box or another label. */
function overlaps(svg: string): string[] {
  const { nodes, texts } = geometry(svg);
  const hit = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  const out: string[] = [];
  for (const t of texts) for (const [name, box] of nodes) if (hit(t.box, box)) out.push(`"${t.text}" (${t.owner}) on box ${name}`);
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) if (hit(texts[i].box, texts[j].box)) out.push(`"${texts[i].text}" (${texts[i].owner}) on "${texts[j].text}" (${texts[j].owner})`);
  }
  return out;
}
