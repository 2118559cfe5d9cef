/**
 * What an `EgressProxy` becomes on the hosts: the `NO_PROXY` list that keeps everything inside the VPC and behind the
 * endpoints off the proxy, systemd drop-ins, Bottlerocket settings. Pure functions (no construct scope).
 */

import { EgressProxy } from './egress-proxy';
import { dnsName, dnsNameFact } from '../contracts/private-dns-names';
import { cidrContains, ipv4CidrPrefix } from '../core/cidr';
import { ALWAYS_NO_PROXY, badNoProxyEntry, checkNoProxyEntries, checkProxyUrl, proxyHost } from '../core/proxy-values';

/**
 * The two default service CIDRs of an EKS cluster created without one ("If you don't specify a block, Kubernetes
 * assigns addresses from either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks":
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html, read 2026-12-05).
 */
export const EKS_DEFAULT_SERVICE_CIDRS = ['10.100.0.0/16', '172.20.0.0/16'];

/** What the `NO_PROXY` list is made of. */
export interface NoProxyInput {
  /** The VPC's IPv4 CIDR blocks. */
  readonly vpcCidrs: string[];
  /** The cluster's service CIDR, when set; else both EKS defaults. */
  readonly serviceCidr?: string;
  /** Services reached through interface endpoints (local or a hub's): their names stay off the proxy. */
  readonly endpointServices: string[];
  /** Whether S3 is reached through a gateway endpoint (its names stay off the proxy). */
  readonly s3Gateway: boolean;
  readonly region: string;
  /** `amazonaws.com` */
  readonly suffix: string;
  /** The user's entries. */
  readonly extra?: string[];
}

/**
 * The `NO_PROXY` list, in the comma-separated form Go (containerd, kubelet, kubectl, Helm), curl and Python read:
 * - `localhost`, `127.0.0.1`, the instance metadata service `169.254.169.254` and the EKS Pod Identity agent
 *   `169.254.170.23` (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html);
 * - in-cluster names `.svc`, `.cluster.local`, EC2's private host names `.internal`, the VPC's CIDRs and the service
 *   CIDR (https://repost.aws/knowledge-center/eks-http-proxy-configuration-automation lists the service CIDR,
 *   localhost, the VPC CIDR, 169.254.169.254, `.internal` and the endpoint hostnames, read 2026-12-05);
 * - the cluster's API server, `<id>.<x>.<region>.eks.amazonaws.com`: `.eks.<suffix>`;
 * - every name of every service an endpoint serves (the same article: "add AWS service endpoints to NO_PROXY"), and S3's
 *   regional names with the gateway endpoint.
 */
export function noProxyList(input: NoProxyInput): string[] {
  const names: string[] = [];
  for (const service of input.endpointServices) {
    for (const p of dnsNameFact(service)?.calledAs ?? [`${service}.{region}.{suffix}`]) {
      const n = dnsName(p, input.region, input.suffix);
      names.push(n.startsWith('*.') ? n.slice(1) : n);
    }
  }
  if (input.s3Gateway) names.push(`s3.${input.region}.${input.suffix}`, `.s3.${input.region}.${input.suffix}`);
  const all = [
    ...ALWAYS_NO_PROXY, `.eks.${input.suffix}`,
    ...input.vpcCidrs,
    ...(input.serviceCidr ? [input.serviceCidr] : EKS_DEFAULT_SERVICE_CIDRS),
    ...names,
    ...(input.extra ?? []),
  ];
  // Every entry reaches systemd drop-ins, a shell profile and Lambda's environment: hosts, .domains and CIDRs only.
  const bad = badNoProxyEntry(all);
  if (bad !== undefined) throw new Error(`cdk-private-eks: NO_PROXY entry "${bad}" is not a host, a .domain or a CIDR`);
  return [...new Set(all)];
}

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
