import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GITHUB_OIDC_HOST, RUNNER_EKS_NEED, RUNNER_NEEDS, START_BUILD_OVERRIDES } from './access-facts';
import { ApiAccessOptions } from './api-access';
import { apiAccessEntry } from './cluster-access';
import { acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { allow, ownPolicy, serviceRole } from '../core/iam';
import { cloudWatchLogsKey } from '../core/logs-key';
import { defaultPrivateSelection } from '../core/subnets';

/** Who may start the runner's builds from GitHub Actions (through OIDC, no stored keys). */
export interface GitHubActionsTrust {
  /** The repository, `owner/name`. */
  readonly repository: string;
  /**
   * The GitHub environments whose jobs may start builds (subject `repo:<owner>/<name>:environment:<env>`). A job that
   * names an environment gets that subject instead of its ref, so give either environments or refs.
   * @default - none (refs)
   */
  readonly environments?: string[];
  /**
   * The git refs whose jobs may start builds (subject `repo:<owner>/<name>:ref:<ref>`).
   * @default ['refs/heads/main'] when no environment is given
   */
  readonly refs?: string[];
  /**
   * The account's GitHub OIDC provider (one per account).
   * @default - the provider `token.actions.githubusercontent.com` of this account, imported by ARN (create it once)
   */
  readonly oidcProvider?: iam.IOpenIdConnectProvider;
}

/**
 * Properties of a `PrivateCiRunner`.
 */
export interface PrivateCiRunnerProps extends ApiAccessOptions {
  /** The cluster the builds run kubectl and helm against. Its VPC is the runner's VPC. */
  readonly cluster: eks.ICluster;
  /**
   * What the build runs (kubectl, helm, cdk deploy). The image must carry the tools: nothing is downloaded from the
   * internet in a VPC without NAT. The environment has `CLUSTER_NAME`; `aws eks update-kubeconfig --name
   * $CLUSTER_NAME` writes the kubeconfig (it calls the EKS API: the `eks` endpoint is then needed).
   */
  readonly buildSpec: codebuild.BuildSpec;
  /**
   * The build image.
   * @default codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5
   */
  readonly buildImage?: codebuild.IBuildImage;
  /**
   * Where the builds run: subnets that reach the endpoints it needs (`logs`, and `eks` for update-kubeconfig).
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * More AWS services the build calls from the VPC (short names of the endpoint catalogue, for example `s3`, `sts`,
   * `ecr.api`), so the synth-time check proves they are reachable.
   * @default - none
   */
  readonly services?: string[];
  /**
   * Let GitHub Actions start builds through OIDC: a role only the given repository's refs or environments can assume,
   * allowed `codebuild:StartBuild` (without overriding the build spec, source, image, privileged mode or role) and
   * `codebuild:BatchGetBuilds` on this project, and `logs:GetLogEvents` on its logs.
   * @default - no GitHub role (start builds from CodePipeline or with a role of yours: `grantStartBuild`)
   */
  readonly gitHub?: GitHubActionsTrust;
  /**
   * The key of the build logs and artifacts.
   * @default - a new key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long build logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How long a build may run.
   * @default Duration.minutes(60)
   */
  readonly timeout?: Duration;
}

/**
 * A CI runner inside a private cluster's VPC: a CodeBuild project in the node (or given) subnets, with its own security
 * group (HTTPS out only; the cluster security group admits it on 443), an EKS access entry with the policy you choose
 * (required: no hidden admin), its build logs in an encrypted log group, and optionally a role GitHub Actions assumes
 * through OIDC to start builds. A GitHub-hosted runner has no route into the VPC; this is the path.
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html
 */
export class PrivateCiRunner extends Construct implements ec2.IConnectable {
  /** The CodeBuild project. */
  public readonly project: codebuild.Project;
  /** The build's role (the access entry's principal). */
  public readonly role: iam.Role;
  /** The build's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network connections of the builds. */
  public readonly connections: ec2.Connections;
  /** The build role's access entry. */
  public readonly accessEntry: eks.AccessEntry;
  /** The group build logs go to. */
  public readonly logGroup: logs.LogGroup;
  /** The role GitHub Actions assumes (undefined without `gitHub`). */
  public readonly gitHubRole?: iam.Role;
  /** The cluster. */
  public readonly cluster: eks.ICluster;
  /** The AWS services the builds call from their subnets: the synth-time check reads this. */
  public readonly requiredServices: string[];

  constructor(scope: Construct, id: string, props: PrivateCiRunnerProps) {
    super(scope, id);
    this.cluster = props.cluster;
    const vpc = props.cluster.vpc;
    const stack = Stack.of(this);
    if ((props as Partial<PrivateCiRunnerProps>).accessPolicy === undefined) {
      throw misuse(this, 'the runner has no accessPolicy, so its builds could not use the cluster',
        'choose what the pipeline may do: accessPolicy: ApiAccessPolicy.EDIT with namespaces: [\'apps\'] (or VIEW, ADMIN, CLUSTER_ADMIN deliberately)');
    }
    if (!props.buildSpec) throw misuse(this, 'the runner has no buildSpec', 'pass buildSpec: codebuild.BuildSpec.fromObject({ version: \'0.2\', phases: { build: { commands: [...] } } })');
    const subnets = props.subnets ?? defaultPrivateSelection(vpc);
    const selected = vpc.selectSubnets(subnets);
    if (selected.subnets.length === 0) {
      throw misuse(this, 'the runner\'s subnet selection matches no subnet of the VPC', 'give the VPC private subnets, or pass `subnets`');
    }
    // The build spec as CodeBuild gets it (an inline one; a file in the source cannot be read at synth).
    const rendered = props.buildSpec.isImmediate ? stack.resolve(props.buildSpec.toBuildSpec(this)) : '';
    const spec = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
    const callsEks = /\baws\s+eks\s+(update-kubeconfig|describe-cluster)\b/.test(spec);
    const eksNeed = callsEks ? [RUNNER_EKS_NEED.service] : [];
    this.requiredServices = [...new Set([...RUNNER_NEEDS.map(n => n.service), ...eksNeed, ...(props.services ?? [])])];

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'EKS CI runner: HTTPS out to the API server and the VPC endpoints; no inbound rule',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: cluster API, VPC endpoints');
    this.connections = this.securityGroup.connections;
    if (props.cluster.connections.defaultPort) props.cluster.connections.allowDefaultPortFrom(this.securityGroup, 'kubectl from the CI runner');
    else props.cluster.connections.allowFrom(this.securityGroup, ec2.Port.tcp(443), 'kubectl from the CI runner');

    const key = props.encryptionKey ?? cloudWatchLogsKey(this, 'Key', `Encryption of the build logs and artifacts of ${this.node.path}`);
    this.logGroup = new logs.LogGroup(this, 'BuildLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // aws-cdk-lib's grants to the project role go nowhere: every permission is written below, in the role's own policy.
    const { role, immutable } = serviceRole(this, 'Role', 'codebuild.amazonaws.com', `CI runner ${this.node.path}: builds against the cluster`);
    this.role = role;
    this.project = new codebuild.Project(this, 'Project', {
      description: `CI runner in the VPC of ${props.cluster.node.path}`,
      buildSpec: props.buildSpec,
      environment: {
        buildImage: props.buildImage ?? codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5,
        computeType: codebuild.ComputeType.SMALL,
        privileged: false,
        environmentVariables: { CLUSTER_NAME: { value: props.cluster.clusterName } },
      },
      role: immutable,
      encryptionKey: key,
      timeout: props.timeout ?? Duration.minutes(60),
      logging: { cloudWatch: { logGroup: this.logGroup } },
    });
    // The VPC settings on the L1: the L2's \`vpc\` would write the network interface permissions as an inline policy of
    // the role (aws-cdk-lib's PolicyDocument); they are written below, in the role's own managed policy, instead.
    (this.project.node.defaultChild as codebuild.CfnProject).vpcConfig = {
      vpcId: vpc.vpcId,
      subnets: selected.subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
    };

    const partition = stack.partition;
    allow(this.role,
      new iam.PolicyStatement({
        // Build logs: the project's group only.
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        // The network interface of a build in a VPC (https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface, read 2026-12-07).
        // The Describe actions and CreateNetworkInterface/DeleteNetworkInterface as that guide writes them (on *): the
        // interface does not exist before the build.
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface',
          'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterfacePermission'],
        resources: [`arn:${partition}:ec2:${stack.region}:${stack.account}:network-interface/*`],
        conditions: {
          StringEquals: {
            'ec2:Subnet': selected.subnetIds.map(s => `arn:${partition}:ec2:${stack.region}:${stack.account}:subnet/${s}`),
            'ec2:AuthorizedService': 'codebuild.amazonaws.com',
          },
        },
      }),
      new iam.PolicyStatement({
        // The artifacts and logs key (CodeBuild encrypts with it as the project role).
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: [key.keyArn],
      }),
      new iam.PolicyStatement({
        // `aws eks update-kubeconfig` / `describe-cluster` in the build.
        actions: ['eks:DescribeCluster'],
        resources: [props.cluster.clusterArn],
      }),
    );
    const image = props.buildImage;
    if (image?.repository && image.imagePullPrincipalType === codebuild.ImagePullPrincipalType.SERVICE_ROLE) {
      // An image in this account's ECR, pulled with the project role (aws-cdk-lib's grantPull goes nowhere here).
      allow(this.role,
        new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], resources: [image.repository.repositoryArn] }),
      );
    }
    acknowledgeWildcards(ownPolicy(this.role), 'ciRunnerRole');
    acknowledgeFindings(this.project, 'ciRunnerProject');
    if (image?.repository) acknowledgeFindings(this.project, 'ciRunnerEcrImage');

    this.accessEntry = apiAccessEntry(this, 'ClusterAccess', props.cluster, this.role.roleArn, props);

    new CfnOutput(this, 'ProjectName', { description: 'The CI runner\'s CodeBuild project (aws codebuild start-build --project-name)', value: this.project.projectName });
    if (props.gitHub) {
      this.gitHubRole = this.gitHubActionsRole(props.gitHub);
      new CfnOutput(this, 'GitHubActionsRoleArn', {
        description: 'The role GitHub Actions assumes (role-to-assume of aws-actions/configure-aws-credentials)',
        value: this.gitHubRole.roleArn,
      });
    }
  }

  /** Lets a principal start builds of this project with no override and follow them (`aws codebuild start-build`, `batch-get-builds`, the log). */
  public grantStartBuild(grantee: iam.IGrantable): iam.Grant {
    return this.startBuildStatements().map(s => iam.Grant.addToPrincipal({
      grantee, actions: s.actions ?? [], resourceArns: s.resources ?? [], conditions: s.conditions,
    })).reduce((a, b) => a.combine(b));
  }

  /**
   * Starting builds as the project defines them: no override of what runs or as whom (`START_BUILD_OVERRIDES`: the
   * keys are present only when the request overrides a field; CodeBuild guide, action-context-keys.html, "supports
   * only the Null operator", read 2026-12-07), following them, and reading their logs.
   */
  private startBuildStatements(): iam.PolicyStatementProps[] {
    return [
      {
        actions: ['codebuild:StartBuild'],
        resources: [this.project.projectArn],
        conditions: { Null: Object.fromEntries(START_BUILD_OVERRIDES.map(k => [k, 'true'])) },
      },
      { actions: ['codebuild:BatchGetBuilds'], resources: [this.project.projectArn] },
      // The workflow prints the build's log stream: this project's group only.
      { actions: ['logs:GetLogEvents'], resources: [this.logStreamsArn] },
    ];
  }

  /** The build log streams of this project's group. */
  private get logStreamsArn(): string {
    const stack = Stack.of(this);
    return `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${this.logGroup.logGroupName}:log-stream:*`;
  }

  private gitHubActionsRole(trust: GitHubActionsTrust): iam.Role {
    const stack = Stack.of(this);
    if (!Token.isUnresolved(trust.repository) && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(trust.repository)) {
      throw misuse(this, `gitHub.repository "${trust.repository}" is not owner/name`, 'write it as GitHub shows it, for example \'my-org/platform\'');
    }
    const environments = trust.environments ?? [];
    const refs = trust.refs ?? (environments.length === 0 ? ['refs/heads/main'] : []);
    for (const ref of refs) {
      if (!Token.isUnresolved(ref) && (!/^refs\/(heads|tags)\/[^*?\s]+$/.test(ref))) {
        throw misuse(this, `gitHub.refs: "${ref}" is not a full branch or tag ref`, 'write refs/heads/<branch> or refs/tags/<tag>, with no wildcard (a wildcard lets any matching branch deploy)');
      }
    }
    const subjects = [
      ...refs.map(r => `repo:${trust.repository}:ref:${r}`),
      ...environments.map(e => `repo:${trust.repository}:environment:${e}`),
    ];
    const provider = trust.oidcProvider ?? iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(this, 'GitHubOidcProvider',
      `arn:${stack.partition}:iam::${stack.account}:oidc-provider/${GITHUB_OIDC_HOST}`);
    const role = new iam.Role(this, 'GitHubActionsRole', {
      description: `GitHub Actions (${trust.repository}) starts builds of ${this.node.path}`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: subjects,
        },
      }),
    });
    allow(role, ...this.startBuildStatements().map(st => new iam.PolicyStatement(st)));
    acknowledgeWildcards(ownPolicy(role), 'ciRunnerGitHub');
    return role;
  }
}
