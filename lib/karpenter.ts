import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ComponentContracts } from './component-contracts';
import { deepMerge } from './load-balancer-controller';
import { acknowledgeFindings, wildcardFindings } from './private/compliance';
import { checkChartSource, controllerImage, ControllerHome } from './private/controller-source';
import { misuse } from './private/errors';
import { allow, podIdentityAssociation, podIdentityRole } from './private/iam';
import type { PrivateEksCluster } from './private-eks-cluster';
import { PrivateNodegroup } from './private-nodegroup';

/**
 * Settings of Karpenter added with `PrivateEksCluster.addKarpenter()`.
 */
export interface KarpenterOptions {
  /** The Karpenter chart version (`1.8.1`), which is also its controller image tag. */
  readonly version: string;

  /**
   * Where the kubectl handler installs the chart from, as an OCI repository in this region's ECR
   * (`oci://<account>.dkr.ecr.<region>.amazonaws.com/karpenter`). The chart's home, oci://public.ecr.aws/karpenter,
   * is on the internet: copy it with `helm pull` and `helm push`. Required unless `chartAsset` is given.
   * @default - none
   */
  readonly chartRepository?: string;

  /**
   * The chart as a file asset, instead of `chartRepository`.
   * @default - none
   */
  readonly chartAsset?: s3assets.Asset;

  /**
   * The controller image, `<repository>:<tag>` or `<repository>@<digest>`, in a registry the nodes reach. Karpenter's
   * guide: "container images must be in or copied to Amazon ECR private or to another private registry".
   * @default - `public.ecr.aws/karpenter/controller:<version>` through the cluster's pull-through cache, when one of its
   * rules serves ECR Public; else required
   */
  readonly image?: string;

  /**
   * Handle Spot interruptions, scheduled maintenance and instance state changes: an SQS queue fed by EventBridge
   * rules, read through the `sqs` endpoint.
   * @default true
   */
  readonly interruptionHandling?: boolean;

  /**
   * Create an `EC2NodeClass` and a `NodePool` named `default`: the node subnets and the cluster security group, the
   * pre-created instance profile, Amazon Linux 2023, IMDSv2 with hop limit 1, encrypted gp3 root volumes, on-demand
   * amd64 capacity up to `cpuLimit`.
   * @default true
   */
  readonly defaultNodePool?: boolean;

  /**
   * The CPU limit of the default NodePool.
   * @default 100
   */
  readonly cpuLimit?: number;

  /**
   * Further Helm values, merged over the library's (the private-cluster settings are checked after the merge).
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * Properties of `Karpenter`.
 */
export interface KarpenterProps extends KarpenterOptions {
  /** The private cluster. */
  readonly cluster: PrivateEksCluster;
}

const CONTRACT = 'karpenter';

/**
 * Karpenter in a private cluster (https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/, private
 * clusters): `settings.isolatedVPC` (no pricing API), the cluster endpoint given (no DescribeCluster at start), a node
 * role with an EC2_LINUX access entry and a pre-created instance profile (IAM has no endpoint in the cluster's region),
 * the interruption queue and its EventBridge rules, a Pod Identity role with the controller's permissions scoped to this
 * cluster, and the `ec2`, `ssm`, `sqs` and `eks-auth` endpoints.
 */
export class Karpenter extends Construct {
  /** The controller's role (Pod Identity). */
  public readonly role: iam.Role;
  /** The role of the nodes Karpenter launches. */
  public readonly nodeRole: iam.Role;
  /** The instance profile of those nodes (named in the EC2NodeClass). */
  public readonly instanceProfile: iam.CfnInstanceProfile;
  /** The interruption queue (undefined with `interruptionHandling: false`). */
  public readonly interruptionQueue?: sqs.Queue;
  /** The Helm chart. */
  public readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const identity = ComponentContracts.forChart(CONTRACT)!.identity!;
    const cluster = props.cluster;
    const eksCluster = cluster.cluster;
    if (!/^\d+\.\d+\.\d+$/.test(props.version)) {
      throw misuse(this, `version "${props.version}" is not a Karpenter chart version`, 'use the version of a Karpenter release, for example \'1.8.1\'');
    }
    const home: ControllerHome = {
      chart: 'karpenter',
      chartHome: 'its home, oci://public.ecr.aws/karpenter/karpenter, is on the internet',
      helmPull: 'helm pull oci://public.ecr.aws/karpenter/karpenter',
      chartVersion: props.version,
      publicImage: `public.ecr.aws/karpenter/controller:${props.version}`,
      imageExample: '<account>.dkr.ecr.<region>.amazonaws.com/karpenter/controller:<version>',
    };
    checkChartSource(this, props, home);
    const image = controllerImage(this, cluster, props.image, home);
    const digestAt = image.indexOf('@');
    const tagAt = image.lastIndexOf(':');
    const repoEnd = digestAt >= 0 ? digestAt : tagAt > image.lastIndexOf('/') ? tagAt : -1;
    if (repoEnd < 0) throw misuse(this, `image "${image}" has no tag or digest`, 'write it as <repository>:<tag> or <repository>@sha256:<digest>');
    const imageValues = {
      repository: image.slice(0, repoEnd),
      tag: digestAt >= 0 ? '' : image.slice(repoEnd + 1),
      // The chart pins the public image's digest; a copy has its own.
      digest: digestAt >= 0 ? image.slice(digestAt + 1) : '',
    };

    // The nodes' role, as the cluster's managed nodes have it (no SSM: nobody logs in to nodes), with its own EC2_LINUX
    // access entry: Karpenter's nodes are not a managed nodegroup, so EKS does not create one.
    this.nodeRole = PrivateNodegroup.createNodeRole(this, 'NodeRole', { cniPolicy: cluster.nodeRoleCniPolicy });
    this.instanceProfile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.nodeRole.roleName] });
    const nodeAccess = new eks.AccessEntry(this, 'NodeAccess', {
      cluster: eksCluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2_LINUX,
      accessPolicies: [],
    });

    if (props.interruptionHandling ?? true) {
      this.interruptionQueue = new sqs.Queue(this, 'InterruptionQueue', {
        retentionPeriod: Duration.minutes(5),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      acknowledgeFindings(this.interruptionQueue, 'interruptionQueue');
      // https://karpenter.sh/docs/concepts/disruption/ (interruption) and the getting-started cloudformation.yaml rules.
      const patterns: Array<[string, events.EventPattern]> = [
        ['ScheduledChange', { source: ['aws.health'], detailType: ['AWS Health Event'] }],
        ['SpotInterruption', { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] }],
        ['Rebalance', { source: ['aws.ec2'], detailType: ['EC2 Instance Rebalance Recommendation'] }],
        ['InstanceStateChange', { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'] }],
      ];
      for (const [name, eventPattern] of patterns) {
        new events.Rule(this, `${name}Rule`, { eventPattern, targets: [new targets.SqsQueue(this.interruptionQueue)] });
      }
    }

    this.role = podIdentityRole(this, 'Role', `Pod Identity of the Karpenter controller (${identity.namespace}/${identity.serviceAccount})`);
    allow(this.role, ...controllerStatements(this, eksCluster, this.nodeRole, this.interruptionQueue));
    for (const finding of wildcardFindings(this.role)) acknowledgeFindings(this.role, 'controllerPolicy', { finding });
    const association = podIdentityAssociation(this, 'Association', eksCluster, identity.namespace, identity.serviceAccount, this.role);

    this.chart = cluster._installChart(this, 'Chart', {
      chart: props.chartAsset ? undefined : 'karpenter',
      repository: props.chartRepository,
      chartAsset: props.chartAsset,
      version: props.chartAsset ? undefined : props.version,
      release: 'karpenter',
      namespace: identity.namespace,
      wait: true,
      values: deepMerge({
        settings: {
          clusterName: eksCluster.clusterName,
          clusterEndpoint: eksCluster.clusterEndpoint,
          isolatedVPC: true,
          ...(this.interruptionQueue ? { interruptionQueue: this.interruptionQueue.queueName } : {}),
        },
        serviceAccount: { name: identity.serviceAccount },
        // The region from the environment, not IMDS: nodes keep pods off IMDS (hop limit 1). `controller.env` is the
        // chart's list of extra variables (charts/karpenter/README.md).
        controller: { image: imageValues, env: [{ name: 'AWS_REGION', value: Stack.of(this).region }] },
      }, props.values ?? {}),
    }, 'addKarpenter');
    this.chart.node.addDependency(association, this.role);
    cluster._needsFromNodes(CONTRACT, ['eks-auth'], { podIdentity: true }, this.interruptionQueue ? ['settings.interruptionQueue'] : []);

    if (props.defaultNodePool ?? true) {
      const subnets = cluster.vpc.selectSubnets(cluster.nodeSubnets).subnetIds;
      // Shapes of https://karpenter.sh/docs/concepts/nodeclasses/ and https://karpenter.sh/docs/concepts/nodepools/ (v1).
      const manifest = cluster._applyManifest(this, 'DefaultNodePool', [
        {
          apiVersion: 'karpenter.k8s.aws/v1',
          kind: 'EC2NodeClass',
          metadata: { name: 'default' },
          spec: {
            // IAM has no endpoint here: a pre-created profile, not spec.role (Karpenter's private-cluster guide).
            instanceProfile: this.instanceProfile.ref,
            amiSelectorTerms: [{ alias: 'al2023@latest' }],
            subnetSelectorTerms: subnets.map(subnet => ({ id: subnet })),
            securityGroupSelectorTerms: [{ id: eksCluster.clusterSecurityGroupId }],
            metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '30Gi', volumeType: 'gp3', encrypted: true } }],
          },
        },
        {
          apiVersion: 'karpenter.sh/v1',
          kind: 'NodePool',
          metadata: { name: 'default' },
          spec: {
            template: {
              spec: {
                nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
                requirements: [
                  { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
                  { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
                ],
              },
            },
            limits: { cpu: String(props.cpuLimit ?? 100) },
          },
        },
      ]);
      // The CRDs come with the chart; nodes it launches need their access entry.
      manifest.node.addDependency(this.chart, nodeAccess);
    }
  }
}

/**
 * The controller's permissions, after the getting-started cloudformation.yaml (statement IDs kept), scoped to this
 * cluster's tags; the pricing statement is left out (isolatedVPC), and so is instance profile management (pre-created).
 * https://github.com/aws/karpenter-provider-aws/blob/main/website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml
 */
function controllerStatements(scope: Construct, cluster: eks.Cluster, nodeRole: iam.IRole, queue?: sqs.IQueue): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const ec2Arn = (resource: string, account = '*') => `arn:${Aws.PARTITION}:ec2:${stack.region}:${account}:${resource}`;
  // Karpenter tags what it launches with eks:eks-cluster-name (getting-started policy): the cluster name is the tag's
  // value, so the conditions need no token in a key (and no CfnJson function).
  const clusterTag = { 'aws:RequestTag/eks:eks-cluster-name': cluster.clusterName };
  const resourceTag = { 'aws:ResourceTag/eks:eks-cluster-name': cluster.clusterName };
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(r => ec2Arn(r, Aws.ACCOUNT_ID));
  const statements = [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2Arn('image/*', ''), ec2Arn('snapshot/*', ''), ec2Arn('security-group/*'), ec2Arn('subnet/*'), ec2Arn('capacity-reservation/*')],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2Arn('launch-template/*', Aws.ACCOUNT_ID)],
      conditions: { StringEquals: resourceTag, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: launched,
      conditions: { StringEquals: clusterTag, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: launched,
      conditions: { 'StringEquals': clusterTag, 'StringLike': { 'aws:RequestTag/karpenter.sh/nodepool': '*' }, 'ForAnyValue:StringEquals': { 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID)],
      conditions: { 'StringEquals': resourceTag, 'StringLike': { 'aws:ResourceTag/karpenter.sh/nodepool': '*' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID), ec2Arn('launch-template/*', Aws.ACCOUNT_ID)],
      conditions: { StringEquals: resourceTag, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      actions: ['ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${stack.region}::parameter/aws/service/*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [nodeRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowInstanceProfileReadActions',
      actions: ['iam:GetInstanceProfile'],
      resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      actions: ['eks:DescribeCluster'],
      resources: [cluster.clusterArn],
    }),
  ];
  if (queue) {
    statements.push(new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [queue.queueArn],
    }));
  }
  return statements;
}
