/**
 * The DNS names each AWS service is called by, and the names its interface endpoint registers when private DNS is on.
 * A hub that serves a service to other VPCs (private hosted zones, Resolver rules, a Route 53 Profile) must answer
 * every name a client uses, or the client resolves the public address and, with no internet route, times out.
 * Pure data: `{region}`, `{suffix}` (the partition's `amazonaws.com` / `amazonaws.com.cn`) and `{dualstack}` (its
 * `api.aws`) are filled in by `dnsName`; a leading `*.` stands for the account's label of a registry host.
 */

import { dualStackSuffixOf } from '../core/aws-env';

/** What a service is called by, and what its endpoint registers, per one source. */
export interface PrivateDnsNameFact {
  /** Short service name, as in `com.amazonaws.<region>.<name>`. */
  readonly service: string;
  /**
   * The names the clients of a private cluster use (the SDKs', kubelet's and the Pod Identity agent's defaults).
   * A hub must answer each one.
   */
  readonly calledAs: string[];
  /** Every name the interface endpoint registers with private DNS on (what a Route 53 Profile carries). */
  readonly registers: string[];
  /** The documents (URL and what they say). */
  readonly source: string;
  /** The day the source was read (YYYY-MM-DD). */
  readonly read: string;
}

const PRIVATELINK_SERVICES = 'https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html';
const ECR_ENDPOINTS = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html';
const EKS_ENDPOINTS = 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html';
const POD_IDENTITY = 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html';
const EKS_AUTH_RULESET = 'https://github.com/aws/aws-sdk-go-v2/blob/main/service/eksauth/endpoints.go';
/** Services whose endpoint name is the service's own name: `<service>.<region>.<suffix>`. */
const GENERAL_FORM = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html (PrivateDnsEnabled: "The private hosted zone '
  + 'contains a record set for the default public DNS name for the service for the Region (for example, kinesis.us-east-1.amazonaws.com)"; read in the '
  + 'SDK for Kotlin\'s copy of that reference). Per-service PrivateDnsNames (DescribeVpcEndpointServices) were not read for these rows';

const same = (service: string, source = GENERAL_FORM, read = '2026-12-05'): PrivateDnsNameFact => ({
  service, calledAs: [`${service}.{region}.{suffix}`], registers: [`${service}.{region}.{suffix}`], source, read,
});

const FACTS: PrivateDnsNameFact[] = [
  same('ec2'),
  {
    service: 'ecr.api',
    calledAs: ['api.ecr.{region}.{suffix}'],
    registers: ['api.ecr.{region}.{suffix}'],
    source: `${ECR_ENDPOINTS} ("--endpoint-url https://api.ecr.region.amazonaws.com"); https://docs.aws.amazon.com/general/latest/gr/ecr.html ("When connecting to Amazon ECR through an AWS PrivateLink VPC endpoint, you must use the api.ecr endpoint")`,
    read: '2026-12-05',
  },
  {
    service: 'ecr.dkr',
    // Registries are account-specific hosts: <account>.dkr.ecr.<region>.amazonaws.com, the EKS add-on images' too.
    calledAs: ['*.dkr.ecr.{region}.{suffix}'],
    registers: ['dkr.ecr.{region}.{suffix}', '*.dkr.ecr.{region}.{suffix}'],
    source: `${ECR_ENDPOINTS} ("When you create the com.amazonaws.region.ecr.dkr endpoint, you must enable a private DNS hostname"; registries are `
      + 'aws_account_id.dkr.ecr.region.amazonaws.com); the two DnsEntries (dkr.ecr.<region>, *.dkr.ecr.<region>) seen only in create-vpc-endpoint output '
      + 'of a third-party walkthrough; https://github.com/aws-samples/aws-vpc-builder-cdk/pull/30 ("Creation of hosted zone with a wildcard domain name is not '
      + 'supported": the zone is dkr.ecr.<region> with a * record)',
    read: '2026-12-05',
  },
  {
    service: 'eks',
    calledAs: ['eks.{region}.{suffix}'],
    registers: ['eks.{region}.{suffix}', 'eks.{region}.{dualstack}'],
    source: `${EKS_ENDPOINTS} ("New endpoints created after August 2024 support dual-stack ... eks.region.amazonaws.com, eks.region.api.aws")`,
    read: '2026-12-05',
  },
  {
    service: 'eks-auth',
    // The eks-auth ruleset has no dual-stack switch: it always uses the partition's dual-stack suffix (api.aws).
    calledAs: ['eks-auth.{region}.{dualstack}'],
    registers: ['eks-auth.{region}.{dualstack}'],
    source: `${POD_IDENTITY} ("For private clusters, the eks-auth endpoint in AWS PrivateLink is required"); ${EKS_AUTH_RULESET} ("https://eks-auth." + DualStackDnsSuffix)`,
    read: '2026-12-05',
  },
  {
    service: 'oidc-eks',
    calledAs: ['oidc.eks.{region}.{suffix}'],
    registers: ['oidc.eks.{region}.{suffix}', 'oidc-eks.{region}.{dualstack}'],
    source: `${EKS_ENDPOINTS} ("IPv4 clusters ... use oidc.eks.region-code.amazonaws.com. IPv6 clusters use ... oidc-eks.region-code.api.aws"; "The interface endpoint registers both hostnames")`,
    read: '2026-12-05',
  },
  {
    service: 'eks-proxy',
    calledAs: ['eks-proxy.eks.{region}.{suffix}'],
    registers: ['eks-proxy.{region}.{dualstack}', 'eks-proxy.eks.{region}.{suffix}'],
    source: `${EKS_ENDPOINTS} ("Create this endpoint when your VPC has no internet egress, or when you override the eks.region-code.amazonaws.com zone in a private hosted zone")`,
    read: '2026-12-05',
  },
  same('sts'),
  same('ssm'),
  same('ssmmessages'),
  same('ec2messages'),
  same('lambda'),
  same('logs'),
  same('kms'),
  same('elasticloadbalancing'),
  same('sqs'),
  same('autoscaling'),
  same('elasticfilesystem'),
  same('monitoring'),
  same('xray'),
  same('wafv2'),
  same('shield'),
  same('waf-regional'),
  same('acm'),
  {
    service: 'pricing.api',
    calledAs: ['api.pricing.{region}.{suffix}'],
    registers: ['api.pricing.{region}.{suffix}'],
    // Not confirmed by a page read here: the name follows ecr.api's (`api.ecr`), the Price List API's documented form.
    source: `${PRIVATELINK_SERVICES} (com.amazonaws.<region>.pricing.api); the name by analogy with ecr.api (api.<service>): not confirmed on a page read 2026-12-05`,
    read: '2026-12-05',
  },
];

/** The row of a service, when the library records its names. */
export function dnsNameFact(service: string): PrivateDnsNameFact | undefined {
  return FACTS.find(f => f.service === service);
}

/** Every row, for the README table and the tests. */
export function dnsNameFacts(): PrivateDnsNameFact[] {
  return FACTS.map(f => ({ ...f, calledAs: [...f.calledAs], registers: [...f.registers] }));
}

/**
 * Fills a name pattern in for a region and a DNS suffix (`amazonaws.com`); `{dualstack}` is the partition's dual-stack
 * suffix (`api.aws`, `dualStackSuffixOf`), or the DNS suffix itself where the partition has none (the eks-auth
 * ruleset's fallback: https://github.com/aws/aws-sdk-go-v2/blob/main/service/eksauth/endpoints.go).
 */
export function dnsName(pattern: string, region: string, suffix: string): string {
  return pattern.split('{region}').join(region).split('{suffix}').join(suffix).split('{dualstack}').join(dualStackSuffixOf(suffix) ?? suffix);
}

/**
 * Whether a DNS name matches a served name: equal, or under a `*.` wildcard record ("You can use the asterisk (*)
 * wildcard to replace the leftmost label in a domain name, for example, *.example.com": Route 53 API Reference,
 * ResourceRecordSet Name, read 2026-12-05; the account ID of `<account>.dkr.ecr...` is that one label).
 * A `*.` in `name` itself (a client's account-specific host) is matched only by the same wildcard or a wider one.
 */
export function nameMatches(served: string, name: string): boolean {
  const s = served.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (s === n) return true;
  if (!s.startsWith('*.')) return false;
  const base = s.slice(1); // ".dkr.ecr.us-east-1.amazonaws.com"
  return n.endsWith(base) && n.length > base.length;
}

/** Whether `name` is `zone` or a name below it (a zone answers for every name under it, or says it does not exist). */
export function inZone(zone: string, name: string): boolean {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '').replace(/^\*\./, 'x.');
  return n === z || n.endsWith(`.${z}`);
}
