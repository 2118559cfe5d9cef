/**
 * How a Helm chart version is written. Helm charts carry a SemVer 2 version ("Every chart must have a version number.
 * A version must follow the SemVer 2 standard", https://helm.sh/docs/topics/charts/#charts-and-versioning, read
 * 2026-12-07), and `helm pull --version` also takes a constraint over such versions ("a specific tag (e.g. 1.1.1) or
 * ... a valid range (e.g. ^2.0.0)", https://helm.sh/docs/helm/helm_pull/, read 2026-12-07). A version that is
 * neither (`1.0.O`) matches no chart, and the kubectl handler fails at deploy.
 */

/** One term of a version or constraint: an optional operator, an optional `v`, `1`, `1.2`, `1.2.3` (or `x`/`*` parts), pre-release and build. */
const TERM = /^(?:[<>]=?|=|!=|~|\^)?v?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The problem with a chart version as written, or undefined when it is a SemVer 2 version or a constraint over
 * such versions (tokens are not passed here).
 */
export function chartVersionProblem(version: string): string | undefined {
  const terms = version.split(/\s*(?:\|\||,|\s)\s*/).filter(t => t.length > 0 && t !== '-');
  if (terms.length > 0 && terms.every(t => TERM.test(t))) return undefined;
  return `"${version}" is neither a SemVer 2 chart version (such as 1.2.3) nor a version constraint (such as ^1.2.0)`;
}
