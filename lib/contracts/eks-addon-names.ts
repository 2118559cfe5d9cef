import { editDistance } from '../core/edit-distance';

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


/**
 * For a name EKS does not document (and not a Marketplace `<vendor>_<product>`), the documented name closest to it
 * (a prefix of it, or the fewest edits); undefined for a documented name.
 */
export function unknownAddonName(name: string): { closest: string } | undefined {
  if (EKS_ADDON_NAMES.includes(name) || name.includes('_')) return undefined;
  const byPrefix = EKS_ADDON_NAMES.find(n => n.startsWith(name) || name.startsWith(n));
  const closest = byPrefix ?? [...EKS_ADDON_NAMES].sort((x, y) => editDistance(name, x) - editDistance(name, y))[0];
  return { closest };
}
