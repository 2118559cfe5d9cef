import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * IPv4 CIDR blocks and literal values: small pure helpers every domain uses (the network's CIDR, the bastion's SSH
 * sources, the doctor's configuration, the template rules).
 */

/** A string known at synth time (not a token), else undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !Token.isUnresolved(value) ? value : undefined;
}

/**
 * The VPC's CIDR as a literal when the VPC is built in this app with one (so reviewers and rule checkers see the
 * range in the template), else undefined.
 */
export function literalVpcCidr(vpc: ec2.IVpc): string | undefined {
  const cfn = vpc.node.defaultChild;
  return cfn instanceof ec2.CfnVPC ? literal(cfn.cidrBlock) : undefined;
}

/** The prefix length of an IPv4 CIDR block written `a.b.c.d/n` (octets up to 255, n up to 32); undefined otherwise. */
export function ipv4CidrPrefix(cidr: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some(o => Number(o) > 255) || Number(m[5]) > 32) return undefined;
  return Number(m[5]);
}

/**
 * The block a literal IPv4 CIDR names, written with its network address (`10.0.1.0/16` -> `10.0.0.0/16`): what EC2
 * and CloudFormation take. Undefined when `cidr` is not an IPv4 CIDR.
 */
export function ipv4CidrNetwork(cidr: string): string | undefined {
  const prefix = ipv4CidrPrefix(cidr);
  if (prefix === undefined) return undefined;
  const n = cidr.split('/')[0].split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(n / size) * size;
  return `${[24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256).join('.')}/${prefix}`;
}

/** Whether IPv4 CIDR `outer` contains `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const parse = (c: string) => {
    const [ip, len] = c.split('/');
    const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return { n, len: Number(len) };
  };
  const o = parse(outer);
  const i = parse(inner);
  if (i.len < o.len) return false;
  const size = 2 ** (32 - o.len);
  return Math.floor(o.n / size) === Math.floor(i.n / size);
}

/**
 * The private IPv4 ranges: RFC 1918's three blocks and RFC 6598's shared address space (100.64.0.0/10), which a VPC
 * may also take. A VPC can use a publicly routable block, which AWS advises against
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html, read 2026-12-07).
 */
export const PRIVATE_IPV4_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** Whether a literal IPv4 CIDR lies inside one of `PRIVATE_IPV4_RANGES`. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  return ipv4CidrPrefix(cidr) !== undefined && PRIVATE_IPV4_RANGES.some(r => cidrContains(r, cidr));
}
