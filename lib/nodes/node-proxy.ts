/**
 * What an HTTP(S) proxy becomes on a node: the `NO_PROXY` list a node needs (what it must reach directly), systemd
 * drop-ins for containerd and kubelet (Amazon Linux), or `settings.network` (Bottlerocket). Pure functions, and one
 * read of the construct tree (the VPC's endpoints and CIDR blocks); the values are checked before they get here
 * (`checkProxyValues`) and reach the host as files written from base64, never as shell text.
 */

import { IResolveContext, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { dnsName, dnsNameFact } from '../contracts/private-dns-names';
import { locationOf } from '../core/aws-env';
import { literal, literalVpcCidr } from '../core/cidr';
import { ALWAYS_NO_PROXY, badNoProxyEntry, checkNoProxyEntries, checkProxyUrl } from '../core/proxy-values';
import { writeFileLine } from '../core/user-data';

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
 *   CIDR (the Knowledge Center article lists the service CIDR, localhost, 127.0.0.1, the VPC CIDR, 169.254.169.254,
 *   `.internal`, `s3.amazonaws.com`, `.s3.us-east-1.amazonaws.com`, `api.ecr.us-east-1.amazonaws.com`,
 *   `dkr.ecr.us-east-1.amazonaws.com` and `ec2.us-east-1.amazonaws.com`:
 *   https://repost.aws/knowledge-center/eks-http-proxy-configuration-automation, read 2026-12-07);
 * - the cluster's API server, `<id>.<x>.<region>.eks.amazonaws.com`: `.eks.<suffix>`;
 * - every name of every service an endpoint serves (the same article: "add AWS service endpoints to NO_PROXY"), and S3's
 *   regional names with the gateway endpoint. The article's `s3.amazonaws.com` is S3's legacy global name, which
 *   serves US East (N. Virginia) ("your virtual-hosted-style request goes to the US East (N. Virginia) Region":
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html, read 2026-12-07; the article's example
 *   is us-east-1): it stays off the proxy, with `.s3.amazonaws.com`, where the gateway endpoint is us-east-1's. In
 *   another region a gateway endpoint does not reach it, so it goes to the proxy like any host outside the region.
 */
export function noProxyList(input: NoProxyInput): string[] {
  const names: string[] = [];
  for (const service of input.endpointServices) {
    for (const p of dnsNameFact(service)?.calledAs ?? [`${service}.{region}.{suffix}`]) {
      const n = dnsName(p, input.region, input.suffix);
      names.push(n.startsWith('*.') ? n.slice(1) : n);
    }
  }
  if (input.s3Gateway) {
    names.push(`s3.${input.region}.${input.suffix}`, `.s3.${input.region}.${input.suffix}`);
    if (input.region === 'us-east-1') names.push(`s3.${input.suffix}`, `.s3.${input.suffix}`);
  }
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

/**
 * The VPC's secondary IPv4 CIDR blocks created in its stack so far (`AWS::EC2::VPCCidrBlock` on this VPC), when
 * literal: what the probe and NO_PROXY must count as inside the VPC.
 */
export function secondaryCidrs(vpc: ec2.IVpc): string[] {
  const out: string[] = [];
  for (const c of Stack.of(vpc).node.findAll()) {
    if (c instanceof ec2.CfnVPCCidrBlock && c.vpcId === vpc.vpcId && typeof c.cidrBlock === 'string' && !Token.isUnresolved(c.cidrBlock)) out.push(c.cidrBlock);
  }
  return out;
}

/** The service CIDR a cluster of this app sets, when literal (an imported cluster: undefined). */
export function serviceCidrOf(cluster: eks.ICluster): string | undefined {
  const cfn = cluster.node.defaultChild;
  if (!(cfn instanceof eks.CfnCluster)) return undefined;
  const net = cfn.kubernetesNetworkConfig as eks.CfnCluster.KubernetesNetworkConfigProperty | undefined;
  return net && !Token.isUnresolved(net) ? literal(net.serviceIpv4Cidr) : undefined;
}

/**
 * The endpoint services the VPC serves privately, as this app builds them: interface endpoints with private DNS on
 * (their names resolve to the endpoint; without private DNS they resolve to the public service, which a node with no
 * internet route reaches only through the proxy) and the S3 gateway endpoint, by short name. Read from the whole app
 * (the endpoints may be in another construct of the stack) when the template is written.
 */
export function privateEndpointServicesOf(vpc: ec2.IVpc): { interfaceServices: string[]; s3Gateway: boolean } {
  const interfaceServices: string[] = [];
  let s3Gateway = false;
  for (const c of vpc.node.root.node.findAll()) {
    if (!(c instanceof ec2.CfnVPCEndpoint) || c.vpcId !== vpc.vpcId) continue;
    const service = endpointShortName(c);
    if (!service) continue;
    const type = literal(c.vpcEndpointType) ?? 'Gateway';
    if (type === 'Gateway' && service === 's3') s3Gateway = true;
    if (type === 'Interface' && c.privateDnsEnabled === true) interfaceServices.push(service);
  }
  return { interfaceServices: [...new Set(interfaceServices)], s3Gateway };
}

/**
 * `com.amazonaws.<region>.ecr.api` -> `ecr.api`, the region a literal or a reference (aws-cdk-lib writes the S3
 * gateway's name as `com.amazonaws.` + `AWS::Region` + `.s3` even in a concrete region); undefined for a name it
 * cannot read (a private service, a parameter).
 */
function endpointShortName(e: ec2.CfnVPCEndpoint): string | undefined {
  const resolved = Stack.of(e).resolve(e.serviceName);
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  const name = typeof resolved === 'string' ? resolved
    : join ? join[1].map(p => (typeof p === 'string' ? p : '\u00a7')).join(join[0]) : undefined;
  if (!name) return undefined;
  const m = /^(?:cn\.)?com\.amazonaws\.(?:\u00a7|[a-z0-9-]+)\.([a-z0-9.-]+)$/.exec(name);
  return m && !m[1].startsWith('vpce-svc-') ? m[1] : undefined;
}

/**
 * What a node of `cluster` must reach directly, from what this app shows of its cluster and VPC: the VPC's CIDR blocks,
 * the service CIDR, the API server's domain and the names of the endpoints the VPC serves privately (`noProxyList`).
 * A problem (for a misuse error) when the VPC's CIDR or the region is not known at synth; else a function to call
 * when the template is written (after every endpoint was added).
 */
export function nodeNoProxy(scope: IConstruct, cluster: eks.ICluster): { problem: string; fix: string } | (() => string[]) {
  const vpcCidr = literalVpcCidr(cluster.vpc) ?? importedVpcCidr(cluster.vpc);
  if (!vpcCidr) {
    return {
      problem: 'httpsProxy: the VPC\'s CIDR is not a literal value, and NO_PROXY must name it (or the nodes\' calls inside the VPC, to the API server and the endpoints, go to the proxy)',
      fix: 'import the VPC with its vpcCidrBlock, or create it in this app',
    };
  }
  const location = locationOf(scope);
  if (!location.regionKnown) {
    return {
      problem: 'httpsProxy: the stack is environment-agnostic, and NO_PROXY must name the API server\'s and the endpoints\' regional names',
      fix: 'give the stack an `env` with account and region',
    };
  }
  return () => {
    const endpoints = privateEndpointServicesOf(cluster.vpc);
    return noProxyList({
      vpcCidrs: [vpcCidr, ...secondaryCidrs(cluster.vpc)],
      serviceCidr: serviceCidrOf(cluster),
      endpointServices: endpoints.interfaceServices,
      s3Gateway: endpoints.s3Gateway,
      region: location.region,
      suffix: location.urlSuffix,
    });
  };
}

/** The CIDR an imported VPC was given (`Vpc.fromVpcAttributes` throws on reading one it was not given). */
function importedVpcCidr(vpc: ec2.IVpc): string | undefined {
  try {
    return literal(vpc.vpcCidrBlock);
  } catch {
    return undefined;
  }
}

/**
 * The drop-in that gives a systemd service the proxy (`[Service]` with `Environment=`), the shape the AWS Knowledge
 * Center gives for containerd nodes ("Set the proxy configuration to containerd, sandbox-image, and kubelet":
 * https://repost.aws/knowledge-center/eks-http-proxy-containerd-automation, read 2026-12-05).
 */
export function systemdProxyDropIn(url: string, noProxy: string): string {
  // The values are checked (checkProxyValues); a value that is not would end the quoted assignment or be read as a
  // systemd specifier (%): refuse it rather than write it.
  const problem = checkProxyValues(url, noProxy.split(','));
  if (problem) throw new Error(`cdk-private-eks: ${problem}`);
  return [
    '[Service]',
    `Environment="HTTP_PROXY=${url}"`,
    `Environment="HTTPS_PROXY=${url}"`,
    `Environment="NO_PROXY=${noProxy}"`,
    `Environment="http_proxy=${url}"`,
    `Environment="https_proxy=${url}"`,
    `Environment="no_proxy=${noProxy}"`,
    '',
  ].join('\n');
}

/**
 * Bottlerocket's settings for a proxy (`settings.network.https-proxy`, `settings.network.no-proxy`; "On Kubernetes
 * variants proxy settings also affect the kubelet.service", "On all variants proxy settings affect containerd.service":
 * https://bottlerocket.dev/en/os/1.26.x/api/settings/network/, read 2026-12-05), as TOML.
 */
export function bottlerocketProxySettings(url: string, noProxy: string[]): string {
  return [
    '[settings.network]',
    `https-proxy = ${JSON.stringify(url)}`,
    `no-proxy = [${noProxy.map(n => JSON.stringify(n)).join(', ')}]`,
    '',
  ].join('\n');
}

/** Problems with a proxy URL or NO_PROXY entries, for a misuse error; undefined when fine. */
export function checkProxyValues(url: string, noProxy: string[]): string | undefined {
  return checkProxyUrl(url) ?? checkNoProxyEntries(noProxy);
}

/**
 * The systemd units of an Amazon Linux node that get the proxy: containerd and kubelet, and nodeadm's run phase, which
 * starts after cloud-init's scripts ("start after cloud-init, in order to pickup changes the user may have applied via
 * cloud-init scripts": amazon-eks-ami templates/al2023/runtime/rootfs/etc/systemd/system/nodeadm-run.service, read
 * 2026-12-05). Its config phase runs before cloud-init (nodeadm-config.service: "Before=cloud-init.service") and
 * reaches EC2 and IMDS, which stay off the proxy anyway.
 */
export const NODE_PROXY_UNITS = ['containerd.service', 'kubelet.service', 'nodeadm-run.service'];

/**
 * NO_PROXY as the nodes get it: the entries given first (the cluster's generated list keeps its order), then what the
 * nodes must reach directly (`generated`), without repeats, checked. The entries given may be tokens known at synth
 * (the cluster's generated list); a value CloudFormation fills in at deploy would reach the drop-in unchecked: refused.
 */
export function nodeNoProxyEntries(ctx: IResolveContext, url: string, given: string[], generated: () => string[]): string[] {
  const list = [...ALWAYS_NO_PROXY, ...given.flatMap(n => {
    if (!Token.isUnresolved(n)) return [n];
    const resolved = ctx.resolve(n);
    if (typeof resolved !== 'string' || Token.isUnresolved(resolved)) {
      throw new Error('cdk-private-eks: noProxy entries must be known at synth (a deploy-time value cannot be checked before it reaches the nodes\' systemd drop-ins). Fix: write them out.');
    }
    return resolved.split(',');
  }), ...generated()].filter((n, i, all) => n.length > 0 && all.indexOf(n) === i);
  const problem = checkProxyValues(url, list);
  if (problem) throw new Error(`cdk-private-eks: noProxy: ${problem}. Fix: list hosts, .domains or CIDRs.`);
  return list;
}

/**
 * The shell lines (Amazon Linux, run by cloud-init before nodeadm's run phase starts containerd and kubelet) that write
 * the proxy's drop-in for each of `NODE_PROXY_UNITS` as a file from base64, and reload systemd. No value is shell text.
 */
export function amazonLinuxProxyLines(url: string, given: string[], generated: () => string[]): string[] {
  const dropIn = Lazy.uncachedString({ produce: (ctx: IResolveContext) => systemdProxyDropIn(url, nodeNoProxyEntries(ctx, url, given, generated).join(',')) });
  return [...NODE_PROXY_UNITS.map(unit => writeFileLine(`/etc/systemd/system/${unit}.d/http-proxy.conf`, dropIn)), 'systemctl daemon-reload'];
}

/** Bottlerocket's `[settings.network]` TOML for the proxy, written when the template is. */
export function bottlerocketProxyToml(url: string, given: string[], generated: () => string[]): string {
  return Lazy.uncachedString({ produce: (ctx: IResolveContext) => bottlerocketProxySettings(url, nodeNoProxyEntries(ctx, url, given, generated)) });
}

/**
 * EC2's limit on user data: "User data is limited to 16 KB, in raw form, before it is base64-encoded"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html, read 2026-12-07).
 */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * A problem when the user data the library writes is over EC2's limit (the proxy's drop-in is written once per unit,
 * so a long NO_PROXY counts three times), for a synth error; undefined when it fits. EKS and Karpenter add their own
 * part to it, so the margin left for them is the reader's.
 */
export function userDataSizeProblem(resolved: unknown): string | undefined {
  const raw = materialize(resolved);
  if (raw === undefined) return undefined;
  const size = Buffer.byteLength(raw, 'utf8');
  if (size <= USER_DATA_LIMIT_BYTES) return undefined;
  return `the nodes' user data is ${size} bytes and EC2 takes ${USER_DATA_LIMIT_BYTES} (before EKS or Karpenter adds its own part); `
    + 'the proxy\'s drop-in, with its NO_PROXY, is written for containerd, kubelet and nodeadm-run. Fix: use .domain entries in noProxy instead of many names';
}

/**
 * Resolved user data as the instance gets it: aws-cdk-lib writes a multi-part document as an `Fn::Join` with each
 * part in `Fn::Base64`. Undefined when a part is a deploy-time value (its size is unknown at synth).
 */
function materialize(value: unknown): string | undefined {
  if (typeof value === 'string') return Token.isUnresolved(value) ? undefined : value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; 'Fn::Base64'?: unknown } | undefined;
  if (v?.['Fn::Base64'] !== undefined) {
    const inner = materialize(v['Fn::Base64']);
    return inner === undefined ? undefined : Buffer.from(inner, 'utf8').toString('base64');
  }
  if (v?.['Fn::Join']) {
    const parts = v['Fn::Join'][1].map(materialize);
    return parts.every((p): p is string => p !== undefined) ? parts.join(v['Fn::Join'][0]) : undefined;
  }
  return undefined;
}
