/**
 * The AWS Load Balancer Controller's IAM policy, narrowed to one cluster. Pure: upstream's iam_policy.json (as
 * aws-cdk-lib ships it for the version, `aws-eks-v2/lib/addons/alb-iam_policy-<version>.json`) in, statements out,
 * each with the kind that says why it is as wide as it is. Upstream is the floor of what the controller needs, not
 * the ceiling of what it may do; every narrowing below names its reason.
 *
 * Sources (read 2026-12-05):
 * - upstream policy: https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json
 * - the controller tags everything it creates `elbv2.k8s.aws/cluster: <cluster name>`:
 *   https://github.com/kubernetes-sigs/aws-alb-ingress-controller/pull/1469
 * - `ec2:Vpc` on security-group resources (AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress,
 *   DeleteSecurityGroup) and the `vpc` resource of CreateSecurityGroup: the Service Authorization Reference for EC2,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html, and the VPC guide's
 *   "Manage security groups" example, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-policy-examples.html
 * - `elasticloadbalancing:SetWebAcl` takes no resource type (same reference, list_elasticloadbalancingv2.html).
 */

/** Why a statement is as wide as it is; each kind becomes one managed policy with its own acknowledgement. */
export type AlbStatementKind = 'discovery' | 'clusterTagged' | 'vpcScoped' | 'accountRegion' | 'serviceLinkedRole' | 'unreviewed';

/** What the policy is narrowed to (values may be tokens). */
export interface AlbPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly vpcId: string;
  readonly clusterName: string;
  /** Whether the chart's enableWaf, enableWafv2, enableShield are on: their actions are kept only then. */
  readonly waf: boolean;
  readonly wafv2: boolean;
  readonly shield: boolean;
}

/** A policy statement as JSON. */
export interface StatementJson {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: { [operator: string]: { [key: string]: unknown } };
}

export interface ScopedStatement {
  readonly kind: AlbStatementKind;
  readonly statement: StatementJson;
}

const CLUSTER_TAG_KEYS = ['aws:ResourceTag/elbv2.k8s.aws/cluster', 'aws:RequestTag/elbv2.k8s.aws/cluster'];
const READ = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/;
/** Services whose calls are regional (aws:RequestedRegion applies); IAM is global. */
const REGIONAL = new Set(['ec2', 'elasticloadbalancing', 'acm', 'cognito-idp', 'waf-regional', 'wafv2', 'shield']);
/** ELB changes upstream allows on `*` without a tag condition: they take load balancer, listener, rule, target group ARNs. */
const ELB_UNTAGGED = new Set(['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
  'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates',
  'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities']);
const SG_CHANGES = new Set(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup']);

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v as string[] : [v as string]);

/** Upstream's statements, narrowed to `scope`, in upstream's order. */
export function scopeAlbPolicy(policy: { Statement: any[] }, scope: AlbPolicyScope): ScopedStatement[] {
  const arn = (service: string, resource: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;
  const vpcArn = arn('ec2', `vpc/${scope.vpcId}`);
  const elbArns = ['loadbalancer/*', 'listener/*', 'listener-rule/*', 'targetgroup/*', 'truststore/*'].map(r => arn('elasticloadbalancing', r));
  const out: ScopedStatement[] = [];

  for (const upstream of policy.Statement) {
    const actions = asList(upstream.Action).filter(a => featureOn(a, scope));
    if (actions.length === 0) continue; // WAF, WAFv2 or Shield actions with the feature off (the chart values turn it off)
    // Upstream writes ARNs for any region and account (arn:aws:ec2:*:*:...): this account, this region, this partition.
    const resources = asList(upstream.Resource).map(r => r.replace(/^arn:aws:(ec2|elasticloadbalancing):\*:\*:/,
      (_m, service: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:`));
    let condition = pinClusterTag(upstream.Condition, scope.clusterName);
    // Releases before 2.3 create the service-linked role with no condition: only Elastic Load Balancing's, as later
    // releases write it.
    if (actions.includes('iam:CreateServiceLinkedRole') && !condition?.StringEquals?.['iam:AWSServiceName']) {
      const stringEquals = { ...(condition?.StringEquals ?? {}), 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' };
      condition = { ...(condition ?? {}), StringEquals: stringEquals };
    }

    if (!(resources.length === 1 && resources[0] === '*')) {
      const statement: StatementJson = {
        Effect: upstream.Effect, Action: actions, Resource: resources, ...(condition ? { Condition: condition } : {}),
      };
      out.push(classify(statement, scope, vpcArn));
      continue;
    }
    // On `*`: one statement per group that can be narrowed the same way.
    const groups = new Map<string, string[]>();
    for (const a of actions) {
      const service = a.split(':')[0];
      const group = SG_CHANGES.has(a) ? 'sg' : a === 'ec2:CreateSecurityGroup' ? 'createSg' : ELB_UNTAGGED.has(a) ? 'elb'
        : REGIONAL.has(service) ? 'regional' : 'global';
      groups.set(group, [...(groups.get(group) ?? []), a]);
    }
    for (const [group, list] of groups) {
      let statement: StatementJson;
      if (group === 'sg') {
        // Only security groups of this VPC (upstream: any security group in the account).
        statement = {
          Effect: upstream.Effect,
          Action: list,
          Resource: [arn('ec2', 'security-group/*')],
          Condition: { ...(condition ?? {}), ArnEquals: { 'ec2:Vpc': vpcArn } },
        };
      } else if (group === 'createSg') {
        // Security groups are created only in this VPC (the action's vpc resource; upstream: any VPC).
        statement = { Effect: upstream.Effect, Action: list, Resource: [vpcArn, arn('ec2', 'security-group/*')], ...(condition ? { Condition: condition } : {}) };
      } else if (group === 'elb') {
        // This account's load balancers, listeners, rules and target groups in this region (upstream: any).
        statement = { Effect: upstream.Effect, Action: list, Resource: elbArns, ...(condition ? { Condition: condition } : {}) };
      } else if (group === 'regional') {
        statement = {
          Effect: upstream.Effect,
          Action: list,
          Resource: ['*'],
          Condition: { ...(condition ?? {}), StringEquals: { ...(condition?.StringEquals ?? {}), 'aws:RequestedRegion': scope.region } },
        };
      } else {
        statement = { Effect: upstream.Effect, Action: list, Resource: ['*'], ...(condition ? { Condition: condition } : {}) };
      }
      out.push(classify(statement, scope, vpcArn));
    }
  }
  return out;
}

function featureOn(action: string, scope: AlbPolicyScope): boolean {
  if (action.startsWith('waf-regional:')) return scope.waf;
  if (action.startsWith('wafv2:')) return scope.wafv2;
  if (action.startsWith('shield:')) return scope.shield;
  return true;
}

/**
 * Upstream requires the cluster tag to exist (`Null: false`), on any cluster's resources; here its value must be this
 * cluster's name, which the controller writes (`clusterName` in the chart values).
 */
function pinClusterTag(condition: any, clusterName: string): StatementJson['Condition'] | undefined {
  if (!condition) return undefined;
  const out: { [op: string]: { [key: string]: unknown } } = {};
  for (const [op, entries] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(entries)) {
      if (op === 'Null' && CLUSTER_TAG_KEYS.includes(key) && value === 'false') {
        out.StringEquals = { ...(out.StringEquals ?? {}), [key]: clusterName };
      } else {
        out[op] = { ...(out[op] ?? {}), [key]: value };
      }
    }
  }
  return out;
}

function classify(statement: StatementJson, scope: AlbPolicyScope, vpcArn: string): ScopedStatement {
  const c = statement.Condition ?? {};
  const here = (r: string) => r.startsWith(`arn:${scope.partition}:`) && r.includes(`:${scope.region}:${scope.account}:`);
  let kind: AlbStatementKind;
  if (statement.Action.every(a => a === 'iam:CreateServiceLinkedRole') && c.StringEquals?.['iam:AWSServiceName'] === 'elasticloadbalancing.amazonaws.com') {
    kind = 'serviceLinkedRole';
  } else if (statement.Action.every(a => READ.test(a))) {
    kind = 'discovery';
  } else if (CLUSTER_TAG_KEYS.some(k => c.StringEquals?.[k] === scope.clusterName)
    && (statement.Resource.every(here) || c.StringEquals?.['aws:RequestedRegion'] === scope.region)) {
    kind = 'clusterTagged';
  } else if (c.ArnEquals?.['ec2:Vpc'] === vpcArn || statement.Resource.includes(vpcArn)) {
    kind = 'vpcScoped';
  } else if (statement.Resource.every(here) || (statement.Resource[0] === '*' && c.StringEquals?.['aws:RequestedRegion'] === scope.region)) {
    kind = 'accountRegion';
  } else {
    kind = 'unreviewed';
  }
  return { kind, statement };
}
