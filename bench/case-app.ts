/**
 * A CDK app that builds one synth-time check case: `-c case=PEKS-JOIN-1` (a rule's first try, see
 * test/join-cases.ts) or `-c case=field-report-N` (N = 0..3, the field report's tries).
 */
import { App } from 'aws-cdk-lib';
import { fieldReportStep, RULE_CASES } from '../test/join-cases';

const app = new App();
const name = app.node.tryGetContext('case') as string | undefined;
const report = /^field-report-([0-3])$/.exec(name ?? '');
if (report) {
  fieldReportStep(app, Number(report[1]) as 0 | 1 | 2 | 3);
} else {
  const c = RULE_CASES.find(x => x.rule === name);
  if (!c) throw new Error(`unknown case "${name}": use -c case=<rule ID> (${RULE_CASES.map(x => x.rule).join(', ')}) or field-report-0..3`);
  c.build(app);
}
app.synth();
