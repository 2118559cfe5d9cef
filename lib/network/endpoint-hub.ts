import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import { admitOnly, endpointId } from './endpoint-parts';
import { HubDnsResolution, SharedEndpoints } from './shared-endpoints';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { dnsName, dnsNameFact } from '../contracts/private-dns-names';
import { locationOf } from '../core/aws-env';
import { ipv4CidrPrefix, literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { SPOKE_CIDRS_METADATA } from '../core/metadata';
import { defaultPrivateSelection } from '../core/subnets';

/**
 * Properties of `EndpointHub`.
 */
export interface EndpointHubProps {
  /** The hub (shared-services) VPC the endpoints are created in. Its IPv4 CIDR must be literal. */
  readonly vpc: ec2.IVpc;

  /**
   * Interface endpoint services, by short name as in `com.amazonaws.<region>.<name>`.
   * @default EndpointHub.CLUSTER_SERVICES
   */
  readonly services?: string[];

  /**
   * The spokes' IPv4 CIDRs (every CIDR block of every spoke VPC, secondary ones included): the endpoints' security
   * group admits 443 from each, and from the hub VPC.
   */
  readonly spokeCidrs: string[];

  /**
   * How spokes resolve the service names. `PRIVATE_HOSTED_ZONES` (the whitepaper's pattern) needs the spoke VPCs in
   * this stack's account (`spokeVpcs`, `associateVpc`); for spokes in other accounts use `ROUTE53_PROFILE`, shared
   * with them through AWS RAM (`shareWith`). `RESOLVER_RULES` is not built by this construct (describe such a hub to
   * the clusters with `SharedEndpoints`).
   * @default HubDnsResolution.PRIVATE_HOSTED_ZONES
   */
  readonly resolution?: HubDnsResolution;

  /**
   * The organization whose principals the endpoint policies admit (`aws:PrincipalOrgID`). One of `organizationId` and
   * `principalAccounts` is required: a hub endpoint with the default policy admits any credentials, any account's.
   * With both, a principal must be in one of the accounts and in the organization. Services whose endpoints take no
   * policy (`eks-auth`, `oidc-eks`: `EndpointCatalogue.ENDPOINT_POLICY_SUPPORT`) are guarded by the security group
   * (`spokeCidrs`) alone.
   * @default - principalAccounts decide
   */
  readonly organizationId?: string;

  /**
   * The accounts whose principals the endpoint policies admit (`aws:PrincipalAccount`).
   * @default - organizationId decides
   */
  readonly principalAccounts?: string[];

  /**
   * With `ROUTE53_PROFILE`: the AWS RAM principals the profile is shared with (account IDs, an organization or OU ARN).
   * @default - principalAccounts, when given
   */
  readonly shareWith?: string[];

  /**
   * With `PRIVATE_HOSTED_ZONES`: spoke VPCs of this account to associate the zones with.
   * @default - none (add them with `associateVpc`)
   */
  readonly spokeVpcs?: ec2.IVpc[];

  /**
   * The subnets of the hub VPC for the endpoints' network interfaces (one per Availability Zone).
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
}

/**
 * Interface endpoints built once, in a hub VPC, for many spoke VPCs reached over a Transit Gateway or peering: the
 * endpoints (policies scoped to an organization or a list of accounts), a security group admitting the spokes' CIDRs,
 * and the names: one private hosted zone per name the services are called by (with an alias to the endpoint, and a `*`
 * record for the account-specific `*.dkr.ecr`), or a Route 53 Profile carrying the endpoints, shared through AWS RAM.
 *
 * Gateway endpoints (S3) cannot be shared: each spoke keeps its own (they are free). Give a spoke cluster
 * `sharedEndpoints: hub.sharedEndpoints()` and it creates no endpoint of its own for these services, and the synth-time
 * check proves each client's route to the hub, each name, and that the hub admits it.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
 */
export class EndpointHub extends Construct {
  /**
   * What a private cluster's clients call through interface endpoints by default: the nodes (ec2, ecr.api, ecr.dkr),
   * Pod Identity (eks-auth), IRSA (sts), the SSM bastion (ssm, ssmmessages, ec2messages for older agents), the EKS
   * API (eks) and CloudWatch Logs (logs).
   */
  public static readonly CLUSTER_SERVICES: string[] = ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'sts', 'ssm', 'ssmmessages', 'ec2messages', 'eks', 'logs'];

  /** The endpoints' security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** With `ROUTE53_PROFILE`: the profile. */
  public readonly profile?: route53profiles.CfnProfile;
  /** With `ROUTE53_PROFILE`: the RAM share of the profile, when there are principals to share with. */
  public readonly share?: ram.CfnResourceShare;

  private readonly endpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
  private readonly zones: route53.PrivateHostedZone[] = [];
  private readonly names: string[] = [];
  private readonly resolution: HubDnsResolution;
  private readonly hubCidr: string;
  private readonly spokeCidrs: string[];
  private readonly organizationId?: string;
  private readonly principalAccounts?: string[];
  private readonly services: string[];

  constructor(scope: Construct, id: string, props: EndpointHubProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw misuse(this, 'the hub\'s stack is environment-agnostic: the names it serves (`api.ecr.<region>.amazonaws.com`, ...) need its region',
        'give the hub\'s stack an `env` with account and region');
    }
    this.resolution = props.resolution ?? HubDnsResolution.PRIVATE_HOSTED_ZONES;
    if (this.resolution === HubDnsResolution.RESOLVER_RULES) {
      throw misuse(this, 'resolution RESOLVER_RULES is not built by EndpointHub', 'use PRIVATE_HOSTED_ZONES or ROUTE53_PROFILE, or describe a hub you built with Resolver rules to the clusters with `sharedEndpoints`');
    }
    const cidr = literalVpcCidr(props.vpc);
    if (!cidr) throw misuse(this, 'the hub VPC\'s CIDR is not a literal value (an imported VPC without vpcCidrBlock?)', 'import the VPC with its vpcCidrBlock, or create it in this app');
    this.hubCidr = cidr;
    if (props.spokeCidrs.length === 0) throw misuse(this, 'spokeCidrs is empty: no spoke could connect', 'list every CIDR block of every spoke VPC');
    for (const c of props.spokeCidrs) {
      const prefix = Token.isUnresolved(c) ? undefined : ipv4CidrPrefix(c);
      if (prefix === undefined) {
        throw misuse(this, `spokeCidrs: "${c}" is not a literal IPv4 CIDR`, 'write each spoke CIDR block out, such as \'10.1.0.0/16\'');
      }
      // A VPC's CIDR block is /16 to /28 (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html); a
      // supernet of several spokes is fine, a quarter of the internet is not.
      if (prefix < 8) throw misuse(this, `spokeCidrs: "${c}" admits more than a /8`, 'list the spoke VPCs\' CIDR blocks (or a private supernet of them, /8 or longer)');
    }
    if (!props.organizationId && !(props.principalAccounts && props.principalAccounts.length > 0)) {
      throw misuse(this, 'neither organizationId nor principalAccounts was given: the endpoints that take a policy would admit any account\'s credentials',
        'pass organizationId: \'o-...\' (every account of the organization) or principalAccounts: [...] (the spokes\' accounts)');
    }
    if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId) && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw misuse(this, `organizationId "${props.organizationId}" is not an organization ID (o- and 10 to 32 lower-case letters or digits)`, 'pass the ID aws organizations describe-organization shows');
    }
    for (const a of props.principalAccounts ?? []) {
      if (!Token.isUnresolved(a) && !/^\d{12}$/.test(a)) throw misuse(this, `principalAccounts: "${a}" is not a 12-digit account ID`, 'list account IDs');
    }
    const services = props.services ?? EndpointHub.CLUSTER_SERVICES;
    for (const s of services) {
      if (s === 's3' || s === 'dynamodb') {
        // https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html: gateway endpoints do not allow access
        // from other VPCs (peering, Transit Gateway), read 2026-12-05.
        throw misuse(this, `services: "${s}" is served by a gateway endpoint, which only its own VPC's route tables use`, `leave "${s}" out: every spoke keeps its own ${s} gateway endpoint (free)`);
      }
      const problem = EndpointCatalogue.checkServiceName(s);
      if (problem) throw misuse(this, `services: ${problem}`, 'list short service names such as \'ec2\', \'ecr.api\'');
      if (this.resolution === HubDnsResolution.PRIVATE_HOSTED_ZONES && !dnsNameFact(s)) {
        throw misuse(this, `services: the library does not record the names "${s}" is called by, so it cannot create its zones`, `use ROUTE53_PROFILE (the endpoint's own names), or leave "${s}" to each spoke`);
      }
    }
    this.services = [...new Set(services)];
    this.spokeCidrs = props.spokeCidrs;
    this.organizationId = props.organizationId;
    this.principalAccounts = props.principalAccounts;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Shared VPC interface endpoints: HTTPS from the hub and the spoke VPCs',
      allowAllOutbound: false,
    });
    for (const c of [cidr, ...props.spokeCidrs]) this.securityGroup.addIngressRule(ec2.Peer.ipv4(c), ec2.Port.tcp(443), `HTTPS from ${c}`);
    // What the group admits on purpose, for PrivateEksChecks' PEKS-SEC-5 (an endpoint group admitting outside its VPC).
    (this.securityGroup.node.defaultChild as ec2.CfnSecurityGroup).cfnOptions.metadata = { [SPOKE_CIDRS_METADATA]: [...props.spokeCidrs] };

    const profileMode = this.resolution === HubDnsResolution.ROUTE53_PROFILE;
    const subnets = props.subnets ?? defaultPrivateSelection(props.vpc);
    for (const service of this.services) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(service), {
        vpc: props.vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(service),
        // Zones mode: private DNS off, the zones below answer (the managed zone would serve the hub VPC only).
        privateDnsEnabled: profileMode,
        subnets: { ...subnets, onePerAz: true },
        securityGroups: [this.securityGroup],
        open: false,
      });
      this.scopePolicy(service, endpoint);
      this.endpoints.set(service, endpoint);
    }

    if (profileMode) {
      this.profile = new route53profiles.CfnProfile(this, 'Profile', { name: `${stack.stackName}-endpoints`.slice(0, 64) });
      for (const [service, endpoint] of this.endpoints) {
        new route53profiles.CfnProfileResourceAssociation(this, `Profile${endpointId(service)}`, {
          name: `endpoint-${service}`,
          profileId: this.profile.attrId,
          resourceArn: stack.formatArn({ service: 'ec2', resource: 'vpc-endpoint', resourceName: endpoint.vpcEndpointId }),
        });
      }
      const principals = props.shareWith ?? props.principalAccounts?.filter(a => a !== stack.account) ?? [];
      if (principals.length === 0 && props.organizationId && !props.principalAccounts) {
        throw misuse(this, 'the Route 53 Profile would be shared with nobody: organizationId scopes the policies, and RAM shares with accounts, OUs or the organization\'s ARN',
          'pass shareWith: [\'arn:aws:organizations::<management account>:organization/<organization ID>\'] (or the spokes\' accounts)');
      }
      if (principals.length > 0) {
        this.share = new ram.CfnResourceShare(this, 'Share', {
          name: `${stack.stackName}-endpoints`,
          resourceArns: [this.profile.attrArn],
          principals,
          // Within an organization with RAM sharing on, no external principal is needed.
          allowExternalPrincipals: !props.organizationId,
        });
      }
    } else {
      if (props.shareWith) throw misuse(this, 'shareWith was given with PRIVATE_HOSTED_ZONES: zones are associated, not shared', 'use ROUTE53_PROFILE to share with other accounts, or remove shareWith');
      // The region is concrete (checked above): the partition's DNS suffix follows from it.
      this.createZones(props.vpc, stack.region, locationOf(this).urlSuffix);
      for (const v of props.spokeVpcs ?? []) this.associateVpc(v);
    }
  }

  /** One zone per name the services are called by, with an alias to the endpoint and, for `*.` names, a `*` record. */
  private createZones(vpc: ec2.IVpc, region: string, suffix: string) {
    for (const service of this.services) {
      const endpoint = this.endpoints.get(service)!;
      for (const pattern of dnsNameFact(service)!.calledAs) {
        const name = dnsName(pattern, region, suffix);
        const wildcard = name.startsWith('*.');
        const zoneName = wildcard ? name.slice(2) : name;
        const zone = new route53.PrivateHostedZone(this, `Zone${endpointId(zoneName)}`, { zoneName, vpc });
        const target = route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(endpoint));
        new route53.ARecord(zone, 'Apex', { zone, target });
        if (wildcard) new route53.ARecord(zone, 'Wildcard', { zone, recordName: `*.${zoneName}`, target });
        this.zones.push(zone);
        this.names.push(zoneName);
        if (wildcard) this.names.push(name);
      }
    }
  }

  /** Endpoint policies that admit the organization's or the accounts' principals only. */
  private scopePolicy(service: string, endpoint: ec2.InterfaceVpcEndpoint) {
    if (!EndpointCatalogue.ENDPOINT_POLICY_SUPPORT[service]) return;
    const byOrg = this.organizationId !== undefined;
    const byAccounts = this.principalAccounts !== undefined && this.principalAccounts.length > 0;
    // Both given: principals of those accounts, in the organization (both conditions hold).
    const principal = {
      ...(byOrg ? { 'aws:PrincipalOrgID': this.organizationId } : {}),
      ...(byAccounts ? { 'aws:PrincipalAccount': this.principalAccounts } : {}),
    };
    admitOnly(endpoint, service, {
      sid: byAccounts ? 'SpokeAccountsPrincipals' : 'OrganizationPrincipals',
      principal,
      webIdentitySid: 'WebIdentityToAdmittedRoles',
      // Web identities (IRSA) by the role's organization or account.
      resource: {
        ...(byOrg ? { 'aws:ResourceOrgID': this.organizationId } : {}),
        ...(byAccounts ? { 'aws:ResourceAccount': this.principalAccounts } : {}),
      },
    });
  }

  /** Associates the zones with a spoke VPC of this stack's account (`PRIVATE_HOSTED_ZONES`). */
  public associateVpc(vpc: ec2.IVpc): void {
    if (this.resolution !== HubDnsResolution.PRIVATE_HOSTED_ZONES) {
      throw misuse(this, 'associateVpc is for PRIVATE_HOSTED_ZONES; this hub uses a Route 53 Profile', 'give the spoke cluster sharedEndpoints with the profileId: it associates the profile with its VPC');
    }
    for (const zone of this.zones) zone.addVpc(vpc);
  }

  /** The interface endpoint of a service. */
  public interfaceEndpoint(service: string): ec2.InterfaceVpcEndpoint | undefined {
    return this.endpoints.get(service);
  }

  /**
   * What a spoke cluster needs to know of this hub (`PrivateEksCluster` `sharedEndpoints`). In another account's stack,
   * replace `profileId` (a token of this stack) with its value once the hub is deployed.
   */
  public sharedEndpoints(): SharedEndpoints {
    return {
      services: [...this.services],
      hubCidrs: [this.hubCidr],
      resolution: this.resolution,
      names: this.resolution === HubDnsResolution.PRIVATE_HOSTED_ZONES ? [...this.names] : undefined,
      admittedCidrs: [this.hubCidr, ...this.spokeCidrs],
      admittedAccounts: this.principalAccounts ? [...this.principalAccounts] : undefined,
      admittedOrganizationId: this.organizationId,
      profileId: this.profile?.attrId,
      region: Stack.of(this).region,
      hubName: `the endpoint hub ${this.node.path}`,
    };
  }
}
