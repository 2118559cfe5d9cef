/**
 * Does a VPC endpoint policy let the nodes do what they need (pull images)? A small evaluator over the resolved
 * policy JSON: Allow/Deny statements, `*` and `?` in actions and resources, principals `*` or an account root.
 * What it cannot judge (conditions, NotAction, specific role principals) counts as "unknown", never as blocked.
 */

type Json = any;

/** What nodes need of a service through its endpoint. */
export interface PolicyNeed {
  readonly action: string;
  /** A sample resource ARN; tokens in the policy match anything. */
  readonly resource: string;
}

/** The needs the join check verifies, by short service name. */
export const NODE_POLICY_NEEDS: Record<string, PolicyNeed[]> = {
  'ecr.api': [{ action: 'ecr:GetAuthorizationToken', resource: '*' }],
  'ecr.dkr': [
    { action: 'ecr:BatchGetImage', resource: 'arn:aws:ecr:us-east-1:602401143452:repository/eks/pause' },
    { action: 'ecr:GetDownloadUrlForLayer', resource: 'arn:aws:ecr:us-east-1:602401143452:repository/eks/pause' },
  ],
  's3': [{ action: 's3:GetObject', resource: 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/layer' }],
};

/**
 * The first need the policy blocks, as "action on resource", or undefined when everything is allowed or cannot be
 * judged. `policy` undefined means the default full-access policy.
 */
export function blockedNeed(policy: Json, needs: PolicyNeed[]): string | undefined {
  if (policy === undefined || policy === null) return undefined;
  const statements: Json[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  for (const need of needs) {
    let allowed = false;
    let unknown = false;
    let denied = false;
    for (const st of statements) {
      const m = statementMatches(st, need);
      if (m === undefined) {
        if (st.Effect !== 'Deny') unknown = true;
        continue;
      }
      if (!m) continue;
      if (st.Effect === 'Deny') denied = true;
      else allowed = true;
    }
    if (denied || (!allowed && !unknown)) return `${need.action} on ${need.resource.replace(/us-east-1/g, '<region>')}`;
  }
  return undefined;
}

function statementMatches(st: Json, need: PolicyNeed): boolean | undefined {
  if (st.Condition || st.NotAction || st.NotResource || st.NotPrincipal) return undefined;
  const principal = principalMatches(st.Principal);
  if (principal !== true) return principal;
  const actions = list(st.Action).map(pattern);
  if (!actions.some(a => a.test(need.action))) return false;
  return list(st.Resource).map(pattern).some(r => r.test(need.resource));
}

function principalMatches(p: Json): boolean | undefined {
  if (p === '*') return true;
  if (p && typeof p === 'object' && 'AWS' in p) {
    for (const a of list(p.AWS)) {
      if (a === '*') return true;
      const text = typeof a === 'string' ? a : JSON.stringify(a);
      if (/:root"?\]*\}*$|:root$/.test(text) || text.endsWith(':root"]]}')) return true;
    }
  }
  return undefined;
}

function list(v: Json): Json[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A policy action or resource as a regular expression: `*` and `?` as globs, intrinsic parts as anything. */
function pattern(v: Json): RegExp {
  const parts: Json[] = typeof v === 'string' ? [v]
    : v && Array.isArray(v['Fn::Join']) && v['Fn::Join'][0] === '' ? v['Fn::Join'][1] : [undefined];
  const source = parts.map(p => (typeof p === 'string'
    ? p.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')
    : '.*')).join('');
  return new RegExp(`^${source}$`, 'i');
}
