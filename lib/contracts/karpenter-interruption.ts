/**
 * The EventBridge rules that feed Karpenter's interruption queue: which events each Karpenter release reads, as rows
 * with their source. Karpenter's getting-started cloudformation.yaml creates one rule per row; the controller's
 * interruption parsers (pkg/controllers/interruption/parser.go) say which detail types it handles.
 */

/** One EventBridge rule of Karpenter's interruption handling. */
export interface KarpenterInterruptionRule {
  /** The rule's name in the getting-started template, without `Rule` (the construct ID is `<name>Rule`). */
  readonly name: string;
  /** The event source (`aws.ec2`, `aws.health`). */
  readonly source: string;
  /** The event's detail type. */
  readonly detailType: string;
  /** The first Karpenter release that reads the event. */
  readonly from: string;
  /** Where it comes from (repository, path and line at a tag). */
  readonly sourceRef: string;
  /** The day the source was read (YYYY-MM-DD). */
  readonly read: string;
}

const TEMPLATE = 'aws/karpenter-provider-aws website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml';

/**
 * The rules, oldest first. The first four are in the template at v1.0.0 and every later tag read (to v1.14.1).
 * CapacityReservationInterruption: the template adds it at v1.11.0 (line 427; absent at v1.10.0 to v1.10.2), while
 * the controller parses the event from v1.10.0 (pkg/controllers/interruption/parser.go line 60 registers
 * capacityreservationinterruption.Parser, whose DetailType is "EC2 Capacity Reservation Instance Interruption Warning",
 * messages/capacityreservationinterruption/parser.go line 43; absent at v1.9.0). The two disagree on 1.10: the rule is
 * created from 1.10.0, where the controller reads what it delivers.
 */
const RULES: KarpenterInterruptionRule[] = [
  { name: 'ScheduledChange', source: 'aws.health', detailType: 'AWS Health Event', from: '1.0.0', sourceRef: `${TEMPLATE} at v1.0.0 (ScheduledChangeRule)`, read: '2026-12-07' },
  { name: 'SpotInterruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning', from: '1.0.0', sourceRef: `${TEMPLATE} at v1.0.0 (SpotInterruptionRule)`, read: '2026-12-07' },
  { name: 'Rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation', from: '1.0.0', sourceRef: `${TEMPLATE} at v1.0.0 (RebalanceRule)`, read: '2026-12-07' },
  { name: 'InstanceStateChange', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', from: '1.0.0', sourceRef: `${TEMPLATE} at v1.0.0 (InstanceStateChangeRule)`, read: '2026-12-07' },
  {
    name: 'CapacityReservationInterruption',
    source: 'aws.ec2',
    detailType: 'EC2 Capacity Reservation Instance Interruption Warning',
    from: '1.10.0',
    sourceRef: `${TEMPLATE} at v1.11.0 line 427 and v1.14.0 line 454 (CapacityReservationInterruptionRule); `
      + 'pkg/controllers/interruption/parser.go at v1.10.0 line 60',
    read: '2026-12-07',
  },
];

function parts(v: string): number[] {
  return v.split('.').map(Number);
}

function atLeast(version: string, from: string): boolean {
  const [a, b] = [parts(version), parts(from)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The rules a Karpenter release (`1.14.0`) reads, oldest first. */
export function karpenterInterruptionRules(version: string): KarpenterInterruptionRule[] {
  return RULES.filter(r => atLeast(version, r.from)).map(r => ({ ...r }));
}
