import { Annotations, Names, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ControlPlaneEgressMode, PrivateEksClusterProps } from './props';
import { isJoinRule, JOIN_RULES } from '../check/join-analysis';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { validateInstanceType } from '../contracts/instance-types';
import { kubernetesVersionProblem } from '../contracts/kubernetes-versions';
import { ipv4CidrPrefix } from '../core/cidr';
import { misuse } from '../core/errors';
import { EgressProxy } from '../network/egress-proxy';
import { checkProxy } from '../network/proxy-settings';
import { HubDnsResolution, SharedEndpoints } from '../network/shared-endpoints';

/** The warning ID of an API endpoint open to the internet. */
export const OPEN_PUBLIC_ENDPOINT_WARNING = 'cdk-private-eks:publicEndpointOpenToInternet';

// The checks of `PrivateEksCluster`'s props made while it is built (misuse: the construct path, the value, the fix),
// as plain functions of the props and the scope, and the settings they resolve to (`clusterSettings`).

/** What `PrivateEksCluster`'s props come to once checked and defaulted. */
export interface ClusterSettings {
  readonly createEndpoints: boolean;
  readonly withBastion: boolean;
  readonly endpointAccess: eks.EndpointAccess;
  readonly logRetention: logs.RetentionDays;
  /** Whether the library creates the control plane's log group (`controlPlaneLogGroup`). */
  readonly ownLogGroup: boolean;
  /** The user's cluster name, or one derived from the stack and path (stable across deploys) for the log group. */
  readonly clusterName?: string;
  readonly customerRoutedEgress: boolean;
  readonly coreAddons: boolean;
  /** Whether the vpc-cni add-on gets its own role (`vpcCniRole`). */
  readonly cniRole: boolean;
  readonly nodeRoleCniPolicy: boolean;
  readonly declaredServices: string[];
  readonly declaredRegistries: string[];
  readonly downgrades: { [ruleId: string]: string };
  /** Whether the deploy-time probe is created (`preflight`). */
  readonly preflight: boolean;
  /** The hub the VPC uses endpoints from, checked (`sharedEndpoints`). */
  readonly hub?: SharedEndpoints;
  /** The proxy, checked (`proxy`). */
  readonly proxy?: EgressProxy;
}

/** Checks the props, in the order a user meets the errors, and resolves their defaults. */
export function clusterSettings(scope: Construct, props: PrivateEksClusterProps): ClusterSettings {
  if (props.vpc && props.network) {
    throw misuse(scope, '`network` configures the VPC this construct creates, and a `vpc` was given too', 'remove `network`, or remove `vpc`');
  }
  checkRegion(scope);
  checkKubernetesVersion(scope, props.version);
  const createEndpoints = props.createVpcEndpoints ?? true;
  if (!createEndpoints && props.additionalEndpoints && props.additionalEndpoints.length > 0) {
    throw misuse(scope, `additionalEndpoints (${props.additionalEndpoints.join(', ')}) were given with createVpcEndpoints: false`,
      'remove `additionalEndpoints`, or set createVpcEndpoints to true');
  }
  const withBastion = props.bastion ?? true;
  if (!withBastion && props.bastionOptions) {
    throw misuse(scope, '`bastionOptions` were given with bastion: false', 'remove `bastionOptions`, or set bastion to true');
  }
  const endpointAccess = props.endpointAccess ?? eks.EndpointAccess.PRIVATE;
  warnOnOpenPublicEndpoint(scope, endpointAccess);
  if (props.bastionOptions?.instanceType) validateInstanceType(scope, 'bastionOptions.instanceType', props.bastionOptions.instanceType);
  checkClusterName(scope, props.clusterName);
  if (props.kubectlMemory && !props.kubectlMemory.isUnresolved()) {
    const mib = props.kubectlMemory.toMebibytes();
    // Lambda memory: 128 MB to 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
    if (mib < 128 || mib > 10240) throw misuse(scope, `kubectlMemory must be from 128 MiB to 10,240 MiB (Lambda's range), got ${mib} MiB`, 'set it to, for example, Size.gibibytes(2)');
  }
  const ownLogGroup = props.controlPlaneLogGroup ?? true;
  const coreAddons = props.coreAddons ?? true;
  if (!coreAddons && props.vpcCniRole) {
    throw misuse(scope, 'vpcCniRole needs the managed vpc-cni add-on, and coreAddons is false', 'remove vpcCniRole, or keep coreAddons');
  }
  const cniRole = props.vpcCniRole ?? coreAddons;
  if (!cniRole && props.nodeRoleCniPolicy === false) {
    throw misuse(scope, `nodeRoleCniPolicy is false and the vpc-cni has no role of its own (${coreAddons ? 'vpcCniRole: false' : 'coreAddons: false'}): its pods could assign no IP address`,
      'leave nodeRoleCniPolicy out, or give the vpc-cni add-on its own role (the default with coreAddons)');
  }
  const declaredServices = checkDeclaredServices(scope, props.existingEndpointServices ?? []);
  const declaredRegistries = (props.existingRegistries ?? []).map(r => {
    if (Token.isUnresolved(r) || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/i.test(r)) {
      throw misuse(scope, `existingRegistries: "${r}" is not a registry host`, 'list hosts such as \'harbor.corp.example\' or \'registry.internal:5000\', without a scheme or a path');
    }
    return r.toLowerCase();
  });
  const downgrades = checkDowngrades(scope, props.downgradeRules ?? {});
  const hub = props.sharedEndpoints ? checkSharedEndpoints(scope, props.sharedEndpoints, declaredServices) : undefined;
  if (props.proxy) {
    const problem = checkProxy(props.proxy);
    if (problem) throw misuse(scope, `proxy: ${problem}`, 'write the proxy as http://host:port, hosts as names or .domains, CIDRs as a.b.c.d/n');
  }
  return {
    hub,
    proxy: props.proxy,
    createEndpoints,
    withBastion,
    endpointAccess,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    ownLogGroup,
    // A literal name for the log group: the user's, or one derived from the stack and path (stable across deploys).
    clusterName: props.clusterName ?? (ownLogGroup ? Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' }) : undefined),
    customerRoutedEgress: props.controlPlaneEgressMode !== undefined && props.controlPlaneEgressMode !== ControlPlaneEgressMode.AWS_MANAGED
      && props.controlPlaneEgressMode.value !== 'AWS_MANAGED',
    coreAddons,
    cniRole,
    nodeRoleCniPolicy: props.nodeRoleCniPolicy ?? !cniRole,
    declaredServices,
    declaredRegistries,
    downgrades,
    preflight: props.preflight ?? (
      (props.vpc !== undefined && !(props.vpc.node.defaultChild instanceof ec2.CfnVPC))
      || declaredServices.length > 0 || Object.keys(downgrades).length > 0),
  };
}

/**
 * The stack's region as written, when it is a literal: AWS writes region codes as `<area>-<direction>-<n>`
 * (`eu-west-1`, `us-gov-west-1`, `cn-north-1`; https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html,
 * read 2026-12-07). A code of another shape (`eu-west1`) names no region: the endpoint service names, the ECR hosts
 * and the bucket names the library derives from it would all be wrong, and nothing was checked against it.
 */
export function checkRegion(scope: Construct) {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region) || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return;
  const guess = region.trim().toLowerCase().replace(/_/g, '-').replace(/([a-z])(\d+)$/, '$1-$2');
  throw misuse(scope, `the stack's region "${region}" is not an AWS region code (written like eu-west-1): no endpoint service, ECR host or bucket name can be derived from it`,
    `${/^[a-z]{2}(-[a-z]+)+-\d+$/.test(guess) ? `did you mean '${guess}'? ` : ''}set env: { region: ... } of the stack to a region code, such as 'eu-west-1'`);
}

/** The cluster's Kubernetes version as written, when it is a literal (`KubernetesVersion.of('v1.30')` is refused). */
export function checkKubernetesVersion(scope: Construct, version: eks.KubernetesVersion) {
  if (Token.isUnresolved(version.version)) return;
  const problem = kubernetesVersionProblem(version.version);
  if (problem) throw misuse(scope, `version: ${problem.problem}, so EKS would refuse it at deploy`, problem.fix);
}

/**
 * EKS cluster names: letters, digits, hyphens and underscores, starting with a letter or digit, at most 100
 * characters (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html, `name`).
 */
export function checkClusterName(scope: Construct, name: string | undefined) {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(name) || name.length > 100) {
    throw misuse(scope, `clusterName "${name}" is not a valid EKS cluster name`,
      'use up to 100 letters, digits, hyphens and underscores, starting with a letter or a digit (for example "platform-prod")');
  }
}

export function checkPrivateAccessSubnets(scope: Construct, endpointAccess: eks.EndpointAccess, vpc: ec2.IVpc, prop: string,
  selected: ec2.SelectedSubnets) {
  const publicAccess = (endpointAccess as any)._config?.publicAccess;
  const publicIds = new Set(vpc.publicSubnets.map(s => s.subnetId));
  if (publicAccess === false && selected.subnets.length > 0 && selected.subnets.every(s => publicIds.has(s.subnetId))) {
    throw misuse(scope, `${prop} selects only public subnets (${selected.subnets.map(s => s.node.path).join(', ')}), and the API endpoint is PRIVATE: `
      + 'a private-only cluster runs its nodes, its control-plane network interfaces and its kubectl handler in private subnets',
    `select private subnets (${prop.split(' ')[0]}: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }), give the control plane private subnets with clusterSubnets, or use endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE`);
  }
}

/**
 * A public API endpoint with no CIDR list (aws-eks-v2's PUBLIC or PUBLIC_AND_PRIVATE without `.onlyFrom(...)`, which
 * EKS opens to 0.0.0.0/0) serves the Kubernetes API to the whole internet: risky, not broken, so a warning
 * (acknowledgeable) with the fix. aws-eks-v2 keeps the setting in `EndpointAccess._config`, as checkPrivateAccessSubnets reads it.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export function warnOnOpenPublicEndpoint(scope: Construct, endpointAccess: eks.EndpointAccess) {
  const config = (endpointAccess as any)._config as { publicAccess?: boolean; privateAccess?: boolean; publicCidrs?: string[] } | undefined;
  if (config?.publicAccess !== true) return;
  const cidrs = config.publicCidrs ?? [];
  const open = cidrs.filter(c => !Token.isUnresolved(c) && /^(0\.0\.0\.0\/0|::\/0)$/.test(c.trim()));
  if (cidrs.length > 0 && open.length === 0) return;
  const received = cidrs.length === 0 ? `${config.privateAccess ? 'PUBLIC_AND_PRIVATE' : 'PUBLIC'} with no CIDR list (EKS admits 0.0.0.0/0)` : `public CIDRs ${open.join(', ')}`;
  Annotations.of(scope).addWarningV2(OPEN_PUBLIC_ENDPOINT_WARNING,
    `endpointAccess is ${received}: the Kubernetes API endpoint is open to the whole internet. Fix: `
    + 'endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(\'203.0.113.0/24\') with the CIDRs you connect from, or '
    + `eks.EndpointAccess.PRIVATE (the default); or acknowledge this warning (Annotations.of(cluster).acknowledgeWarning('${OPEN_PUBLIC_ENDPOINT_WARNING}', reason)).`);
}

export function checkDeclaredServices(scope: Construct, services: string[]): string[] {
  for (const s of services) {
    const problem = s === 's3' ? undefined : EndpointCatalogue.checkServiceName(s);
    if (problem) throw misuse(scope, `existingEndpointServices: ${problem}`, 'list short service names such as \'ec2\', \'ecr.api\', \'s3\'');
  }
  return [...new Set(services)];
}

export function checkDowngrades(scope: Construct, downgrades: { [ruleId: string]: string }): { [ruleId: string]: string } {
  for (const [id, reason] of Object.entries(downgrades)) {
    if (!isJoinRule(id)) {
      throw misuse(scope, `downgradeRules names an unknown rule "${id}"`, `use one of ${JOIN_RULES.map(r => r.id).join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim().length === 0) {
      throw misuse(scope, `downgradeRules: "${id}" has no reason`, 'write why the rule does not apply to this set-up; the reason is shown with the warning');
    }
  }
  return { ...downgrades };
}


const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i;

/** Checks `sharedEndpoints`: names, literal CIDRs and accounts, no gateway service, a profile only with profiles. */
export function checkSharedEndpoints(scope: Construct, hub: SharedEndpoints, declared: string[]): SharedEndpoints {
  const bad = (what: string, fix: string) => misuse(scope, `sharedEndpoints: ${what}`, fix);
  if (hub.services.length === 0) throw bad('services is empty', 'list the services the hub serves (short names such as \'ec2\', \'ecr.api\')');
  for (const s of hub.services) {
    if (s === 's3' || s === 'dynamodb') {
      throw bad(`"${s}" is served by a gateway endpoint, which only its own VPC's route tables use`, `leave "${s}" out: the cluster keeps its own ${s} gateway endpoint (free)`);
    }
    const problem = EndpointCatalogue.checkServiceName(s);
    if (problem) throw bad(problem, 'list short service names such as \'ec2\', \'ecr.api\'');
    if (declared.includes(s)) throw bad(`"${s}" is also in existingEndpointServices`, 'keep it in one of the two: sharedEndpoints (proven) or existingEndpointServices (declared)');
  }
  if (hub.hubCidrs.length === 0) throw bad('hubCidrs is empty', 'list the hub VPC\'s IPv4 CIDR blocks');
  for (const [prop, list] of [['hubCidrs', hub.hubCidrs], ['admittedCidrs', hub.admittedCidrs ?? []]] as const) {
    for (const c of list) {
      if (Token.isUnresolved(c) || ipv4CidrPrefix(c) === undefined) throw bad(`${prop}: "${c}" is not a literal IPv4 CIDR`, 'write each CIDR block out, such as \'10.0.0.0/16\'');
    }
  }
  for (const n of hub.names ?? []) {
    if (Token.isUnresolved(n) || !DNS_NAME.test(n)) throw bad(`names: "${n}" is not a DNS name`, 'list zone names or rule domains such as \'api.ecr.eu-west-1.amazonaws.com\', and *.<zone> for a wildcard record');
  }
  for (const a of hub.admittedAccounts ?? []) {
    if (!Token.isUnresolved(a) && !/^\d{12}$/.test(a)) throw bad(`admittedAccounts: "${a}" is not a 12-digit account ID`, 'list account IDs');
  }
  if (hub.profileId !== undefined && hub.resolution !== HubDnsResolution.ROUTE53_PROFILE) {
    throw bad(`profileId was given with resolution ${hub.resolution}`, 'use resolution: HubDnsResolution.ROUTE53_PROFILE, or remove profileId');
  }
  if (hub.profileId !== undefined && !Token.isUnresolved(hub.profileId) && !/^rp-[0-9a-z]+$/.test(hub.profileId)) {
    throw bad(`profileId "${hub.profileId}" is not a Route 53 Profile ID (rp-...)`, 'pass the ID of the hub\'s profile, shared with this account through AWS RAM');
  }
  if (hub.region !== undefined && !Token.isUnresolved(hub.region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(hub.region)) {
    throw bad(`region "${hub.region}" is not a region name`, 'write it as eu-west-1');
  }
  return hub;
}
