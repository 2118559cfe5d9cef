/**
 * Resource, Lambda function and custom resource counts of the default example with and without its workload
 * (the first manifest brings the kubectl handler). Prints numbers; asserts nothing.
 *
 *   npx ts-node --transpile-only --prefer-ts-exts -P bench/tsconfig.json bench/counts.ts
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FullyPrivateStack } from '../examples/fully-private/app';

console.log('default example             resources  lambda functions  custom resources  layer versions  vpc endpoints');
for (const workload of [false, true]) {
  const resources = Object.values(Template.fromStack(new FullyPrivateStack(new App(), 'FullyPrivateEks', { workload })).toJSON().Resources) as any[];
  const count = (f: (type: string) => boolean) => resources.filter(r => f(r.Type)).length;
  console.log([
    (workload ? 'with manifest + Pod Identity' : 'without workload').padEnd(28),
    String(resources.length).padStart(9),
    String(count(t => t === 'AWS::Lambda::Function')).padStart(17),
    String(count(t => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).padStart(17),
    String(count(t => t === 'AWS::Lambda::LayerVersion')).padStart(15),
    String(count(t => t === 'AWS::EC2::VPCEndpoint')).padStart(14),
  ].join(' '));
}
