/**
 * The proof for an explicit HTTP(S) proxy (`EgressProxy`): what the proxy serves counts as reached only from subnets
 * with a route to the proxy. Pure functions of plain facts; `join-analysis.ts` calls them with the clients that use
 * the proxy (nodes pulling images from registries it lets through, the kubectl handler pulling charts).
 */

import { HubClientSubnet, HubFinding } from './hub-rules';
import { cidrContains } from '../core/cidr';

/** The proxy as the check sees it. */
export interface ProxyFacts {
  readonly url: string;
  /** Hosts it lets through (`*`, hosts, `.domains`). */
  readonly hosts: string[];
  /** Where its addresses are; undefined when not given. */
  readonly cidrs?: string[];
}

/** A client that sends something through the proxy, and what. */
export interface ProxyClient {
  readonly label: string;
  readonly subnets: HubClientSubnet[];
  /** What it fetches through the proxy (`registry.k8s.io (images)`), for the message. */
  readonly uses: string[];
}


const KC_PROXY = 'https://repost.aws/knowledge-center/eks-http-proxy-containerd-automation';
const EKS_PRIVATE = 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html';

export const PROXY_RULES = [
  { id: 'PEKS-PROXY-1', severity: 'error' as const, reason: 'a client fetches through the proxy and a subnet of it has no route to the proxy\'s CIDRs', source: `${EKS_PRIVATE} (no outbound internet access); ${KC_PROXY} (containerd, kubelet and the sandbox image reach the internet through the proxy)` },
  { id: 'PEKS-PROXY-2', severity: 'warning' as const, reason: 'the route to the proxy cannot be proven at synth (proxyCidrs not given, or route tables not in the app): the preflight connects to it', source: `${EKS_PRIVATE}; ${KC_PROXY}` },
];

/** Runs the proxy rules. */
export function analyzeProxy(proxy: ProxyFacts, clients: ProxyClient[], vpcCidrs: string[] | undefined): HubFinding[] {
  const findings: HubFinding[] = [];
  const users = clients.filter(c => c.uses.length > 0);
  if (users.length === 0) return findings;
  for (const c of users) {
    const unseen: string[] = [];
    const missing: string[] = [];
    for (const s of c.subnets) {
      if (!proxy.cidrs || s.routes === undefined) {
        unseen.push(s.name);
        continue;
      }
      // A proxy inside this VPC is reached by the local route.
      const local = proxy.cidrs.every(p => (vpcCidrs ?? []).some(v => cidrContains(v, p)));
      if (local) continue;
      const routed = proxy.cidrs.every(p => s.routes!.some(r => r.target !== 'local' && cidrContains(r.destination, p)));
      if (!routed) missing.push(s.name);
    }
    const what = c.uses.join(', ');
    if (missing.length > 0) {
      findings.push({
        ruleId: 'PEKS-PROXY-1',
        message: `${c.label}: subnet${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no route to the proxy ${proxy.url} (${proxy.cidrs!.join(', ')}), which serves ${what}`,
        fix: `route ${proxy.cidrs!.join(', ')} from these subnets (network.attachToTransitGateway(...), or an ec2.CfnRoute to your transit gateway or peering connection)`,
      });
    }
    if (unseen.length > 0) {
      findings.push({
        ruleId: 'PEKS-PROXY-2',
        message: `${c.label}: the route from ${unseen.join(', ')} to the proxy ${proxy.url} cannot be proven at synth (${proxy.cidrs ? 'route tables not in this app' : 'proxy.proxyCidrs not given'}), which serves ${what}`,
        fix: proxy.cidrs ? 'keep preflight on (it connects to the proxy from these subnets), then acknowledge' : 'give proxy.proxyCidrs (where the proxy\'s addresses are), or keep preflight on and acknowledge',
      });
    }
  }
  return findings;
}
