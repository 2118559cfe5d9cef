/**
 * What a user sees from `npx cdk synth` of the default example (the README's main job): the plan line, nothing else.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { quietly, USER_APP_CONTEXT } from './util';
import { build as buildFullyPrivate } from '../examples/fully-private/app';

// Synthesized as a user does: aws-cdk-lib's built-in template validation on (test/setup-env.ts turns it off elsewhere).
delete process.env.CDK_VALIDATION;

test('cdk synth of the default example prints only the plan line on stderr; the SVG when the app asks for it', () => {
  const root = path.join(__dirname, '..');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-cli-'));
  // One CLI run (each takes seconds): with the SVG asked for on the command line (context @cdk-private-eks:planSvg).
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '-c', '@cdk-private-eks:planSvg=true', '-o', outdir], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  expect(r.status).toBe(0);
  const lines = r.stderr.split('\n').filter(l => l.trim() !== '');
  expect(lines).toEqual([expect.stringMatching(/^private EKS plan: PRIVATE API endpoint; .* 0 check error\(s\)\. Report: private-eks-report\.FullyPrivateEks-Eks\.md, /)]);
  // The files it names are there, the diagram rendered.
  for (const f of ['md', 'json', 'dot']) expect(fs.existsSync(path.join(outdir, `private-eks-report.FullyPrivateEks-Eks.${f}`))).toBe(true);
  expect(fs.readFileSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.svg'), 'utf8')).toMatch(/^<\?xml/);
});

test('without the context the SVG is not rendered (it takes a child process): .dot only', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-cli-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  buildFullyPrivate(app);
  // The plan files, not aws-cdk-lib's template validation, are what this test is about.
  process.env.CDK_VALIDATION = 'false';
  try {
    quietly(() => app.synth());
  } finally {
    delete process.env.CDK_VALIDATION;
  }
  expect(fs.existsSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.dot'))).toBe(true);
  expect(fs.existsSync(path.join(outdir, 'private-eks-report.FullyPrivateEks-Eks.svg'))).toBe(false);
});
