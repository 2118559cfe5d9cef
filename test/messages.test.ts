import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { newStack } from './util';
import { PrivateEksCluster } from '../lib';
import { userFrames } from '../lib/core/errors';

describe('errors read as the message, the path and the user\'s line', () => {
  test('a misuse error keeps the user\'s frames and folds Node\'s, the runner\'s and aws-cdk-lib\'s', () => {
    let error: Error | undefined;
    try {
      new PrivateEksCluster(newStack(), 'Eks', { version: eks.KubernetesVersion.V1_33, network: { cidr: '10.0.0.0/8x' } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^\[Test\/Eks\/Network\] network\.cidr "10\.0\.0\.0\/8x" is not an IPv4 CIDR block.*Fix: /);
    const frames = error!.stack!.split('\n').filter(l => /^\s+at /.test(l));
    expect(frames[0]).toContain('messages.test.ts');
    expect(error!.stack).not.toMatch(/node:internal|node_modules/);
  });

  test('userFrames folds each run of internal frames into one line', () => {
    const stack = [
      'Error: x',
      '    at user (/app/bin/app.ts:6:1)',
      '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
      '    at Object.transformer (/root/.npm/_npx/1/node_modules/tsx/dist/register.cjs:22:2188)',
      '    at Module.load (node:internal/modules/cjs/loader:1266:32)',
    ].join('\n');
    expect(userFrames(stack)).toBe('Error: x\n    at user (/app/bin/app.ts:6:1)\n    ...node internals, the TypeScript runner...');
  });
});
