/**
 * An explicit HTTP(S) proxy the cluster's hosts use for what no endpoint serves. Public struct only: the settings it
 * becomes (`NO_PROXY`, systemd drop-ins, Bottlerocket settings) are pure functions in `nodes/node-proxy.ts`.
 */

/**
 * An HTTP(S) proxy that the nodes (containerd, kubelet, nodeadm's run phase), the kubectl handler (kubectl, Helm) and
 * the bastion's shell use for the hosts it serves. AWS services the nodes need to join (`ec2`, `ecr.api`, `ecr.dkr`,
 * `s3`) still come from endpoints: the proxy settings do not reach nodeadm's config phase or the VPC CNI, and what the
 * endpoints serve is in `NO_PROXY`.
 */
export interface EgressProxy {
  /** The proxy's URL, `http://proxy.corp.example:3128`. A literal, without credentials. */
  readonly url: string;

  /**
   * Hosts the proxy lets through (`registry.k8s.io`, `.docker.io`, `charts.jetstack.io`): images from these
   * registries and Helm charts from these repositories count as reached. A leading dot covers the subdomains.
   * @default ['*'] - the proxy lets everything through
   */
  readonly hosts?: string[];

  /**
   * The IPv4 CIDRs the proxy's addresses are in, to prove the route from the clients' subnets.
   * @default - unknown: the check cannot prove the route (a warning), and the preflight connects to the proxy
   */
  readonly proxyCidrs?: string[];

  /**
   * More `NO_PROXY` entries (hosts, `.domains`, CIDRs), added to those the library generates.
   * @default - none
   */
  readonly noProxy?: string[];
}
