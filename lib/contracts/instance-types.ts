import { Annotations, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { editDistance } from '../core/edit-distance';
import { misuse } from '../core/errors';

/**
 * EC2 instance type names, checked at synth so that a typo (`t3.mediun`) fails in seconds instead of failing the
 * nodegroup's creation in CloudFormation.
 *
 * The data is aws-cdk-lib's own: the families of `ec2.InstanceClass` (through `ec2.InstanceType.of`, which maps the
 * symbolic members such as BURSTABLE3 to `t3`) and the sizes of `ec2.InstanceSize`
 * (node_modules/aws-cdk-lib/aws-ec2/lib/instance-types.d.ts, aws-cdk-lib 2.276.0), so the list moves with
 * aws-cdk-lib upgrades. The naming rule (`<family>.<size>`, the family being everything before the period) is EC2's:
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html (read 2026-12-05).
 *
 * aws-cdk-lib lags behind EC2, so a name its enums do not hold is not necessarily wrong. The verdicts:
 * - `ok`: family and size both in aws-cdk-lib's enums (the pair itself is not checked: `t3.metal` passes).
 * - `error`: the name is not `<family>.<size>`, or the size is neither one of aws-cdk-lib's nor of EC2's size shape
 *   (`nano` ... `large`, `<N>xlarge`, `metal`, `metal-<N>xl`): no instance type has such a size, so it is a typo
 *   whatever the family (`t3.mediun`, `m5.lage`, `t5.mediun`).
 * - `warn`: the size has EC2's shape but the family or the size is not in aws-cdk-lib's enums (`p6-b200.48xlarge`,
 *   `t3.192xlarge`): maybe newer than aws-cdk-lib, maybe a typo (`t3x.medium`); acknowledgeable.
 */
export interface InstanceTypeVerdict {
  readonly verdict: 'ok' | 'warn' | 'error';
  /** The closest name aws-cdk-lib knows, when not ok and one is close. */
  readonly suggestion?: string;
}

/** Families (the part before the period) of aws-cdk-lib's `ec2.InstanceClass`, in concrete form. */
export const KNOWN_INSTANCE_FAMILIES: ReadonlySet<string> = new Set(
  Object.values(ec2.InstanceClass)
    .map(c => ec2.InstanceType.of(c, ec2.InstanceSize.LARGE).toString().split('.')[0])
    // A few symbolic members have no concrete mapping in aws-cdk-lib 2.276 (PARALLEL5_EXTENDED): not a family name.
    .filter(f => !/^[a-z]{4,}\d/.test(f)),
);

/** Sizes of aws-cdk-lib's `ec2.InstanceSize`. */
export const KNOWN_INSTANCE_SIZES: ReadonlySet<string> = new Set(Object.values(ec2.InstanceSize));

/** The shape of an EC2 size (every size of `ec2.InstanceSize` has it; a test pins that). */
export const INSTANCE_SIZE_SHAPE = /^(?:nano|micro|small|medium|large|\d*xlarge|metal|metal-\d+xl)$/;

/** Judges an instance type name (a literal; tokens are not passed here). */
export function checkInstanceTypeName(name: string): InstanceTypeVerdict {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)$/.exec(name);
  if (!m) {
    const parts = name.toLowerCase().replace(/\s+/g, '').split(/[._-]/);
    const guess = parts.length >= 2 ? `${closest(parts[0], KNOWN_INSTANCE_FAMILIES)}.${closest(parts.slice(1).join('-'), KNOWN_INSTANCE_SIZES)}` : joinedGuess(parts[0]);
    return { verdict: 'error', suggestion: guess && checkInstanceTypeName(guess).verdict === 'ok' ? guess : undefined };
  }
  const [, family, size] = m;
  const familyKnown = KNOWN_INSTANCE_FAMILIES.has(family);
  const sizeKnown = KNOWN_INSTANCE_SIZES.has(size);
  if (familyKnown && sizeKnown) return { verdict: 'ok' };
  const suggestion = `${familyKnown ? family : closest(family, KNOWN_INSTANCE_FAMILIES)}.${sizeKnown ? size : closest(size, KNOWN_INSTANCE_SIZES)}`;
  if (!sizeKnown && !INSTANCE_SIZE_SHAPE.test(size)) return { verdict: 'error', suggestion };
  return { verdict: 'warn', suggestion: suggestion !== name ? suggestion : undefined };
}

/**
 * For a name written without its period (`m5large`, `t3medium`): a known family followed by a known size, the
 * longest family first (`m5dn` before `m5`); undefined when no split gives one.
 */
function joinedGuess(word: string): string | undefined {
  const families = [...KNOWN_INSTANCE_FAMILIES].filter(f => word.startsWith(f)).sort((a, b) => b.length - a.length);
  for (const f of families) {
    const size = word.slice(f.length);
    if (KNOWN_INSTANCE_SIZES.has(size)) return `${f}.${size}`;
  }
  return undefined;
}

/** The known name nearest to `word` (edit distance; ties: the first in aws-cdk-lib's order). */
function closest(word: string, known: ReadonlySet<string>): string {
  let best = word;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}


/** The warning ID of an instance type aws-cdk-lib's enums do not name (acknowledgeable). */
export const UNVERIFIED_INSTANCE_TYPE_WARNING = 'cdk-private-eks:instanceTypeNotVerified';

/**
 * Refuses an instance type that cannot exist (the construct path, the value and the nearest name), and warns about
 * one aws-cdk-lib does not name. Tokens are not checked.
 */
export function validateInstanceType(scope: IConstruct, prop: string, instanceType: ec2.InstanceType): void {
  const name = instanceType.toString();
  if (Token.isUnresolved(name)) return;
  const { verdict, suggestion } = checkInstanceTypeName(name);
  if (verdict === 'ok') return;
  const hint = suggestion ? `did you mean ${suggestion}? ` : '';
  if (verdict === 'error') {
    throw misuse(scope, `${prop}: "${name}" is not an EC2 instance type (a name is <family>.<size>, such as t3.medium or m7g.2xlarge, `
      + 'and no instance type has this size), so the nodegroup or instance would fail to create at deploy',
    `${hint}use a type from https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html`);
  }
  Annotations.of(scope).addWarningV2(UNVERIFIED_INSTANCE_TYPE_WARNING,
    `${prop}: "${name}" is not among aws-cdk-lib's instance types (ec2.InstanceClass, ec2.InstanceSize): it may be newer than `
    + `aws-cdk-lib, or a typo that fails at deploy. Fix: ${hint}check it with \`aws ec2 describe-instance-types --instance-types ${name}\`, `
    + `then acknowledge this warning (Annotations.of(scope).acknowledgeWarning('${UNVERIFIED_INSTANCE_TYPE_WARNING}', reason)).`);
}
