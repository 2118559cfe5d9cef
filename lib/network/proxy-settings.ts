/**
 * An `EgressProxy`'s checks and which hosts it serves. Pure functions (no construct scope). The `NO_PROXY` list, the
 * systemd drop-ins and the Bottlerocket settings the hosts get are in `nodes/node-proxy.ts`.
 */

import { EgressProxy } from './egress-proxy';
import { cidrContains, ipv4CidrPrefix } from '../core/cidr';
import { checkNoProxyEntries, checkProxyUrl, proxyHost } from '../core/proxy-values';

/** Whether a proxy's `hosts` let a host through (`*`, the host itself, or a `.domain` it is under). */
export function proxyServes(hosts: string[], host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  return hosts.some(e => {
    const x = e.toLowerCase();
    if (x === '*') return true;
    if (x.startsWith('.')) return h.endsWith(x) || h === x.slice(1);
    return h === x;
  });
}

/** Problems with a proxy's settings, for a misuse error; undefined when fine. */
export function checkProxy(proxy: EgressProxy): string | undefined {
  const urlProblem = checkProxyUrl(proxy.url);
  if (urlProblem) return urlProblem;
  for (const h of proxy.hosts ?? []) {
    if (!/^(\*|\.?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/.test(h)) return `hosts: "${h}" is not a host name, a .domain or *`;
  }
  for (const c of proxy.proxyCidrs ?? []) {
    if (ipv4CidrPrefix(c) === undefined) return `proxyCidrs: "${c}" is not an IPv4 CIDR`;
  }
  const host = proxyHost(proxy.url);
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : undefined;
  if (ip && proxy.proxyCidrs && !proxy.proxyCidrs.some(c => ipv4CidrPrefix(c) !== undefined && cidrContains(c, `${ip}/32`))) {
    return `url's address ${ip} is in none of proxyCidrs (${proxy.proxyCidrs.join(', ')})`;
  }
  return checkNoProxyEntries(proxy.noProxy ?? []);
}
