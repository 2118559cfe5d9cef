/**
 * Does a VPC endpoint policy let a client do what it needs (pull images, answer CloudFormation, fetch an asset)?
 * A small evaluator over the resolved policy JSON: Allow/Deny statements, `*` and `?` in actions and resources,
 * principals `*` or an account. What it cannot judge (conditions, NotAction, specific role principals, tokens it
 * cannot evaluate) counts as "unknown", never as blocked.
 *
 * Needs are written for a location (region, partition, account). A concrete stack is evaluated at its own location;
 * an environment-agnostic one at every sample location (`SAMPLE_LOCATIONS`), with CloudFormation's pseudo parameters
 * in the policy replaced by the sample's values: a need is reported blocked only when it is blocked at all of them,
 * so a policy that names a region literally is never a false error.
 */
import { AwsBuckets, AwsLocation, cdkAssetBucket, eksImageAccount, partitionOfRegion, s3Arn, SAMPLE_LOCATIONS, urlSuffixOfPartition } from '../core/aws-env';

type Json = any;

/**
 * Who signs the request the endpoint sees: the client's own role (`caller`), or an AWS service through a URL it
 * presigned (`presigned`: ECR layer downloads, CloudFormation responses), which only a `*` principal admits.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms
 */
export type Signer = 'caller' | 'presigned';

/** What a client needs of a service through its endpoint. */
export interface PolicyNeed {
  readonly action: string;
  /** A sample resource ARN at the location. */
  readonly resource: string;
  readonly signer: Signer;
}

/** The needs the checks verify, by purpose. */
export type NeedPurpose = 'ecr.api' | 'ecr.dkr' | 'ecr-layers' | 'cloudformation-response' | 'cdk-asset';

/** The needs of a purpose at a location. */
export function policyNeeds(purpose: NeedPurpose, l: AwsLocation): PolicyNeed[] {
  const pause = `arn:${l.partition}:ecr:${l.region}:${l.regionKnown ? eksImageAccount(l.region) : '602401143452'}:repository/eks/pause`;
  switch (purpose) {
    case 'ecr.api':
      return [{ action: 'ecr:GetAuthorizationToken', resource: '*', signer: 'caller' }];
    case 'ecr.dkr':
      return [
        { action: 'ecr:BatchGetImage', resource: pause, signer: 'caller' },
        { action: 'ecr:GetDownloadUrlForLayer', resource: pause, signer: 'caller' },
      ];
    case 'ecr-layers':
      return [{ action: 's3:GetObject', resource: s3Arn(l, `${AwsBuckets.ecrLayers(l)}/sha256/layer`), signer: 'presigned' }];
    case 'cloudformation-response':
      return [{ action: 's3:PutObject', resource: s3Arn(l, `${AwsBuckets.cloudFormationResponses(l)}/arn%3Aresponse`), signer: 'presigned' }];
    case 'cdk-asset':
      return [{ action: 's3:GetObject', resource: s3Arn(l, `${cdkAssetBucket(l)}/asset.zip`), signer: 'caller' }];
  }
}

/** The purposes whose needs an interface endpoint of a service serves for nodes. */
export const INTERFACE_PURPOSES: Record<string, NeedPurpose> = { 'ecr.api': 'ecr.api', 'ecr.dkr': 'ecr.dkr' };

/** Where an environment-agnostic stack's needs are written for messages. */
const SYMBOLIC: AwsLocation = { region: '<region>', partition: '<partition>', account: '<account>', urlSuffix: '<url suffix>', regionKnown: true };

/**
 * The first need of a purpose the policy blocks, as "action on resource" (with `<region>`, `<partition>`, `<account>`
 * where the stack is environment-agnostic), or undefined when it is allowed or cannot be judged. `policy` undefined
 * means the default full-access policy.
 */
export function blockedNeed(policy: Json, purpose: NeedPurpose, location: AwsLocation): string | undefined {
  if (policy === undefined || policy === null) return undefined;
  const locations = (location.regionKnown ? [location] : [...SAMPLE_LOCATIONS, ...regionsNamedIn(policy)])
    .map(l => ({ ...l, assetBucket: location.assetBucket }));
  let index: number | undefined;
  for (const l of locations) {
    const resolved = substitutePseudoParameters(policy, l);
    const i = policyNeeds(purpose, l).findIndex(need => blocks(resolved, need, l));
    if (i < 0) return undefined;
    index ??= i;
  }
  const need = policyNeeds(purpose, location.regionKnown ? location : { ...SYMBOLIC, assetBucket: location.assetBucket })[index!];
  return `${need.action} on ${need.resource}`;
}

const REGION_NAME = /\b(?:[a-z]{2}(?:-gov|-iso[a-z]?|sc)?-[a-z]+-\d{1,2})\b/g;

/** Locations for the regions a policy names literally, so a policy written for one region is judged there too. */
function regionsNamedIn(policy: Json): AwsLocation[] {
  const regions = new Set(JSON.stringify(policy).match(REGION_NAME) ?? []);
  return [...regions].map(region => {
    const partition = partitionOfRegion(region);
    return { region, partition, account: SAMPLE_LOCATIONS[0].account, urlSuffix: urlSuffixOfPartition(partition), regionKnown: true };
  });
}

function blocks(policy: Json, need: PolicyNeed, l: AwsLocation): boolean {
  const statements: Json[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  let allowed = false;
  let unknown = false;
  let denied = false;
  for (const st of statements) {
    const m = statementMatches(st, need, l);
    if (m === undefined) {
      if (st.Effect !== 'Deny') unknown = true;
      continue;
    }
    if (!m) continue;
    if (st.Effect === 'Deny') denied = true;
    else allowed = true;
  }
  return denied || (!allowed && !unknown);
}

function statementMatches(st: Json, need: PolicyNeed, l: AwsLocation): boolean | undefined {
  if (st.Condition || st.NotAction || st.NotResource || st.NotPrincipal) return undefined;
  const principal = principalMatches(st.Principal, need, l, st.Effect === 'Deny');
  if (principal !== true) return principal;
  const actions = list(st.Action).map(pattern);
  if (!actions.some(a => a?.test(need.action))) return actions.some(a => a === undefined) ? undefined : false;
  const resources = list(st.Resource).map(pattern);
  if (resources.some(r => r?.test(need.resource))) return true;
  return resources.some(r => r === undefined) ? undefined : false;
}

/**
 * Whether a statement's principal covers the need's signer. `*` covers everyone. An account (root or ID) covers the
 * caller when it is the stack's account; a presigned request is signed by AWS, so no account principal covers it.
 */
function principalMatches(p: Json, need: PolicyNeed, l: AwsLocation, deny: boolean): boolean | undefined {
  if (p === undefined) return undefined;
  if (p === '*') return true;
  if (!p || typeof p !== 'object' || !('AWS' in p)) return false;
  let result: boolean | undefined = false;
  for (const a of list(p.AWS)) {
    if (a === '*') return true;
    if (typeof a !== 'string') {
      result = undefined;
      continue;
    }
    const account = /^(\d{12})$/.exec(a)?.[1] ?? /^arn:[^:]+:iam::([^:]+):root$/.exec(a)?.[1];
    if (account === undefined) {
      // A role or user: it may be the caller; a Deny on it is not judged either.
      result = undefined;
      continue;
    }
    if (need.signer === 'caller' && account === l.account) return true;
    if (deny && need.signer === 'caller') result = undefined;
  }
  return result;
}

function list(v: Json): Json[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A policy action or resource as a regular expression (`*` and `?` as globs); undefined for what is not a string. */
function pattern(v: Json): RegExp | undefined {
  if (typeof v !== 'string') return undefined;
  const source = v.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'i');
}

/**
 * The policy with `Ref`s to pseudo parameters replaced by the location's values and the intrinsic functions that are
 * then literal (`Fn::Join`, `Fn::Split`, `Fn::Select`) evaluated. Other tokens stay as objects (not judged).
 */
export function substitutePseudoParameters(value: Json, l: AwsLocation): Json {
  if (Array.isArray(value)) return value.map(v => substitutePseudoParameters(v, l));
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = substitutePseudoParameters(value[k], l);
    if (k === 'Ref') {
      const pseudo: Record<string, string> = {
        'AWS::Region': l.region, 'AWS::Partition': l.partition, 'AWS::AccountId': l.account, 'AWS::URLSuffix': l.urlSuffix,
      };
      return pseudo[arg] ?? value;
    }
    if (k === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1]) && arg[1].every((x: Json) => typeof x === 'string')) {
      return arg[1].join(arg[0]);
    }
    if (k === 'Fn::Split' && Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') {
      return arg[1].split(arg[0]);
    }
    if (k === 'Fn::Select' && Array.isArray(arg) && Array.isArray(arg[1]) && arg[1].every((x: Json) => typeof x === 'string')) {
      const i = Number(arg[0]);
      return Number.isInteger(i) && i >= 0 && i < arg[1].length ? arg[1][i] : value;
    }
    return { [k]: arg };
  }
  const out: Record<string, Json> = {};
  for (const k of keys) out[k] = substitutePseudoParameters(value[k], l);
  return out;
}
