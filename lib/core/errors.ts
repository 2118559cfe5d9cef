import { Token, ValidationError } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The library's constructs, by class name: a trace starts at the user's call to the outermost one. */
const LIBRARY_CONSTRUCTS = new Set([
  'PrivateEksCluster', 'PrivateNetwork', 'VpcFlowLogs', 'NodeEndpoints', 'ClusterBastion', 'PrivateNodegroup',
  'WorkloadServiceAccount', 'NetworkPreflight', 'EcrPullThroughCache', 'ClusterAddon', 'LoadBalancerController', 'Karpenter',
  'EndpointHub', 'EgressProxy', 'DnsFirewall', 'ApiRelay', 'PrivateCiRunner', 'ArgoCdCapability',
]);

/**
 * An error for API misuse, thrown from a constructor: names the construct path, what is wrong (with the value
 * received) and the fix, so the user does not have to guess which of their constructs is meant.
 */
export function misuse(scope: IConstruct, problem: string, fix: string, entry?: (...args: any[]) => any): Error {
  const error = new ValidationError('CdkPrivateEksMisuse' as any, `[${scope.node.path}] ${problem}. Fix: ${fix}.`, scope);
  // Start the trace at the user's call (`new PrivateEksCluster(...)`), so the code frame Node prints above the message
  // shows their line rather than this helper: the outermost of this library's constructs being constructed, else the
  // public method passed as `entry`, else the frame that called this helper.
  // With CDK_DEBUG set, the whole trace is kept.
  if (process.env.CDK_DEBUG) return error;
  const ours: Array<(...args: any[]) => any> = [];
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if (LIBRARY_CONSTRUCTS.has(c.constructor.name)) ours.unshift(c.constructor as (...args: any[]) => any);
  }
  for (const above of [...ours, entry, misuse]) {
    if (!above) continue;
    Error.captureStackTrace(error, above);
    if (/\n\s+at /.test(error.stack ?? '')) break;
  }
  error.stack = userFrames(error.stack ?? '');
  return error;
}

/**
 * A trace with the user's own frames only: Node's internals, the TypeScript runner's and aws-cdk-lib's frames are
 * folded into one line each, as aws-cdk-lib folds its own, so the message and the user's line are what is read.
 * (The `node:internal/...` line Node prints above an uncaught error, and its `Node.js vNN` line below, are Node's.)
 */
export function userFrames(stack: string): string {
  const lines = stack.split('\n');
  const first = lines.findIndex(l => /^\s+at /.test(l));
  if (first < 0) return stack;
  const out = lines.slice(0, first);
  let folded: string | undefined;
  for (const line of lines.slice(first)) {
    const internal = /\(node:|at node:|node_modules[\\/]/.test(line);
    if (!internal) {
      if (folded) out.push(folded);
      folded = undefined;
      out.push(line);
    } else {
      folded = /node_modules[\\/](tsx|ts-node|@swc|jest)/.test(line) ? '    ...node internals, the TypeScript runner...' : folded ?? '    ...node internals...';
    }
  }
  if (folded) out.push(folded);
  return out.join('\n');
}

/** True when the number is known at synth time (not a token). */
export function isConcreteNumber(n: number | undefined): n is number {
  return n !== undefined && !Token.isUnresolved(n);
}
