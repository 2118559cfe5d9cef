/**
 * Which Kubernetes versions Amazon EKS still creates clusters for, and which node AMI family fits a version.
 * Pure data and logic: no construct scope.
 *
 * Source: the Amazon EKS Kubernetes release calendar (end of extended support), as of 2026-11.
 * After the end of extended support EKS no longer creates clusters of that version.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 */

/** End of extended support per minor version, ISO dates. Versions older than the first entry are all past it. */
const END_OF_EXTENDED_SUPPORT: Record<string, string> = {
  '1.24': '2025-01-31',
  '1.25': '2025-05-01',
  '1.26': '2025-06-11',
  '1.27': '2025-07-24',
  '1.28': '2025-11-26',
  '1.29': '2026-03-23',
  '1.30': '2026-07-23',
  '1.31': '2026-11-26',
  '1.32': '2027-03-23',
  '1.33': '2027-07-29',
};

/** A parsed `major.minor` Kubernetes version. */
export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
}

/** Parses "1.36" (or "1.36.2"); returns undefined for anything else (tokens included). */
export function parseKubernetesVersion(version: string): ParsedVersion | undefined {
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(version);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** What EKS says about creating a cluster of this version on a given day. */
export interface VersionSupport {
  /** false when EKS no longer creates clusters of this version. */
  readonly creatable: boolean;
  /** End of extended support, when known. */
  readonly endOfExtendedSupport?: string;
}

/**
 * Whether EKS still creates clusters of `version` on `today` (an ISO date, default: now).
 * Versions newer than the table are assumed creatable; unparseable versions too (nothing is known).
 */
export function versionSupport(version: string, today: string = new Date().toISOString().slice(0, 10)): VersionSupport {
  const parsed = parseKubernetesVersion(version);
  if (!parsed) return { creatable: true };
  const key = `${parsed.major}.${parsed.minor}`;
  const end = END_OF_EXTENDED_SUPPORT[key];
  if (end) return { creatable: today <= end, endOfExtendedSupport: end };
  const oldest = parseKubernetesVersion(Object.keys(END_OF_EXTENDED_SUPPORT)[0])!;
  if (parsed.major < oldest.major || (parsed.major === oldest.major && parsed.minor < oldest.minor)) {
    return { creatable: false };
  }
  return { creatable: true };
}

/** The oldest version EKS still creates on `today`, from the table (for error and warning messages). */
export function oldestCreatableVersion(today: string = new Date().toISOString().slice(0, 10)): string | undefined {
  return Object.keys(END_OF_EXTENDED_SUPPORT).find(v => today <= END_OF_EXTENDED_SUPPORT[v]);
}

/**
 * The EKS-optimized Amazon Linux family for managed nodes of a version: EKS itself defaults new managed
 * nodegroups to AL2023 from 1.30, and publishes no AL2 AMIs from 1.33.
 */
export function defaultAmiFamily(version: string): 'AL2' | 'AL2023' {
  const parsed = parseKubernetesVersion(version);
  if (!parsed) return 'AL2023';
  return parsed.major === 1 && parsed.minor < 30 ? 'AL2' : 'AL2023';
}
