/**
 * How a VPC reaches interface endpoints that live in another VPC (a hub): which services the hub serves, where it is,
 * how names resolve, and whom it admits. Plain data, so a hub in another account or another CDK app can be described
 * with literals; `EndpointHub.sharedEndpoints()` writes it for a hub of the same app.
 */

/**
 * How the names of the services a hub serves resolve in a spoke VPC. Each is a documented AWS pattern.
 */
export enum HubDnsResolution {
  /**
   * The hub's endpoints have private DNS off; one private hosted zone per service name, with an alias record to the
   * endpoint (and a `*` record where the names are account-specific, `dkr.ecr`), associated with every spoke VPC.
   * @see https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
   */
  PRIVATE_HOSTED_ZONES = 'private-hosted-zones',
  /**
   * Route 53 Resolver forwarding rules for the service names, to an inbound Resolver endpoint in the hub, whose
   * endpoints keep private DNS on; the rules are shared with AWS RAM and associated with the spoke VPCs.
   * @see https://repost.aws/knowledge-center/vpc-interface-configure-dns
   */
  RESOLVER_RULES = 'resolver-rules',
  /**
   * A Route 53 Profile that carries the hub's interface endpoints (private DNS on in the hub), shared with AWS RAM and
   * associated with each spoke VPC: every name each endpoint registers resolves in the spoke.
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpc-endpoints.html
   */
  ROUTE53_PROFILE = 'route53-profile',
}

/**
 * Interface endpoints this VPC uses from a hub VPC, reached over a Transit Gateway or VPC peering.
 *
 * Gateway endpoints cannot be shared (S3's is used only by the route tables of its own VPC), so the cluster keeps its
 * own S3 gateway endpoint. Services the hub does not serve get endpoints of their own, as without a hub.
 */
export interface SharedEndpoints {
  /** Short names of the interface endpoint services the hub serves (`ec2`, `ecr.api`, `ecr.dkr`, `sts`, ...). */
  readonly services: string[];
  /** The hub VPC's IPv4 CIDR blocks, where the endpoints' network interfaces are. Literal values. */
  readonly hubCidrs: string[];
  /** How the service names resolve in this VPC. */
  readonly resolution: HubDnsResolution;
  /**
   * The names the hub answers for in this VPC: with `PRIVATE_HOSTED_ZONES`, the zone names (a zone answers for every
   * name under it) and, as `*.<zone>`, the zones with a wildcard record; with `RESOLVER_RULES`, the rules' domain
   * names (a rule forwards every name under it). Not used with `ROUTE53_PROFILE` (the endpoints' own names resolve).
   * @default - with PRIVATE_HOSTED_ZONES and RESOLVER_RULES: every name the services are called by
   *            (`EndpointCatalogue`'s private DNS names: `api.ecr.<region>`, `*.dkr.ecr.<region>`, `eks-auth.<region>.api.aws`, ...)
   */
  readonly names?: string[];
  /**
   * The CIDRs the hub's endpoint security groups admit on 443. Every CIDR this VPC's clients use must be inside one.
   * @default - not known to this app: the check cannot verify it, and the preflight probes it
   */
  readonly admittedCidrs?: string[];
  /**
   * The accounts whose principals the hub's endpoint policies admit.
   * @default - not known to this app (or the organization admits them: `admittedOrganizationId`)
   */
  readonly admittedAccounts?: string[];
  /**
   * The organization whose principals the hub's endpoint policies admit (`aws:PrincipalOrgID`).
   * @default - not known to this app
   */
  readonly admittedOrganizationId?: string;
  /**
   * Whether the hub's endpoint policies bind each admitted account to its spoke's CIDRs (`aws:PrincipalAccount` with
   * `aws:VpcSourceIp`, `EndpointHub` `spokes`). When false, an admitted account's credentials work through the hub from
   * any VPC attached to it: the hub is wider than a spoke's own endpoints.
   * @default - not known to this app
   */
  readonly accountsBoundToCidrs?: boolean;
  /**
   * Whether the hub's ECR endpoints admit only image pulls and the pull-through cache's first pull (`EndpointHub`
   * `pullOnlyEcrPolicies`), as a cluster's own ECR endpoints do.
   * @default - not known to this app
   */
  readonly ecrPullOnly?: boolean;
  /**
   * With `ROUTE53_PROFILE`: the profile (`rp-...`) to associate with this VPC. The association is created in this
   * stack (the VPC's account); the profile must be shared with it through AWS RAM first, and, when this account is
   * outside the hub's organization (or RAM sharing with AWS Organizations is off), this account must accept the RAM
   * invitation before deploying (`aws ram accept-resource-share-invitation`). A VPC takes one Profile only ("A VPC can
   * have only one Profile associated with it", AssociateProfile in the Route 53 Profiles API reference and botocore's
   * route53profiles model, read 2026-12-07): a VPC that has a Profile already cannot take the hub's.
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/sharing-profiles.html
   * @see https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html
   * @default - the profile is associated outside this app
   */
  readonly profileId?: string;
  /**
   * The hub's region. Interface endpoints serve their own region's names.
   * @default - this stack's region
   */
  readonly region?: string;
  /**
   * How messages name the hub.
   * @default 'the hub'
   */
  readonly hubName?: string;
}
