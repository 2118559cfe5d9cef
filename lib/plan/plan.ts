/**
 * The plan a person reads after `cdk synth`: the report built from the same model as the checks, written into the
 * cloud assembly as Markdown (people), JSON (tools), Graphviz DOT and, under the CDK CLI, SVG; and one summary line.
 * The L3 calls `publishPlan` once per synthesis; this module is the only place that writes files or renders.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stage, Validations } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { IConstruct } from 'constructs';
import { diagramDot, withPortableFonts } from './diagram';
import { buildReport, JoinReport, reportMarkdown, reportSummary } from './report';
import { Finding, JoinModel } from '../check/join-analysis';
import { ClusterScope, TreeRecords } from '../check/tree-records';

/** What the plan is about. */
export interface PlanInput {
  /** The construct the plan belongs to (its path names the files). */
  readonly owner: IConstruct;
  /** The tree's records, read once for the checks. */
  readonly facts: TreeRecords;
  /** The cluster, its VPC and what else the L3 passes, read as records. */
  readonly scope: ClusterScope;
  readonly model: JoinModel;
  readonly findings: Finding[];
}

/**
 * Builds the report, writes its files into the assembly directory and reports the summary line: on stderr under the
 * CDK CLI (it sets CDK_OUTDIR for the app), which shows it whether or not there are warnings; elsewhere (unit tests)
 * as an info entry in the assembly, with no stack trace. The SVG is rendered only when asked for (context
 * `@cdk-private-eks:planSvg: true`, or CDK_PRIVATE_EKS_SVG=1): it takes a child process running Graphviz in
 * WebAssembly, about as long as the rest of the library's synth, and most synths are not read as pictures.
 */
export function publishPlan(input: PlanInput): JoinReport {
  const { owner } = input;
  const report = buildReport(input.facts, input.scope, input.model, input.findings, owner.node.path,
    acknowledgedWarnings(owner, input.findings));
  const outdir = Stage.of(owner)?.outdir;
  const base = `private-eks-report.${owner.node.path.replace(/[^A-Za-z0-9-]+/g, '-')}`;
  const files = [`${base}.md`, `${base}.json`, `${base}.dot`];
  if (outdir && fs.existsSync(outdir)) {
    fs.writeFileSync(path.join(outdir, files[0]), reportMarkdown(report));
    fs.writeFileSync(path.join(outdir, files[1]), JSON.stringify(report, undefined, 2) + '\n');
    const dot = diagramDot(report);
    fs.writeFileSync(path.join(outdir, files[2]), dot);
    const asked = owner.node.tryGetContext('@cdk-private-eks:planSvg');
    // `cdk synth -c key=true` passes the string 'true'; cdk.json passes a boolean.
    if (process.env.CDK_PRIVATE_EKS_SVG === '1' || asked === true || asked === 'true') {
      const rendered = renderSvg(dot);
      const svg = rendered ? withPortableFonts(rendered) : undefined;
      if (svg) {
        fs.writeFileSync(path.join(outdir, `${base}.svg`), svg);
        files.push(`${base}.svg`);
      } else {
        files.push('(install @viz-js/viz for the SVG diagram)');
      }
    }
  }
  const summary = reportSummary(report, files);
  if (process.env.CDK_OUTDIR) process.stderr.write(`${summary}\n`);
  else owner.node.addMetadata(cxschema.ArtifactMetadataEntryType.INFO, summary);
  return report;
}

/** The prefix of the IDs the checks report their warnings under (`cdk-private-eks:PEKS-NET-3`). */
const WARNING_ID_PREFIX = 'cdk-private-eks:';

/**
 * The warnings among `findings` the app acknowledged, by rule ID, with the reason it gave. The checks report each
 * warning on `owner` (`Annotations.addWarningV2`), which aws-cdk-lib skips, or removes, when it is acknowledged on the
 * owner or a scope above it: a warning finding with no warning entry on the owner was acknowledged. The reason is
 * what `Validations.of(scope).acknowledge({ id, reason })` records on that scope (`aws:cdk:acknowledged-rules`);
 * `Annotations.acknowledgeWarning(id, message)` records none.
 */
export function acknowledgedWarnings(owner: IConstruct, findings: Finding[]): Map<string, string> {
  const reported = new Set<string>();
  for (const m of owner.node.metadata) {
    if (m.type !== cxschema.ArtifactMetadataEntryType.WARN) continue;
    const id = new RegExp(`\\[ack: ${WARNING_ID_PREFIX}([^\\]]+)\\]`).exec(String(m.data))?.[1];
    if (id) reported.add(id);
  }
  const reasons = new Map<string, string>();
  // The nearest scope's reason wins, as the nearest acknowledgement is the one a reader looks for.
  for (let scope: IConstruct | undefined = owner; scope; scope = scope.node.scope) {
    for (const m of scope.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof m.data !== 'object' || m.data === null) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, unknown>)) {
        const rule = new RegExp(`^(?:annotation::)?${WARNING_ID_PREFIX}(.+)$`, 'i').exec(id)?.[1];
        if (rule && !reasons.has(rule)) reasons.set(rule, `${String(reason)} (acknowledged on ${scope.node.path || 'the app'})`);
      }
    }
  }
  const acknowledged = new Map<string, string>();
  for (const f of findings) {
    if (f.severity !== 'warning' || reported.has(f.ruleId)) continue;
    acknowledged.set(f.ruleId, reasons.get(f.ruleId)
      ?? 'no reason recorded (Annotations.acknowledgeWarning keeps none; Validations.of(scope).acknowledge({ id, reason }) does)');
  }
  return acknowledged;
}

/**
 * The diagram as SVG, rendered by @viz-js/viz (Graphviz in WebAssembly) in a child process, since its start is
 * asynchronous and synthesis is not; undefined when the package is not installed in the app.
 */
function renderSvg(dot: string): string | undefined {
  let viz: string;
  try {
    viz = require.resolve('@viz-js/viz', { paths: [process.cwd(), __dirname] });
  } catch {
    return undefined;
  }
  const script = path.join(__dirname, 'render-svg.cjs');
  const out = spawnSync(process.execPath, [script, viz], { input: dot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.status === 0 && out.stdout.startsWith('<?xml') ? out.stdout : undefined;
}
