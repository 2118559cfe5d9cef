import { Annotations, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Placement } from './placement';
import { PrivateEksClusterProps } from './props';
import { ClusterSettings } from './props-checks';
import { acknowledgeFindings, denyGrantsExceptForAwsResources } from '../core/acknowledgements';
import { placeholderSafeSelection } from '../core/lookups';
import { NodeEndpoints } from '../network/node-endpoints';

// The control plane of a `PrivateEksCluster`: the key of its secrets, the aws-eks-v2 `Cluster` (access entries, no
// Auto Mode, no hidden admin), its egress mode and egress rules, and its log group, created before it.

const ALL_LOG_TYPES = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/** The key and the retention of the log groups the library creates, shared by the cluster's parts. */
export interface ClusterLogs {
  /** The logs key (created on first use, so read only when a log group is created). */
  readonly logsEncryptionKey: () => kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/** The control plane's parts, once created. */
export interface ControlPlane {
  readonly secretsEncryptionKey: kms.IKey;
  readonly cluster: eks.Cluster;
  readonly controlPlaneLogGroup?: logs.LogGroup;
}

/**
 * Creates the secrets key (unless given), the cluster and its log group, in that order, in `scope`. `endpoints` are
 * those created for the node subnets (the kubectl handler's too).
 */
export function createControlPlane(scope: Construct, props: PrivateEksClusterProps, settings: ClusterSettings, placement: Placement,
  logSettings: ClusterLogs, endpoints?: NodeEndpoints): ControlPlane {
  const { vpc, nodeSubnets } = placement;
  const secretsEncryptionKey = props.secretsEncryptionKey ?? newSecretsKey(scope);
  const cluster = new eks.Cluster(scope, 'Cluster', {
    version: props.version,
    clusterName: settings.clusterName,
    vpc,
    vpcSubnets: [props.clusterSubnets ? placeholderSafeSelection(vpc, props.clusterSubnets, nodeSubnets) : nodeSubnets],
    endpointAccess: settings.endpointAccess,
    // Managed nodegroup below instead of the module's default Auto Mode capacity.
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    clusterLogging: props.clusterLogging ?? ALL_LOG_TYPES,
    secretsEncryptionKey,
    outputConfigCommand: false,
    // With managed core add-ons, EKS does not install its self-managed copies first.
    bootstrapSelfManagedAddons: !(props.coreAddons ?? true),
    // No hidden admin: the deploying role gets no access entry the template does not show.
    bootstrapClusterCreatorAdminPermissions: props.bootstrapClusterCreatorAdmin ?? false,
    removalPolicy: props.removalPolicy,
  });
  if (props.controlPlaneEgressMode) {
    // aws-eks-v2 has no prop for it: set on the L1 (CloudFormation ResourcesVpcConfig.ControlPlaneEgressMode).
    (cluster.node.defaultChild as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', props.controlPlaneEgressMode.value);
  }
  if (cluster.role.node.scope === cluster) acknowledgeFindings(cluster.role, 'clusterRole');
  if (!props.vpc) keepControlPlaneEgressInVpc(cluster, vpc);
  const logTypes = props.clusterLogging ?? ALL_LOG_TYPES;
  let controlPlaneLogGroup: logs.LogGroup | undefined;
  if (settings.ownLogGroup && logTypes.length > 0) {
    // EKS writes to /aws/eks/<name>/cluster and uses a group that exists (created first, as terraform-aws-eks does;
    // the EKS guide names the group but does not say so).
    controlPlaneLogGroup = new logs.LogGroup(scope, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${settings.clusterName}/cluster`,
      retention: logSettings.logRetention,
      encryptionKey: logSettings.logsEncryptionKey(),
      // Kept when the stack is deleted (audit logs), removed when its first creation rolls back.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    cluster.node.addDependency(controlPlaneLogGroup);
  }
  // aws-eks-v2 renders EncryptionConfig.Resources: ['secrets'], the only value the EKS API takes; CloudFormation's
  // schema marks the property deprecated. Nothing for a user to change.
  Validations.of(cluster).acknowledge({
    id: 'CloudFormation-Validate::W9009',
    reason: 'aws-eks-v2 renders EncryptionConfig.Resources ["secrets"], the value the EKS API requires for secrets encryption',
  });
  if (endpoints) {
    // aws-eks-v2 warns about isolated subnets for its kubectl handler; this construct creates the endpoints.
    Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-eks:isolatedSubnetsForKubectlPrivateSubnets',
      'cdk-private-eks creates the VPC endpoints the cluster\'s workloads need in these subnets');
  }
  return { secretsEncryptionKey, cluster, controlPlaneLogGroup };
}

function newSecretsKey(scope: Construct): kms.IKey {
  const secretsKey = new kms.Key(scope, 'SecretsKey', {
    description: `Envelope encryption of Kubernetes secrets (${scope.node.path})`,
    enableKeyRotation: true,
  });
  denyGrantsExceptForAwsResources(secretsKey);
  return secretsKey;
}

/**
 * aws-eks-v2 gives the control plane's ENIs an additional security group open to everything (it has no prop for it);
 * this narrows that group's egress to the VPC's CIDR blocks (the control plane talks from those ENIs to kubelets,
 * webhooks and aggregated APIs on nodes and pods, all in this VPC). Applied to the VPC this construct creates, whose
 * CIDR blocks it knows; with a VPC of yours (secondary CIDRs, hybrid nodes) it is left as is.
 *
 * What it does NOT bound: EKS attaches its own cluster security group (`eks-cluster-sg-<name>-<id>`, created by EKS
 * outside this template) to the same ENIs, and that group's default outbound rule is all traffic to `0.0.0.0/0`
 * ("Amazon EKS also associates the security groups that you specify to the network interfaces that it creates for
 * your cluster"; default rules table: Outbound, All, All, 0.0.0.0/0:
 * https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html, read 2026-12-07). Security group rules only
 * allow and an ENI's groups add up, so while that rule stands the control plane's ENIs may still send anywhere their
 * subnets route: this rule restricts nothing. It takes effect only if the cluster security group's `0.0.0.0/0` rule
 * is removed (the same page allows it, keeping the minimum rules of "Restricting cluster traffic"); that group is
 * also on the managed nodes, so removing it bounds them too. Kept so that the group this template owns admits no
 * more than the control plane needs; it is not a control of the control plane's egress.
 */
export function keepControlPlaneEgressInVpc(cluster: eks.Cluster, vpc: ec2.IVpc): void {
  const sg = cluster.node.tryFindChild('ControlPlaneSecurityGroup');
  const cfn = sg?.node.defaultChild;
  if (!(cfn instanceof ec2.CfnSecurityGroup)) return;
  const cidrs = [vpc.vpcCidrBlock, ...vpc.node.findAll().filter((c): c is ec2.CfnVPCCidrBlock => c instanceof ec2.CfnVPCCidrBlock)
    .map(b => b.cidrBlock).filter((c): c is string => c !== undefined)];
  cfn.securityGroupEgress = cidrs.map(cidrIp => ({
    ipProtocol: '-1', cidrIp, description: 'Control plane to kubelets, webhooks and aggregated APIs in this VPC',
  }));
}
