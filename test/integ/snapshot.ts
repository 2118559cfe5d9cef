/**
 * The integration test's snapshot: its templates with asset hashes stripped, as committed under
 * `test/integ/integ.fully-private.snapshot/`. `npx projen integ:snapshot` rewrites it; the test suite compares.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { build } from './integ.fully-private';

export const SNAPSHOT_DIR = path.join(__dirname, 'integ.fully-private.snapshot');

/** Synthesizes the integ app and returns its templates by file name, asset hashes and salts replaced. */
export function integTemplates(): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-integ-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(outdir).filter(x => x.endsWith('.template.json')).sort()) {
    // Asset hashes change with any file; the assertions' salt is the synth time (it makes them rerun on each deploy).
    out[f] = fs.readFileSync(path.join(outdir, f), 'utf8').replace(/[0-9a-f]{64}/g, '[ASSET HASH]').replace(/"salt": "\d+"/g, '"salt": "[SALT]"');
  }
  return out;
}

if (require.main === module) {
  fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
  for (const [f, text] of Object.entries(integTemplates())) fs.writeFileSync(path.join(SNAPSHOT_DIR, f), text);
  console.log(`wrote ${SNAPSHOT_DIR}`);
}
