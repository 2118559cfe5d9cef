/**
 * Which releases of a controller the library installs support a Kubernetes minor version, as data rows with their
 * source and the day they were read. Pure data: the upgrade check (lib/cluster/upgrade-checks.ts) reads it when the
 * cluster's version changes. A minor with no row is "not covered": the check warns, it does not fail.
 */

/** The oldest release of a component that supports one Kubernetes minor. */
export interface KubernetesCoverageRow {
  /** The component (a contract's name, `karpenter`). */
  readonly component: string;
  /** The Kubernetes minor version (`1.34`). */
  readonly kubernetes: string;
  /** The oldest release that supports it (`1.6.0`). */
  readonly minRelease: string;
  /**
   * The newest minor line that supports it, when the source gives an upper bound (`1.9`: "1.9.x").
   * @default - every later release
   */
  readonly maxReleaseLine?: string;
  /** The document (URL and what it says). */
  readonly source: string;
  /** The day the source was read (YYYY-MM-DD). */
  readonly read: string;
}

const KARPENTER_MATRIX = 'https://karpenter.sh/v1.9/upgrading/compatibility/ (Compatibility Matrix: "1.29 >= 0.34 | 1.30 >= 0.37 | '
  + '1.31 >= 1.0.5 | 1.32 >= 1.2 | 1.33 >= 1.5 | 1.34 >= 1.6 | 1.35 1.9.x")';

/**
 * Karpenter's compatibility matrix. The 1.35 cell reads "1.9.x" on the v1.9 (LTS) page; later pages were not found in
 * the stored sources on 2026-12-07, so releases above 1.9 are read as supporting 1.35 too (the matrix only ever raised
 * the minimum), and no row covers 1.36 yet: the check then warns that nothing proves it.
 */
const ROWS: KubernetesCoverageRow[] = [
  ['1.29', '0.34.0'], ['1.30', '0.37.0'], ['1.31', '1.0.5'], ['1.32', '1.2.0'], ['1.33', '1.5.0'], ['1.34', '1.6.0'], ['1.35', '1.9.0'],
].map(([kubernetes, minRelease]) => ({ component: 'karpenter', kubernetes, minRelease, source: KARPENTER_MATRIX, read: '2026-12-07' }));

/** The coverage rows. */
export class KubernetesCoverage {
  /** Every row (copies). */
  public static all(): KubernetesCoverageRow[] {
    return ROWS.map(r => ({ ...r }));
  }

  /** The row of a component for a Kubernetes minor (`1.34`), or undefined when no row covers it. */
  public static of(component: string, kubernetes: string): KubernetesCoverageRow | undefined {
    const r = ROWS.find(x => x.component === component && x.kubernetes === kubernetes);
    return r ? { ...r } : undefined;
  }

  /** The components that have rows. */
  public static components(): string[] {
    return [...new Set(ROWS.map(r => r.component))];
  }

  private constructor() {}
}
