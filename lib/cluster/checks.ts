import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { IConstruct } from 'constructs';
import { analyzeJoin, Finding, JoinModel } from '../check/join-analysis';
import { buildJoinModel, JoinModelInput } from '../check/join-model';
import { readClusterScope, TreeFacts } from '../check/tree-facts';
import { ClusterScope } from '../check/tree-records';
import { pendingLookups, subnetsPendingLookup } from '../core/lookups';
import { publishPlan } from '../plan/plan';

/** What the checks need of the L3, read when they run (after every construct is built). */
export interface ClusterCheckInput {
  readonly owner: IConstruct;
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly nodeSubnets: ec2.SubnetSelection;
  /** Rules the user reports as warnings, with the reason. */
  readonly downgrades: { [ruleId: string]: string };
  /** The model's input, with the cluster's Helm charts read from the tree. */
  readonly model: Omit<JoinModelInput, 'helmCharts'> & { readonly helmCharts: (facts: TreeFacts) => eks.HelmChart[] };
}

/** Lookups whose placeholders the checks read safely: the stack's AZs and the endpoint services' AZs. */
const AZ_LOOKUPS: string[] = [
  cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER,
  cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
];

/**
 * The synth-time checks of one `PrivateEksCluster`: one read of the tree, the model, the analysis, the findings as
 * errors (failing synth) or warnings (`cdk-private-eks:<rule ID>`), and the plan. Warnings and the plan are written
 * once, however often CDK validates.
 */
export class ClusterChecks {
  private reported = false;

  constructor(private readonly input: () => ClusterCheckInput) {}

  /**
   * Runs the checks over the whole construct tree: errors fail synth, warnings are reported as
   * `cdk-private-eks:<rule ID>` (acknowledge them with `Validations.of(scope).acknowledge({ id:
   * 'Annotation::cdk-private-eks:<rule ID>', reason })`).
   */
  public validate(): string[] {
    const input = this.input();
    if (this.lookupPending(input)) return [];
    // One walk of the tree serves the checks and the report.
    const facts = new TreeFacts(input.owner.node.root);
    const scope = this.scope(facts, input);
    const model = buildJoinModel(facts, scope, input.model);
    const findings = analyzeJoin(model);
    const errors: string[] = [];
    for (const f of findings) {
      const reason = input.downgrades[f.ruleId];
      if (f.severity === 'error' && reason === undefined) {
        errors.push(`${f.ruleId}: ${f.message}. Fix: ${f.fix}.`);
      } else if (!this.reported) {
        Annotations.of(input.owner).addWarningV2(`cdk-private-eks:${f.ruleId}`,
          `${f.ruleId}: ${f.message}. Fix: ${f.fix}.${reason !== undefined && f.severity === 'error' ? ` (Downgraded from an error: ${reason})` : ''}`);
      }
    }
    if (!this.reported) publishPlan({ owner: input.owner, facts, scope, model, findings });
    this.reported = true;
    return errors;
  }

  /** The findings on the tree as it is now, for tests and reports. */
  public findings(): Finding[] {
    return analyzeJoin(this.model(new TreeFacts(this.input().owner.node.root)));
  }

  /** The model of the tree read into `facts`. */
  public model(facts: TreeFacts): JoinModel {
    const input = this.input();
    return buildJoinModel(facts, this.scope(facts, input), input.model);
  }

  /** The L3's objects (cluster, VPC, kubectl layer, Helm charts) read into records: the boundary of the pure part. */
  public scope(facts: TreeFacts, input: ClusterCheckInput = this.input()): ClusterScope {
    return readClusterScope(facts, { ...input.model, helmCharts: input.model.helmCharts(facts) });
  }

  /**
   * Whether the checks must wait for context lookups the CDK CLI has not answered yet (its first pass). Until then
   * aws-cdk-lib hands out placeholders (`Vpc.fromLookup`: subnets `p-12345`, `p-67890` with no routes; SSM values
   * `dummy-value-for-<name>`), and checking them would fail synth before the CLI could look anything up. Nothing is
   * reported: the CLI runs the lookups (the assembly's `missing` list) and synthesizes again, and the checks run on
   * the answers. The Availability Zone lookups (the stack's, the endpoint services') do not change what the checks
   * conclude (endpoints go to every node AZ until answered) and do not defer them.
   */
  private lookupPending(input: ClusterCheckInput): boolean {
    const pending = subnetsPendingLookup(input.vpc, input.nodeSubnets)
      || pendingLookups(input.owner).some(m => !AZ_LOOKUPS.includes(m.provider));
    if (pending && !this.reported) {
      Annotations.of(input.owner).addInfo('The synth-time checks (PEKS-*) wait for the context lookups the CDK CLI has not answered yet: '
        + 'they run when it synthesizes again with the answers.');
      this.reported = true;
    }
    return pending;
  }
}
