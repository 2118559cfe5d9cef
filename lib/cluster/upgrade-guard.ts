import * as path from 'path';
import { Arn, ArnFormat, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { misuse } from '../core/errors';

// The deploy-time half of a version upgrade: what only the account knows is the running version. A custom resource
// that the cluster depends on runs before CloudFormation creates or updates the cluster, reads the running version
// (eks:DescribeCluster) and fails the stack, before anything changes, on a downgrade or a jump of more than one minor.
// The handler is upgrade-guard/index.cjs (its sources are cited there).

/** The handler directory: plain CommonJS, the AWS SDK v3 of the Lambda runtime. */
const GUARD_DIR = path.join(__dirname, 'upgrade-guard');

/** What the guard needs. */
export interface UpgradeGuardProps {
  /** The cluster's name (a literal: the guard runs before the cluster exists or changes). */
  readonly clusterName: string;
  /** The Kubernetes version of the template. */
  readonly version: string;
  /** The key of the guard's log group. */
  readonly logsEncryptionKey: kms.IKey;
  /** The retention of the guard's log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The upgrade guard: a function outside the VPC (it calls the EKS API and answers CloudFormation, nothing in the VPC)
 * and its custom resource, which the cluster waits for.
 */
export class UpgradeGuard extends Construct {
  /** The custom resource the cluster depends on. */
  public readonly check: CustomResource;
  /** The guard's function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: UpgradeGuardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Upgrade guard of ${scope.node.path}: reads the cluster's version and writes its own log`,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logsEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Upgrade guard: describe this one cluster, write its own log',
      statements: [
        new iam.PolicyStatement({
          sid: 'DescribeThisCluster',
          actions: ['eks:DescribeCluster'],
          resources: [Arn.format({ service: 'eks', resource: 'cluster', resourceName: props.clusterName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack)],
        }),
        new iam.PolicyStatement({ sid: 'OwnLog', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:log-stream:*`] }),
      ],
    });
    role.addManagedPolicy(policy);
    this.function = new lambda.Function(this, 'Function', {
      description: `Fails the deploy before ${props.clusterName} changes when its version would jump more than one minor or go down`,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(GUARD_DIR),
      role,
      timeout: Duration.seconds(30),
      memorySize: 256,
      logGroup,
    });
    this.function.node.addDependency(policy);
    this.check = new CustomResource(this, 'Check', {
      // CloudFormation invokes the function itself: no provider framework.
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::PrivateEksUpgradeGuard',
      serviceTimeout: Duration.minutes(2),
      // The version is a property: changing it updates (re-runs) the guard before the cluster's update.
      properties: { ClusterName: props.clusterName, Version: props.version },
    });
    acknowledgeFindings(this, 'upgradeGuard');
    acknowledgeWildcards(policy, 'upgradeGuardPolicy');
  }
}

/**
 * Makes the cluster wait for the guard: CloudFormation then updates the guard (a new `Version`) first, and a failed
 * guard stops the deploy before the control plane moves.
 */
export function guardUpgrades(scope: Construct, cluster: eks.Cluster, props: UpgradeGuardProps): UpgradeGuard {
  const guard = new UpgradeGuard(scope, 'UpgradeGuard', props);
  cluster.node.addDependency(guard.check);
  return guard;
}

/** The upgrade settings of the L3. */
export interface UpgradeSettings {
  readonly upgradeFrom?: eks.KubernetesVersion;
  readonly upgradeGuard?: boolean;
  readonly clusterName?: string;
  readonly version: eks.KubernetesVersion;
}

/**
 * Adds what an upgrade needs to a cluster: the synth-time check when `upgradeFrom` is given, and the deploy-time guard
 * when asked for (on by default with `upgradeFrom`). Fails when the guard has no literal cluster name to read.
 */
export function addUpgradeParts(owner: Construct, cluster: eks.Cluster, s: UpgradeSettings,
  logs_: () => { key: kms.IKey; retention: logs.RetentionDays }, check: (from: string) => void): UpgradeGuard | undefined {
  if (s.upgradeFrom) check(s.upgradeFrom.version);
  if (!(s.upgradeGuard ?? s.upgradeFrom !== undefined)) return undefined;
  const name = s.clusterName;
  if (name === undefined || Token.isUnresolved(name)) {
    throw misuse(owner, 'upgradeGuard needs the cluster\'s name before the cluster exists, and it is generated by CloudFormation here',
      'set clusterName (or keep controlPlaneLogGroup on, which derives a stable one), or upgradeGuard: false');
  }
  const l = logs_();
  return guardUpgrades(owner, cluster, { clusterName: name, version: s.version.version, logsEncryptionKey: l.key, logRetention: l.retention });
}
