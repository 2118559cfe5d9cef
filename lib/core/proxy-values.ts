/**
 * The values of an HTTP(S) proxy as every host gets them (systemd drop-ins, Bottlerocket settings, a shell profile,
 * Lambda's environment): the URL's shape, what a NO_PROXY entry may hold, and what always stays off the proxy.
 */

const PROXY_URL = /^(https?):\/\/([A-Za-z0-9.-]+)(:(\d{1,5}))?\/?$/;

/** A NO_PROXY entry: a host, a `.domain` or a CIDR; nothing that could end a quoted value or be a systemd specifier. */
const NO_PROXY_ENTRY = /^[A-Za-z0-9.:/*-]+$/;

/**
 * What every host keeps off the proxy: itself, the instance metadata service, the EKS Pod Identity agent
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html), in-cluster names and EC2's host names.
 */
export const ALWAYS_NO_PROXY = ['localhost', '127.0.0.1', '169.254.169.254', '169.254.170.23', '.svc', '.cluster.local', '.internal'];

/** What is wrong with a proxy URL (`http(s)://host[:port]`, no credentials, no path), for a misuse error. */
export function checkProxyUrl(url: string): string | undefined {
  const m = PROXY_URL.exec(url);
  if (!m) return `url "${url}" is not http(s)://host[:port] (no credentials, no path)`;
  if (m[4] !== undefined && (Number(m[4]) < 1 || Number(m[4]) > 65535)) return `url "${url}": port ${m[4]} is not from 1 to 65535`;
  return undefined;
}

/** The first NO_PROXY entry that is not a host, a `.domain` or a CIDR. */
export function badNoProxyEntry(entries: string[]): string | undefined {
  return entries.find(n => !NO_PROXY_ENTRY.test(n));
}

/** The first NO_PROXY entry that is not a host, a `.domain` or a CIDR, as a problem for a misuse error. */
export function checkNoProxyEntries(entries: string[]): string | undefined {
  const bad = badNoProxyEntry(entries);
  return bad === undefined ? undefined : `noProxy: "${bad}" is not a host, a .domain or a CIDR`;
}

/** The host of a proxy URL (`proxy.corp.example`). */
export function proxyHost(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/[:/].*$/, '');
}

/** The port of a proxy URL (the scheme's default when absent). */
export function proxyPort(url: string): number {
  const m = /^https?:\/\/[^:/]+:(\d+)/.exec(url);
  return m ? Number(m[1]) : url.startsWith('https') ? 443 : 80;
}
