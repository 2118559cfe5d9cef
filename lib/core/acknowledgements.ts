import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/**
 * A cdk-nag `Resource::` finding of an ARN of `service` in one account and region (written as literals or as
 * `<AWS::Region>`-style placeholders, as cdk-nag prints tokens) whose resource part matches `resource`.
 */
function arnPattern(service: string, resource: string): RegExp {
  const part = '(?:<[^>]+>|[^:<>*]+)';
  return new RegExp(`^Resource::arn:${part}:${service}:${part}:${part}:${resource}$`);
}

/** A finding of a compliance tool that does not apply, and why. */
export interface Acknowledgement {
  /**
   * The validation IDs, as the tool prints them after "Acknowledge with". `{handler}` and `{hasEcrPublic}` stand for
   * logical IDs of the kubectl provider's resources, filled in where the acknowledgement is applied.
   */
  readonly ids: string[];
  /** Why it does not apply: what a security reviewer reads. */
  readonly reason: string;
  /**
   * For IAM5 acknowledgements applied with `acknowledgeWildcards`: the wildcard findings (`Resource::...`,
   * `Action::...`) this reason is true of, as a regular expression; findings it does not match stay reported.
   */
  readonly appliesTo?: RegExp;
}

/**
 * Every acknowledgement the library makes, in one reviewed place, by where it is applied. Nothing else in the
 * library calls `Validations.of(...).acknowledge` for compliance tools. The README lists this table.
 */
export const ACKNOWLEDGEMENTS = {
  /** The EKS cluster's IAM role (created by aws-eks-v2). */
  clusterRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]'],
      reason: 'AmazonEKSClusterPolicy is the AWS managed policy EKS requires on the cluster role; AWS keeps it to the permissions the control plane uses.',
    },
  ],
  /** The nodes' IAM role. */
  nodeRole: [
    {
      ids: [
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy]',
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
      ],
      reason: 'AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryPullOnly are the managed policies EKS documents for managed nodes; nothing beyond them is attached.',
    },
  ],
  /** The role of an add-on created with `addAddon` (one acknowledgement per AWS managed policy its contract names). */
  addonRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{policy}]'],
      reason: 'The AWS managed policy the EKS documentation names for this add-on (ComponentContracts lists it with its source); AWS keeps it to what the add-on calls, and the role is assumed only by the add-on\'s service account.',
    },
  ],
  /** The VPC of a PrivateNetwork with restrictDefaultSecurityGroup off (the default). */
  defaultSecurityGroupOpen: [
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'HIPAA.Security::HIPAA.Security-VPCDefaultSecurityGroupClosed',
        'PCI.DSS.321::PCI.DSS.321-VPCDefaultSecurityGroupClosed', 'NIST.800.53.R4::NIST.800.53.R4-VPCDefaultSecurityGroupClosed'],
      reason: 'Nothing the library creates uses the default security group (endpoints, cluster, nodes, bastion and probes each have their own); closing it takes a Lambda-backed custom resource, which the default cluster avoids. restrictDefaultSecurityGroup: true closes it.',
    },
  ],
  /** aws-cdk-lib's handler that closes the default security group (PrivateNetwork restrictDefaultSecurityGroup: true). */
  restrictDefaultSecurityGroupHandler: [
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check'],
      reason: 'aws-cdk-lib\'s restrictDefaultSecurityGroup handler revokes the VPC default security group\'s rules with EC2 API calls once per deploy, from outside the VPC (an isolated VPC would need an ec2 endpoint first); it holds no data.',
    },
  ],
  /** The node launch template. */
  nodeLaunchTemplate: [
    {
      ids: ['cdk-validator-cfnguard::ec2_launch_template_token_hop_limit_check'],
      reason: 'The user raised imdsHopLimit above the default of 1 for pods that must read IMDS (applied only then); IMDSv2 stays required (HttpTokens required).',
    },
  ],
  /** The bastion instance (SSM or SSH). */
  bastionInstance: [
    {
      ids: ['AwsSolutions::AwsSolutions-EC26'],
      reason: 'The root volume is encrypted (BlockDeviceMappings Ebs.Encrypted true, gp3); the rule looks for a launch template the instance does not use and reports it wrongly.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-EC2InstancesInVPC', 'HIPAA.Security::HIPAA.Security-EC2InstancesInVPC',
        'PCI.DSS.321::PCI.DSS.321-EC2InstancesInVPC', 'NIST.800.53.R4::NIST.800.53.R4-EC2InstancesInVPC'],
      reason: 'Scanner false positive: the instance is in the VPC through its network interface (NetworkInterfaces[0].SubnetId, set to give it no public IP); the rule reads only the top-level SubnetId.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-EC29'],
      reason: 'The bastion holds no state: CloudFormation replaces it on updates, and termination protection would block those replacements. Nothing is lost when it is terminated.',
    },
    {
      ids: ['cdk-validator-cfnguard::ec2_instance_nitro_encryption_in_transit_check'],
      reason: 'A single administration host: its traffic is TLS (Session Manager, AWS APIs, the Kubernetes API). Nitro in-transit encryption covers traffic between instances, which it has none of.',
    },
  ],
  /** The bastion instance, when SSH access was chosen. */
  sshBastionInstance: [
    {
      ids: ['cdk-validator-cfnguard::ec2_instance_no_public_ip_check', 'NIST.800.53.R5::NIST.800.53.R5-EC2InstanceNoPublicIp', 'HIPAA.Security::HIPAA.Security-EC2InstanceNoPublicIp',
        'PCI.DSS.321::PCI.DSS.321-EC2InstanceNoPublicIp', 'NIST.800.53.R4::NIST.800.53.R4-EC2InstanceNoPublicIp'],
      reason: 'SSH access was chosen explicitly (BastionAccess.SSH): it needs a public IP. Port 22 admits only the sshAllowedCidrs the user must give, with a key pair; the SSM default has no public IP.',
    },
  ],
  /** The bastion role. */
  bastionRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]'],
      reason: 'AmazonSSMManagedInstanceCore was chosen explicitly (ssmManagedInstanceCore: true, applied only then) for Run Command or Patch Manager; by default the bastion gets a Session Manager-only policy instead.',
    },
  ],
  /** The bastion's Session Manager policy (instead of AmazonSSMManagedInstanceCore). */
  bastionSessionManager: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Resource::\*$/,
      reason: 'The Session Manager guide\'s custom instance profile, as written: ssm:UpdateInstanceInformation (the agent registers its own instance, which does not exist when the role is created) and the four ssmmessages channel actions, which take no resource ARN. Nothing else is on *.',
    },
  ],
  /** The bastion's own policy, with Session Manager logging (applied with acknowledgeWildcards). */
  sessionLogging: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: arnPattern('logs', 'log-group:\\*'),
      reason: 'The SSM Agent calls logs:DescribeLogGroups before streaming a session, and that action lists groups: it cannot be narrowed to one group. Writing (CreateLogStream, PutLogEvents) is granted on the session log group only.',
    },
  ],
  /** aws-eks-v2's KubectlProvider (the kubectl handler and its provider framework), created on first use. */
  kubectlProvider: [
    {
      ids: [
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
        'AwsSolutions::AwsSolutions-IAM4[Policy::{"Fn::If":["{hasEcrPublic}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
      ],
      reason: 'aws-eks-v2\'s KubectlProvider attaches AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole (the handler runs in the VPC) and ECR read-only policies (Helm charts from ECR); they are AWS managed and scoped to what a Lambda in a VPC and an ECR pull need.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[Resource::<{handler}.Arn>:*]'],
      reason: 'The provider framework may invoke the kubectl handler and its versions (lambda:InvokeFunction on <handler ARN>:*), as aws-cdk-lib\'s custom resource framework requires; no other wildcard.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'aws-cdk-lib\'s KubectlProvider picks the runtimes of the handler (the newest Python it knows) and the framework; they move with aws-cdk-lib upgrades.',
    },
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check'],
      reason: 'Both functions are in the VPC (VpcConfig with the node subnets); their security group is the EKS cluster security group (Fn::GetAtt on AWS::EKS::Cluster), which the rule does not recognise as a security group reference.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy',
        'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy', 'NIST.800.53.R4::NIST.800.53.R4-IAMNoInlinePolicy'],
      reason: 'aws-cdk-lib\'s KubectlProvider writes its grants (invoke the handler, describe the cluster) as the roles\' default policy; the library\'s own roles use customer managed policies. These two roles are created and used only by the provider, so no other principal can share the policy.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'The functions run only while CloudFormation deploys this stack, once per Kubernetes resource; reserved concurrency would take capacity from the account for functions that are idle otherwise, and a low limit would throttle deployments.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'A failed invocation fails the custom resource and CloudFormation rolls the stack back with the error; no event waits to be retried, so a dead-letter queue would stay empty.',
    },

  ],
  /** The network preflight (NetworkPreflight): its probe functions, their role and log group. */
  /** The PullPolicy of a pull-through cache (`EcrPullThroughCache.pullPolicy`), attached to the roles granted pulls. */
  pullThroughCacheGrant: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: arnPattern('ecr', 'repository/[^*]+/\\*'),
      reason: 'ECR creates the cache repositories on the first pull, one per upstream image, under the rule\'s prefix: their names are not known at synth, so the grant covers that prefix and nothing else.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Resource::\*$/,
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions (the ECR IAM reference lists no resource type for it), so a registry login is granted on *; it is the only action on * in this policy.',
    },
  ],
  /**
   * The Load Balancer Controller's policies, one per kind of statement (lib/load-balancer-controller.ts,
   * `scopeAlbPolicy`): each reason is true of every statement in that policy. Statements that fit none stay reported.
   */
  albDiscovery: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Read-only Describe/Get/List calls the controller makes to discover subnets, security groups, load balancers and certificates: these EC2, ELB, ACM, Cognito and IAM actions take no resource ARN, so they are granted on *, limited to this region (aws:RequestedRegion) for the regional services.',
    },
  ],
  albClusterTagged: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Every statement here requires the tag elbv2.k8s.aws/cluster with this cluster\'s name, on the resource changed or in the create request (upstream only requires the tag to exist), in this account and region: the controller creates and changes only load balancers, listeners, rules, target groups (and their targets) and security groups of this cluster; listeners and rules are tagged by the controller\'s ListenerRulesTagging gate, on by default from v2.3.1.',
    },
  ],
  albVpcScoped: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Security group creation and ingress changes are pinned to this cluster\'s VPC (the VPC ARN as the resource, or the ec2:Vpc condition), in this account and region; upstream allows them on every security group.',
    },
  ],
  albAccountRegion: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Changes on load balancers of this account in this region (ARNs with the account and region) that no tag condition can pin: rule priorities (SetRulePriorities, for which the Service Authorization Reference lists no condition key), targets of untagged target groups when untaggedTargetGroups is set, listener and rule changes when the ListenerRulesTagging gate is turned off in the values; or on * with aws:RequestedRegion where the action takes no resource (SetWebAcl).',
    },
  ],
  albServiceLinkedRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'iam:CreateServiceLinkedRole only for elasticloadbalancing.amazonaws.com (iam:AWSServiceName condition), the role Elastic Load Balancing needs before the first load balancer of an account.',
    },
  ],
  /** Karpenter's policies, after upstream's split (getting-started cloudformation.yaml, 1.9 and later). */
  karpenterNodeLifecycle: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Launches only into this cluster\'s node subnets and security group, with IMDSv2 required and public IPs denied; what it creates, tags and deletes (instances, volumes, interfaces, fleets, launch templates) must carry eks:eks-cluster-name with this cluster\'s name and a karpenter.sh/nodepool tag. AMIs only Amazon\'s (ec2:Owner amazon: the al2023 alias resolves to them); snapshots, capacity reservations and placement groups are any: node classes select them at run time.',
    },
  ],
  karpenterResourceDiscovery: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      reason: 'Read-only: EC2 Describe calls limited to this region (aws:RequestedRegion), which take no resource ARN; the AWS public SSM parameters under /aws/service/ (AMI aliases); instance profiles of this account (the pre-created one is read by name).',
    },
  ],
  /** Karpenter's interruption queue. */
  interruptionQueue: [
    {
      ids: ['AwsSolutions::AwsSolutions-SQS3', 'cdk-validator-cfnguard::sqs_dlq_check'],
      reason: 'Interruption notices are only useful within minutes: the queue keeps them 5 minutes, as Karpenter\'s template does, and a dead-letter queue would hold stale notices nobody acts on.',
    },
  ],
  /** aws-cdk-lib's CfnJson provider function (IRSA trust conditions whose keys hold the OIDC issuer, a token): every IRSA role, `irsaRole` in iam.ts. */
  cfnJsonProvider: [
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check'],
      reason: 'aws-cdk-lib\'s CfnJson utility function only renders JSON during deployment (IRSA trust conditions keyed by the OIDC issuer); it reaches nothing, so there is nothing a VPC would contain.',
    },
  ],
  preflight: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]'],
      reason: 'AWSLambdaVPCAccessExecutionRole is the AWS managed policy for a Lambda function in a VPC: network interface create/describe/delete and its own logs. The probe role has nothing else: the probe calls no AWS API.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'The probe is pinned to Node.js 22 (supported by Lambda) so that its DNS and socket behaviour changes only with a deliberate upgrade and a re-run of its tests, not with an aws-cdk-lib release.',
    },
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check'],
      reason: 'The probes run in the node subnets (VpcConfig with their subnet IDs); their security group is the EKS cluster security group (Fn::GetAtt on AWS::EKS::Cluster), which the rule does not recognise as a security group reference.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'CloudFormation invokes each probe once per deploy of the stack; reserved concurrency would take capacity from the account for functions that are idle otherwise.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'CloudFormation invokes the probes asynchronously (Lambda guide, services-cloudformation.html: "invokes your Lambda function asynchronously with an event that includes a callback URL"; aws-cdk #5873) and waits for their answer at that URL: each probe answers every request, failures included, with its reason. An event Lambda gives up on (a crash or timeout, after its retries) fails the custom resource at its service timeout; a dead-letter queue would only keep a request whose response URL nothing replays.',
    },
    {
      ids: ['cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check'],
      reason: 'The probe log holds service names, IP addresses and pass/fail lines, no data or secrets; CloudWatch Logs encrypts it at rest by default. A customer managed key per preflight would cost more than the log is worth.',
    },
  ],
  /**
   * The preflight's probe of the API endpoint from an API relay's subnet (NetworkPreflight.addApiEndpointCheck): its
   * functions and custom resources only (the role and log group are the preflight's, acknowledged there).
   */
  preflightApiProbe: [
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'The probe is pinned to Node.js 22 (supported by Lambda) so that its DNS and socket behaviour changes only with a deliberate upgrade and a re-run of its tests, not with an aws-cdk-lib release.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'CloudFormation invokes each probe once per deploy of the stack; reserved concurrency would take capacity from the account for functions that are idle otherwise.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'CloudFormation invokes the probes asynchronously and waits for their answer at the callback URL: each probe answers every request, failures included, with its reason, and a probe that never answers fails the custom resource at its service timeout; a dead-letter queue would only keep a request whose response URL nothing replays.',
    },
  ],
  /** The pull-through cache warm-up (PullThroughCacheWarmup): its function, its role's log policy and log group. */
  cacheWarmup: [
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC', 'NIST.800.53.R4::NIST.800.53.R4-LambdaInsideVPC'],
      reason: 'The warm-up runs outside the VPC on purpose: it makes ECR\'s first pull of each image through the pull-through cache, which over interface endpoints needs a NAT gateway (ECR guide), so that nodes with no internet route never need one. It holds no data and may only pull through the cache\'s prefixes and write its own log.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'The warm-up is pinned to Node.js 22 (supported by Lambda, with the AWS SDK for JavaScript v3 it uses) so that its HTTP behaviour changes only with a deliberate upgrade and a re-run of its tests against the local registry, not with an aws-cdk-lib release.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'CloudFormation invokes the warm-up once per deploy that adds images; reserved concurrency would take capacity from the account for a function that is idle otherwise.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'CloudFormation invokes the warm-up asynchronously (Lambda guide, services-cloudformation.html: "invokes your Lambda function asynchronously with an event that includes a callback URL"; aws-cdk #5873) and waits for its answer at that URL: the handler answers every request, a failure with the image, the upstream and the cause. An event Lambda gives up on (a crash or timeout, after its retries) fails the custom resource at its service timeout; a dead-letter queue would only keep a request whose response URL nothing replays.',
    },
  ],
  /** The API relay's instance (`ApiRelay`). */
  relayInstance: [
    {
      ids: ['AwsSolutions::AwsSolutions-EC26'],
      reason: 'The relay\'s root volume is encrypted (BlockDeviceMappings Ebs.Encrypted true, gp3); the rule looks for a launch template the instance does not use and reports it wrongly.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-EC2InstancesInVPC', 'HIPAA.Security::HIPAA.Security-EC2InstancesInVPC',
        'PCI.DSS.321::PCI.DSS.321-EC2InstancesInVPC', 'NIST.800.53.R4::NIST.800.53.R4-EC2InstancesInVPC'],
      reason: 'Scanner false positive: the relay is in the VPC through its network interface (NetworkInterfaces[0].SubnetId, set to give it no public IP); the rule reads only the top-level SubnetId.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-EC29'],
      reason: 'The relay holds no state and no credentials beyond its Session Manager role: CloudFormation replaces it on updates, and termination protection would block those replacements.',
    },
    {
      ids: ['cdk-validator-cfnguard::ec2_instance_nitro_encryption_in_transit_check'],
      reason: 'The relay carries TLS only (Session Manager\'s channel, and kubectl\'s TLS to the API server inside it); Nitro in-transit encryption covers traffic between instances, which it has none of.',
    },
  ],
  /** The API relay's `SessionManagerPolicy` (its role's only policy). */
  relaySessionManager: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Resource::\*$/,
      reason: 'The Session Manager guide\'s custom instance profile, as written: ssm:UpdateInstanceInformation (the agent registers its own instance, which does not exist when the role is created) and the four ssmmessages channel actions, which take no resource ARN. The relay has no other permission.',
    },
  ],
  /** The CI runner's build role policy (`PrivateCiRunner`). */
  ciRunnerRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Resource::\*$/,
      reason: 'The network interface permissions of a CodeBuild build in a VPC, as the CodeBuild guide writes them: the Describe actions take no resource, and the interface does not exist before the build (CreateNetworkInterfacePermission is limited to the runner\'s subnets and to CodeBuild); with a build image in ECR, ecr:GetAuthorizationToken, which has no resource-level permission (the pulls are granted on that repository only).',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: arnPattern('ec2', 'network-interface/\\*'),
      reason: 'ec2:CreateNetworkInterfacePermission on the build\'s interface, which does not exist before the build; the conditions limit it to the runner\'s subnets (ec2:Subnet) and to CodeBuild (ec2:AuthorizedService).',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
      reason: 'The runner\'s own key only (the resource is its ARN): CodeBuild encrypts the build\'s logs and artifacts with it; the wildcards name the variants of two actions on that one key.',
    },
  ],
  /** An API relay's tunnel policy (`portForwardPolicy`, for permission sets). */
  relayTunnelPolicy: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: arnPattern('ssm', 'session/<aws:userid>-\\*'),
      reason: 'ssm:TerminateSession and ssm:ResumeSession on the caller\'s own sessions only: a session ID starts with the caller\'s user ID (${aws:userid}) and is made when the session starts, as the Session Manager guide\'s end-user policies write it.',
    },
  ],
  /** The CI runner's CodeBuild project, with a build image from ECR (\`LinuxBuildImage.fromEcrRepository\`). */
  ciRunnerEcrImage: [
    {
      ids: ['AwsSolutions::AwsSolutions-CB5'],
      reason: 'The build image was chosen by the user from an ECR repository of theirs (their approved image, with kubectl and helm, since the build has no internet); cdk-nag cannot read an image URI built from the repository\'s tokens.',
    },
  ],
  /** The CI runner's CodeBuild project. */
  ciRunnerProject: [
    {
      ids: ['HIPAA.Security::HIPAA.Security-CodeBuildProjectSourceRepoUrl', 'PCI.DSS.321::PCI.DSS.321-CodeBuildProjectSourceRepoUrl',
        'NIST.800.53.R4::NIST.800.53.R4-CodeBuildProjectSourceRepoUrl'],
      reason: 'The project has no source repository (source type NO_SOURCE, the build spec inline): there is no GitHub or Bitbucket URL that could carry credentials; the rule reports every project without OAuth source credentials.',
    },
  ],
  /** The role GitHub Actions assumes to start the CI runner's builds. */
  ciRunnerGitHub: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /:log-stream:\*$/,
      reason: 'logs:GetLogEvents on the streams of the runner\'s own log group (a build\'s stream is named when it starts): what the workflow calls to print the build log (aws logs get-log-events).',
    },
  ],
  /** The managed Argo CD capability's `RepositoryPolicy` (ECR repositories named). */
  argoCdRepositories: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /^Resource::\*$/,
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions (the ECR IAM reference lists no resource type for it), so the registry login is granted on *; the pulls themselves are granted on the repositories named only.',
    },
  ],
  /** The upgrade guard (`upgradeGuard`): its function, role and log group. */
  upgradeGuard: [
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC', 'NIST.800.53.R4::NIST.800.53.R4-LambdaInsideVPC'],
      reason: 'The guard runs outside the VPC on purpose: it calls eks:DescribeCluster and answers CloudFormation before the cluster changes, so it needs no eks endpoint in the VPC; it touches nothing there and holds no data.',
    },
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'The guard is pinned to Node.js 22 (supported by Lambda, with the AWS SDK for JavaScript v3 it uses) so that its behaviour changes only with a deliberate upgrade and a re-run of its tests against the local EKS fake, not with an aws-cdk-lib release.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'CloudFormation invokes the guard once per deploy that creates the cluster or changes its version; reserved concurrency would take capacity from the account for a function that is idle otherwise.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'CloudFormation invokes the guard synchronously as a custom resource: a refusal fails the stack with the running and the asked version, so no event waits to be retried and a dead-letter queue would stay empty.',
    },
  ],
  /** The upgrade guard's `Policy`. */
  upgradeGuardPolicy: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /:log-stream:\*$/,
      reason: 'Lambda names its log streams at run time: the grant covers the streams of the guard\'s own log group, nothing else.',
    },
  ],
  /** The managed Argo CD capability: the Secret that registers the local cluster, applied through the kubectl handler. */
  argoCdLocalCluster: [
    {
      ids: ['Annotation::cdk-private-eks:secretInKubectlLog'],
      reason: 'The Secret that registers the cluster with Argo CD holds no secret: the cluster\'s name and ARN, the project and the namespaces Argo CD may use. Argo CD reads clusters from Secrets of this label only.',
    },
  ],
  /** The managed Argo CD capability's `AccessPolicyGrant` (associates its Kubernetes access policy). */
  capabilityAccessPolicy: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM5[{finding}]'],
      appliesTo: /access-entry\/.*\/\*$/,
      reason: 'EKS names an access entry with a suffix it generates (access-entry/<cluster>/role/<account>/<role>/<uuid>): the grant covers the capability role\'s entry on this cluster and nothing else, for eks:AssociateAccessPolicy and eks:DisassociateAccessPolicy only.',
    },
  ],
  /** The role of the function that associates the Argo CD capability's access policy. */
  capabilityAccessRole: [
    {
      ids: ['AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      reason: 'AWSLambdaBasicExecutionRole lets the function write its own log streams, nothing else; the EKS calls are in AccessPolicyGrant, scoped to the capability role\'s access entry.',
    },
  ],
  /** The log group of that function, when no logs key is given (`ArgoCdCapability` used on its own). */
  capabilityAccessLogs: [
    {
      ids: ['cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check', 'NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted',
        'HIPAA.Security::HIPAA.Security-CloudWatchLogGroupEncrypted', 'PCI.DSS.321::PCI.DSS.321-CloudWatchLogGroupEncrypted',
        'NIST.800.53.R4::NIST.800.53.R4-CloudWatchLogGroupEncrypted'],
      reason: 'The log holds the EKS calls (cluster name, role ARN, policy ARN, namespaces), no data or secrets; CloudWatch Logs encrypts it at rest by default. PrivateEksCluster.addArgoCd passes the cluster\'s logs key.',
    },
  ],
  /** aws-cdk-lib's AwsCustomResource function (one per stack), which associates the capability's access policy. */
  capabilityAccessFunction: [
    {
      ids: ['AwsSolutions::AwsSolutions-L1'],
      reason: 'aws-cdk-lib picks the runtime of its AwsCustomResource function and moves it with its releases; the function calls the EKS API once per deploy of the capability.',
    },
    {
      ids: ['cdk-validator-cfnguard::lambda_inside_vpc_check', 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
        'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC', 'NIST.800.53.R4::NIST.800.53.R4-LambdaInsideVPC'],
      reason: 'The function calls the EKS API (eks:AssociateAccessPolicy) and answers CloudFormation; it touches nothing in the VPC, and outside it needs no eks endpoint there. It holds no data.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security::HIPAA.Security-LambdaConcurrency'],
      reason: 'CloudFormation invokes the function once per deploy that changes the capability\'s access; reserved concurrency would take capacity from the account for a function that is idle otherwise.',
    },
    {
      ids: ['NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security::HIPAA.Security-LambdaDLQ'],
      reason: 'CloudFormation invokes the function synchronously as a custom resource: a failure fails the stack with the EKS error, so no event waits to be retried and a dead-letter queue would stay empty.',
    },
  ],
} satisfies Record<string, Acknowledgement[]>;

/** Where acknowledgements are applied. */
export type AcknowledgementSite = keyof typeof ACKNOWLEDGEMENTS;

/** The shortest reason accepted: a sentence a reviewer can act on, not a placeholder. */
export const MIN_REASON_LENGTH = 60;

/**
 * Applies the table's acknowledgements for `site` to `scope` (and its children); `placeholders` fills the
 * `{name}` parts of the IDs.
 */
export function acknowledgeFindings(scope: IConstruct, site: AcknowledgementSite, placeholders: Record<string, string> = {}): void {
  for (const a of ACKNOWLEDGEMENTS[site] as Acknowledgement[]) acknowledgeOne(scope, site, a, placeholders);
}

function acknowledgeOne(scope: IConstruct, site: string, a: Acknowledgement, placeholders: Record<string, string>): void {
  if (a.reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`cdk-private-eks: the acknowledgement of ${a.ids.join(', ')} at ${site} has no real reason; every acknowledgement needs one`);
  }
  for (const id of a.ids) {
    const filled = id.replace(/\{(handler|hasEcrPublic|prefix|policy|finding)\}/g, (_m, name: string) => {
      const value = placeholders[name];
      if (value === undefined) throw new Error(`cdk-private-eks: no value for {${name}} in ${id}`);
      return value;
    });
    Validations.of(scope).acknowledge({ id: filled, reason: a.reason });
  }
}

/** Acknowledges the stack's CfnJson provider function (see `cfnJsonProvider`), when IRSA trust conditions created it. */
export function acknowledgeCfnJsonProvider(scope: IConstruct): void {
  const provider = Stack.of(scope).node.tryFindChild('AWSCDKCfnUtilsProviderCustomResourceProvider');
  if (provider) acknowledgeFindings(provider, 'cfnJsonProvider');
}

/** The logical ID of a CloudFormation element, for acknowledgement IDs that contain one. */
export function logicalIdOf(element: CfnElement): string {
  return Stack.of(element).resolve(element.logicalId);
}

/**
 * A key policy statement that lets only AWS services create grants on the key for AWS resources (EKS for the
 * cluster, CloudWatch Logs for a log group): nobody can hand the key's use to someone else.
 */
export function denyGrantsExceptForAwsResources(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}

/**
 * Acknowledges the IAM5 findings of one policy document the library wrote (a `ManagedPolicy`, never a role: an
 * acknowledgement on a role would also cover what a user adds to it later), each with the reason of the site's entry
 * whose `appliesTo` matches it. Findings no entry matches stay reported.
 */
export function acknowledgeWildcards(policy: iam.ManagedPolicy, site: AcknowledgementSite): void {
  for (const finding of wildcardFindings(policy)) {
    for (const a of ACKNOWLEDGEMENTS[site] as Acknowledgement[]) {
      if (a.appliesTo && !a.appliesTo.test(finding)) continue;
      acknowledgeOne(policy, site, a, { finding });
    }
  }
}

/**
 * The cdk-nag IAM5 finding of every wildcard in a policy document (`Action::ec2:Describe*`,
 * `Resource::arn:<AWS::Partition>:ec2:*:*:security-group/*`), in the form cdk-nag prints them.
 */
export function wildcardFindings(policy: iam.ManagedPolicy | iam.Policy): string[] {
  const doc = Stack.of(policy).resolve(policy.document.toJSON()) as { Statement?: Array<Record<string, unknown>> };
  const out = new Set<string>();
  const asList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const st of doc.Statement ?? []) {
    for (const a of asList(st.Action).map(nagForm)) if (a.includes('*')) out.add(`Action::${a}`);
    for (const r of asList(st.Resource).map(nagForm)) if (r.includes('*')) out.add(`Resource::${r}`);
  }
  return [...out];
}

function nagForm(v: unknown): string {
  // cdk-nag prints an IAM policy variable (`${aws:userid}`) as `<aws:userid>`, as it prints tokens.
  if (typeof v === 'string') return v.replace(/\$\{([^}]+)\}/g, '<$1>');
  const o = v as Record<string, any>;
  if (o?.Ref) return `<${o.Ref}>`;
  if (o?.['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
  if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(nagForm).join(o['Fn::Join'][0]);
  return JSON.stringify(v);
}

/** Where each site's acknowledgements are applied, as the README's table names it. */
export const ACKNOWLEDGEMENT_SITES: Record<AcknowledgementSite, string> = {
  clusterRole: 'cluster role',
  nodeRole: 'node role',
  addonRole: 'add-on role (`addAddon`, and the vpc-cni role)',
  defaultSecurityGroupOpen: 'VPC of a `PrivateNetwork` (with `restrictDefaultSecurityGroup` off, the default)',
  restrictDefaultSecurityGroupHandler: 'aws-cdk-lib\'s default-security-group handler (with `restrictDefaultSecurityGroup: true`)',
  nodeLaunchTemplate: 'node launch template (only with `imdsHopLimit` above 1)',
  bastionInstance: 'bastion instance',
  sshBastionInstance: 'bastion instance (SSH access only)',
  bastionRole: 'bastion role (only with `ssmManagedInstanceCore: true`)',
  bastionSessionManager: 'bastion\'s `SessionManagerPolicy` (SSM access)',
  sessionLogging: 'bastion\'s own policy, with session logging',
  kubectlProvider: 'kubectl handler and provider framework (aws-eks-v2 `KubectlProvider`)',
  pullThroughCacheGrant: 'a pull-through cache\'s `PullPolicy` (attached to the node role by `addPullThroughCache`)',
  albDiscovery: 'Load Balancer Controller `DiscoveryPolicy`',
  albClusterTagged: 'Load Balancer Controller `ClusterTaggedPolicy`',
  albVpcScoped: 'Load Balancer Controller `VpcScopedPolicy`',
  albAccountRegion: 'Load Balancer Controller `AccountRegionPolicy`',
  albServiceLinkedRole: 'Load Balancer Controller `ServiceLinkedRolePolicy`',
  karpenterNodeLifecycle: 'Karpenter `NodeLifecyclePolicy`',
  karpenterResourceDiscovery: 'Karpenter `ResourceDiscoveryPolicy`',
  interruptionQueue: 'Karpenter interruption queue',
  cfnJsonProvider: 'aws-cdk-lib\'s CfnJson function (IRSA trust conditions)',
  preflight: 'network preflight',
  preflightApiProbe: 'network preflight\'s API endpoint probe from an API relay\'s subnet',
  cacheWarmup: 'pull-through cache warm-up (`warmImages`, on by default with `addPullThroughCache`)',
  argoCdRepositories: 'managed Argo CD `RepositoryPolicy` (ECR repositories named)',
  relayInstance: 'API relay instance (`ApiRelay`)',
  relaySessionManager: 'API relay\'s `SessionManagerPolicy`',
  ciRunnerRole: 'CI runner\'s build role policy (`PrivateCiRunner`)',
  ciRunnerProject: 'CI runner\'s CodeBuild project',
  relayTunnelPolicy: 'API relay\'s tunnel policy (`portForwardPolicy`)',
  ciRunnerEcrImage: 'CI runner\'s CodeBuild project (only with a build image from ECR)',
  ciRunnerGitHub: 'CI runner\'s GitHub Actions role policy',
  upgradeGuard: 'upgrade guard (`upgradeGuard`, on by default with `upgradeFrom`)',
  upgradeGuardPolicy: 'upgrade guard `Policy`',
  argoCdLocalCluster: 'managed Argo CD capability (its `in-cluster` Secret, `addArgoCd`)',
  capabilityAccessPolicy: 'managed Argo CD `AccessPolicyGrant`',
  capabilityAccessRole: 'managed Argo CD `AccessPolicyRole` (the function that associates its access policy)',
  capabilityAccessLogs: 'managed Argo CD `AccessPolicyLogs` (only when no logs key is given)',
  capabilityAccessFunction: 'aws-cdk-lib\'s AwsCustomResource function (managed Argo CD access policy)',
};

/** The README's table of acknowledgements, rendered from `ACKNOWLEDGEMENTS` (a test compares the two). */
export function acknowledgementTable(): string {
  const finding = (id: string) => {
    const short = id.replace(/^[^:]+::/, '')
      .replace(/\[Policy::arn:<AWS::Partition>:iam::aws:policy\/([^\]]+)\]$/, '[$1]')
      .replace(/\[Policy::\{"Fn::If".*\]$/, '[Policy::(ECR public read-only, conditional)]');
    return `\`${short}\``;
  };
  const rows = Object.entries(ACKNOWLEDGEMENTS).flatMap(([site, list]) => (list as Acknowledgement[]).map(a => {
    const scope = a.appliesTo ? ` matching \`${a.appliesTo.source}\`` : a.ids.some(i => i.includes('{finding}')) ? ', every wildcard of that policy' : '';
    return `| ${ACKNOWLEDGEMENT_SITES[site as AcknowledgementSite]} | ${a.ids.map(finding).join(', ')}${scope} | ${a.reason.replace(/\|/g, '\\|')} |`;
  }));
  return ['| where | finding | reason |', '|---|---|---|', ...rows].join('\n');
}
