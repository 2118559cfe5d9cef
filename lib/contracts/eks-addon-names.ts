/**
 * The EKS add-on names AWS documents, as data (read 2026-12-05):
 * - AWS add-ons: https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
 *   (awsdocs/amazon-eks-user-guide latest/ug/workloads/workloads-add-ons-available-eks.adoc, commit 027430e0)
 * - community add-ons: https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html
 *   (latest/ug/workloads/community-addons.adoc, commit 01385604)
 * AWS Marketplace add-ons are named `<vendor>_<product>` and are not listed: a name with `_` is never questioned.
 */
export const EKS_ADDON_NAMES: readonly string[] = [
  // AWS add-ons
  'vpc-cni', 'coredns', 'kube-proxy', 'aws-ebs-csi-driver', 'aws-efs-csi-driver', 'aws-fsx-csi-driver',
  'aws-mountpoint-s3-csi-driver', 'snapshot-controller', 'amazon-sagemaker-hyperpod-taskgovernance',
  'aws-network-flow-monitoring-agent', 'eks-node-monitoring-agent', 'adot', 'aws-guardduty-agent',
  'amazon-cloudwatch-observability', 'aws-privateca-connector-for-kubernetes', 'eks-pod-identity-agent',
  // community add-ons
  'metrics-server', 'kube-state-metrics', 'prometheus-node-exporter', 'cert-manager', 'external-dns', 'fluent-bit',
];

/** Edit distance between two names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * For a name EKS does not document (and not a Marketplace `<vendor>_<product>`), the documented name closest to it
 * (a prefix of it, or the fewest edits); undefined for a documented name.
 */
export function unknownAddonName(name: string): { closest: string } | undefined {
  if (EKS_ADDON_NAMES.includes(name) || name.includes('_')) return undefined;
  const byPrefix = EKS_ADDON_NAMES.find(n => n.startsWith(name) || name.startsWith(n));
  const closest = byPrefix ?? [...EKS_ADDON_NAMES].sort((x, y) => distance(name, x) - distance(name, y))[0];
  return { closest };
}
