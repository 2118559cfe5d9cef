import { API_CONSTRAINTS } from './api-constraints';
import { CALLER_CALLS, CallExpectation, MANAGED_POLICY_CALLERS } from './caller-calls';

/**
 * What is proven about the library's resources, and against which source: the plan prints it so a reviewer sees
 * where trust ends (issue 28). Derived from the data the proofs run on (the caller calls the IAM simulation
 * evaluates, the API-constraint rows), so it cannot say more than the tests check.
 */

/** Where a proof comes from. */
export enum ProofSource {
  /** AWS's policy evaluation logic over the calls a caller makes (`@cloud-copilot/iam-simulate`, the SAR as data). */
  SIMULATED = 'simulated',
  /** The service's API model (botocore service-2.json): pattern, length, enum. */
  API_MODEL = 'API model',
  /** The CloudFormation resource schemas, through cfn-lint. */
  SCHEMA = 'CloudFormation schema',
  /** The synth-time join proof over the construct tree. */
  JOIN_PROOF = 'join proof',
  /** The library's reading of AWS's documentation (rows with their source and date), not checked against AWS's data. */
  OUR_READING = 'our reading',
}

/** One kind of resource or setting and what is proven about it. */
export interface ProofRow {
  /** The resource kind (`IAM role of karpenter`, `names: AWS::IAM::Role, ...`). */
  readonly kind: string;
  readonly source: ProofSource;
  /** What is proven, with its count. */
  readonly proven: string;
  /** Where the proof runs: at every synth (this app), or in the library's test suite (its examples and variants). */
  readonly where: string;
}

const TEST_SUITE = 'the library\'s test suite, on its examples and variants (not on this app)';

/** The rows, from the data each proof runs on. */
export function proofRows(): ProofRow[] {
  const rows: ProofRow[] = [];
  const callers = [...new Set(CALLER_CALLS.map(c => c.caller))];
  for (const caller of callers) {
    const calls = CALLER_CALLS.filter(c => c.caller === caller);
    const allow = calls.filter(c => c.expect === CallExpectation.ALLOW).length;
    const managed = MANAGED_POLICY_CALLERS.filter(m => m.caller === caller).flatMap(m => m.policies);
    rows.push({
      kind: `IAM policies of the ${caller} role`,
      source: ProofSource.SIMULATED,
      proven: `${calls.length} calls evaluated (${allow} must be allowed, ${calls.length - allow} must be denied), from the caller's source or docs`
        + (managed.length > 0 ? `; its AWS managed policies (${managed.join(', ')}) are not in the stack and not simulated` : ''),
      where: `${TEST_SUITE}: test/iam-simulation.test.ts`,
    });
  }
  for (const m of MANAGED_POLICY_CALLERS.filter(x => !callers.includes(x.caller))) {
    rows.push({
      kind: `IAM policies of the ${m.caller} role`,
      source: ProofSource.OUR_READING,
      proven: `AWS managed policies (${m.policies.join(', ')}) as ${m.source} names them: their documents are not in the stack, nothing is simulated`,
      where: 'not proven',
    });
  }
  rows.push({
    kind: 'IAM statements of any other role the library writes',
    source: ProofSource.OUR_READING,
    proven: 'reviewed by hand; the compliance packs flag wide statements, nothing proves the calls they must allow',
    where: 'not proven',
  });
  const model = API_CONSTRAINTS.filter(r => !r.documented);
  const documented = API_CONSTRAINTS.filter(r => r.documented);
  const typesOf = (rs: typeof API_CONSTRAINTS) => [...new Set(rs.map(r => r.cfnType))].sort();
  rows.push({
    kind: `names, descriptions, paths and enums of ${typesOf(model).join(', ')}`,
    source: ProofSource.API_MODEL,
    proven: `${new Set(model.map(r => `${r.cfnType} ${r.property}`)).size} properties against the pattern, length and enum of their API member; values with tokens: their literal parts`,
    where: `${TEST_SUITE}: test/api-constraints.test.ts`,
  });
  if (documented.length > 0) {
    rows.push({
      kind: `descriptions of ${typesOf(documented).join(', ')}`,
      source: ProofSource.API_MODEL,
      proven: `${new Set(documented.map(r => `${r.cfnType} ${r.property}`)).size} properties against the character set the model's documentation states (the model has no pattern for them)`,
      where: `${TEST_SUITE}: test/api-constraints.test.ts`,
    });
  }
  rows.push({
    kind: 'every property of every resource',
    source: ProofSource.SCHEMA,
    proven: 'types, required properties and allowed values of the CloudFormation resource schemas (looser than the APIs where the rows above differ)',
    where: `${TEST_SUITE}: cfn-lint in test/examples.test.ts`,
  });
  rows.push({
    kind: 'network: each client\'s route, the names it calls, security groups and endpoint policies on the way',
    source: ProofSource.JOIN_PROOF,
    proven: 'every client and service path of this cluster (the reachability table above)',
    where: 'this synth',
  });
  rows.push({
    kind: 'facts about AWS: the endpoint catalogue, component contracts, Kubernetes versions, max pods, instance types',
    source: ProofSource.OUR_READING,
    proven: 'rows of lib/contracts, each with its source URL and the day it was read',
    where: 'read by hand; not checked against AWS\'s data',
  });
  return rows;
}
