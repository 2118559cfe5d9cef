/**
 * How long a user waits for the synth-time check: for each rule's first try (test/join-cases.ts) and each try of the
 * field report, the wall time from starting `npx cdk synth` to its exit with the error, and whether the error names
 * the expected rule. Prints a table; asserts nothing.
 *
 *   npx ts-node --transpile-only --prefer-ts-exts -P bench/tsconfig.json bench/synth-to-error.ts [case ...]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULE_CASES } from '../test/join-cases';

const root = path.join(__dirname, '..');
const app = 'npx ts-node --transpile-only --prefer-ts-exts -P bench/tsconfig.json bench/case-app.ts';
const all = [...RULE_CASES.map(c => ({ name: c.rule, expect: c.rule })),
  ...[0, 1, 2].map(i => ({ name: `field-report-${i}`, expect: 'PEKS-JOIN-1' })),
  { name: 'field-report-3', expect: '' }];
const chosen = process.argv.slice(2);
const cases = chosen.length ? all.filter(c => chosen.includes(c.name)) : all;

console.log('case                 exit  seconds  error names the rule');
for (const c of cases) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-bench-'));
  const start = process.hrtime.bigint();
  const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '--app', app, '-o', outdir, '-c', `case=${c.name}`], { cwd: root, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  const out = `${r.stdout}\n${r.stderr}`;
  const named = c.expect ? new RegExp(`\\] ${c.expect}: `).test(out) : r.status === 0;
  console.log(`${c.name.padEnd(20)} ${String(r.status).padStart(4)}  ${seconds.toFixed(2).padStart(7)}  ${named ? 'yes' : 'NO'}`);
}
