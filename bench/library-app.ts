/**
 * The library's side of the cold-synth comparison in `npx projen bench` (item 8): the default example's cluster with
 * the workload that bench/hand-wired-app.ts also has (a namespace and a Pod Identity service account), without the
 * default example's pull-through cache and its warm-up, which the hand-wired app does not build.
 *
 *   npx cdk synth -a 'npx ts-node --transpile-only -P bench/tsconfig.json bench/library-app.ts'
 */
import { App } from 'aws-cdk-lib';
import { FullyPrivateStack } from '../examples/fully-private/app';

const app = new App();
const stack = new FullyPrivateStack(app, 'FullyPrivateEks', { workload: false });
const namespace = stack.eks.addManifest('AppsNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
stack.eks.addServiceAccount('Reader', { name: 'reader', namespace: 'apps' }).node.addDependency(namespace);
app.synth();
