/**
 * Maximum pods per node with the Amazon VPC CNI in its default mode (one address per pod, no prefix delegation):
 * ENIs x (IPv4 addresses per ENI - 1) + 2, as in the EKS AMI's eni-max-pods.txt. Only common types are listed;
 * for others the subnet-size check is skipped rather than guessed.
 */

const BURSTABLE: Record<string, number> = {
  'nano': 4, 'micro': 4, 'small': 11, 'medium': 17, 'large': 35, 'xlarge': 58, '2xlarge': 58,
};

/**
 * Where a family's size departs from its neighbours: `t3a.small` has 2 ENIs of 4 addresses (8 pods), where `t3.small`
 * and `t4g.small` have 3 (11). Source: awslabs/amazon-eks-ami templates/shared/runtime/eni-max-pods.txt at tag
 * v20260304, line 1133 ("t3a.small 8"; the file was deleted after that tag, #2659), and its successor
 * nodeadm/internal/kubelet/instance-info.jsonl at tag v20260724, line 1278 (t3a.small: defaultMaxENIs 2,
 * ipv4AddressesPerInterface 4), read 2026-12-07. Every other type of this table matches that file.
 */
const EXCEPTIONS: Record<string, number> = {
  't3a.small': 8,
};

// Nitro general-purpose, compute and memory families from the 5th generation on share the per-size ENI limits.
const NITRO_BY_SIZE: Record<string, number> = {
  'large': 29,
  'xlarge': 58,
  '2xlarge': 58,
  '4xlarge': 234,
  '8xlarge': 234,
  '9xlarge': 234,
  '12xlarge': 234,
  '16xlarge': 737,
  '18xlarge': 737,
  '24xlarge': 737,
};

const BURSTABLE_FAMILIES = /^t(3|3a|4g)$/;
const NITRO_FAMILIES = /^(m|c|r)(5|5a|5n|6i|6a|6g|7i|7a|7g)$/;

/** Max pods for an instance type such as `t3.medium`, or undefined when the table does not list it. */
export function maxPodsFor(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  if (!family || !size) return undefined;
  if (EXCEPTIONS[instanceType] !== undefined) return EXCEPTIONS[instanceType];
  if (BURSTABLE_FAMILIES.test(family)) return BURSTABLE[size];
  if (NITRO_FAMILIES.test(family)) return NITRO_BY_SIZE[size];
  return undefined;
}
