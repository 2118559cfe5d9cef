import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ComponentContracts } from './component-contracts';

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

const CATALOGUE: EndpointServiceInfo[] = [
  {
    name: 'ec2',
    kind: EndpointKind.INTERFACE,
    usedBy: 'kubelet and the AWS cloud provider (DescribeInstances at node registration), the VPC CNI plugin (ENIs and IP addresses)',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html (VPC endpoints table)',
  },
  {
    name: 'ecr.api',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the ECR credential provider (GetAuthorizationToken) before any image pull, including the pause/sandbox image',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
  },
  {
    name: 'ecr.dkr',
    kind: EndpointKind.INTERFACE,
    usedBy: 'containerd pulling image manifests from ECR (the EKS add-on images: vpc-cni, kube-proxy, coredns, pause)',
    createdWhen: NODE_JOIN,
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
  },
  {
    name: 's3',
    kind: EndpointKind.GATEWAY,
    usedBy: 'containerd downloading ECR image layers (stored in S3); the bastion fetching kubectl from the CDK asset bucket',
    createdWhen: NODE_JOIN + ' (gateway endpoint on the node subnets\' route tables)',
    source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (Amazon ECR VPC endpoints; S3 gateway endpoint for image layers)',
  },
  {
    name: 'ssm',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the SSM agent on the bastion (registration as a managed instance, Session Manager)',
    createdWhen: 'the bastion uses SSM access (the default)',
    source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html (VPC endpoints for Systems Manager)',
  },
  {
    name: 'ssmmessages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Session Manager\'s session channels to the bastion; SSM Agent 3.3.40.0 and later also receive commands through it',
    createdWhen: 'the bastion uses SSM access (the default)',
    source: `${SSM_MESSAGES} ("This endpoint is required to create and delete session channels with the Session Manager service")`,
  },
  {
    name: 'ec2messages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'SSM agents that cannot reach ssmmessages, and agents older than 3.3.40.0, for Run Command messages; Session Manager does not use it',
    createdWhen: 'the bastion uses SSM access with a `machineImage` of yours (its agent version is unknown); not for the default Amazon Linux 2023 image',
    source: `${SSM_MESSAGES} ("If connectivity isn't allowed, SSM Agent receives Command documents through the Amazon Message Delivery Service"); `
      + 'agent 3.3.40.0 release notes, https://github.com/aws/amazon-ssm-agent/blob/mainline/RELEASENOTES.md ("switch off ec2messages when ssmmessages connected successfully")',
  },
  {
    name: 'sts',
    kind: EndpointKind.INTERFACE,
    usedBy: 'pods using IAM roles for service accounts (AssumeRoleWithWebIdentity); SDKs must use the regional STS endpoint',
    createdWhen: 'IRSA is used',
    source: `${EKS_PRIVATE} ("required when using IAM roles for service accounts")`,
  },
  {
    name: 'eks-auth',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS Pod Identity agent (AssumeRoleForPodIdentity)',
    createdWhen: 'EKS Pod Identity is used',
    source: `${EKS_PRIVATE} ("required when using Pod Identity associations")`,
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
      + 'Asia Pacific (Taipei) (ap-east-2) regions"), read 2026-11-25 from awsdocs/amazon-eks-user-guide latest/ug/security/vpc-interface-endpoints.adoc',
  },
  {
    name: 'lambda',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the kubectl provider\'s framework function, which invokes the kubectl handler (lambda:InvokeFunction) from the VPC',
    createdWhen: 'the kubectl handler is created with private API access',
    source: 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/lib/provider-framework/runtime/outbound.ts (invokeFunction)',
  },
  {
    name: 'logs',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Fluent Bit / CloudWatch agent shipping logs from the nodes',
    createdWhen: 'log shipping is declared (`features: { logShipping: true }`); on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} ("com.amazonaws.region-code.logs")`,
  },
  {
    name: 'elasticloadbalancing',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the AWS Load Balancer Controller',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} ("com.amazonaws.region-code.elasticloadbalancing")`,
  },
  {
    name: 'autoscaling',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the Cluster Autoscaler',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: `${EKS_PRIVATE} (Cluster Autoscaler: "must also include the AWS STS VPC endpoint and autoscaling VPC endpoint")`,
  },
  {
    name: 'kms',
    kind: EndpointKind.INTERFACE,
    usedBy: 'workloads that call KMS themselves (Encrypt, Decrypt, GenerateDataKey with the AWS SDK)',
    createdWhen: 'on request (`additionalEndpoints`)',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html',
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

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
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
   * Interface endpoint services whose endpoints take a VPC endpoint policy, with the AWS document that says so (read
   * 2026-11-25). Not listed: `eks` (the EKS guide has said both "VPC endpoint policies are not supported for Amazon
   * EKS" and, later, that they can be used: the sources disagree) and `eks-auth` (no statement found); their endpoints
   * keep the default full-access policy. `aws ec2 describe-vpc-endpoint-services` (VpcEndpointPolicySupported) is the
   * check for a region.
   */
  public static readonly ENDPOINT_POLICY_SUPPORT: { [service: string]: string } = {
    'ec2': 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interface-vpc-endpoints.html',
    // "We recommend ... use VPC endpoint policies to control access to Amazon EKS through the interface endpoint"
    // (read 2026-12-05). The same page says oidc-eks "does not support VPC endpoint policies" and is silent on
    // eks-auth: eks-auth keeps the default policy until a source says it takes one.
    'eks': 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html',
    'ecr.api': 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy',
    'ecr.dkr': 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-vpc-endpoint-policy',
    'sts': 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html',
    'ssm': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies',
    'ssmmessages': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies (Systems Manager endpoints)',
    'ec2messages': 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies (Systems Manager endpoints)',
    'lambda': 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html#vpc-endpoint-policy',
    'logs': 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html',
    'kms': 'https://docs.aws.amazon.com/kms/latest/developerguide/security-iam.html',
    'elasticloadbalancing': 'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/load-balancer-vpc-endpoints.html',
    'sqs': 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-internetwork-traffic-privacy.html',
    'autoscaling': 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-vpc-endpoints.html',
    'elasticfilesystem': 'https://docs.aws.amazon.com/efs/latest/ug/efs-vpc-endpoints.html',
    'monitoring': 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html',
    'guardduty-data': 'https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html',
    'xray': 'https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html',
  };

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
