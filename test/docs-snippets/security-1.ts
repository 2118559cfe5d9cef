// Generated from docs/security.md (Checks you can run) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Validations } from 'aws-cdk-lib';
import { PrivateEksChecks } from '../../lib';

const app = new App();
// ... your stacks ...
Validations.of(app).addPlugins(new PrivateEksChecks());
// A finding you accept: Validations.of(construct).acknowledge({ id: 'cdk-private-eks::PEKS-SEC-1', reason: '...' });
export { app };
