import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { admitOnly, endpointId } from './endpoint-parts';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { AwsBuckets, locationOf, s3Arn } from '../core/aws-env';
import { literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { endpointAzsRecorded, requestEndpointAzs, subnetsPendingLookup } from '../core/lookups';
import { defaultPrivateSelection } from '../core/subnets';

/**
 * Properties of `NodeEndpoints`.
 */
export interface NodeEndpointsProps {
  /** The VPC the endpoints are created in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets whose workloads use the endpoints: interface endpoints get one ENI in one of these subnets per
   * Availability Zone, and the S3 gateway endpoint is added to these subnets' route tables.
   * @default - the VPC's private subnets (isolated or with egress)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Further subnets whose route tables get the S3 gateway endpoint (for example a bastion's subnets).
   * @default - none
   */
  readonly additionalGatewaySubnets?: ec2.SubnetSelection[];

  /**
   * Interface endpoint services, by short name as in `com.amazonaws.<region>.<name>` (`ec2`, `ecr.api`, ...).
   * @default EndpointCatalogue.NODE_INTERFACE_SERVICES (`ec2`, `ecr.api`, `ecr.dkr`)
   */
  readonly services?: string[];

  /**
   * Whether to create the S3 gateway endpoint. ECR serves image layers from S3: nodes with no internet route
   * cannot pull any image without it.
   * @default true
   */
  readonly s3Gateway?: boolean;

  /**
   * The security group of the interface endpoints.
   * @default - a new security group admitting HTTPS (443) from the VPC's CIDR block only, with no outbound rules
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Give the ECR endpoints (`ecr.api`, `ecr.dkr`) a policy that admits only image pulls by principals of this
   * account (`GetAuthorizationToken`, `BatchGetImage`, `GetDownloadUrlForLayer`, `BatchCheckLayerAvailability`).
   * Pushing images from inside the VPC then needs `interfaceEndpoint('ecr.api').addToPolicy(...)`.
   * @default true
   */
  readonly pullOnlyEcrPolicies?: boolean;

  /**
   * Give every interface endpoint whose service takes an endpoint policy (`EndpointCatalogue.ENDPOINT_POLICY_SUPPORT`)
   * a policy that admits only this account's principals (`aws:PrincipalAccount`), so credentials from another account
   * cannot be used through the VPC's endpoints. STS also admits `AssumeRoleWithWebIdentity` (IRSA), whose caller has
   * no principal, for roles of this account (`aws:ResourceAccount`), as the STS endpoint policy guide shows. Resources
   * stay open: nodes pull the EKS add-on images from AWS-owned registries. The ECR endpoints keep their pull-only
   * policy (`pullOnlyEcrPolicies`), which admits this account's principals only.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html
   * @default true
   */
  readonly accountScopedPolicies?: boolean;

  /**
   * Give the S3 gateway endpoint a policy that admits only what the cluster needs from S3: ECR image layers (the
   * regional `prod-<region>-starport-layer-bucket`), this account's CDK asset buckets (the bastion's kubectl, chart
   * assets), CloudFormation's custom resource responses, and this account's buckets used by this account's
   * principals. Every workload in these subnets reaches S3 through this endpoint: one that needs another account's
   * bucket (or an AWS-owned one, such as Amazon Linux repositories) needs a statement added with
   * `s3GatewayEndpoint.addToPolicy(...)`, or `restrictS3Policy: false`.
   * @default true
   */
  readonly restrictS3Policy?: boolean;

  /**
   * Place each interface endpoint only in the Availability Zones where its service is offered, as eksctl does
   * (DescribeVpcEndpointServices), through aws-cdk-lib's `lookupSupportedAzs` context lookup. It needs the stack's
   * account and region; the value is recorded in cdk.context.json like any lookup. An environment-agnostic stack
   * cannot look up, places endpoints in every node AZ, and the plan report says the AZs were not verified.
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
   * @default - true when the stack has a concrete account and region
   */
  readonly lookupSupportedAzs?: boolean;
}

/**
 * The VPC endpoints that let EKS nodes in subnets with no internet route join the cluster and pull images:
 * interface endpoints with private DNS (so the SDKs' public service names resolve to private addresses) behind
 * one security group, and the S3 gateway endpoint on the node subnets' route tables.
 *
 * Each interface endpoint costs money per Availability Zone-hour: add only what something uses
 * (`EndpointCatalogue` says what each service serves).
 */
export class NodeEndpoints extends Construct {
  /** The security group of the interface endpoints. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The S3 gateway endpoint, when created. */
  public readonly s3GatewayEndpoint?: ec2.GatewayVpcEndpoint;

  private readonly vpc: ec2.IVpc;
  private readonly subnets: ec2.SubnetSelection;
  private readonly endpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
  private readonly pullOnlyEcr: boolean;
  private readonly accountScoped: boolean;
  /** Whether the interface endpoints' Availability Zones are looked up (a concrete environment). */
  public readonly azsVerified: boolean;

  constructor(scope: Construct, id: string, props: NodeEndpointsProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.subnets = props.subnets ?? defaultPrivateSelection(props.vpc);

    // A VPC lookup with no answer yet (the CLI's first pass) has placeholder subnets: nothing to check until it has one.
    if (this.vpc.selectSubnets(this.subnets).subnets.length === 0 && !subnetsPendingLookup(this.vpc, this.subnets)) {
      throw misuse(this, 'the subnet selection for the endpoints matches no subnet of the VPC',
        'pass `subnets` that select the node subnets');
    }

    this.pullOnlyEcr = props.pullOnlyEcrPolicies ?? true;
    this.accountScoped = props.accountScopedPolicies ?? true;
    const stack = Stack.of(this);
    const concrete = !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region);
    if (props.lookupSupportedAzs && !concrete) {
      throw misuse(this, 'lookupSupportedAzs needs the stack\'s account and region, and the stack is environment-agnostic',
        'give the stack an `env` with account and region, or leave lookupSupportedAzs out');
    }
    this.azsVerified = props.lookupSupportedAzs ?? concrete;
    if (props.securityGroup) {
      this.securityGroup = props.securityGroup;
    } else {
      const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: this.vpc,
        description: 'VPC interface endpoints: HTTPS from inside the VPC',
        allowAllOutbound: false,
      });
      sg.addIngressRule(ec2.Peer.ipv4(literalVpcCidr(this.vpc) ?? this.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from inside the VPC');
      this.securityGroup = sg;
    }

    for (const service of props.services ?? EndpointCatalogue.NODE_INTERFACE_SERVICES) {
      this.addInterfaceEndpoint(service);
    }

    const pendingButEmpty = subnetsPendingLookup(this.vpc, this.subnets) && this.vpc.selectSubnets(this.subnets).subnets.length === 0;
    if (props.s3Gateway ?? true) {
      this.s3GatewayEndpoint = new ec2.GatewayVpcEndpoint(this, 'S3', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        // aws-cdk-lib's GatewayVpcEndpoint throws on a selection with no route table, even a placeholder one: while the
        // VPC lookup has no answer and the selection names nothing of the dummy VPC, use all its subnets for this pass.
        subnets: pendingButEmpty ? undefined : [this.subnets, ...(props.additionalGatewaySubnets ?? [])],
      });
      if (props.restrictS3Policy ?? true) this.restrictS3(this.s3GatewayEndpoint);
    } else if (props.restrictS3Policy) {
      throw misuse(this, 'restrictS3Policy was given with s3Gateway: false', 'remove `restrictS3Policy`, or create the S3 gateway endpoint');
    }
  }

  private restrictS3(endpoint: ec2.GatewayVpcEndpoint) {
    const l = locationOf(this);
    // ECR presigns layer URLs: the request S3 sees is not signed by the node's role, so only `*` admits it (the ECR
    // guide's minimum policy). https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'EcrImageLayers',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [s3Arn(l, `${AwsBuckets.ecrLayers(l)}/*`)],
    }));
    // The bootstrap bucket's name is a pattern anyone can register in their own account (`cdk-x-assets-<this account>-
    // <region>` is a name, not a proof of ownership): aws:ResourceAccount admits only this account's.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'CdkAssets',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['s3:GetObject'],
      resources: [s3Arn(l, `${AwsBuckets.cdkAssets(l)}/*`)],
      conditions: { StringEquals: { 'aws:ResourceAccount': Stack.of(this).account } },
    }));
    // Custom-resource handlers answer through a URL CloudFormation presigns, in a bucket named with the region
    // without dashes. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html
    // Residual path, by design: any principal may PutObject there, because the request is signed by CloudFormation's
    // presigned URL, not by the caller. A workload holding a presigned response URL of any stack (another account's
    // included) can write one object to it; the bucket is AWS-owned and admits only CloudFormation-presigned requests,
    // and what is written is read back only as that stack's custom-resource response (status, reason, data), which
    // CloudFormation accepts up to 4,096 bytes (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
    // docs/security.md: what the S3 gateway still admits.
    // This account's buckets, by this account's principals (workloads' own data, Mountpoint volumes): nothing leaves
    // for another account's bucket through this endpoint.
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'ThisAccountsBucketsByThisAccountsPrincipals',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(this).account, 'aws:ResourceAccount': Stack.of(this).account } },
    }));
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: 'CloudFormationCustomResourceResponses',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [s3Arn(l, `${AwsBuckets.cloudFormationResponses(l)}/*`)],
    }));
  }

  /**
   * Adds an interface endpoint for a service (short name, as in `com.amazonaws.<region>.<name>`), with private DNS,
   * in the endpoints' subnets and security group. Adding a service twice returns the existing endpoint.
   */
  public addInterfaceEndpoint(service: string): ec2.InterfaceVpcEndpoint {
    const problem = EndpointCatalogue.checkServiceName(service);
    if (problem) {
      throw misuse(this, `cannot add an interface endpoint: ${problem}`, 'pass a short service name such as "ecr.api" or "logs"');
    }
    const existing = this.endpoints.get(service);
    if (existing) return existing;
    const global = EndpointCatalogue.GLOBAL_SERVICE_NAMES[service];
    if (global) {
      throw misuse(this, `cannot add an interface endpoint for "${service}": its endpoint service is ${global}, with no region, and where AWS offers it is not recorded in this library`,
        `create it with new ec2.InterfaceVpcEndpoint(this, 'Route53', { vpc, service: new ec2.InterfaceVpcEndpointService('${global}') }) where \`aws ec2 describe-vpc-endpoint-services\` lists it, or declare it: existingEndpointServices: ['${service}']`);
    }
    const l = locationOf(this);
    if (l.regionKnown && !EndpointCatalogue.offeredIn(service, l.region)) {
      throw misuse(this, `cannot add an interface endpoint for "${service}": ${l.region} does not offer it through AWS PrivateLink `
        + `(${EndpointCatalogue.describe(service)?.unavailableInSource}), so CloudFormation would fail to create it`,
      'reach the service through a NAT route or a proxy in this region and leave the endpoint out, or deploy to a region that offers it');
    }

    const awsService = new ec2.InterfaceVpcEndpointAwsService(service);
    const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(service), {
      vpc: this.vpc,
      service: awsService,
      privateDnsEnabled: true,
      subnets: { ...this.subnets, onePerAz: true },
      securityGroups: [this.securityGroup],
      // The security group above decides who may connect; `open` would add a second, wider rule.
      open: false,
      lookupSupportedAzs: this.azsVerified && this.azLookupAnswered(awsService.name),
    });
    const ecr = service === 'ecr.api' || service === 'ecr.dkr';
    if (this.accountScoped && EndpointCatalogue.ENDPOINT_POLICY_SUPPORT[service] && !(ecr && this.pullOnlyEcr)) {
      const account = Stack.of(this).account;
      admitOnly(endpoint, service, {
        sid: 'ThisAccountsPrincipals',
        principal: { 'aws:PrincipalAccount': account },
        webIdentitySid: 'WebIdentityToThisAccountsRoles',
        resource: { 'aws:ResourceAccount': account },
      });
    }
    if (this.pullOnlyEcr && ecr) {
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'ImagePullsOnly',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: ['*'],
      }));
    }
    this.endpoints.set(service, endpoint);
    return endpoint;
  }

  /**
   * Whether aws-cdk-lib may filter the endpoint's subnets by the service's Availability Zones in this pass. On the CDK
   * CLI's first pass the lookup has no answer: aws-cdk-lib's `InterfaceVpcEndpoint` (aws-ec2/lib/vpc-endpoint.js,
   * `endpointSubnets`) then filters the subnets by its dummy value, the stack's Availability Zones (themselves
   * `dummy1a`, `dummy1b`, `dummy1c` before their lookup), and throws `LookupSupportedAzsReturned` ("lookupSupportedAzs
   * returned dummy1a,dummy1b,dummy1c but subnets have AZs eu-west-1a,eu-west-1b") when none of the subnets is in it:
   * a VPC with written-out AZs, or `Vpc.fromLookup`, fails before the CLI can run the lookup. So until the answer is
   * recorded (and while the subnets are placeholders of a pending VPC lookup, or carry the placeholder AZs), the
   * lookup is requested here, under the key aws-cdk-lib reads, and the endpoint goes to every node AZ for this pass;
   * the CLI looks it up and the next pass filters.
   */
  private azLookupAnswered(serviceName: string): boolean {
    if (!endpointAzsRecorded(this, serviceName)) {
      requestEndpointAzs(this, serviceName);
      return false;
    }
    if (subnetsPendingLookup(this.vpc, this.subnets)) return false;
    const azs = this.vpc.selectSubnets({ ...this.subnets, onePerAz: true }).subnets.map(s => s.availabilityZone);
    return !azs.some(az => !Token.isUnresolved(az) && PLACEHOLDER_AZS.has(az));
  }

  /** The interface endpoint of a service, or undefined when this construct did not create one. */
  public interfaceEndpoint(service: string): ec2.InterfaceVpcEndpoint | undefined {
    return this.endpoints.get(service);
  }

  /** The short names of the interface endpoint services created, in the order they were added. */
  public get interfaceServices(): string[] {
    return [...this.endpoints.keys()];
  }
}

/**
 * aws-cdk-lib's placeholder Availability Zones: `Stack.availabilityZones` before its lookup is answered (core/lib/stack.js,
 * dummyValue) and the subnets of `Vpc.fromLookup`'s dummy VPC.
 */
const PLACEHOLDER_AZS = new Set(['dummy1a', 'dummy1b', 'dummy1c']);
