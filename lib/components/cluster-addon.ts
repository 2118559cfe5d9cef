import { Annotations, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ComponentContract, ComponentContracts } from '../contracts/component-contracts';
import { addonVersionProblem, unknownAddonName } from '../contracts/eks-addon-names';
import { acknowledgeCfnJsonProvider } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { allow, irsaRole, podIdentityRole } from '../core/iam';
import { WorkloadIdentity } from '../nodes/workload-identity';

/**
 * Settings of an EKS managed add-on added with `PrivateEksCluster.addAddon()`.
 */
export interface ClusterAddonOptions {
  /**
   * The add-on version (`v1.40.0-eksbuild.1`).
   * @default - the version EKS pairs with the cluster version
   */
  readonly addonVersion?: string;

  /**
   * The add-on's configuration values (`aws eks describe-addon-configuration` lists its schema). Images named here
   * are checked like Helm values.
   * @default - the add-on's defaults
   */
  readonly configurationValues?: { [key: string]: any };

  /**
   * How the add-on's service account gets its IAM role, when its contract says it calls AWS.
   * @default - WorkloadIdentity.POD_IDENTITY where the add-on supports it, else IRSA
   */
  readonly identity?: WorkloadIdentity;

  /**
   * Managed policies for the add-on's role, instead of those its contract names (required for add-ons with no AWS
   * managed policy, such as aws-mountpoint-s3-csi-driver, unless `policyStatements` are given).
   * @default - the AWS managed policies of the add-on's contract
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Statements added to the add-on's role (a customer managed key for EBS volumes, the buckets Mountpoint mounts).
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];

  /**
   * Keep the add-on's Kubernetes resources when the add-on is deleted.
   * @default true
   */
  readonly preserveOnDelete?: boolean;
}

/**
 * Properties of a `ClusterAddon`.
 */
export interface ClusterAddonProps extends ClusterAddonOptions {
  /** The cluster. */
  readonly cluster: eks.Cluster;
  /** The EKS add-on name (`aws-ebs-csi-driver`). */
  readonly addonName: string;
}

/**
 * An EKS managed add-on with what its reachability contract (`ComponentContracts`) says it needs: an IAM role for its
 * service account through Pod Identity (the add-on's `podIdentityAssociations`) or IRSA, with its managed policies.
 * `PrivateEksCluster.addAddon()` also creates the VPC endpoints the contract names. An add-on the registry does not
 * know is created as asked, with no role; the plan report says it was not checked.
 */
export class ClusterAddon extends Construct {
  /** The add-on. */
  public readonly addon: eks.Addon;
  /** The role of its service account, when its contract says it calls AWS. */
  public readonly role?: iam.Role;
  /** How the role is assumed, when there is one. */
  public readonly identity?: WorkloadIdentity;
  /** Its contract, when the registry has one. */
  public readonly contract?: ComponentContract;

  constructor(scope: Construct, id: string, props: ClusterAddonProps) {
    super(scope, id);
    if (Token.isUnresolved(props.addonName) || !/^[a-z0-9][a-z0-9_-]*$/.test(props.addonName)) {
      throw misuse(this, `"${props.addonName}" is not an EKS add-on name`, 'use the name `aws eks describe-addon-versions` lists, for example \'aws-ebs-csi-driver\'');
    }
    const version = props.addonVersion;
    const versionProblem = version !== undefined && !Token.isUnresolved(version) ? addonVersionProblem(version) : undefined;
    if (versionProblem) {
      throw misuse(this, `${props.addonName} addonVersion: ${versionProblem.problem}: EKS would refuse it at deploy`,
        versionProblem.suggestion ? `did you mean addonVersion '${versionProblem.suggestion}'?` : `use a version \`aws eks describe-addon-versions --addon-name ${props.addonName}\` lists`);
    }
    this.contract = ComponentContracts.forAddon(props.addonName);
    const unknown = unknownAddonName(props.addonName);
    if (unknown) {
      // EKS creates the add-on resource only at deploy, where an unknown name fails the stack.
      Annotations.of(this).addWarningV2('cdk-private-eks:unknownAddonName',
        `"${props.addonName}" is not an add-on name the EKS user guide lists (AWS and community add-ons, read 2026-12-05): CloudFormation `
        + `fails to create it if EKS does not offer it. Did you mean "${unknown.closest}"? Fix: use the name \`aws eks describe-addon-versions\` `
        + 'lists (EksAddonName has the common ones), or acknowledge this warning for an add-on the guide does not list yet.');
    }
    const wanted = this.contract?.identity;
    if (!wanted && (props.identity || props.managedPolicies || props.policyStatements)) {
      throw misuse(this, `${props.addonName} ${this.contract ? 'makes no AWS call of its own (its contract names no identity)' : 'has no contract in the registry'}, and identity, managedPolicies or policyStatements were given`,
        this.contract ? 'remove them' : 'create its role yourself (iam.Role and eks.CfnPodIdentityAssociation), or remove them');
    }
    if (wanted && props.identity === WorkloadIdentity.POD_IDENTITY && !wanted.podIdentity) {
      throw misuse(this, `${props.addonName} does not support EKS Pod Identity (source: ${wanted.source})`, 'use identity: WorkloadIdentity.IRSA, or leave identity out');
    }
    const policies = props.managedPolicies ?? wanted?.managedPolicies.map(n => iam.ManagedPolicy.fromAwsManagedPolicyName(n)) ?? [];
    if (wanted && policies.length === 0 && (props.policyStatements ?? []).length === 0) {
      throw misuse(this, `${props.addonName} needs ${wanted.policy ?? 'permissions'}, and no AWS managed policy grants them`,
        'pass policyStatements (for example s3:ListBucket, s3:GetObject on your buckets) or managedPolicies');
    }

    checkPodIdentityVersion(this, props.addonName, props.addonVersion, this.identityFor(props, wanted));

    this.addon = new eks.Addon(this, 'Resource', {
      cluster: props.cluster,
      addonName: props.addonName,
      addonVersion: props.addonVersion,
      configurationValues: props.configurationValues,
      preserveOnDelete: props.preserveOnDelete,
    });
    if (!wanted) return;

    this.identity = props.identity ?? (wanted.podIdentity ? WorkloadIdentity.POD_IDENTITY : WorkloadIdentity.IRSA);
    const cfn = this.addon.node.defaultChild as eks.CfnAddon;
    if (this.identity === WorkloadIdentity.POD_IDENTITY) {
      this.role = podIdentityRole(this, 'Role', `Pod Identity of the ${props.addonName} add-on (${wanted.namespace}/${wanted.serviceAccount})`,
        { clusterArn: props.cluster.clusterArn, namespace: wanted.namespace, serviceAccount: wanted.serviceAccount }, policies);
      cfn.podIdentityAssociations = [{ serviceAccount: wanted.serviceAccount, roleArn: this.role.roleArn }];
      // The agent answers the add-on's credential requests; aws-eks-v2 creates it once per cluster.
      const agent = props.cluster.eksPodIdentityAgent;
      if (agent) this.addon.node.addDependency(agent);
    } else {
      this.role = irsaRole(this, 'Role', props.cluster, wanted.namespace, wanted.serviceAccount,
        `IRSA of the ${props.addonName} add-on (${wanted.namespace}/${wanted.serviceAccount})`, policies);
      cfn.serviceAccountRoleArn = this.role.roleArn;
      acknowledgeCfnJsonProvider(this);
    }
    if ((props.policyStatements ?? []).length > 0) allow(this.role, ...props.policyStatements!);
  }

  /** The services the add-on calls from the node subnets, by its contract and identity (for the endpoints to create). */
  public get services(): string[] {
    const own = this.contract ? ComponentContracts.servicesOf(this.contract.name).map(s => s.service) : [];
    const id = this.identity === WorkloadIdentity.POD_IDENTITY ? ['eks-auth'] : this.identity === WorkloadIdentity.IRSA ? ['sts'] : [];
    return [...new Set([...own, ...id])];
  }

  private identityFor(props: ClusterAddonProps, wanted?: { podIdentity: boolean }): WorkloadIdentity | undefined {
    if (!wanted) return undefined;
    return props.identity ?? (wanted.podIdentity ? WorkloadIdentity.POD_IDENTITY : WorkloadIdentity.IRSA);
  }
}

/**
 * The names of the EKS add-ons the library has a contract for (`ComponentContracts`, kind EKS_ADDON), as EKS spells
 * them, for `cluster.addAddon(EksAddonName.EBS_CSI_DRIVER)`. Any other name EKS offers may still be passed as a string.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
 */
export class EksAddonName {
  /** Amazon VPC CNI. */
  public static readonly VPC_CNI = 'vpc-cni';
  /** kube-proxy. */
  public static readonly KUBE_PROXY = 'kube-proxy';
  /** CoreDNS. */
  public static readonly COREDNS = 'coredns';
  /** EKS Pod Identity Agent. */
  public static readonly POD_IDENTITY_AGENT = 'eks-pod-identity-agent';
  /** Amazon EBS CSI driver. */
  public static readonly EBS_CSI_DRIVER = 'aws-ebs-csi-driver';
  /** Amazon EFS CSI driver. */
  public static readonly EFS_CSI_DRIVER = 'aws-efs-csi-driver';
  /** Mountpoint for Amazon S3 CSI driver. */
  public static readonly MOUNTPOINT_S3_CSI_DRIVER = 'aws-mountpoint-s3-csi-driver';
  /** CSI snapshot controller. */
  public static readonly SNAPSHOT_CONTROLLER = 'snapshot-controller';
  /** Kubernetes Metrics Server (community add-on). */
  public static readonly METRICS_SERVER = 'metrics-server';
  /** EKS node monitoring agent. */
  public static readonly NODE_MONITORING_AGENT = 'eks-node-monitoring-agent';
  /** Amazon GuardDuty EKS runtime monitoring agent. */
  public static readonly GUARDDUTY_AGENT = 'aws-guardduty-agent';
  /** Amazon CloudWatch Observability. */
  public static readonly CLOUDWATCH_OBSERVABILITY = 'amazon-cloudwatch-observability';
  /** AWS Distro for OpenTelemetry. */
  public static readonly ADOT = 'adot';

  private constructor() {}
}

/**
 * The first add-on version that supports EKS Pod Identity, from the EKS guide's "Pod Identity Support Reference"
 * (https://docs.aws.amazon.com/eks/latest/userguide/retreive-iam-info.html; the table says it was last updated on
 * October 28, 2024; read 2026-12-05).
 */
const POD_IDENTITY_MINIMUM_VERSIONS: Record<string, string> = {
  'aws-ebs-csi-driver': 'v1.26.0-eksbuild.1',
  'vpc-cni': 'v1.15.5-eksbuild.1',
  'aws-efs-csi-driver': 'v2.0.5-eksbuild.1',
  'adot': 'v0.94.1-eksbuild.1',
  'amazon-cloudwatch-observability': 'v3.1.0-eksbuild.1',
};

/** `v1.26.0-eksbuild.1` -> [1, 26, 0, 1]; undefined for anything else. */
function addonVersionParts(v: string): number[] | undefined {
  const m = /^v(\d+)\.(\d+)\.(\d+)(?:-eksbuild\.(\d+))?$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)] : undefined;
}

function checkPodIdentityVersion(scope: Construct, name: string, version: string | undefined, identity: WorkloadIdentity | undefined) {
  const minimum = POD_IDENTITY_MINIMUM_VERSIONS[name];
  if (identity !== WorkloadIdentity.POD_IDENTITY || !minimum || !version || Token.isUnresolved(version)) return;
  const [have, need] = [addonVersionParts(version), addonVersionParts(minimum)!];
  if (!have) return;
  for (let i = 0; i < need.length; i++) {
    if (have[i] !== need[i]) {
      if (have[i] > need[i]) return;
      throw misuse(scope, `${name} ${version} predates EKS Pod Identity support (from ${minimum}, the EKS guide's Pod Identity Support Reference), and the add-on's role is a Pod Identity role`,
        `use addonVersion ${minimum} or later, or identity: WorkloadIdentity.IRSA`);
    }
  }
}
