import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * An error for API misuse, thrown from a constructor: names the construct path, what is wrong (with the value
 * received) and the fix, so the user does not have to guess which of their constructs is meant.
 */
export function misuse(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`[${scope.node.path}] ${problem}. Fix: ${fix}.`);
}

/** True when the number is known at synth time (not a token). */
export function isConcreteNumber(n: number | undefined): n is number {
  return n !== undefined && !Token.isUnresolved(n);
}
