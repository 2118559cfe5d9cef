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

/**
 * How EKS writes the versions of its add-ons: `v<major>.<minor>.<patch>-eksbuild.<build>` (`v1.11.1-eksbuild.9`), as
 * `aws eks describe-addon-versions` lists them (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeAddonVersions.html,
 * `addonVersion`; the version tables of https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html),
 * read 2026-12-07. Only a version that names an EKS build (`eksbuild`) is judged: other publishers' versions may
 * take other shapes.
 */
const EKS_BUILD_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** The problem with an add-on version that names an EKS build but is not written as EKS writes it, and the likely intent. */
export function addonVersionProblem(version: string): { readonly problem: string; readonly suggestion?: string } | undefined {
  if (!/eksbuild/i.test(version) || EKS_BUILD_VERSION.test(version)) return undefined;
  const m = /^\s*v?(\d+)\.(\d+)\.(\d+)\s*-?\s*eksbuild\s*[.-]?\s*(\d+)\s*$/i.exec(version);
  const suggestion = m ? `v${m[1]}.${m[2]}.${m[3]}-eksbuild.${m[4]}` : undefined;
  return { problem: `"${version}" is not an EKS add-on version (EKS writes them v<major>.<minor>.<patch>-eksbuild.<build>, such as v1.11.1-eksbuild.9)`, suggestion };
}
