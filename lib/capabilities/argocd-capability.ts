import { Annotations, Arn, ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { ArgoCdFacts, argoCdFindings, ArgoCdFinding } from './argocd-rules';
import { IPrivateEksCluster } from '../components/private-cluster';
import { acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { literal } from '../core/cidr';
import { misuse } from '../core/errors';
import { SPOKE_CIDRS_METADATA, SPOKE_CIDRS_REASON_METADATA } from '../core/metadata';

// Managed Argo CD (EKS Capabilities) on a private cluster. AWS facts, read 2026-12-07:
// - Capabilities "run within EKS rather than in your clusters" (nothing on the nodes or in the VPC):
//   https://docs.aws.amazon.com/eks/latest/userguide/capabilities.html
// - The UI/API endpoint is public unless networkAccess.vpceIds names interface endpoints of
//   com.amazonaws.<region>.eks-capabilities; then "public access is blocked":
//   https://docs.aws.amazon.com/eks/latest/userguide/argocd-private-access.html,
//   https://docs.aws.amazon.com/eks/latest/APIReference/API_ArgoCdNetworkAccessConfigRequest.html. The endpoint takes no
//   endpoint policy (EndpointCatalogue row `eks-capabilities`, same page).
// - The capability role trusts capabilities.eks.amazonaws.com with sts:AssumeRole and sts:TagSession:
//   https://docs.aws.amazon.com/eks/latest/userguide/capability-role.html ("Trust policy for capability roles").
// - EKS creates an access entry for the capability role on the local cluster "but no Kubernetes RBAC permissions are
//   granted by default"; the local cluster is not registered automatically and is registered by its ARN in a Secret
//   labelled argocd.argoproj.io/secret-type: cluster (`kubernetes.default.svc` is not supported):
//   https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html
// - Repository access through the capability role: CodeCommit `codecommit:GitPull`, CodeConnections
//   `codeconnections:UseConnection`, ECR (OCI) pulls:
//   https://docs.aws.amazon.com/eks/latest/userguide/argocd-configure-repositories.html. The sources disagree on ECR:
//   one copy of that page lists `ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer`, a newer one
//   the managed policy AmazonEC2ContainerRegistryPullOnly; this construct grants those three actions (what the managed
//   policy holds for pulls), the two pull actions on the named repositories only.
// - Roles ADMIN, EDITOR, VIEWER mapped to Identity Center users (SSO_USER) or groups (SSO_GROUP):
//   AWS::EKS::Capability ArgoCdRoleMapping / SsoIdentity (aws-cdk-lib 2.276.0 CfnCapability), and
//   https://docs.aws.amazon.com/eks/latest/userguide/argocd-permissions.html. DeletePropagationPolicy: only RETAIN.

/** An Argo CD role of the managed capability. */
export enum ArgoCdRole {
  /** Full access to Argo CD: applications, projects, clusters, repositories, settings. */
  ADMIN = 'ADMIN',
  /** Creates and syncs applications; cannot change Argo CD settings, clusters or repositories. */
  EDITOR = 'EDITOR',
  /** Read-only. */
  VIEWER = 'VIEWER',
}

/** The kind of an IAM Identity Center identity. */
export enum IdentityCenterIdentityType {
  /** An Identity Center user. */
  USER = 'SSO_USER',
  /** An Identity Center group. */
  GROUP = 'SSO_GROUP',
}

/** An IAM Identity Center user or group. */
export interface IdentityCenterIdentity {
  /** The identity's ID in the Identity Center identity store. */
  readonly id: string;
  /** User or group. */
  readonly type: IdentityCenterIdentityType;
}

/** Who gets an Argo CD role. */
export interface ArgoCdRoleMapping {
  /** The Argo CD role. */
  readonly role: ArgoCdRole;
  /** The Identity Center users and groups that get it. */
  readonly identities: IdentityCenterIdentity[];
}

/** Where users sign in: the IAM Identity Center instance. */
export interface ArgoCdIdentityCenter {
  /** The Identity Center instance ARN (`arn:aws:sso:::instance/ssoins-...`). */
  readonly instanceArn: string;
  /**
   * The Region of the Identity Center instance.
   * @default - the stack's region
   */
  readonly region?: string;
  /**
   * Identity Center users and groups mapped to Argo CD roles.
   * @default - none: nobody can sign in to the UI until mappings are added
   */
  readonly roleMappings?: ArgoCdRoleMapping[];
}

/**
 * How people reach the Argo CD UI and API. With a private endpoint, the capability's networkAccess names it and EKS
 * blocks public access.
 */
export interface ArgoCdUiAccess {
  /**
   * The CIDR blocks that reach the UI (VPN, Direct Connect, a bastion's subnet). An `eks-capabilities` interface
   * endpoint is created in the cluster's VPC with a security group admitting exactly these on TCP 443.
   * @default - no endpoint created here (give `vpcEndpointIds`)
   */
  readonly allowedCidrs?: string[];
  /**
   * The security groups of the created endpoint, instead of a new one: the synth-time check then proves that they
   * admit every CIDR of `allowedCidrs` on TCP 443.
   * @default - a new security group admitting `allowedCidrs` on TCP 443, no outbound rule
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The subnets of the created endpoint.
   * @default - the cluster's node subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * `eks-capabilities` interface endpoints that already exist (a hub VPC's, shared over Transit Gateway), by ID.
   * @default - none
   */
  readonly vpcEndpointIds?: string[];
  /**
   * Leave the UI and API on the public internet endpoint (Identity Center sign-in still applies). Say why: the
   * reason is written into the plan's warnings.
   * @default - a private endpoint is required
   */
  readonly publicReason?: string;
}

/** Which Kubernetes permissions Argo CD gets on the local cluster (EKS grants none by default). */
export interface ArgoCdKubernetesAccess {
  /**
   * The namespaces Argo CD deploys into: the capability's access entry gets `AmazonEKSAdminPolicy` scoped to these
   * namespaces (workloads and their Roles and RoleBindings, nothing cluster-wide), and the local cluster is registered
   * with these namespaces only.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Give Argo CD cluster admin (`AmazonEKSClusterAdminPolicy` on the whole cluster) instead, for the reason given
   * here (installing CRDs, cluster-wide operators). It is reported as a warning with this reason.
   * @default - no cluster-wide access
   */
  readonly clusterAdminReason?: string;
}

/** Where Argo CD reads manifests and charts from, through its IAM role. Only what is named here is granted. */
export interface ArgoCdRepositories {
  /**
   * CodeCommit repositories (ARNs) Argo CD clones: `codecommit:GitPull` on each.
   * @default - none
   */
  readonly codeCommitRepositoryArns?: string[];
  /**
   * CodeConnections connections (ARNs, GitHub, GitLab, Bitbucket): `codeconnections:UseConnection` on each.
   * @default - none
   */
  readonly codeConnectionArns?: string[];
  /**
   * ECR repositories (ARNs) of OCI Helm charts and manifests: `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` on
   * each, and `ecr:GetAuthorizationToken` (it takes no resource).
   * @default - none
   */
  readonly ecrRepositoryArns?: string[];
}

/** Options of the Argo CD capability of a cluster (`PrivateEksCluster.addArgoCd`). */
export interface ArgoCdCapabilityOptions {
  /** Identity Center: where users sign in, and their Argo CD roles. */
  readonly identityCenter: ArgoCdIdentityCenter;
  /** How people reach the UI and API: a private endpoint by default. */
  readonly uiAccess: ArgoCdUiAccess;
  /** Argo CD's Kubernetes permissions on this cluster: namespaces you name, or cluster admin with a reason. */
  readonly kubernetesAccess: ArgoCdKubernetesAccess;
  /**
   * Repositories Argo CD reads through its role.
   * @default - none (Git over Kubernetes Secrets only)
   */
  readonly repositories?: ArgoCdRepositories;
  /**
   * The capability's name in the cluster.
   * @default 'argocd'
   */
  readonly capabilityName?: string;
  /**
   * The Kubernetes namespace of Argo CD's own resources (Applications, the cluster Secret).
   * @default 'argocd'
   */
  readonly namespace?: string;
}

/** Properties of an `ArgoCdCapability`. */
export interface ArgoCdCapabilityProps extends ArgoCdCapabilityOptions {
  /** The private cluster. */
  readonly cluster: IPrivateEksCluster;
  /**
   * The KMS key of the log group of the function that associates the capability's access policy.
   * @default - CloudWatch Logs' own encryption (`PrivateEksCluster.addArgoCd` passes the cluster's logs key)
   */
  readonly logsEncryptionKey?: kms.IKey;
}

const SERVICE = 'eks-capabilities';
const NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The managed Argo CD capability (EKS Capabilities) of a private cluster: private UI access through an
 * `eks-capabilities` interface endpoint whose security group admits only the CIDRs named (or endpoints of a hub),
 * Identity Center sign-in with role mappings, a capability role with only the repository permissions asked for, and
 * Kubernetes permissions scoped to the namespaces named (cluster admin only with a stated reason).
 *
 * Apply `localClusterSecret` with kubectl to register the cluster (`PrivateEksCluster.addArgoCd` does).
 */
export class ArgoCdCapability extends Construct {
  /** The capability. */
  public readonly capability: eks.CfnCapability;
  /** The capability role (trusts capabilities.eks.amazonaws.com). */
  public readonly role: iam.Role;
  /** The UI endpoint created in the cluster's VPC (undefined when only `vpcEndpointIds` are given). */
  public readonly uiEndpoint?: ec2.InterfaceVpcEndpoint;
  /** The Kubernetes Secret that registers this cluster with Argo CD by its ARN (`in-cluster`). */
  public readonly localClusterSecret: Record<string, any>;
  /** The namespace of Argo CD's resources. */
  public readonly namespace: string;
  private readonly options: ArgoCdCapabilityProps;
  private readonly createdSecurityGroup: boolean;

  constructor(scope: Construct, id: string, props: ArgoCdCapabilityProps) {
    super(scope, id);
    this.options = props;
    const cluster = props.cluster.cluster;
    const capabilityName = props.capabilityName ?? 'argocd';
    this.namespace = props.namespace ?? 'argocd';
    this.validate(props, capabilityName);

    this.role = new iam.Role(this, 'Role', {
      // https://docs.aws.amazon.com/eks/latest/userguide/capability-role.html: AssumeRole and TagSession.
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('capabilities.eks.amazonaws.com')),
      description: `Managed Argo CD of ${this.node.path}: reads only the repositories named`,
    });
    this.grantRepositories(props.repositories ?? {});

    const ui = props.uiAccess;
    this.createdSecurityGroup = (ui.allowedCidrs ?? []).length > 0 && !ui.securityGroups;
    if ((ui.allowedCidrs ?? []).length > 0) {
      const securityGroups = ui.securityGroups ?? [this.uiSecurityGroup(props.cluster.vpc, ui.allowedCidrs!)];
      this.uiEndpoint = new ec2.InterfaceVpcEndpoint(this, 'UiEndpoint', {
        vpc: props.cluster.vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(SERVICE),
        subnets: ui.subnets ?? props.cluster.nodeSubnets,
        securityGroups,
        privateDnsEnabled: true,
        // Created with the security groups named: no implicit rule from the VPC.
        open: false,
      });
      // No endpoint policy: AWS does not support one for eks-capabilities (EndpointCatalogue ENDPOINT_POLICY_FACTS).
    }
    const vpceIds = [...(this.uiEndpoint ? [this.uiEndpoint.vpcEndpointId] : []), ...(ui.vpcEndpointIds ?? [])];

    const idc = props.identityCenter;
    this.capability = new eks.CfnCapability(this, 'Resource', {
      capabilityName,
      clusterName: cluster.clusterName,
      type: 'ARGOCD',
      roleArn: this.role.roleArn,
      // The only value AWS::EKS::Capability takes: what Argo CD deployed stays when the capability is deleted.
      deletePropagationPolicy: 'RETAIN',
      configuration: {
        argoCd: {
          namespace: this.namespace,
          awsIdc: { idcInstanceArn: idc.instanceArn, idcRegion: idc.region ?? Stack.of(this).region },
          rbacRoleMappings: (idc.roleMappings ?? []).map(m => ({
            role: m.role,
            identities: m.identities.map(i => ({ id: i.id, type: i.type })),
          })),
          networkAccess: vpceIds.length > 0 ? { vpceIds } : undefined,
        },
      },
    });
    // The role's policy exists before EKS assumes the role.
    this.capability.node.addDependency(this.role);

    this.grantKubernetesAccess(props, capabilityName);
    const access = props.kubernetesAccess;
    this.localClusterSecret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'in-cluster', namespace: this.namespace, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: {
        name: 'in-cluster',
        server: cluster.clusterArn,
        project: 'default',
        // Argo CD's cluster Secret field `namespaces`: with namespace-scoped access, Argo CD watches only these.
        ...(access.clusterAdminReason === undefined ? { namespaces: (access.namespaces ?? []).join(','), clusterResources: 'false' } : {}),
      },
    };

    if (access.clusterAdminReason !== undefined) {
      Annotations.of(this).addWarningV2('cdk-private-eks:PEKS-ARGO-4',
        `PEKS-ARGO-4: Argo CD gets cluster admin (AmazonEKSClusterAdminPolicy on the whole cluster) because: ${access.clusterAdminReason}`);
    }
    if (ui.publicReason !== undefined) {
      Annotations.of(this).addWarningV2('cdk-private-eks:PEKS-ARGO-5',
        `PEKS-ARGO-5: the Argo CD UI and API are on the public endpoint (Identity Center sign-in only) because: ${ui.publicReason}`);
    }
    // What the synth checks cannot see: Argo CD deploys from Git after this deploy.
    Annotations.of(this).addInfo('What Argo CD deploys later is not in this template, so the synth-time image checks (PEKS-IMG-*) do not see its '
      + 'images: serve them from this account\'s ECR (PrivateEksCluster.addPullThroughCache, with warmImages for their first pull) '
      + 'or the nodes cannot pull them.');
    acknowledgeFindings(this, 'argoCdLocalCluster');
    this.node.addValidation({ validate: () => this.check() });
  }

  /** @internal The facts the synth-time check reads, from the tree as it is at validation. */
  public _facts(): ArgoCdFacts {
    const ui = this.options.uiAccess;
    const groups = this.uiEndpoint ? this.uiEndpoint.connections.securityGroups : [];
    return {
      path: this.node.path,
      allowedCidrs: ui.allowedCidrs ?? [],
      endpointCreated: this.uiEndpoint !== undefined,
      endpointIds: ui.vpcEndpointIds ?? [],
      publicReason: ui.publicReason,
      ingress443: groups.flatMap(g => ingressOf(g)),
      securityGroupsKnown: groups.every(g => g.node.defaultChild instanceof ec2.CfnSecurityGroup) || this.createdSecurityGroup,
    };
  }

  /** @internal The findings of the synth-time check (a pure function of `_facts()`). */
  public _findings(): ArgoCdFinding[] {
    return argoCdFindings(this._facts());
  }

  private check(): string[] {
    return this._findings().map(f => `${f.ruleId}: ${f.message}. Fix: ${f.fix}.`);
  }

  private validate(props: ArgoCdCapabilityProps, capabilityName: string) {
    const ui = props.uiAccess;
    const cidrs = ui.allowedCidrs ?? [];
    if (!Token.isUnresolved(capabilityName) && (!NAME.test(capabilityName) || capabilityName.length > 100)) {
      throw misuse(this, `capabilityName "${capabilityName}" is not a capability name`, 'use letters, digits, - and _ (up to 100), starting with a letter or digit');
    }
    if (!Token.isUnresolved(this.namespace) && !K8S_NAME.test(this.namespace)) {
      throw misuse(this, `namespace "${this.namespace}" is not a Kubernetes namespace name`, 'use lower-case letters, digits and -');
    }
    if (cidrs.length === 0 && (ui.vpcEndpointIds ?? []).length === 0 && ui.publicReason === undefined) {
      throw misuse(this, 'uiAccess names no CIDR block and no endpoint, so the Argo CD UI and API would stay on the public internet endpoint',
        'give uiAccess.allowedCidrs (an eks-capabilities endpoint is created for them) or uiAccess.vpcEndpointIds (a hub\'s endpoint); '
        + 'to keep the public endpoint, say why in uiAccess.publicReason');
    }
    if (ui.publicReason !== undefined && (cidrs.length > 0 || (ui.vpcEndpointIds ?? []).length > 0)) {
      throw misuse(this, 'uiAccess has publicReason and private endpoints: with endpoints EKS blocks public access',
        'remove publicReason, or the endpoints');
    }
    for (const c of cidrs) {
      if (!Token.isUnresolved(c) && !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(c)) {
        throw misuse(this, `uiAccess.allowedCidrs has "${c}", not an IPv4 CIDR block`, 'write blocks as 10.20.0.0/16');
      }
    }
    if (ui.securityGroups && cidrs.length === 0) {
      throw misuse(this, 'uiAccess.securityGroups is given with no allowedCidrs, so no endpoint is created for them', 'give allowedCidrs, or remove securityGroups');
    }
    for (const e of ui.vpcEndpointIds ?? []) {
      if (!Token.isUnresolved(e) && !/^vpce-[0-9a-f]{8,17}$/.test(e)) {
        throw misuse(this, `uiAccess.vpcEndpointIds has "${e}", not a VPC endpoint ID`, 'pass IDs such as vpce-0123456789abcdef0');
      }
    }
    const access = props.kubernetesAccess;
    const namespaces = access.namespaces ?? [];
    if (access.clusterAdminReason !== undefined && namespaces.length > 0) {
      throw misuse(this, 'kubernetesAccess has both namespaces and clusterAdminReason', 'keep namespaces (scoped access) or clusterAdminReason (cluster admin), not both');
    }
    if (access.clusterAdminReason !== undefined && access.clusterAdminReason.trim().length < 10) {
      throw misuse(this, `kubernetesAccess.clusterAdminReason "${access.clusterAdminReason}" says nothing`,
        'say why Argo CD needs cluster admin (CRDs, cluster-wide operators), or name namespaces instead');
    }
    if (access.clusterAdminReason === undefined && namespaces.length === 0) {
      throw misuse(this, 'kubernetesAccess names no namespace, and EKS grants the capability no Kubernetes permission by default',
        'name the namespaces Argo CD deploys into (kubernetesAccess.namespaces), or give kubernetesAccess.clusterAdminReason for cluster admin');
    }
    for (const n of namespaces) {
      if (!Token.isUnresolved(n) && !K8S_NAME.test(n)) {
        throw misuse(this, `kubernetesAccess.namespaces has "${n}", not a Kubernetes namespace name`, 'use lower-case letters, digits and -');
      }
    }
    for (const m of props.identityCenter.roleMappings ?? []) {
      if (m.identities.length === 0) {
        throw misuse(this, `the ${m.role} role mapping names no identity`, 'add Identity Center users or groups to it, or remove it');
      }
    }
  }

  private uiSecurityGroup(vpc: ec2.IVpc, cidrs: string[]): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'UiEndpointSecurityGroup', {
      vpc,
      description: 'Argo CD UI and API (eks-capabilities endpoint): HTTPS from the CIDR blocks named only',
      allowAllOutbound: false,
      disableInlineRules: true,
    });
    cidrs.forEach(c => sg.addIngressRule(ec2.Peer.ipv4(c), ec2.Port.tcp(443), `Argo CD UI from ${c}`));
    // What the group admits on purpose, for PrivateEksChecks' PEKS-SEC-5 (an endpoint group admitting outside its VPC):
    // exactly these CIDR blocks on 443, private ones only, with the reason beside them.
    (sg.node.defaultChild as ec2.CfnSecurityGroup).cfnOptions.metadata = {
      [SPOKE_CIDRS_METADATA]: [...cidrs],
      [SPOKE_CIDRS_REASON_METADATA]: `ArgoCdCapability ${this.node.path}: people reach the Argo CD UI and API from the CIDR blocks named in uiAccess.allowedCidrs, HTTPS (443) only`,
    };
    return sg;
  }

  private grantRepositories(r: ArgoCdRepositories) {
    const statements: iam.PolicyStatement[] = [];
    if ((r.codeCommitRepositoryArns ?? []).length > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'CodeCommitPull', actions: ['codecommit:GitPull'], resources: r.codeCommitRepositoryArns }));
    }
    if ((r.codeConnectionArns ?? []).length > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'UseConnections', actions: ['codeconnections:UseConnection'], resources: r.codeConnectionArns }));
    }
    if ((r.ecrRepositoryArns ?? []).length > 0) {
      statements.push(new iam.PolicyStatement({ sid: 'EcrPull', actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: r.ecrRepositoryArns }));
      statements.push(new iam.PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    }
    for (const arn of [...(r.codeCommitRepositoryArns ?? []), ...(r.codeConnectionArns ?? []), ...(r.ecrRepositoryArns ?? [])]) {
      if (!Token.isUnresolved(arn) && (arn.includes('*') || !arn.startsWith('arn:'))) {
        throw misuse(this, `repositories has "${arn}", not the ARN of one repository or connection`, 'name each repository or connection by its full ARN, without wildcards');
      }
    }
    if (statements.length === 0) return;
    const policy = new iam.ManagedPolicy(this, 'RepositoryPolicy', {
      description: 'Managed Argo CD: read the repositories and connections named, nothing else',
      statements,
    });
    this.role.addManagedPolicy(policy);
    acknowledgeWildcards(policy, 'argoCdRepositories');
  }

  /**
   * The capability's access entry is created by EKS with no policy; the policy is associated after it exists (an
   * AWS::EKS::AccessEntry for the same role would collide with EKS's own), through eks:AssociateAccessPolicy.
   */
  private grantKubernetesAccess(props: ArgoCdCapabilityProps, capabilityName: string) {
    const cluster = props.cluster.cluster;
    const access = props.kubernetesAccess;
    const admin = access.clusterAdminReason !== undefined;
    const policyName = admin ? 'AmazonEKSClusterAdminPolicy' : 'AmazonEKSAdminPolicy';
    const stack = Stack.of(this);
    // https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html (policy ARNs have no account).
    const policyArn = `arn:${stack.partition}:eks::aws:cluster-access-policy/${policyName}`;
    const accessScope = admin ? { type: 'cluster' } : { type: 'namespace', namespaces: access.namespaces };
    const params = { clusterName: cluster.clusterName, principalArn: this.role.roleArn, policyArn };
    const entryArn = Arn.format({
      service: 'eks',
      resource: 'access-entry',
      resourceName: `${cluster.clusterName}/role/${stack.account}/${this.role.roleName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }, stack);
    // Its own role with a customer managed policy (no inline policy), and a log group encrypted with the key given.
    const fnRole = new iam.Role(this, 'AccessPolicyRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Associates the Kubernetes access policy of ${this.node.path}'s capability role`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    const associate = new iam.ManagedPolicy(this, 'AccessPolicyGrant', {
      description: 'Associate and disassociate the access policy of the Argo CD capability role\'s access entry, nothing else',
      statements: [new iam.PolicyStatement({ actions: ['eks:AssociateAccessPolicy', 'eks:DisassociateAccessPolicy'], resources: [entryArn] })],
    });
    fnRole.addManagedPolicy(associate);
    const logGroup = new logs.LogGroup(this, 'AccessPolicyLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logsEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const call = (action: string, parameters: Record<string, unknown>): cr.AwsSdkCall => ({
      service: 'EKS', action, parameters, physicalResourceId: cr.PhysicalResourceId.of(`${capabilityName}-${policyName}`),
    });
    const association = new cr.AwsCustomResource(this, 'AccessPolicy', {
      resourceType: 'Custom::PrivateEksCapabilityAccessPolicy',
      onCreate: call('associateAccessPolicy', { ...params, accessScope }),
      onUpdate: call('associateAccessPolicy', { ...params, accessScope }),
      onDelete: call('disassociateAccessPolicy', params),
      role: fnRole,
      logGroup,
      installLatestAwsSdk: false,
    });
    association.node.addDependency(associate);
    association.node.addDependency(this.capability);
    const fn = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (fn) acknowledgeFindings(fn, 'capabilityAccessFunction');
    acknowledgeFindings(fnRole, 'capabilityAccessRole');
    acknowledgeWildcards(associate, 'capabilityAccessPolicy');
    if (!props.logsEncryptionKey) acknowledgeFindings(logGroup, 'capabilityAccessLogs');
  }
}

/** aws-cdk-lib's AwsCustomResource function, one per stack (its logical ID is fixed by aws-cdk-lib). */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Ingress rules on TCP 443 of a security group, as CIDR blocks (from its L1, and the group's rule resources). */
function ingressOf(group: ec2.ISecurityGroup): string[] {
  const cfn = group.node.defaultChild;
  const cidrs: string[] = [];
  const admits443 = (r: { ipProtocol?: string; fromPort?: number; toPort?: number }) =>
    r.ipProtocol === '-1' || (r.ipProtocol === 'tcp' && (r.fromPort ?? 0) <= 443 && 443 <= (r.toPort ?? 65535));
  if (cfn instanceof ec2.CfnSecurityGroup) {
    const inline = Stack.of(group).resolve(cfn.securityGroupIngress) as any[] | undefined;
    for (const r of inline ?? []) if (admits443(r) && literal(r.cidrIp)) cidrs.push(r.cidrIp);
  }
  const groupId = Stack.of(group).resolve(group.securityGroupId);
  for (const c of Stack.of(group).node.findAll() as IConstruct[]) {
    if (!(c instanceof ec2.CfnSecurityGroupIngress)) continue;
    if (JSON.stringify(Stack.of(c).resolve(c.groupId)) !== JSON.stringify(groupId)) continue;
    const r = { ipProtocol: c.ipProtocol, fromPort: c.fromPort, toPort: c.toPort };
    if (admits443(r) && literal(c.cidrIp)) cidrs.push(c.cidrIp!);
  }
  return cidrs;
}
