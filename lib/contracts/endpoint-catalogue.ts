import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ComponentContracts } from './component-contracts';
import { editDistance } from '../core/edit-distance';

/**
 * The AWS services that EKS nodes, the bastion and cluster features reach through VPC endpoints,
 * and what each one serves. Pure data and logic: no construct scope, testable without a stack.
 *
 * Names are the short service names AWS uses in `com.amazonaws.<region>.<name>`.
 */

/**
 * How a VPC endpoint is attached to the VPC.
 */
export enum EndpointKind {
  /** An ENI per Availability Zone with private DNS; billed per AZ-hour and per GB. */
  INTERFACE = 'Interface',
  /** A route in the route tables of the subnets that use it; no hourly charge (S3 and DynamoDB). */
  GATEWAY = 'Gateway',
}

/**
 * What a VPC endpoint service is for.
 */
export interface EndpointServiceInfo {
  /** Short service name, as in `com.amazonaws.<region>.<name>`. */
  readonly name: string;
  /** Interface or gateway endpoint. */
  readonly kind: EndpointKind;
  /** Who calls the service and why: what breaks without it. */
  readonly usedBy: string;
  /** When `PrivateEksCluster` creates it. */
  readonly createdWhen: string;
  /** The AWS document (URL, section) whose words this row encodes. */
  readonly source: string;
  /**
   * The day `source` was read (YYYY-MM-DD). Rows written by the session of 2026-11-25 (git history of this file) and
   * not re-read since carry that date; rows checked again against their page carry the day of that check.
   */
  readonly read: string;
  /**
   * What the source says about regions where nothing is listed in `unavailableIn` ("available in most AWS Regions"),
   * word for word, when it says anything.
   * @default - the source says nothing about regions
   */
  readonly availability?: string;
  /**
   * Regions where AWS does not offer this service through PrivateLink (no `com.amazonaws.<region>.<name>` endpoint
   * service): creating the endpoint there fails the stack.
   * @default - offered wherever the service is
   */
  readonly unavailableIn?: string[];
  /** Where `unavailableIn` comes from, and the day it was read. */
  readonly unavailableInSource?: string;
}

/**
 * The features that decide which endpoints a cluster needs.
 */
export interface EndpointFeatures {
  /**
   * A bastion reached through SSM Session Manager from subnets with no internet route.
   * @default false
   */
  readonly ssmBastion?: boolean;
  /**
   * The SSM bastion runs an image whose SSM Agent version is unknown (a `machineImage` of yours): `ec2messages` too.
   * @default false
   */
  readonly ssmLegacyAgent?: boolean;
  /**
   * IAM roles for service accounts: pods call STS `AssumeRoleWithWebIdentity`.
   * @default false
   */
  readonly irsa?: boolean;
  /**
   * EKS Pod Identity: the agent calls `eks-auth:AssumeRoleForPodIdentity`.
   * @default false
   */
  readonly podIdentity?: boolean;
  /**
   * Container or node logs shipped to CloudWatch Logs from the nodes.
   * @default false
   */
  readonly logShipping?: boolean;
}

const NODE_JOIN = 'always: nodes cannot join without it';
const EKS_PRIVATE = 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (VPC endpoints table)';
const SSM_MESSAGES = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html';
const EKS_ENDPOINTS = 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html';
/** The stored copy of that page read on 2026-12-05. */
const EKS_ENDPOINTS_COPY = 'awsdocs/amazon-eks-user-guide latest/ug/security/vpc-interface-endpoints.adoc at 2d5965b6fe15a1c7582e8af4cb49b5becfcfe3f3';
const ARGOCD_PRIVATE = 'https://docs.aws.amazon.com/eks/latest/userguide/argocd-private-access.html';

/** Whether an interface endpoint service takes a VPC endpoint policy, per one source. */
export interface EndpointPolicyFact {
  /** Short service name. */
  readonly service: string;
  /** true: the source says its endpoints take a policy; false: the source says they take none. */
  readonly takesPolicy: boolean;
  /** The document (URL, and what it says). */
  readonly source: string;
  /** The day the source was read (YYYY-MM-DD). */
  readonly read: string;
}

/** What aws-cdk-lib's `InterfaceVpcEndpointAwsService` list says of a service. */
export enum AwsCdkListing {
  /** A static member with this short name, and a regional service name (`com.amazonaws.<region>.<name>`). */
  REGIONAL = 'regional',
  /** A static member with this short name and no region in its service name (`com.amazonaws.iam`). */
  GLOBAL = 'global',
  /** No static member with this short name. */
  ABSENT = 'absent',
}

/** A claim of this library about a service's interface endpoint, compared with aws-cdk-lib's list by a test. */
export interface EndpointClaim {
  /** Short service name, as in `com.amazonaws.<region>.<name>` (`wafv2`, `waf-regional`). */
  readonly service: string;
  /** Whether AWS offers an interface endpoint for it (in some region), by `source`. */
  readonly hasInterfaceEndpoint: boolean;
  /** The claim in words: what it means for a private cluster. */
  readonly claim: string;
  /** The documents (URLs, and what they say). */
  readonly source: string;
  /** The day the sources were read (YYYY-MM-DD). */
  readonly read: string;
  /** What aws-cdk-lib's `InterfaceVpcEndpointAwsService` list said when the claim was read (the version in `awsCdkLibVersion`). */
  readonly awsCdkLib: AwsCdkListing;
  /** The aws-cdk-lib version whose list was read. */
  readonly awsCdkLibVersion: string;
  /**
   * Why this claim and aws-cdk-lib's list disagree (AWS documents an endpoint that aws-cdk-lib has no member for yet).
   * @default - they agree
   */
  readonly disagreement?: string;
}

const CDK_LIST = 'aws-cdk-lib aws-ec2/lib/vpc-endpoint InterfaceVpcEndpointAwsService';
const CDK_VERSION = '2.276.0';

const POLICY_FACTS: EndpointPolicyFact[] = [
  // Re-read 2026-12-07: "Create an endpoint policy ... attach a custom endpoint policy to the interface endpoint".
  { service: 'ec2', takesPolicy: true, source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interface-vpc-endpoints.html', read: '2026-12-07' },
  // The EKS guide has said both "VPC endpoint policies are not supported for Amazon EKS" and, later, "use VPC endpoint
  // policies to control access to Amazon EKS through the interface endpoint" (read 2026-12-05): the later page is followed.
  { service: 'eks', takesPolicy: true, source: `${EKS_ENDPOINTS} ("use VPC endpoint policies to control access to Amazon EKS through the interface endpoint")`, read: '2026-12-05' },
  { service: 'oidc-eks', takesPolicy: false, source: `${EKS_ENDPOINTS} ("This endpoint does not support VPC endpoint policies ... accepts only the default full-access policy")`, read: '2026-12-05' },
  { service: 'eks-capabilities', takesPolicy: false, source: `${ARGOCD_PRIVATE} ("AWS doesn't currently support VPC endpoint policies for the eks-capabilities service endpoint")`, read: '2026-12-05' },
  // Re-read 2026-12-07: awsdocs/amazon-ecr-user-guide doc_source/vpc-endpoints.md at 1e8d7c3f, "Create an endpoint policy for your Amazon ECR VPC endpoints" ("attaching it to both of the Amazon ECR VPC endpoints").
  { service: 'ecr.api', takesPolicy: true, source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/amazon-ecr-user-guide doc_source/vpc-endpoints.md at 1e8d7c3f, "Create an endpoint policy for your Amazon ECR VPC endpoints" ("attaching it to both of the Amazon ECR VPC endpoints").
  { service: 'ecr.dkr', takesPolicy: true, source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy', read: '2026-12-07' },
  // Re-read 2026-12-07: "When you create an interface VPC endpoint for AWS STS, you can attach an endpoint policy".
  { service: 'sts', takesPolicy: true, source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/aws-systems-manager-user-guide setup-create-vpc.md (stored copy with the sysman-endpoint-policies anchor), "Create an interface VPC endpoint policy ... for VPC interface endpoints for AWS Systems Manager".
  { service: 'ssm', takesPolicy: true, source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/aws-systems-manager-user-guide setup-create-vpc.md (stored copy with the sysman-endpoint-policies anchor), "Create an interface VPC endpoint policy ... for VPC interface endpoints for AWS Systems Manager".
  { service: 'ssmmessages', takesPolicy: true, source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies (Systems Manager endpoints)', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/aws-systems-manager-user-guide setup-create-vpc.md (stored copy with the sysman-endpoint-policies anchor), "Create an interface VPC endpoint policy ... for VPC interface endpoints for AWS Systems Manager".
  { service: 'ec2messages', takesPolicy: true, source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies (Systems Manager endpoints)', read: '2026-12-07' },
  // Re-read 2026-12-07: "Creating an interface endpoint policy for Lambda".
  { service: 'lambda', takesPolicy: true, source: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html#vpc-endpoint-policy', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/amazon-cloudwatch-logs-user-guide doc_source/cloudwatch-logs-and-interface-VPC.md at f7d74a66, "Controlling Access to Your CloudWatch Logs VPC Endpoint".
  { service: 'logs', takesPolicy: true, source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html', read: '2026-12-07' },
  // Re-read 2026-12-07: security-iam.html: "You can also use VPC endpoint policies to determine which principals can access your AWS KMS endpoint".
  { service: 'kms', takesPolicy: true, source: 'https://docs.aws.amazon.com/kms/latest/developerguide/security-iam.html', read: '2026-12-07' },
  // Re-read 2026-12-07: "Create a VPC endpoint policy for ELB".
  { service: 'elasticloadbalancing', takesPolicy: true, source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/load-balancer-vpc-endpoints.html', read: '2026-12-07' },
  // Re-read 2026-12-07: "working with VPC endpoints and creating VPC endpoint policies".
  { service: 'sqs', takesPolicy: true, source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-internetwork-traffic-privacy.html', read: '2026-12-07' },
  // Re-read 2026-12-07: "Create a VPC endpoint policy ... to control access to the Amazon EC2 Auto Scaling API".
  { service: 'autoscaling', takesPolicy: true, source: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-vpc-endpoints.html', read: '2026-12-07' },
  // Re-read 2026-12-07: "Creating a VPC endpoint policy for Amazon EFS".
  { service: 'elasticfilesystem', takesPolicy: true, source: 'https://docs.aws.amazon.com/efs/latest/ug/efs-vpc-endpoints.html', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/amazon-cloudwatch-user-guide doc_source/cloudwatch-and-interface-VPC.md at 20a560c1, "Controlling access to your CloudWatch VPC endpoint".
  { service: 'monitoring', takesPolicy: true, source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html', read: '2026-12-07' },
  // Re-read 2026-12-07: "Add the following policy to restrict VPC endpoint usage to specified account only".
  { service: 'guardduty-data', takesPolicy: true, source: 'https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/aws-xray-developer-guide doc-source/xray-security-vpc-endpoint.md at ba244165, "Controlling access to your X-Ray VPC endpoint".
  { service: 'xray', takesPolicy: true, source: 'https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html', read: '2026-12-07' },
];

const LBC_PROVIDER = 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/aws/provider/default_aws_clients_provider.go';
const KARPENTER_PRICING = 'https://github.com/aws/karpenter-provider-aws/blob/main/pkg/providers/pricing/pricing.go';

const CLAIMS: EndpointClaim[] = [
  {
    service: 'wafv2',
    hasInterfaceEndpoint: true,
    claim: 'the Load Balancer Controller reaches WAFv2 (enableWafv2) through a wafv2 interface endpoint; with neither it nor an internet route, enableWafv2 must be false',
    source: `${CDK_LIST}.WAFV2 (com.amazonaws.<region>.wafv2); ${LBC_PROVIDER} (the WAFv2 client uses the cluster's region)`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.REGIONAL,
    awsCdkLibVersion: CDK_VERSION,
  },
  {
    service: 'shield',
    hasInterfaceEndpoint: true,
    claim: 'the Load Balancer Controller reaches Shield (enableShield) through a shield interface endpoint; with neither it nor an internet route, enableShield must be false. '
      + 'Which regions offer com.amazonaws.<region>.shield was not found in AWS documents: aws-cdk-lib names it regional, and where a region lacks it the endpoint fails to deploy',
    source: `${CDK_LIST}.SHIELD (com.amazonaws.<region>.shield); ${LBC_PROVIDER} (shield.NewFromConfig with o.Region = cfg.Region: the cluster's region)`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.REGIONAL,
    awsCdkLibVersion: CDK_VERSION,
  },
  {
    service: 'waf-regional',
    hasInterfaceEndpoint: false,
    claim: 'WAF Classic Regional (enableWaf) has no interface endpoint: the Load Balancer Controller reaches it only through an internet route (or a proxy the app declares)',
    source: `${CDK_LIST} (no WAF Classic member; WAFV2 only); https://docs.aws.amazon.com/waf/latest/APIReference/Welcome.html ("AWS WAF Classic support will end on September 30, 2025")`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.ABSENT,
    awsCdkLibVersion: CDK_VERSION,
  },
  {
    service: 'acm',
    hasInterfaceEndpoint: true,
    claim: 'the Load Balancer Controller discovers ACM certificates from Ingress hosts through an acm interface endpoint; with neither it nor an internet route, name certificates by ARN',
    source: `${CDK_LIST}.CERTIFICATE_MANAGER (com.amazonaws.<region>.acm); ${LBC_PROVIDER} (the ACM client uses the cluster's region)`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.REGIONAL,
    awsCdkLibVersion: CDK_VERSION,
  },
  {
    service: 'pricing.api',
    hasInterfaceEndpoint: true,
    claim: 'the Price List API has an interface endpoint, but Karpenter calls it in us-east-1, or ap-south-1 (ap-*), eu-central-1 (eu-*), cn-northwest-1 (cn-*): '
      + 'an endpoint serves its own region only, so it helps a cluster in one of those four regions alone; elsewhere settings.isolatedVPC stays required',
    source: `${CDK_LIST}.PRICE_LIST (com.amazonaws.<region>.pricing.api); ${KARPENTER_PRICING} (NewAPI: "pricing API doesn't have an endpoint in all regions")`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.REGIONAL,
    awsCdkLibVersion: CDK_VERSION,
  },
  {
    service: 'iam',
    hasInterfaceEndpoint: true,
    claim: 'IAM\'s endpoint service is com.amazonaws.iam, created only in us-east-1 (commercial regions): a cluster elsewhere reaches it only across regions '
      + '(Transit Gateway), so Karpenter\'s EC2NodeClass names a pre-created instance profile',
    source: `${CDK_LIST}.IAM (com.amazonaws.iam, no region); https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam_vpc_endpoint_create.html `
      + '("Interface VPC endpoints for IAM can only be created in the Region where the IAM control plane is located ... us-east-1")',
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.GLOBAL,
    awsCdkLibVersion: CDK_VERSION,
  },
  // Re-read 2026-12-07: the AWS PrivateLink Guide's "AWS services that integrate with AWS PrivateLink" (stored copy of the guide's PDF,
  // docslib.org 8153284, which lists 2025 services such as Route 53 Global Resolver) has "Amazon Route 53 | com.amazonaws.route53".
  // The sources disagree: the stored copies of the EKS private-clusters page have no Route 53 row, and the later one says "Route53 does
  // not support AWS PrivateLink. You cannot manage Route53 DNS records from a private Amazon EKS cluster". The PrivateLink Guide is the
  // service list and the later document: it is followed (the claim is unchanged).
  {
    service: 'route53',
    hasInterfaceEndpoint: true,
    claim: 'Route 53 has a global endpoint service, com.amazonaws.route53 (GLOBAL_SERVICE_NAMES)',
    source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html ("Amazon Route 53 | com.amazonaws.route53"); '
      + 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (endpoint table: "Amazon Route 53 | com.amazonaws.route53"; not in the copies stored)',
    read: '2026-12-07',
    awsCdkLib: AwsCdkListing.ABSENT,
    awsCdkLibVersion: CDK_VERSION,
    disagreement: 'the AWS PrivateLink Guide lists com.amazonaws.route53; aws-cdk-lib 2.276.0 has no member for it (create it with ec2.InterfaceVpcEndpointService)',
  },
  ...['oidc-eks', 'eks-fips', 'eks-capabilities'].map(service => ({
    service,
    hasInterfaceEndpoint: true,
    claim: `${service} has an interface endpoint (catalogue row)`,
    source: service === 'eks-capabilities' ? ARGOCD_PRIVATE : `${EKS_ENDPOINTS} (${EKS_ENDPOINTS_COPY})`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.ABSENT,
    awsCdkLibVersion: CDK_VERSION,
    disagreement: `the EKS user guide names com.amazonaws.region-code.${service}; aws-cdk-lib 2.276.0 has no member for it (NodeEndpoints creates it by name)`,
  })),
  ...['eks', 'eks-auth', 'eks-proxy'].map(service => ({
    service,
    hasInterfaceEndpoint: true,
    claim: `${service} has an interface endpoint (catalogue row)`,
    source: `${EKS_ENDPOINTS} (${EKS_ENDPOINTS_COPY}); ${CDK_LIST}`,
    read: '2026-12-05',
    awsCdkLib: AwsCdkListing.REGIONAL,
    awsCdkLibVersion: CDK_VERSION,
  })),
];

/*
 * "The private-clusters copies" in the 2026-12-07 re-read notes below: the stored copies of https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
 * read that day, awsdocs/amazon-eks-user-guide latest/ug/clusters/private-clusters.adoc at 2ef9e386 and a later Markdown copy of the page whose
 * endpoint table has the eks-auth and eks rows. Neither has a Route 53 row (see the route53 claim).
 */
const CATALOGUE: EndpointServiceInfo[] = [
  {
    name: 'ec2',
    kind: EndpointKind.INTERFACE,
    usedBy: 'kubelet and the AWS cloud provider (DescribeInstances at node registration), the VPC CNI plugin (ENIs and IP addresses)',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (VPC endpoints table)',
    // Re-read 2026-12-07: the private-clusters copies: table row "Amazon EC2 | com.amazonaws.region-code.ec2"
    read: '2026-12-07',
  },
  {
    name: 'ecr.api',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the ECR credential provider (GetAuthorizationToken) before any image pull, including the pause/sandbox image',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
    // Re-read 2026-12-07: ECR vpc-endpoints page (stored copy: ecr.dkr and ecr.api endpoints "as well as the Amazon S3 gateway endpoint"); the private-clusters copies: ECR row
    read: '2026-12-07',
  },
  {
    name: 'ecr.dkr',
    kind: EndpointKind.INTERFACE,
    usedBy: 'containerd pulling image manifests from ECR (the EKS add-on images: vpc-cni, kube-proxy, coredns, pause)',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
    // Re-read 2026-12-07: ECR vpc-endpoints page (stored copy: ecr.dkr and ecr.api endpoints "as well as the Amazon S3 gateway endpoint"); the private-clusters copies: ECR row
    read: '2026-12-07',
  },
  {
    name: 's3',
    kind: EndpointKind.GATEWAY,
    usedBy: 'containerd downloading ECR image layers (stored in S3); the bastion fetching kubectl from the CDK asset bucket',
    createdWhen: NODE_JOIN + ' (gateway endpoint on the node subnets\' route tables)',
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
    // Re-read 2026-12-07: ECR vpc-endpoints page (stored copy: "the Amazon S3 gateway endpoint"); the private-clusters copies: ECR row (ecr.api, ecr.dkr and s3)
    read: '2026-12-07',
  },
  {
    name: 'ssm',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the SSM agent on the bastion (registration as a managed instance, Session Manager)',
    createdWhen: 'the bastion uses SSM access (the default)',
    source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html (VPC endpoints for Systems Manager)',
    // Re-read 2026-12-07: Systems Manager setup-create-vpc page (stored copy, "create VPC endpoints": ssm, ssmmessages, ec2messages); the private-clusters copies: SSM row
    read: '2026-12-07',
  },
  {
    name: 'ssmmessages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Session Manager\'s session channels to the bastion; SSM Agent 3.3.40.0 and later also receive commands through it',
    createdWhen: 'the bastion uses SSM access (the default)',
    source: `${SSM_MESSAGES} ("This endpoint is required to create and delete session channels with the Session Manager service")`,
    // Re-read 2026-12-07: systems-manager-setting-up-messageAPIs page (stored copy: ssmmessages "is required to create and delete session channels with the Session Manager service")
    read: '2026-12-07',
  },
  {
    name: 'ec2messages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'SSM agents that cannot reach ssmmessages, and agents older than 3.3.40.0, for Run Command messages; Session Manager does not use it',
    createdWhen: 'the bastion uses SSM access with a `machineImage` of yours (its agent version is unknown); not for the default Amazon Linux 2023 image',
    source: `${SSM_MESSAGES} ("If connectivity isn't allowed, SSM Agent receives Command documents through the Amazon Message Delivery Service"); `
      + 'agent 3.3.40.0 release notes, https://github.com/aws/amazon-ssm-agent/blob/mainline/RELEASENOTES.md ("switch off ec2messages when ssmmessages connected successfully")',
    // Re-read 2026-12-07: systems-manager-setting-up-messageAPIs page (stored copy: Command documents through the Message Delivery Service when ssmmessages is not allowed); amazon-ssm-agent RELEASENOTES 3.3.40.0 (2024-02-07, "switch off ec2messages when ssmmessages connected successfully"), two stored copies
    read: '2026-12-07',
  },
  {
    name: 'sts',
    kind: EndpointKind.INTERFACE,
    usedBy: 'pods using IAM roles for service accounts (AssumeRoleWithWebIdentity); SDKs must use the regional STS endpoint',
    createdWhen: 'IRSA is used',
    source: `${EKS_PRIVATE} ("required when using IAM roles for service accounts")`,
    // Re-read 2026-12-07: the private-clusters copies: "AWS Security Token Service (required when using IAM roles for service accounts)"
    read: '2026-12-07',
  },
  {
    name: 'eks-auth',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS Pod Identity agent (AssumeRoleForPodIdentity)',
    createdWhen: 'EKS Pod Identity is used',
    source: `${EKS_PRIVATE} ("required when using Pod Identity associations")`,
    // Re-read 2026-12-07: the private-clusters copies: "Amazon EKS Auth (required when using Pod Identity associations)"; the stored interface-endpoint page at 2d5965b6 (eks-auth in ap-southeast-5)
    read: '2026-12-07',
    // Not in `unavailableIn` where the EKS API is: the interface-endpoint page names eks-auth apart (read 2026-12-05).
    availability: `${EKS_ENDPOINTS} ("AWS PrivateLink support for eks-auth (EKS Pod Identity) is available in the Asia Pacific (Malaysia) `
      + '(ap-southeast-5) region"), read 2026-12-05',
  },
  {
    name: 'eks',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS API (DescribeCluster): `aws eks update-kubeconfig` in the kubectl handler, self-managed nodes whose bootstrap looks up the cluster',
    createdWhen: 'the kubectl handler is created (first manifest, chart or service account) with private API access; on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE}; https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html`,
    unavailableIn: ['ap-southeast-5', 'ap-southeast-7', 'mx-central-1', 'ap-east-2'],
    unavailableInSource: 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html ("AWS PrivateLink for the EKS API is not '
      + 'available in Asia Pacific (Malaysia) (ap-southeast-5), Asia Pacific (Thailand) (ap-southeast-7), Mexico (Central) (mx-central-1), and '
      + 'Asia Pacific (Taipei) (ap-east-2) regions"), read 2026-11-25 from awsdocs/amazon-eks-user-guide latest/ug/security/vpc-interface-endpoints.adoc '
      + `and again 2026-12-05 and 2026-12-07 (${EKS_ENDPOINTS_COPY}): the same four regions`,
    // Re-read 2026-12-07: vpc-interface-endpoints.adoc at 2d5965b6 (the same four regions without PrivateLink for the EKS API); aws-cdk custom-resource-handlers aws-eks-v2/kubectl-handler/apply/__init__.py at 2efc2784 (runs `aws eks update-kubeconfig`)
    read: '2026-12-07',
  },
  {
    name: 'oidc-eks',
    kind: EndpointKind.INTERFACE,
    usedBy: 'in-VPC tools that fetch the cluster\'s OIDC discovery document and JWKS (creating the IAM OIDC provider, token validators); '
      + 'not STS, which fetches the keys from within AWS, so IRSA itself does not need it',
    createdWhen: 'on request (`additionalEndpoints`); takes no endpoint policy',
    source: `${EKS_ENDPOINTS} ("Access the cluster OIDC endpoint using AWS PrivateLink": com.amazonaws.region-code.oidc-eks; "This endpoint does not `
      + `support VPC endpoint policies"; "AWS STS validates tokens on its own path"), ${EKS_ENDPOINTS_COPY}`,
    read: '2026-12-05',
    availability: `${EKS_ENDPOINTS} ("AWS PrivateLink for the cluster OIDC endpoint (com.amazonaws.region-code.oidc-eks) is available in most AWS `
      + 'Regions": the page names no region without it), read 2026-12-05',
  },
  {
    name: 'eks-fips',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS API through FIPS-compliant endpoints (clients configured for FIPS endpoints)',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: `${EKS_ENDPOINTS} ("EKS API": com.amazonaws.region-code.eks-fips "(for FIPS-compliant endpoints)"), ${EKS_ENDPOINTS_COPY}; the page names `
      + 'no regions for it and says nothing of endpoint policies for it',
    read: '2026-12-05',
  },
  {
    name: 'eks-proxy',
    kind: EndpointKind.INTERFACE,
    usedBy: 'cluster resource views in AWS consoles (consumed by AWS-managed consoles and services; no public SDK or CLI)',
    createdWhen: 'on request (`additionalEndpoints`): the page asks for it when the VPC has no internet egress and console resource views must work',
    source: `${EKS_ENDPOINTS} ("EKS console resource views": com.amazonaws.region-code.eks-proxy; "Create this endpoint when your VPC has no internet `
      + `egress"), ${EKS_ENDPOINTS_COPY}; the page says nothing of regions or endpoint policies for it`,
    read: '2026-12-05',
  },
  {
    name: 'eks-capabilities',
    kind: EndpointKind.INTERFACE,
    usedBy: 'private access to a managed Argo CD capability\'s endpoint (its UI and API), named in the capability\'s networkAccess.vpceIds',
    createdWhen: 'with `addArgoCd` or `ArgoCdCapability` (`uiAccess.allowedCidrs`; its security group admits only those, on 443), or on request (`additionalEndpoints`); takes no endpoint policy',
    // Not on the interface-endpoint page (stored copy of 2026-12-05): the Argo CD private access page names it.
    source: `${ARGOCD_PRIVATE} ("You create a VPC endpoint for the com.amazonaws.region-code.eks-capabilities service"; "AWS doesn't currently `
      + 'support VPC endpoint policies for the eks-capabilities service endpoint"); not listed on the interface-endpoint page '
      + `(${EKS_ENDPOINTS_COPY})`,
    read: '2026-12-05',
  },
  {
    name: 'lambda',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the kubectl provider\'s framework function, which invokes the kubectl handler (lambda:InvokeFunction) from the VPC',
    createdWhen: 'the kubectl handler is created with private API access',
    source: 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/lib/provider-framework/runtime/outbound.ts (invokeFunction)',
    // Re-read 2026-12-07: aws-cdk custom-resources/lib/provider-framework/runtime/outbound.ts at 074a4e22 (defaultInvokeFunction: lambda.invoke)
    read: '2026-12-07',
  },
  {
    name: 'logs',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Fluent Bit / CloudWatch agent shipping logs from the nodes',
    createdWhen: 'log shipping is declared (`features: { logShipping: true }`); on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} ("com.amazonaws.region-code.logs")`,
    // Re-read 2026-12-07: the private-clusters copies: "Amazon CloudWatch Logs | com.amazonaws.region-code.logs"
    read: '2026-12-07',
  },
  {
    name: 'elasticloadbalancing',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the AWS Load Balancer Controller',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} ("com.amazonaws.region-code.elasticloadbalancing")`,
    // Re-read 2026-12-07: the private-clusters copies: "Application Load Balancers and Network Load Balancers | com.amazonaws.region-code.elasticloadbalancing"
    read: '2026-12-07',
  },
  {
    name: 'autoscaling',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the Cluster Autoscaler',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} (Cluster Autoscaler: "must also include the AWS STS VPC endpoint and autoscaling VPC endpoint")`,
    // Re-read 2026-12-07: the private-clusters copies: "The worker node VPC must also include the AWS STS VPC endpoint and autoscaling VPC endpoint"
    read: '2026-12-07',
  },
  {
    name: 'kms',
    kind: EndpointKind.INTERFACE,
    usedBy: 'workloads that call KMS themselves (Encrypt, Decrypt, GenerateDataKey with the AWS SDK)',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html',
    // Re-read 2026-12-07: kms developer guide security-iam.html ("you can create an interface VPC endpoint to AWS KMS") and vpce-connect.html (stored copies); kms-vpc-endpoint.html itself is not in the stored corpus
    read: '2026-12-07',
  },
];

const SERVICE_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** What people write for a service, and its endpoint name. */
const ALIASES: Record<string, string> = {
  'cloudwatch-logs': 'logs',
  'cloudwatchlogs': 'logs',
  'cwlogs': 'logs',
  'log': 'logs',
  'cloudwatch': 'monitoring',
  'cloudwatch-metrics': 'monitoring',
  'elb': 'elasticloadbalancing',
  'alb': 'elasticloadbalancing',
  'nlb': 'elasticloadbalancing',
  'efs': 'elasticfilesystem',
  'ecr': 'ecr.api',
  'ecr-api': 'ecr.api',
  'ecr-dkr': 'ecr.dkr',
  'ecrapi': 'ecr.api',
  'ssm-messages': 'ssmmessages',
  'ec2-messages': 'ec2messages',
  'pod-identity': 'eks-auth',
  'eks-pod-identity': 'eks-auth',
  'asg': 'autoscaling',
  'auto-scaling': 'autoscaling',
  'secrets-manager': 'secretsmanager',
  'secretmanager': 'secretsmanager',
  'guardduty-agent': 'guardduty-data',
  'xray-daemon': 'xray',
  'x-ray': 'xray',
};

let knownCache: Set<string> | undefined;

/** aws-cdk-lib's interface endpoint services (its `InterfaceVpcEndpointAwsService` constants) and the catalogue's. */
function knownNames(): Set<string> {
  if (!knownCache) {
    const C = ec2.InterfaceVpcEndpointAwsService as any;
    const fromCdk = Object.getOwnPropertyNames(C).map(k => C[k])
      .filter((v): v is ec2.InterfaceVpcEndpointAwsService => v instanceof ec2.InterfaceVpcEndpointAwsService)
      .map(v => v.shortName);
    const contracts = ComponentContracts.all().flatMap(c => c.services.map(s => s.service)).filter(s => s !== 's3');
    knownCache = new Set([...fromCdk, ...CATALOGUE.filter(i => i.kind === EndpointKind.INTERFACE).map(i => i.name), ...contracts]);
  }
  return knownCache;
}


/**
 * The catalogue of endpoint services for private EKS clusters.
 */
export class EndpointCatalogue {
  /** The interface endpoints every node subnet needs, whatever features are on. */
  public static readonly NODE_INTERFACE_SERVICES: string[] = ['ec2', 'ecr.api', 'ecr.dkr'];

  /**
   * The interface endpoints Session Manager needs on an instance in a subnet with no internet route: `ssm`
   * (registration) and `ssmmessages` (session channels). `ec2messages` serves only agents that cannot use
   * ssmmessages (before 3.3.40.0) for Run Command; see `SSM_LEGACY_SERVICES`.
   */
  public static readonly SSM_SERVICES: string[] = ['ssm', 'ssmmessages'];

  /**
   * Interface endpoint services whose endpoints take a VPC endpoint policy, with the AWS document that says so: the
   * services of `ENDPOINT_POLICY_FACTS` that take one. Not listed: `eks-auth` (no statement found), and the services
   * whose pages say they take none (`oidc-eks`, `eks-capabilities`); their endpoints keep the default full-access
   * policy. `aws ec2 describe-vpc-endpoint-services` (VpcEndpointPolicySupported) is the check for a region.
   */
  public static readonly ENDPOINT_POLICY_SUPPORT: { [service: string]: string } = Object.fromEntries(
    POLICY_FACTS.filter(f => f.takesPolicy).map(f => [f.service, f.source]));

  /** What each source says about endpoint policies for a service, with the day it was read. */
  public static readonly ENDPOINT_POLICY_FACTS: EndpointPolicyFact[] = POLICY_FACTS.map(f => ({ ...f }));

  /**
   * What this library says about whether a service has an interface endpoint (`com.amazonaws.<region>.<name>`), each
   * claim with its source and the day it was read. A test compares every claim with aws-cdk-lib's
   * `InterfaceVpcEndpointAwsService` list on each upgrade; the contracts' settings that exist because a service is
   * unreachable name their claim here.
   */
  public static readonly ENDPOINT_CLAIMS: EndpointClaim[] = CLAIMS.map(c => ({ ...c }));

  /**
   * Services whose endpoint service name has no region (`com.amazonaws.route53`, the EKS private-clusters endpoint
   * table): `NodeEndpoints` does not create them, since where AWS offers them is not recorded here.
   */
  public static readonly GLOBAL_SERVICE_NAMES: { [service: string]: string } = { route53: 'com.amazonaws.route53' };

  /** What an SSM agent of unknown version may need besides `SSM_SERVICES`. */
  public static readonly SSM_LEGACY_SERVICES: string[] = ['ec2messages'];

  /** Every service the catalogue describes. */
  public static all(): EndpointServiceInfo[] {
    return CATALOGUE.map(info => ({ ...info }));
  }

  /** What the catalogue says about a service, or undefined when it does not list it. */
  public static describe(name: string): EndpointServiceInfo | undefined {
    const info = CATALOGUE.find(i => i.name === name);
    return info ? { ...info } : undefined;
  }

  /**
   * The interface endpoint services required for the given features, in a stable order
   * (the node services first, then the features' services). S3 is not included: it is a gateway endpoint.
   */
  public static interfaceServicesFor(features: EndpointFeatures): string[] {
    const services = [...EndpointCatalogue.NODE_INTERFACE_SERVICES];
    if (features.ssmBastion) services.push(...EndpointCatalogue.SSM_SERVICES);
    if (features.ssmBastion && features.ssmLegacyAgent) services.push(...EndpointCatalogue.SSM_LEGACY_SERVICES);
    if (features.irsa) services.push('sts');
    if (features.podIdentity) services.push('eks-auth');
    if (features.logShipping) services.push('logs');
    return services;
  }

  /**
   * Whether AWS offers the service through PrivateLink in a region (a literal region name). Services the catalogue
   * does not list, and regions it has no record for, count as offered.
   */
  public static offeredIn(service: string, region: string): boolean {
    return !(CATALOGUE.find(i => i.name === service)?.unavailableIn ?? []).includes(region);
  }

  /**
   * Every interface endpoint service short name aws-cdk-lib knows (`InterfaceVpcEndpointAwsService`, about 400),
   * plus the catalogue's: the names `checkServiceName` accepts.
   */
  public static knownServiceNames(): string[] {
    return [...knownNames()];
  }

  /** The known service name closest to a name that is not one (`cloudwatch-logs` -> `logs`), if any is close. */
  public static suggest(name: string): string | undefined {
    const n = name.toLowerCase().trim();
    if (ALIASES[n]) return ALIASES[n];
    const known = knownNames();
    if (known.has(n)) return n;
    // A known name that is one of the parts (`aws-ssm` -> `ssm`), longest first.
    const parts = n.split(/[^a-z0-9]+/).filter(Boolean);
    const part = [...known].filter(k => parts.includes(k) || n.endsWith(`-${k}`) || n.endsWith(`.${k}`)).sort((a, b) => b.length - a.length)[0];
    if (part) return part;
    let best: string | undefined;
    let bestDistance = Math.max(2, Math.floor(n.length / 3)) + 1;
    for (const k of known) {
      const d = editDistance(n, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /**
   * Returns a message saying what is wrong with a short service name, or undefined when it names an interface
   * endpoint service aws-cdk-lib or the catalogue knows (`knownServiceNames`).
   */
  public static checkServiceName(name: string): string | undefined {
    if (name.startsWith('com.amazonaws.')) {
      return `use the short service name, not the full one: "${name.split('.').slice(3).join('.')}" instead of "${name}"`;
    }
    if (!SERVICE_NAME.test(name)) {
      return `"${name}" is not a service name: use lower-case letters, digits, dots and dashes, as in com.amazonaws.<region>.<name> (for example "ecr.api")`;
    }
    if (name === 's3') {
      return '"s3" is created as a gateway endpoint on the node subnets\' route tables (ECR image layers are fetched through it), not as an interface endpoint';
    }
    if (!knownNames().has(name)) {
      const closest = EndpointCatalogue.suggest(name);
      return `"${name}" is not an AWS endpoint service aws-cdk-lib knows${closest ? `: did you mean "${closest}"?` : ''} `
        + '(a service AWS added after this aws-cdk-lib release can be created with ec2.InterfaceVpcEndpoint; the synth-time checks see it)';
    }
    return undefined;
  }

  private constructor() {}
}
