/**
 * Reachability contracts: for each thing that runs in or against a private cluster (the nodes, the bastion, the
 * kubectl handler, EKS add-ons, controllers installed from Helm charts), the AWS services it calls from the VPC, the
 * identity it needs, and the settings it needs when there is no internet. Pure data, read both by the constructs
 * (which endpoints, roles and values to create) and by the synth-time check (what to require), each fact with the
 * AWS document it comes from. A new component is a new row.
 */

/** What a component is. */
export enum ComponentKind {
  /** Something the library itself runs: the nodes, the bastion, the kubectl handler and its provider framework. */
  CLUSTER_CLIENT = 'cluster client',
  /** An EKS managed add-on (`AWS::EKS::Addon`), recognised by its add-on name. */
  EKS_ADDON = 'EKS add-on',
  /** A controller installed from a Helm chart, recognised by its chart name. */
  HELM_CHART = 'Helm chart',
}

/** An AWS service a component calls from the VPC. */
export interface ContractService {
  /** Short endpoint service name, as in `com.amazonaws.<region>.<name>` (`ec2`, `sqs`, `s3`). */
  readonly service: string;
  /** What the component does with it (for the cluster clients: the feature their check messages name). */
  readonly why: string;
  /** The document (URL, and what it says) this fact comes from. */
  readonly source: string;
  /**
   * For `s3`: what the component does there, to judge the S3 gateway endpoint's policy (`ecr-layers`,
   * `cloudformation-response`, `cdk-asset`).
   * @default - not judged against the endpoint policy
   */
  readonly purpose?: string;
  /**
   * A condition under which the service is needed, named by the construct that reads the contract (the bastion:
   * `ssm-access`, `ssm-legacy-agent`, `kubectl-download`).
   * @default - always
   */
  readonly when?: string;
}

/** The IAM identity a component's pods need. */
export interface ContractIdentity {
  /** The Kubernetes namespace of its service account. */
  readonly namespace: string;
  /** The Kubernetes service account its pods run as. */
  readonly serviceAccount: string;
  /** AWS managed policies that grant what it calls, by name (`service-role/AmazonEBSCSIDriverPolicy`). Empty: see `policy`. */
  readonly managedPolicies: string[];
  /**
   * Where the permissions come from when no AWS managed policy covers them.
   * @default - none: `managedPolicies` cover them
   */
  readonly policy?: string;
  /** Whether EKS Pod Identity works for it (else IRSA only). */
  readonly podIdentity: boolean;
  /**
   * Whether the node role carries these permissions where the component has no identity of its own (vpc-cni:
   * `AmazonEKS_CNI_Policy` is on node roles EKS documents, and PrivateEksCluster keeps it there whenever the add-on has
   * no role of its own), so the check does not warn.
   * @default false
   */
  readonly nodeRoleDefault?: boolean;
  /** The document this identity comes from. */
  readonly source: string;
}

/** A setting a component needs when the cluster has no internet route. */
export interface ContractSetting {
  /** Dotted path in the Helm values or the add-on's configuration values (`settings.isolatedVPC`). */
  readonly path: string;
  /**
   * The value it must have.
   * @default - any non-empty value
   */
  readonly value?: any;
  /** What goes wrong without it. */
  readonly why: string;
  /** The document this fact comes from. */
  readonly source: string;
  /**
   * The service whose unreachability is the reason for this setting (short endpoint service name, an entry of
   * `EndpointCatalogue.ENDPOINT_CLAIMS`): the setting is required only when the component's subnets reach that service
   * in none of the ways the check counts (an internet route, a usable interface endpoint of it in the VPC, a
   * declaration in `existingEndpointServices`).
   * @default - required whenever the component is checked
   */
  readonly requiredUnlessReachable?: string;
  /**
   * For `requiredUnlessReachable`: the only regions where an interface endpoint in the VPC serves the calls (the
   * component calls the service in another region otherwise: Karpenter's Price List API). Elsewhere only an internet
   * route or a declaration counts.
   * @default - an endpoint in the VPC serves the calls in every region
   */
  readonly endpointServesRegions?: string[];
  /**
   * The day `source` was read (YYYY-MM-DD).
   * @default - the contract's `read`
   */
  readonly read?: string;
}

/** What one component needs from a private cluster. */
export interface ComponentContract {
  /** The name the check recognises: the EKS add-on name, the chart name, or the client's name. */
  readonly name: string;
  /** What it is. */
  readonly kind: ComponentKind;
  /** What it does, in a few words. */
  readonly description: string;
  /**
   * Further names it is installed under (chart names in other repositories).
   * @default - none
   */
  readonly aliases?: string[];
  /** The AWS services it calls from the VPC. */
  readonly services: ContractService[];
  /**
   * The identity its pods need for AWS calls.
   * @default - it makes no AWS call of its own
   */
  readonly identity?: ContractIdentity;
  /**
   * Settings it needs when the cluster has no internet route.
   * @default - none
   */
  readonly settings?: ContractSetting[];
  /** The document the row as a whole comes from. */
  readonly source: string;
  /**
   * The day the row's sources were read (YYYY-MM-DD). Rows written by the session of 2026-11-25 (git history of this
   * file) and not re-read since carry that date; a setting re-read later carries its own `read`.
   */
  readonly read: string;
  /**
   * Services whose endpoint claims (`EndpointCatalogue.ENDPOINT_CLAIMS`) the description relies on ("with no IAM
   * endpoint ..."): the drift test checks them against aws-cdk-lib's list.
   * @default - none
   */
  readonly endpointClaims?: string[];
}

const EKS_PRIVATE = 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html';
const ECR_ENDPOINTS = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html';
const SSM_ENDPOINTS = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html';
const SSM_MESSAGES = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html';
const KUBECTL_PROVIDER = 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-eks-v2/lib/kubectl-provider.ts';

const CLIENTS: ComponentContract[] = [
  {
    name: 'nodes',
    kind: ComponentKind.CLUSTER_CLIENT,
    description: 'EKS managed nodes: kubelet, the VPC CNI and containerd joining the cluster and pulling images',
    services: [
      { service: 'ec2', why: 'kubelet and the VPC CNI (DescribeInstances, ENIs and IP addresses)', source: `${EKS_PRIVATE} (VPC endpoints: com.amazonaws.region-code.ec2)` },
      { service: 'ecr.api', why: 'the ECR credential provider (GetAuthorizationToken) before any image pull', source: `${ECR_ENDPOINTS} (com.amazonaws.region.ecr.api)` },
      { service: 'ecr.dkr', why: 'containerd pulling image manifests (the EKS add-on images, the pause image)', source: `${ECR_ENDPOINTS} (com.amazonaws.region.ecr.dkr)` },
      { service: 's3', purpose: 'ecr-layers', why: 'containerd downloading ECR image layers', source: `${ECR_ENDPOINTS} (Amazon S3 gateway endpoint: "Amazon ECR uses Amazon S3 to store your image layers")` },
    ],
    source: `${EKS_PRIVATE} (VPC endpoints)`,
    // Re-read 2026-12-07: the private-clusters copies (endpoint-catalogue.ts): ec2, and ECR "com.amazonaws.region-code.ecr.api, ...ecr.dkr, and ...s3"; ECR vpc-endpoints page (stored copy: the Amazon S3 gateway endpoint)
    read: '2026-12-07',
  },
  {
    name: 'bastion',
    kind: ComponentKind.CLUSTER_CLIENT,
    description: 'the ClusterBastion: an SSM-managed instance with kubectl and helm',
    services: [
      { service: 'ssm', when: 'ssm-access', why: 'SSM Session Manager', source: `${SSM_ENDPOINTS} (com.amazonaws.region.ssm)` },
      { service: 'ssmmessages', when: 'ssm-access', why: 'SSM Session Manager', source: `${SSM_MESSAGES} ("required to create and delete session channels with the Session Manager service")` },
      { service: 'ec2messages', when: 'ssm-legacy-agent', why: 'SSM Session Manager', source: `${SSM_MESSAGES}; https://github.com/aws/amazon-ssm-agent/blob/mainline/RELEASENOTES.md (3.3.40.0)` },
      { service: 'logs', when: 'session-logging', why: 'Session Manager session logs', source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging-cloudwatch-logs.html' },
      { service: 's3', when: 'kubectl-download', purpose: 'cdk-asset', why: 'kubectl download at boot', source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html (gateway endpoints)' },
    ],
    source: SSM_ENDPOINTS,
    // Re-read 2026-12-07: awsdocs/aws-systems-manager-user-guide setup-create-vpc.md (ssm, ec2messages, ssmmessages "required only if you're connecting ... using Session Manager", logs "if you want to use Amazon CloudWatch Logs (CloudWatch Logs) for Session Manager", the s3 gateway endpoint); systems-manager-setting-up-messageAPIs and amazon-ssm-agent RELEASENOTES 3.3.40.0 (ec2messages); vpc/latest/privatelink/gateway-endpoints.md (S3 gateway endpoints)
    read: '2026-12-07',
  },
  {
    name: 'kubectl-handler',
    kind: ComponentKind.CLUSTER_CLIENT,
    description: 'aws-eks-v2\'s kubectl handler: a Lambda function in the VPC that runs kubectl and helm',
    services: [
      { service: 'eks', why: 'aws eks update-kubeconfig', source: `${KUBECTL_PROVIDER}; https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html` },
    ],
    source: KUBECTL_PROVIDER,
    // Re-read 2026-12-07: aws-cdk aws-eks-v2/kubectl-handler/apply/__init__.py at 2efc2784 ("aws eks update-kubeconfig --name"); vpc-interface-endpoints.adoc at 2d5965b6
    read: '2026-12-07',
  },
  {
    name: 'kubectl-provider-framework',
    kind: ComponentKind.CLUSTER_CLIENT,
    description: 'the custom resource provider framework in front of the kubectl handler',
    services: [
      { service: 'lambda', why: 'invoking the kubectl handler', source: 'https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/custom-resources/lib/provider-framework/runtime/outbound.ts (invokeFunction)' },
      { service: 's3', purpose: 'cloudformation-response', why: 'the CloudFormation response', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html (custom resource response buckets)' },
    ],
    source: KUBECTL_PROVIDER,
    // Re-read 2026-12-07: aws-cdk provider-framework/runtime/outbound.ts at 074a4e22 (invokeFunction: lambda.invoke; httpRequest: the https PUT of the response)
    read: '2026-12-07',
  },
];

const ADDONS_PAGE = 'https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html';
const POD_ID_TABLE = 'https://docs.aws.amazon.com/eks/latest/userguide/retreive-iam-info.html (Pod Identity support reference, updated 2024-10-28)';
const LBC_VALUES = 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/helm/aws-load-balancer-controller/values.yaml';
const KARPENTER_START = 'https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/';
const KARPENTER_CHART = 'https://github.com/aws/karpenter-provider-aws/blob/main/charts/karpenter/README.md';
const LBC_CLIENTS = 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/pkg/aws/provider/default_aws_clients_provider.go';
const KARPENTER_PRICING = 'https://github.com/aws/karpenter-provider-aws/blob/main/pkg/providers/pricing/pricing.go';
const CA_README = 'https://github.com/kubernetes/autoscaler/blob/master/charts/cluster-autoscaler/README.md';

const COMPONENTS: ComponentContract[] = [
  {
    name: 'vpc-cni',
    kind: ComponentKind.EKS_ADDON,
    description: 'Amazon VPC CNI: pod networking (ENIs and IP addresses)',
    services: [{ service: 'ec2', why: 'ENIs and IP addresses for pods', source: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html' }],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'aws-node',
      managedPolicies: ['AmazonEKS_CNI_Policy'],
      podIdentity: true,
      // PrivateEksCluster gives it its own role by default (vpcCniRole); with vpcCniRole: false the node role keeps
      // the policy (nodeRoleCniPolicy), and so do node roles made elsewhere with EKS's documented policies.
      nodeRoleDefault: true,
      source: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html ("The Amazon VPC CNI plugin also supports Amazon EKS Pod Identities"); '
        + `${POD_ID_TABLE} (Yes from v1.15.5-eksbuild.1); ${ADDONS_PAGE} names only IRSA for this add-on`,
    },
    source: ADDONS_PAGE,
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("uses the IAM roles for service accounts capability", AmazonEKS_CNI_Policy, aws-node in kube-system); retreive-iam-info.adoc at 1fe584bb (Pod Identity "Yes", v1.15.5-eksbuild.1)
    read: '2026-12-07',
  },
  // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("This add-on doesn't require any permissions")
  { name: 'kube-proxy', kind: ComponentKind.EKS_ADDON, description: 'Service networking rules on each node; no AWS call', services: [], source: ADDONS_PAGE, read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("This add-on doesn't require any permissions")
  { name: 'coredns', kind: ComponentKind.EKS_ADDON, description: 'Cluster DNS; no AWS call', services: [], source: ADDONS_PAGE, read: '2026-12-07' },
  {
    name: 'eks-pod-identity-agent',
    kind: ComponentKind.EKS_ADDON,
    description: 'EKS Pod Identity agent: exchanges pod tokens for role credentials with the node role',
    services: [{ service: 'eks-auth', why: 'AssumeRoleForPodIdentity', source: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html ("For private clusters, the eks-auth endpoint in AWS PrivateLink is required")' }],
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html',
    // Re-read 2026-12-07: pod-id-agent-setup.adoc at 390223ef ("For private clusters, the eks-auth endpoint in AWS PrivateLink is required"); node role AssumeRoleForPodIdentity
    read: '2026-12-07',
  },
  {
    name: 'aws-ebs-csi-driver',
    kind: ComponentKind.EKS_ADDON,
    description: 'Amazon EBS CSI driver: creates, attaches and snapshots EBS volumes',
    services: [{ service: 'ec2', why: 'CreateVolume, AttachVolume, snapshots', source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEBSCSIDriverPolicy.html ("make calls to related services such as EC2")' }],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy'],
      podIdentity: true,
      source: `https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html ("AWS suggests using EKS Pod Identities"); ${POD_ID_TABLE} (Yes from v1.26.0-eksbuild.1)`,
    },
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html',
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 (ebs-csi-controller-sa, AmazonEBSCSIDriverPolicy); the policy's description ("make calls to related services such as EC2"); retreive-iam-info.adoc (Yes, v1.26.0-eksbuild.1)
    read: '2026-12-07',
  },
  {
    name: 'aws-efs-csi-driver',
    kind: ComponentKind.EKS_ADDON,
    description: 'Amazon EFS CSI driver: access points and mounts of EFS file systems (NFS goes to the mount targets in the VPC)',
    services: [
      { service: 'elasticfilesystem', why: 'DescribeFileSystems, CreateAccessPoint', source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEFSCSIDriverPolicy.html (elasticfilesystem actions); https://docs.aws.amazon.com/efs/latest/ug/efs-vpc-endpoints.html' },
      { service: 'ec2', why: 'DescribeAvailabilityZones', source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEFSCSIDriverPolicy.html ("ec2:DescribeAvailabilityZones")' },
    ],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'efs-csi-controller-sa',
      managedPolicies: ['service-role/AmazonEFSCSIDriverPolicy'],
      podIdentity: true,
      source: `https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html ("AWS suggests using EKS Pod Identities"); ${POD_ID_TABLE} (Yes from v2.0.5-eksbuild.1)`,
    },
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html',
    // Re-read 2026-12-07: aws-managed-policy AmazonEFSCSIDriverPolicy.html (elasticfilesystem:DescribeAccessPoints/DescribeFileSystems/DescribeMountTargets, ec2:DescribeAvailabilityZones, CreateAccessPoint); workloads-add-ons-available-eks.adoc at 027430e0 (efs-csi-controller-sa); retreive-iam-info.adoc at 1fe584bb (Yes, v2.0.5-eksbuild.1); efs-vpc-endpoints.html (com.amazonaws.region.elasticfilesystem)
    read: '2026-12-07',
  },
  {
    name: 'aws-mountpoint-s3-csi-driver',
    kind: ComponentKind.EKS_ADDON,
    description: 'Mountpoint for Amazon S3 CSI driver: S3 buckets as volumes',
    services: [{ service: 's3', why: 'reading and writing the mounted buckets', source: 'https://docs.aws.amazon.com/eks/latest/userguide/s3-csi.html' }],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 's3-csi-driver-sa',
      managedPolicies: [],
      policy: 'a policy for your buckets (the EKS guide suggests least privilege; AmazonS3FullAccess works but grants more)',
      // The EKS table says No; the driver's v2 README announces Pod Identity support. IRSA works for both.
      podIdentity: false,
      source: `${ADDONS_PAGE} ("The IAM role that is created will require a policy that gives access to S3"); ${POD_ID_TABLE} (No; `
        + 'https://github.com/awslabs/mountpoint-s3-csi-driver says v2 adds EKS Pod Identity support: the sources disagree, IRSA is used)',
    },
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/s3-csi.html',
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 (s3-csi-driver-sa, "a policy that gives access to S3", AmazonS3FullAccess "grants more permissions than are needed"); retreive-iam-info.adoc (No)
    read: '2026-12-07',
  },
  // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("This add-on doesn't require any permissions")
  { name: 'snapshot-controller', kind: ComponentKind.EKS_ADDON, description: 'CSI snapshot controller; no AWS call', services: [], source: ADDONS_PAGE, read: '2026-12-07' },
  // Re-read 2026-12-07: community-addons.adoc at 01385604 (metrics-server: service account, managed IAM policy and custom IAM permissions all "None")
  { name: 'metrics-server', kind: ComponentKind.EKS_ADDON, description: 'Kubernetes metrics API from kubelets; no AWS call', services: [], source: 'https://docs.aws.amazon.com/eks/latest/userguide/community-addons.html', read: '2026-12-07' },
  // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("This add-on doesn't require additional permissions"); node-health.adoc itself not re-read
  { name: 'eks-node-monitoring-agent', kind: ComponentKind.EKS_ADDON, description: 'Node health monitoring; no AWS call ("no additional permissions")', services: [], source: 'https://docs.aws.amazon.com/eks/latest/userguide/node-health.html', read: '2026-12-07' },
  {
    name: 'aws-guardduty-agent',
    kind: ComponentKind.EKS_ADDON,
    description: 'GuardDuty Runtime Monitoring agent (authenticates with the instance identity, no role). With GuardDuty\'s automated agent configuration, GuardDuty creates the guardduty-data endpoint itself: declare it (existingEndpointServices) instead of creating a second one',
    services: [{ service: 'guardduty-data', why: 'sending runtime events', source: 'https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html ("Before you can install the GuardDuty security agent, you must create an Amazon VPC endpoint")' }],
    source: 'https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring-agent-connectivity.html',
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("This add-on doesn't require any permissions"); eksrunmon-prereq-deploy-security-agent.html ("you must create an Amazon VPC endpoint", com.amazonaws.us-east-1.guardduty-data); runtime-monitoring-agent-connectivity.html ("Automated agent configuration - GuardDuty establishes connectivity automatically")
    read: '2026-12-07',
  },
  {
    name: 'amazon-cloudwatch-observability',
    kind: ComponentKind.EKS_ADDON,
    description: 'CloudWatch agent and Fluent Bit (Container Insights). Application Signals traces also need xray: add it with additionalEndpoints',
    services: [
      { service: 'logs', why: 'container logs and Container Insights performance events', source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/eks-observability-addon-otlp-endpoint.html ("write metrics to CloudWatch, logs to CloudWatch Logs"); ' + `${EKS_PRIVATE} (logs)` },
      { service: 'monitoring', why: 'PutMetricData', source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/eks-observability-addon-otlp-endpoint.html ("write metrics to CloudWatch"); aws-cdk-lib InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING' },
    ],
    identity: {
      namespace: 'amazon-cloudwatch',
      serviceAccount: 'cloudwatch-agent',
      managedPolicies: ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess'],
      podIdentity: true,
      source: `${ADDONS_PAGE} ("AWSXrayWriteOnlyAccess and CloudWatchAgentServerPolicy"); https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html ("version 3.1.0 or later ... EKS Pod Identity")`,
    },
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html',
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 (cloudwatch-agent in amazon-cloudwatch, AWSXrayWriteOnlyAccess and CloudWatchAgentServerPolicy); Container-Insights-setup-EKS-addon.html ("If you use version 3.1.0 or later of the add-on, you can use EKS Pod Identity"; CloudWatch agent for metrics, Fluent Bit for container logs). The Pod Identity table of retreive-iam-info.adoc (updated 2024-10-28) says No: the CloudWatch page is later and is followed
    read: '2026-12-07',
  },
  {
    name: 'adot',
    kind: ComponentKind.EKS_ADDON,
    description: 'AWS Distro for OpenTelemetry operator (needs cert-manager). Its opt-in collectors need endpoints by exporter: aps-workspaces (Prometheus), xray (traces), logs (container logs, EMF), each with its own role',
    services: [],
    source: `${ADDONS_PAGE} ("only requires IAM permissions if you're using one of the preconfigured custom resources")`,
    // Re-read 2026-12-07: awsdocs/amazon-eks-user-guide workloads-add-ons-available-eks.adoc at 027430e0 ("only requires IAM permissions if you're using one of the preconfigured custom resources"; needs cert-manager)
    read: '2026-12-07',
  },
  {
    name: 'aws-load-balancer-controller',
    kind: ComponentKind.HELM_CHART,
    description: 'AWS Load Balancer Controller: ALBs for Ingresses, NLBs for Services. ACM certificate discovery (certificates found from Ingress hosts) '
      + 'works when the node subnets reach ACM: an acm interface endpoint (additionalEndpoints: [\'acm\']) or an internet route; without either, name certificates by ARN',
    endpointClaims: ['acm'],
    services: [
      { service: 'elasticloadbalancing', why: 'creating and updating load balancers and target groups', source: `${EKS_PRIVATE} (endpoint table: elasticloadbalancing)` },
      { service: 'ec2', why: 'security groups, subnets and targets', source: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json (ec2 actions)' },
    ],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'aws-load-balancer-controller',
      managedPolicies: [],
      policy: 'the controller\'s iam_policy.json for its version (aws-cdk-lib ships it with aws-eks-v2 AlbControllerVersion)',
      // Re-read 2026-12-07: docs/deploy/installation.md at 225f4456 (v3.5.0-8; since 99676e05, 2025-11-24) has "Option B:
      // Recommended, Pod Identity" beside IRSA (Option A), so the controller supports Pod Identity. The construct keeps IRSA (Option A,
      // which the guide still documents and every version the library accepts supports).
      podIdentity: true,
      source: 'https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html (IRSA service account aws-load-balancer-controller in kube-system)',
    },
    settings: [
      // Set to false because the service is unreachable: required only while it is (a wafv2 endpoint lets WAF on an
      // internal ALB work). The private-clusters page asks for all three off; it predates these endpoints.
      {
        path: 'enableShield',
        value: false,
        requiredUnlessReachable: 'shield',
        read: '2026-12-05',
        why: 'the controller calls Shield (in the cluster\'s region) and times out when the node subnets reach neither a shield endpoint nor the internet',
        source: `${EKS_PRIVATE} ("set enable-shield, enable-waf, and enable-wafv2 to false"); ${LBC_VALUES} (enableShield); ${LBC_CLIENTS} (Shield client region)`,
      },
      {
        path: 'enableWaf',
        value: false,
        requiredUnlessReachable: 'waf-regional',
        read: '2026-12-05',
        why: 'the controller calls WAF Classic Regional, which has no interface endpoint, and times out without an internet route',
        source: `${EKS_PRIVATE} ("set enable-shield, enable-waf, and enable-wafv2 to false"); ${LBC_VALUES} (enableWaf)`,
      },
      {
        path: 'enableWafv2',
        value: false,
        requiredUnlessReachable: 'wafv2',
        read: '2026-12-05',
        why: 'the controller calls WAFv2 and times out when the node subnets reach neither a wafv2 endpoint nor the internet',
        source: `${EKS_PRIVATE} ("set enable-shield, enable-waf, and enable-wafv2 to false"); ${LBC_VALUES} (enableWafv2)`,
      },
      // Re-read 2026-12-07 in kubernetes-sigs/aws-load-balancer-controller at 225f4456 (v3.5.0-8): values.yaml "A non-empty value is required".
      { path: 'clusterName', read: '2026-12-07', why: 'the controller does not start without it', source: `${LBC_VALUES} ("A non-empty value is required")` },
    ],
    source: EKS_PRIVATE,
    read: '2026-12-07',
  },
  {
    name: 'karpenter',
    kind: ComponentKind.HELM_CHART,
    description: 'Karpenter: launches nodes for pending pods. With no IAM endpoint in the cluster\'s region (IAM\'s, com.amazonaws.iam, is created in us-east-1 only), '
      + 'its EC2NodeClass names a pre-created instance profile (spec.instanceProfile)',
    endpointClaims: ['iam'],
    services: [
      { service: 'ec2', why: 'CreateFleet, RunInstances, Describe*', source: `${KARPENTER_START} (private clusters: com.amazonaws.<region>.ec2)` },
      { service: 'ssm', why: 'AMI IDs from SSM public parameters', source: `${KARPENTER_START} (private clusters: com.amazonaws.<region>.ssm)` },
      { service: 'sqs', when: 'set:settings.interruptionQueue', why: 'interruption messages', source: `${KARPENTER_START} ("com.amazonaws.<region>.sqs - For accessing SQS if using interruption handling")` },
      { service: 'eks', why: 'DescribeCluster (the cluster endpoint when not set, and cluster details for the node class)', source: `${KARPENTER_START} (private clusters: com.amazonaws.<region>.eks); ${KARPENTER_CHART} (settings.clusterEndpoint: "If not set, will be discovered during startup")` },
    ],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'karpenter',
      managedPolicies: [],
      policy: 'the Karpenter controller policy (getting-started cloudformation.yaml)',
      podIdentity: true,
      source: 'https://github.com/aws/karpenter-provider-aws/blob/main/website/content/en/docs/getting-started/getting-started-with-karpenter/scripts/step02-create-cluster.sh (podIdentityAssociations, serviceAccountName: karpenter)',
    },
    settings: [
      {
        path: 'settings.isolatedVPC',
        value: true,
        requiredUnlessReachable: 'pricing.api',
        read: '2026-12-05',
        // Karpenter's pricing client: us-east-1, ap-south-1 for ap-*, eu-central-1 for eu-*, cn-northwest-1 for cn-*.
        endpointServesRegions: ['us-east-1', 'ap-south-1', 'eu-central-1', 'cn-northwest-1'],
        why: 'without it Karpenter calls the Price List API in us-east-1, ap-south-1, eu-central-1 or cn-northwest-1 (by the cluster\'s region), which '
          + 'a pricing.api endpoint serves only for a cluster in that same region',
        source: `${KARPENTER_START} ("by setting --set settings.isolatedVPC=true"); https://karpenter.sh/docs/reference/settings/; ${KARPENTER_PRICING} (NewAPI)`,
      },
      { path: 'settings.clusterName', why: 'Karpenter does not start without it', source: `${KARPENTER_CHART} (settings.clusterName)` },
    ],
    source: KARPENTER_START,
    // Re-read 2026-12-07 in aws/karpenter-provider-aws at 1d927085 (2026-08-21): getting-started _index.md "Private Clusters"
    // (ec2, ecr.api, ecr.dkr, s3, sts, ssm, sqs "if using interruption handling", eks), step02-create-cluster.sh
    // (podIdentityAssociations, serviceAccountName: karpenter), charts/karpenter/README.md (settings.clusterName, clusterEndpoint).
    read: '2026-12-07',
  },
  {
    name: 'cluster-autoscaler',
    kind: ComponentKind.HELM_CHART,
    description: 'Kubernetes Cluster Autoscaler for managed nodegroups (Auto Scaling groups)',
    services: [
      { service: 'autoscaling', why: 'DescribeAutoScalingGroups, SetDesiredCapacity', source: `${EKS_PRIVATE} ("must also include the AWS STS VPC endpoint and autoscaling VPC endpoint")` },
    ],
    identity: {
      namespace: 'kube-system',
      serviceAccount: 'cluster-autoscaler',
      managedPolicies: [],
      policy: 'the Cluster Autoscaler policy of its AWS README',
      podIdentity: false,
      source: 'https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md (IAM policy); '
        + `${CA_README} (rbac.serviceAccount.annotations: eks.amazonaws.com/role-arn)`,
    },
    settings: [
      { path: 'extraArgs.aws-use-static-instance-list', value: true, why: 'it fetches the instance type list from the internet otherwise', source: `${EKS_PRIVATE} ("make sure that the command line includes --aws-use-static-instance-list=true"); ${CA_README} (extraArgs)` },
      { path: 'awsRegion', value: '{region}', why: 'the chart defaults to us-east-1, whose endpoints the VPC does not have', source: `${CA_README} (awsRegion, default "us-east-1")` },
    ],
    source: EKS_PRIVATE,
    // Re-read 2026-12-07: the private-clusters copies (endpoint-catalogue.ts) ("--aws-use-static-instance-list=true"; "the AWS STS VPC endpoint and autoscaling VPC endpoint"); kubernetes/autoscaler charts/cluster-autoscaler/README.md at 00648424 (awsRegion default "us-east-1", extraArgs, rbac.serviceAccount.annotations eks.amazonaws.com/role-arn)
    read: '2026-12-07',
  },
  {
    name: 'external-dns',
    kind: ComponentKind.HELM_CHART,
    description: 'ExternalDNS with the aws provider: Route 53 records for Services and Ingresses. Route 53 has a global endpoint service name, com.amazonaws.route53',
    endpointClaims: ['route53'],
    // Re-read 2026-12-07: kubernetes-sigs/external-dns docs/tutorials/aws.md at 2bf1bf8a (v0.22.0-12, 2026-08-22) lists
    // "EKS Pod Identity: Native EKS alternative to IRSA", and its policy grants route53:ChangeResourceRecordSets,
    // ListResourceRecordSets and ListTagsForResources on hostedzone/*, ListHostedZones on *. The route53 endpoint
    // (com.amazonaws.route53) holds: see the route53 claim.
    services: [{ service: 'route53', why: 'ChangeResourceRecordSets, ListHostedZones', source: `${EKS_PRIVATE} (endpoint table: "Amazon Route 53 | com.amazonaws.route53")` }],
    identity: {
      namespace: 'default',
      serviceAccount: 'external-dns',
      managedPolicies: [],
      policy: 'route53:ChangeResourceRecordSets, ListResourceRecordSets and ListTagsForResources on hostedzone/*, ListHostedZones on * (its AWS tutorial)',
      podIdentity: true,
      source: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md',
    },
    source: 'https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md',
    read: '2026-12-07',
  },
];

/** A range of a component's releases with a known defect in a private cluster, and the first release without it. */
export interface ComponentVersionDefect {
  /** The component (a contract's name). */
  readonly component: string;
  /** The first release with the defect. */
  readonly from: string;
  /** The first release without it (every later release holds the fix). */
  readonly fixedIn: string;
  /** What goes wrong. */
  readonly why: string;
  /** Where the range comes from (repository, path and line at a tag, or the issue). */
  readonly source: string;
  /** The day the source was read (YYYY-MM-DD). */
  readonly read: string;
}

/**
 * Karpenter from 1.7.2 garbage-collects instance profiles through IAM before it removes an EC2NodeClass's finalizer
 * (karpenter-provider-aws#8609); an isolated VPC has no IAM endpoint, so the NodeClass is never deleted. The fix
 * (#8617, `isolatedVPC` skips the cleanup) is commit db9076ae3 on main, first tagged v1.9.0, and its cherry-pick
 * 9a5d821ec (#8749) on the 1.8 branch, first tagged v1.8.3 and in every tag to v1.8.8 (`git tag --contains 9a5d821ec`).
 * No 1.7 patch holds it: v1.7.4 to v1.7.6 (the last, 2026-07-15) have no `IsolatedVPC` check in
 * pkg/controllers/nodeclass/controller.go. So the defect spans >= 1.7.2 and < 1.8.3.
 */
const VERSION_DEFECTS: ComponentVersionDefect[] = [
  {
    component: 'karpenter',
    from: '1.7.2',
    fixedIn: '1.8.3',
    why: 'calls IAM before it removes an EC2NodeClass\'s finalizer, and IAM is not reachable from an isolated VPC',
    source: 'https://github.com/aws/karpenter-provider-aws/issues/8609; https://github.com/aws/karpenter-provider-aws/pull/8749 (commit 9a5d821ec, '
      + 'tags v1.8.3 to v1.8.8); https://github.com/aws/karpenter-provider-aws/blob/v1.8.3/pkg/controllers/nodeclass/controller.go#L196-L197 '
      + '("Instance profile cleanup should be skipped in isolated VPCs"), absent at v1.7.6 and v1.8.2',
    read: '2026-12-07',
  },
];

const ALL = [...CLIENTS, ...COMPONENTS];

/** A deep copy: callers cannot change the registry. */
function copy(c: ComponentContract): ComponentContract {
  return JSON.parse(JSON.stringify(c));
}

/**
 * The registry of reachability contracts.
 */
export class ComponentContracts {
  /** Every contract. */
  public static all(): ComponentContract[] {
    return ALL.map(copy);
  }

  /** The contract of a component, by name or alias; undefined when the registry has none. */
  public static describe(name: string): ComponentContract | undefined {
    const c = ALL.find(x => x.name === name || (x.aliases ?? []).includes(name));
    return c ? copy(c) : undefined;
  }

  /** The contract of an EKS add-on, by add-on name. */
  public static forAddon(addonName: string): ComponentContract | undefined {
    const c = ALL.find(x => x.kind === ComponentKind.EKS_ADDON && x.name === addonName);
    return c ? copy(c) : undefined;
  }

  /** The contract of a Helm chart, by chart name (or the last segment of an OCI repository). */
  public static forChart(chartName: string): ComponentContract | undefined {
    const c = ALL.find(x => x.kind === ComponentKind.HELM_CHART && (x.name === chartName || (x.aliases ?? []).includes(chartName)));
    return c ? copy(c) : undefined;
  }

  /**
   * The services a component needs under the given conditions: those with no `when`, and those whose `when` is one
   * of `conditions`.
   */
  public static servicesOf(name: string, conditions: string[] = []): ContractService[] {
    const c = ComponentContracts.describe(name);
    if (!c) throw new Error(`no contract named ${name}`);
    return c.services.filter(s => s.when === undefined || conditions.includes(s.when));
  }

  /** The releases of a component with a known defect in a private cluster (every component when no name is given). */
  public static versionDefects(name?: string): ComponentVersionDefect[] {
    return VERSION_DEFECTS.filter(d => name === undefined || d.component === name).map(d => ({ ...d }));
  }

  private constructor() {}
}
