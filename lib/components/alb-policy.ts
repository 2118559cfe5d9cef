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
 *
 * Read 2026-12-07:
 * - A VPC shared through RAM belongs to its owner: its ARN, the `ec2:Vpc` value and CreateSecurityGroup's `vpc`
 *   resource carry the owner's account (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html), while the
 *   security groups the controller creates in it are the stack account's.
 * - Listeners and rules carry the cluster tag: the `ListenerRulesTagging` feature gate, on by default from v2.3.1
 *   (kubernetes-sigs/aws-load-balancer-controller pkg/config/feature_gates.go:42 @ v2.3.1, :61 @ v2.17.1, :72 @ v3.2.2),
 *   adds the tracking tags (`elbv2.k8s.aws/cluster`) to CreateListener and CreateRule (pkg/deploy/elbv2/listener_manager.go:89-97,
 *   listener_rule_manager.go:68-78 @ v2.17.1). The SAR lists `aws:ResourceTag` for CreateListener (on the load
 *   balancer), CreateRule, DeleteListener, DeleteRule, ModifyListener, ModifyRule, Add/RemoveListenerCertificates,
 *   Register/DeregisterTargets, and `aws:RequestTag` with `elasticloadbalancing:CreateAction` for AddTags; it lists no
 *   key for SetRulePriorities, which stays on this account's rules in this region.
 * - CreateLoadBalancer takes `elasticloadbalancing:Subnet` (the SAR); CreateTargetGroup takes only the tag keys (its
 *   VpcId is no condition key), so a target group is pinned by its tag alone.
 */

/** Why a statement is as wide as it is; each kind becomes one managed policy with its own acknowledgement. */
export type AlbStatementKind = 'discovery' | 'clusterTagged' | 'vpcScoped' | 'accountRegion' | 'serviceLinkedRole' | 'unreviewed';

/** What the policy is narrowed to (values may be tokens). */
export interface AlbPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The account that owns the VPC (another account's for a VPC shared through RAM). */
  readonly vpcAccount: string;
  readonly vpcId: string;
  readonly clusterName: string;
  /** Whether the chart's enableWaf, enableWafv2, enableShield are on: their actions are kept only then. */
  readonly waf: boolean;
  readonly wafv2: boolean;
  readonly shield: boolean;
  /**
   * Whether the controller tags listeners and rules (`ListenerRulesTagging`, on unless the chart values turn it off):
   * listener, rule, certificate changes are then pinned to the cluster tag.
   */
  readonly listenerRulesTagging: boolean;
  /** Register and deregister targets in untagged target groups (TargetGroupBinding to target groups made elsewhere). */
  readonly untaggedTargetGroups: boolean;
  /** The VPC's subnets, when all are known: CreateLoadBalancer is pinned to them. */
  readonly subnetIds?: string[];
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
/** The ELB changes that create a listener or rule (they carry the tags of the new resource). */
const ELB_CREATE = new Set(['elasticloadbalancing:CreateListener', 'elasticloadbalancing:CreateRule']);
/**
 * ELB actions kept on `*`: SetWebAcl takes no resource type, and the SAR gives CreateLoadBalancer's load balancer as
 * optional (not required), so it may be authorized without one.
 */
const ELB_ON_ANY = new Set(['elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:CreateLoadBalancer']);
const TAGGING = new Set(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags']);
const TARGETS = new Set(['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets']);
const SG_CHANGES = new Set(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup']);

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v as string[] : [v as string]);

/** Upstream's statements, narrowed to `scope`, in upstream's order. */
export function scopeAlbPolicy(policy: { Statement: any[] }, scope: AlbPolicyScope): ScopedStatement[] {
  const arn = (service: string, resource: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;
  const vpcArn = `arn:${scope.partition}:ec2:${scope.region}:${scope.vpcAccount}:vpc/${scope.vpcId}`;
  const elbArns = ['loadbalancer/*', 'listener/*', 'listener-rule/*', 'targetgroup/*', 'truststore/*'].map(r => arn('elasticloadbalancing', r));
  const out: ScopedStatement[] = [];

  for (const upstream of policy.Statement) {
    const actions = asList(upstream.Action).filter(a => featureOn(a, scope));
    if (actions.length === 0) continue; // WAF, WAFv2 or Shield actions with the feature off (the chart values turn it off)
    // Upstream writes ARNs for any region and account (arn:aws:ec2:*:*:...): this account, this region, this partition.
    const resources = asList(upstream.Resource).map(r => r.replace(/^arn:aws:(ec2|elasticloadbalancing):\*:\*:/,
      (_m, service: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:`));
    const condition = pinClusterTag(upstream.Condition, scope.clusterName);

    if (!(resources.length === 1 && resources[0] === '*')) {
      if (!condition && scope.listenerRulesTagging && actions.every(a => TAGGING.has(a)) && resources.every(r => /:listener(-rule)?\//.test(r))) {
        // Upstream tags listeners and rules with no condition: anyone holding the role could give another team's
        // listener this cluster's tag and then change it. Tags go on at creation (the create action names the
        // cluster) or on what already carries this cluster's tag, without moving it to another cluster. That ELB sends
        // `elasticloadbalancing:CreateAction` = CreateListener on a CreateListener with tags is a user's report, not an
        // AWS page: kubernetes-sigs/aws-load-balancer-controller#3086 (2023-03-02, "I saw the error occurred on
        // CreateListener. So I added the action to condition, it works"); CreateRule is taken to behave the same
        // (read 2026-12-07). The simulator cannot decide it (iam-data merges Classic and v2 ELB): the test names it.
        out.push(classify({
          Effect: upstream.Effect,
          Action: ['elasticloadbalancing:AddTags'],
          Resource: resources,
          Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateListener', 'CreateRule'], [CLUSTER_TAG_KEYS[1]]: scope.clusterName } },
        }, scope, vpcArn));
        out.push(classify({
          Effect: upstream.Effect,
          Action: actions,
          Resource: resources,
          Condition: { StringEquals: { [CLUSTER_TAG_KEYS[0]]: scope.clusterName }, Null: { [CLUSTER_TAG_KEYS[1]]: 'true' } },
        }, scope, vpcArn));
        continue;
      }
      const targets = !condition && !scope.untaggedTargetGroups && actions.every(a => TARGETS.has(a));
      const statement: StatementJson = {
        Effect: upstream.Effect,
        Action: actions,
        Resource: resources,
        // Targets only in this cluster's target groups, unless untagged ones were asked for (TargetGroupBinding).
        ...(targets ? { Condition: { StringEquals: { [CLUSTER_TAG_KEYS[0]]: scope.clusterName } } } : condition ? { Condition: condition } : {}),
      };
      out.push(classify(statement, scope, vpcArn));
      continue;
    }
    // On `*`: one statement per group that can be narrowed the same way.
    const groups = new Map<string, string[]>();
    for (const a of actions) {
      const service = a.split(':')[0];
      const tagged = scope.listenerRulesTagging && ELB_UNTAGGED.has(a) && a !== 'elasticloadbalancing:SetRulePriorities';
      const group = SG_CHANGES.has(a) ? 'sg' : a === 'ec2:CreateSecurityGroup' ? 'createSg'
        : tagged ? (ELB_CREATE.has(a) ? 'elbCreate' : 'elbTagged') : ELB_UNTAGGED.has(a) ? 'elb'
          : a === 'elasticloadbalancing:CreateLoadBalancer' && scope.subnetIds ? 'createLb'
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
      } else if (group === 'elbCreate') {
        // On this cluster's load balancers and listeners, and the new listener or rule carries this cluster's tag.
        statement = {
          Effect: upstream.Effect,
          Action: list,
          Resource: elbArns,
          Condition: {
            ...(condition ?? {}),
            StringEquals: { ...(condition?.StringEquals ?? {}), [CLUSTER_TAG_KEYS[0]]: scope.clusterName, [CLUSTER_TAG_KEYS[1]]: scope.clusterName },
          },
        };
      } else if (group === 'elbTagged') {
        // Listener, rule and certificate changes on this cluster's listeners and rules only (upstream: any).
        statement = {
          Effect: upstream.Effect,
          Action: list,
          Resource: elbArns,
          Condition: { ...(condition ?? {}), StringEquals: { ...(condition?.StringEquals ?? {}), [CLUSTER_TAG_KEYS[0]]: scope.clusterName } },
        };
      } else if (group === 'createLb') {
        // Load balancers only in the VPC's subnets (the SAR's elasticloadbalancing:Subnet; upstream: any subnet).
        statement = {
          Effect: upstream.Effect,
          Action: list,
          Resource: ['*'],
          Condition: {
            ...(condition ?? {}),
            'StringEquals': { ...(condition?.StringEquals ?? {}), 'aws:RequestedRegion': scope.region },
            'ForAllValues:StringEquals': { 'elasticloadbalancing:Subnet': scope.subnetIds! },
          },
        };
      } else if (group === 'elb') {
        // This account's load balancers, listeners, rules and target groups in this region (upstream: any).
        statement = { Effect: upstream.Effect, Action: list, Resource: elbArns, ...(condition ? { Condition: condition } : {}) };
      } else if (group === 'regional' && list.every(a => a.startsWith('elasticloadbalancing:') && !ELB_ON_ANY.has(a) && !READ.test(a))) {
        // Elastic Load Balancing changes on `*`: this account's load balancers, listeners, rules and target groups in
        // this region (upstream: any account's, for the tag conditions).
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
  // Tagging on create needs AddTags too
  // (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/tagging-resources-during-creation.html, read
  // 2026-12-07); upstream added the statement in v2.4.7 (kubernetes-sigs/aws-load-balancer-controller #3046,
  // commit 8632213c9, docs/install/iam_policy.json), and the policies of v2.4.1 to v2.4.6 lack it: without it the
  // controller cannot create a load balancer or target group.
  const tagsOnCreate = out.some(s => s.statement.Action.includes('elasticloadbalancing:AddTags')
    && asList(s.statement.Condition?.StringEquals?.['elasticloadbalancing:CreateAction']).includes('CreateLoadBalancer'));
  if (!tagsOnCreate && policy.Statement.some(s => asList(s.Action).includes('elasticloadbalancing:CreateLoadBalancer'))) {
    out.push(classify({
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags'],
      Resource: ['targetgroup/*/*', 'loadbalancer/net/*/*', 'loadbalancer/app/*/*'].map(r => arn('elasticloadbalancing', r)),
      Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'], [CLUSTER_TAG_KEYS[1]]: scope.clusterName } },
    }, scope, vpcArn));
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
