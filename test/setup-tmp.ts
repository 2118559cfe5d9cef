// Runs in each test file after the test framework is installed (jest setupFilesAfterEnv). Every synth without an
// outdir (aws-cdk-lib's `App` makes `cdk.outXXXX`), every example synth (assets of 60 MB) and every CLI run puts its
// files under os.tmpdir(); the suite used to leave about 1 GB there per run. Each test file gets its own temporary
// directory, removed when the file ends, so a run leaves nothing behind. The layer-digest cache (lib/core/kubectl-asset.ts)
// stays shared between files through a link, as it is between a user's synths.
//
// jest gives a test file a copy of process.env, which Node's own os.tmpdir() does not read: the function itself is
// replaced for the file (core modules are shared by the worker), and TMPDIR is set in the file's copy of process.env,
// which commands a test spawns with `env: { ...process.env }` inherit.
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const os: { tmpdir: () => string } = require('os');
const realTmpdir = os.tmpdir;
const original = realTmpdir();
const shared = path.join(original, 'cdk-private-eks-sha256');
const dir = fs.mkdtempSync(path.join(original, 'peks-jest-'));
try {
  fs.mkdirSync(shared, { recursive: true, mode: 0o700 });
  fs.symlinkSync(shared, path.join(dir, 'cdk-private-eks-sha256'), 'dir');
} catch {
  // No shared cache: each file hashes the layer zip once.
}
const originalEnv = process.env.TMPDIR;
os.tmpdir = () => dir;
process.env.TMPDIR = dir;

afterAll(() => {
  os.tmpdir = realTmpdir;
  if (originalEnv === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalEnv;
  fs.rmSync(dir, { recursive: true, force: true });
});
