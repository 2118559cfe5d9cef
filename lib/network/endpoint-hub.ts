import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import { admitOnly, ECR_FIRST_PULL_ACTIONS, ECR_PULL_ACTIONS, endpointId } from './endpoint-parts';
import { HubDnsResolution, SharedEndpoints } from './shared-endpoints';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { dnsName, dnsNameFact } from '../contracts/private-dns-names';
import { locationOf } from '../core/aws-env';
import { cidrContains, ipv4CidrPrefix, isPrivateIpv4Cidr, literalVpcCidr, PRIVATE_IPV4_RANGES } from '../core/cidr';
import { misuse } from '../core/errors';
import { supportedAzsLookupReady } from '../core/lookups';
import { SPOKE_CIDRS_METADATA, SPOKE_CIDRS_REASON_METADATA } from '../core/metadata';
import { defaultPrivateSelection } from '../core/subnets';

/**
 * A spoke account and the CIDR blocks its VPC's clients call from: the hub's endpoint policies admit that account's
 * principals only from those addresses (`aws:PrincipalAccount` with `aws:VpcSourceIp`).
 */
export interface HubSpoke {
  /** The spoke's account ID (12 digits). */
  readonly account: string;
  /** The spoke VPC's IPv4 CIDR blocks (each inside one of the hub's `spokeCidrs`). */
  readonly cidrs: string[];
}

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
   * Bind each spoke account to its VPC's CIDRs: the endpoint policies admit the account's principals only when the
   * request comes from those addresses (`aws:VpcSourceIp`, which IAM puts in the request context of every request made
   * through a VPC endpoint; the Transit Gateway keeps the spoke's source address). Without it, an admitted account's
   * credentials work from any VPC attached to the hub, another spoke's included. The accounts listed here are the
   * admitted ones (with `principalAccounts`, each of them must be bound or is admitted from every spoke CIDR, and the
   * plan says so); with `organizationId` a principal must also be in the organization.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip
   * @default - accounts are admitted from every CIDR the security group admits
   */
  readonly spokes?: HubSpoke[];

  /**
   * Give the ECR endpoints (`ecr.api`, `ecr.dkr`) a policy that admits only image pulls by the admitted principals
   * (`GetAuthorizationToken`, `BatchGetImage`, `GetDownloadUrlForLayer`, `BatchCheckLayerAvailability`, on any
   * repository: the EKS add-on images live in AWS's registries) and the first pull through a pull-through cache
   * (`BatchImportUpstreamImage`, `CreateRepository`, on the caller's own account's repositories only), as a cluster's
   * own endpoints do (`NodeEndpoints` `pullOnlyEcrPolicies`). Pushing through the hub needs `false` (every ECR action).
   * @default true
   */
  readonly pullOnlyEcrPolicies?: boolean;

  /**
   * With `ROUTE53_PROFILE`: the AWS RAM principals the profile is shared with (account IDs, an organization or OU ARN).
   *
   * An account outside the hub's organization (or any account, when RAM sharing with AWS Organizations is off) gets
   * an invitation: the share does nothing until that account accepts it (`aws ram accept-resource-share-invitation`),
   * so a spoke's profile association fails until then. Within an organization with sharing on, RAM sends no
   * invitation. And a VPC takes one Profile only: a spoke VPC that already has a Profile cannot take this one.
   * @see https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html (invitations, read 2026-12-07)
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/sharing-profiles.html (read 2026-12-07)
   * @default - principalAccounts, when given (else the accounts of `spokes`)
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
  private readonly spokes: HubSpoke[];
  private readonly pullOnlyEcr: boolean;

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
      // The endpoints' group would take HTTPS from a public range: a spoke VPC on a publicly routable block (which AWS
      // advises against) or a typo. PEKS-SEC-5 exempts private spoke CIDRs only.
      if (!isPrivateIpv4Cidr(c)) {
        throw misuse(this, `spokeCidrs: "${c}" is not a private range (${PRIVATE_IPV4_RANGES.join(', ')})`,
          'list the spoke VPCs\' private CIDR blocks; a spoke on a public block should take its own endpoints');
      }
    }
    if (!props.organizationId && !(props.principalAccounts && props.principalAccounts.length > 0) && !(props.spokes && props.spokes.length > 0)) {
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
    this.spokes = props.spokes ?? [];
    this.pullOnlyEcr = props.pullOnlyEcrPolicies ?? true;
    if (props.spokes && props.spokes.length === 0) throw misuse(this, 'spokes is empty: no account would be admitted', 'list each spoke account with its VPC CIDRs, or leave spokes out');
    for (const sp of this.spokes) {
      if (!/^\d{12}$/.test(sp.account)) throw misuse(this, `spokes: "${sp.account}" is not a 12-digit account ID`, 'write the spoke\'s account ID out');
      if (props.principalAccounts && !props.principalAccounts.includes(sp.account)) {
        throw misuse(this, `spokes: account ${sp.account} is not in principalAccounts (${props.principalAccounts.join(', ')})`, `add ${sp.account} to principalAccounts, or remove its spoke entry`);
      }
      if (sp.cidrs.length === 0) throw misuse(this, `spokes: account ${sp.account} has no CIDR`, 'list the spoke VPC\'s CIDR blocks');
      for (const c of sp.cidrs) {
        if (Token.isUnresolved(c) || ipv4CidrPrefix(c) === undefined) throw misuse(this, `spokes: "${c}" (account ${sp.account}) is not a literal IPv4 CIDR`, 'write each spoke CIDR block out, such as \'10.1.0.0/16\'');
        if (!props.spokeCidrs.some(o => cidrContains(o, c))) {
          throw misuse(this, `spokes: ${c} (account ${sp.account}) is inside none of spokeCidrs (${props.spokeCidrs.join(', ')}): the security group would refuse it`, `add ${c} to spokeCidrs`);
        }
      }
    }
    if (new Set(this.spokes.map(sp => sp.account)).size !== this.spokes.length) {
      throw misuse(this, 'spokes: an account is listed twice', 'list each account once, with all its VPC CIDRs');
    }
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
    // The reason is recorded beside them: the rule exempts nothing that does not say why.
    (this.securityGroup.node.defaultChild as ec2.CfnSecurityGroup).cfnOptions.metadata = {
      [SPOKE_CIDRS_METADATA]: [...props.spokeCidrs],
      [SPOKE_CIDRS_REASON_METADATA]: `EndpointHub ${this.node.path} serves the spoke VPCs reached over a Transit Gateway or peering: HTTPS (443) from the spokeCidrs it was given`,
    };

    const profileMode = this.resolution === HubDnsResolution.ROUTE53_PROFILE;
    const subnets = props.subnets ?? defaultPrivateSelection(props.vpc);
    for (const service of this.services) {
      const awsService = new ec2.InterfaceVpcEndpointAwsService(service);
      const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(service), {
        vpc: props.vpc,
        service: awsService,
        // In a concrete environment, only the hub subnets' AZs where the service is offered (DescribeVpcEndpointServices,
        // as NodeEndpoints does); asked for on the CLI's first pass, used on the next (core/lookups.ts).
        lookupSupportedAzs: supportedAzsLookupReady(this, props.vpc, subnets, awsService.name),
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
        // The construct ID stays (renaming it would replace the association); the name may not hold a dot: the Route 53
        // Profiles API's Name pattern is ^(?!^[0-9]+$)([a-zA-Z0-9\-_' ']+)$ (lib/contracts/api-constraints.ts, from
        // botocore's route53profiles model; CloudFormation's schema has no pattern, so only the API call would fail).
        new route53profiles.CfnProfileResourceAssociation(this, `Profile${endpointId(service)}`, {
          name: profileResourceName(service),
          profileId: this.profile.attrId,
          resourceArn: stack.formatArn({ service: 'ec2', resource: 'vpc-endpoint', resourceName: endpoint.vpcEndpointId }),
        });
      }
      const accounts = props.principalAccounts ?? (this.spokes.length > 0 ? this.spokes.map(sp => sp.account) : undefined);
      const principals = props.shareWith ?? accounts?.filter(a => a !== stack.account) ?? [];
      if (principals.length === 0 && props.organizationId && !accounts) {
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

  /**
   * Endpoint policies that admit the organization's or the accounts' principals only: every action, except on the ECR
   * endpoints (pulls and the cache's first pull, unless `pullOnlyEcrPolicies: false`); each account bound to its
   * spoke's CIDRs when `spokes` is given. Statement IDs are stable: tests and the IAM simulation read them.
   */
  private scopePolicy(service: string, endpoint: ec2.InterfaceVpcEndpoint) {
    if (!EndpointCatalogue.ENDPOINT_POLICY_SUPPORT[service]) return;
    const org = this.organizationId !== undefined ? { 'aws:PrincipalOrgID': this.organizationId } : {};
    const resourceOrg = this.organizationId !== undefined ? { 'aws:ResourceOrgID': this.organizationId } : {};
    const bound = new Set(this.spokes.map(sp => sp.account));
    const unbound = (this.principalAccounts ?? []).filter(a => !bound.has(a));
    // Who is admitted, one entry per statement: each bound spoke from its CIDRs, then the accounts (or the organization) unbound.
    const admissions: Admission[] = [
      ...this.spokes.map(sp => ({
        sid: `Spoke${sp.account}`,
        principal: { ...org, 'aws:PrincipalAccount': sp.account },
        resource: { ...resourceOrg, 'aws:ResourceAccount': sp.account },
        source: sp.cidrs,
        accounts: [sp.account],
      })),
      ...(unbound.length > 0 ? [{
        sid: 'SpokeAccounts',
        principal: { ...org, 'aws:PrincipalAccount': unbound },
        resource: { ...resourceOrg, 'aws:ResourceAccount': unbound },
        accounts: unbound,
      }] : []),
      ...(this.spokes.length === 0 && unbound.length === 0 ? [{ sid: 'Organization', principal: org, resource: resourceOrg }] : []),
    ];
    const ecr = service === 'ecr.api' || service === 'ecr.dkr';
    const stack = Stack.of(this);
    for (const a of admissions) {
      const conditions = (keys: { [k: string]: unknown }) => ({
        StringEquals: keys,
        ...(a.source ? { IpAddress: { 'aws:VpcSourceIp': a.source } } : {}),
      });
      if (ecr && this.pullOnlyEcr) {
        endpoint.addToPolicy(new iam.PolicyStatement({
          sid: `${a.sid}ImagePullsOnly`,
          principals: [new iam.AnyPrincipal()],
          actions: ECR_PULL_ACTIONS,
          resources: ['*'],
          conditions: conditions(a.principal),
        }));
        // The cache's first pull creates and imports into the caller's own registry: its account's repositories only
        // (any account of the organization when only organizationId admits).
        endpoint.addToPolicy(new iam.PolicyStatement({
          sid: `${a.sid}PullThroughCacheFirstPull`,
          principals: [new iam.AnyPrincipal()],
          actions: ECR_FIRST_PULL_ACTIONS,
          resources: (a.accounts ?? ['*']).map(account => stack.formatArn({ service: 'ecr', account, resource: 'repository', resourceName: '*' })),
          conditions: conditions(a.principal),
        }));
        continue;
      }
      if (a.source === undefined) {
        // The statements of the first release, unchanged (Sids `SpokeAccountsPrincipals` / `OrganizationPrincipals`).
        admitOnly(endpoint, service, { sid: `${a.sid}Principals`, principal: a.principal, webIdentitySid: 'WebIdentityToAdmittedRoles', resource: a.resource });
        continue;
      }
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: `${a.sid}Principals`,
        principals: [new iam.AnyPrincipal()],
        actions: ['*'],
        resources: ['*'],
        conditions: conditions(a.principal),
      }));
      if (service === 'sts') {
        // IRSA's AssumeRoleWithWebIdentity carries no principal: the role's account, from the spoke's addresses.
        endpoint.addToPolicy(new iam.PolicyStatement({
          sid: `WebIdentityTo${a.sid}Roles`,
          principals: [new iam.AnyPrincipal()],
          actions: ['sts:AssumeRoleWithWebIdentity'],
          resources: ['*'],
          conditions: conditions(a.resource),
        }));
      }
    }
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
      admittedAccounts: this.principalAccounts ? [...this.principalAccounts]
        : (this.spokes.length > 0 ? this.spokes.map(sp => sp.account) : undefined),
      accountsBoundToCidrs: this.spokes.length > 0 && (this.principalAccounts ?? []).every(a => this.spokes.some(sp => sp.account === a)),
      ecrPullOnly: this.pullOnlyEcr,
      admittedOrganizationId: this.organizationId,
      profileId: this.profile?.attrId,
      region: Stack.of(this).region,
      hubName: `the endpoint hub ${this.node.path}`,
    };
  }
}

/** Whom one statement of a hub endpoint's policy admits. */
interface Admission {
  /** The Sid prefix (`Spoke222222222222`, `SpokeAccounts`, `Organization`). */
  readonly sid: string;
  /** `StringEquals` on the caller. */
  readonly principal: { [k: string]: unknown };
  /** `StringEquals` on the role a web identity assumes. */
  readonly resource: { [k: string]: unknown };
  /** `aws:VpcSourceIp`: the spoke's CIDRs, when the account is bound to them. */
  readonly source?: string[];
  /** The accounts admitted (undefined: the organization's). */
  readonly accounts?: string[];
}

/**
 * The name of a service's endpoint in the Route 53 Profile: `endpoint-ecr-api` for `ecr.api`. The Route 53 Profiles
 * API refuses a dot in a name (botocore route53profiles service-2.json, shape `Name`, read 2026-12-07; terraform-provider-aws
 * #39793 hit the same ValidationException).
 */
function profileResourceName(service: string): string {
  return `endpoint-${service.replace(/[^a-zA-Z0-9_-]/g, '-')}`.slice(0, 64);
}
