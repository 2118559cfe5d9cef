#!/usr/bin/env node
// Finds cfn-lint 1.x for the template tests, or provisions it for this project, before jest runs:
//   1. .venv/bin/cfn-lint (a project-local Python environment made by this script earlier);
//   2. cfn-lint on the PATH;
//   3. otherwise, when python3 and the Python package index are reachable, `python3 -m venv .venv` and
//      `pip install 'cfn-lint>=1,<2'` into it.
// When none works it prints one line saying what to install and exits 1. test/util.ts looks in the same places.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const venv = path.join(root, '.venv');
const local = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'cfn-lint');

function version(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const v = /cfn-lint (\d+)\./.exec(r.stdout + r.stderr);
  return v && Number(v[1]) >= 1 ? (r.stdout || r.stderr).trim() : undefined;
}

function provision() {
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (python.error || python.status !== 0) return 'python3 is not installed';
  if (!fs.existsSync(local)) {
    const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
    if (mk.status !== 0) return `python3 -m venv failed: ${(mk.stderr || '').trim().split('\n').pop()}`;
    const pip = path.join(path.dirname(local), 'pip');
    const install = spawnSync(pip, ['install', '--disable-pip-version-check', '--quiet', '--timeout', '15', '--retries', '1', 'cfn-lint>=1,<2'],
      { encoding: 'utf8', timeout: 300_000 });
    if (install.status !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      return 'the Python package index is not reachable from here';
    }
  }
  return version(local) ? undefined : 'cfn-lint did not run after installing it into .venv';
}

const found = version(local) ?? version('cfn-lint');
if (found) {
  process.exit(0);
}
const why = provision();
if (why === undefined) {
  console.error(`cfn-lint installed into .venv for the template tests (${version(local)})`);
  process.exit(0);
}
console.error(`cfn-lint 1.x is needed for the template tests and was not found (${why}): install it with \`pip install cfn-lint\` (or \`pipx install cfn-lint\`) so that it is on the PATH, then run the tests again.`);
process.exit(1);
