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

const CATALOGUE: EndpointServiceInfo[] = [
  {
    name: 'ec2',
    kind: EndpointKind.INTERFACE,
    usedBy: 'kubelet and the AWS cloud provider (DescribeInstances at node registration), the VPC CNI plugin (ENIs and IP addresses)',
    createdWhen: NODE_JOIN,
  },
  {
    name: 'ecr.api',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the ECR credential provider (GetAuthorizationToken) before any image pull, including the pause/sandbox image',
    createdWhen: NODE_JOIN,
  },
  {
    name: 'ecr.dkr',
    kind: EndpointKind.INTERFACE,
    usedBy: 'containerd pulling image manifests from ECR (the EKS add-on images: vpc-cni, kube-proxy, coredns, pause)',
    createdWhen: NODE_JOIN,
  },
  {
    name: 's3',
    kind: EndpointKind.GATEWAY,
    usedBy: 'containerd downloading ECR image layers (stored in S3); the bastion fetching kubectl from the CDK asset bucket',
    createdWhen: NODE_JOIN + ' (gateway endpoint on the node subnets\' route tables)',
  },
  {
    name: 'ssm',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the SSM agent on the bastion (registration, Session Manager)',
    createdWhen: 'the bastion uses SSM access (the default)',
  },
  {
    name: 'ssmmessages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Session Manager\'s data channel to the bastion',
    createdWhen: 'the bastion uses SSM access (the default)',
  },
  {
    name: 'ec2messages',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the SSM agent\'s message delivery (older agents depend on it)',
    createdWhen: 'the bastion uses SSM access (the default)',
  },
  {
    name: 'sts',
    kind: EndpointKind.INTERFACE,
    usedBy: 'pods using IAM roles for service accounts (AssumeRoleWithWebIdentity); SDKs must use the regional STS endpoint',
    createdWhen: 'IRSA is used',
  },
  {
    name: 'eks-auth',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS Pod Identity agent (AssumeRoleForPodIdentity)',
    createdWhen: 'EKS Pod Identity is used',
  },
  {
    name: 'eks',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the EKS API (DescribeCluster): `aws eks update-kubeconfig`, self-managed nodes whose bootstrap looks up the cluster',
    createdWhen: 'on request (`additionalEndpoints`); managed nodes and the bastion\'s kubeconfig do not need it',
  },
  {
    name: 'logs',
    kind: EndpointKind.INTERFACE,
    usedBy: 'Fluent Bit / CloudWatch agent shipping logs from the nodes',
    createdWhen: 'on request (`additionalEndpoints`)',
  },
  {
    name: 'elasticloadbalancing',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the AWS Load Balancer Controller',
    createdWhen: 'on request (`additionalEndpoints`)',
  },
  {
    name: 'autoscaling',
    kind: EndpointKind.INTERFACE,
    usedBy: 'the Cluster Autoscaler',
    createdWhen: 'on request (`additionalEndpoints`)',
  },
  {
    name: 'kms',
    kind: EndpointKind.INTERFACE,
    usedBy: 'workloads that decrypt with KMS (for example encrypted EBS volumes created by the EBS CSI driver with a customer key)',
    createdWhen: 'on request (`additionalEndpoints`)',
  },
];

const SERVICE_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/**
 * The catalogue of endpoint services for private EKS clusters.
 */
export class EndpointCatalogue {
  /** The interface endpoints every node subnet needs, whatever features are on. */
  public static readonly NODE_INTERFACE_SERVICES: string[] = ['ec2', 'ecr.api', 'ecr.dkr'];

  /** The interface endpoints an SSM bastion in a subnet with no internet route needs. */
  public static readonly SSM_SERVICES: string[] = ['ssm', 'ssmmessages', 'ec2messages'];

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
    if (features.irsa) services.push('sts');
    if (features.podIdentity) services.push('eks-auth');
    if (features.logShipping) services.push('logs');
    return services;
  }

  /**
   * Returns a message saying what is wrong with a short service name, or undefined when it is well formed.
   * Accepts any service AWS may offer, not only the catalogue's.
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
    return undefined;
  }

  private constructor() {}
}
