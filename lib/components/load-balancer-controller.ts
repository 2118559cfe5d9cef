import * as fs from 'fs';
import * as path from 'path';
import { Aws, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AlbStatementKind, scopeAlbPolicy } from './alb-policy';
import { checkChartSource, controllerImage, ControllerHome } from './controller-source';
import { hostOf, systemPlacementProblem } from './host';
import { IPrivateEksCluster } from './private-cluster';
import { ComponentContracts } from '../contracts/component-contracts';
import { AcknowledgementSite, acknowledgeCfnJsonProvider, acknowledgeWildcards } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { irsaRole } from '../core/iam';

/**
 * Settings of the AWS Load Balancer Controller added with `PrivateEksCluster.addLoadBalancerController()`.
 */
export interface LoadBalancerControllerOptions {
  /**
   * The controller version: its chart version, image tag and IAM policy (aws-cdk-lib ships the policy of each
   * version it names; a custom version needs `policy`).
   */
  readonly version: eks.AlbControllerVersion;

  /**
   * Where the kubectl handler installs the chart from, as an OCI repository in this region's ECR
   * (`oci://<account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller`). The chart's own repository,
   * https://aws.github.io/eks-charts, is on the internet and is not published as OCI
   * (https://github.com/aws/eks-charts/issues/1070): copy it with `helm pull` and `helm push`. Required unless
   * `chartAsset` is given.
   * @default - none
   */
  readonly chartRepository?: string;

  /**
   * The chart as a file asset (`helm pull eks/aws-load-balancer-controller --version <chart version>`), instead of
   * `chartRepository`.
   * @default - none
   */
  readonly chartAsset?: s3assets.Asset;

  /**
   * The controller image, `<repository>:<tag>`, in a registry the nodes reach (this region's ECR).
   * @default - `public.ecr.aws/eks/aws-load-balancer-controller:<version>` through the cluster's pull-through cache,
   * when one of its rules serves ECR Public; else required
   */
  readonly image?: string;

  /**
   * The IAM policy document (JSON) of a custom version.
   * @default - the policy aws-cdk-lib ships for `version`
   */
  readonly policy?: any;

  /**
   * Further Helm values, merged over the library's (the private-cluster settings are checked after the merge).
   * @default - none
   */
  readonly values?: { [key: string]: any };

  /**
   * Let the controller register and deregister targets in target groups it did not create: a `TargetGroupBinding` to a
   * target group made outside the controller (by CloudFormation, Terraform, the console), which carries no
   * `elbv2.k8s.aws/cluster` tag. The role may then change the targets of every target group of this account in this
   * region.
   * @default false - targets only in target groups tagged `elbv2.k8s.aws/cluster: <cluster name>` (the ones the
   * controller creates for Ingresses and Services)
   */
  readonly untaggedTargetGroups?: boolean;

  /**
   * The account that owns the cluster's VPC, when it is shared with this account through AWS RAM and was imported
   * with `Vpc.fromVpcAttributes` (a shared VPC's ARN carries its owner's account, and the controller's security-group
   * permissions name the VPC by ARN). `Vpc.fromLookup` reads the owner itself.
   * @default - the account of the VPC construct (the owner `Vpc.fromLookup` found; else the stack's account)
   */
  readonly vpcOwnerAccount?: string;
}

/**
 * Properties of a `LoadBalancerController`.
 */
export interface LoadBalancerControllerProps extends LoadBalancerControllerOptions {
  /** The private cluster. */
  readonly cluster: IPrivateEksCluster;
}

const CONTRACT = 'aws-load-balancer-controller';

/**
 * The AWS Load Balancer Controller in a private cluster: installed from a source the kubectl handler reaches, with
 * Shield, WAF and WAFv2 off (the EKS private-cluster guide), the region and VPC given (no instance metadata needed),
 * an IRSA role with the controller's IAM policy for its version, and the `elasticloadbalancing` and `sts` endpoints.
 */
export class LoadBalancerController extends Construct {
  /** The controller's IAM role (IRSA). */
  public readonly role: iam.Role;
  /** The Helm chart. */
  public readonly chart: eks.HelmChart;
  /**
   * The role's customer managed policies: upstream's statements narrowed to this cluster, one policy per kind
   * (discovery, cluster-tagged, VPC-scoped, account-and-region, service-linked role; `Unreviewed` for statements of
   * a custom `policy` that fit none, which the compliance tools then report).
   */
  public readonly policies: iam.ManagedPolicy[];

  constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    super(scope, id);
    const contract = ComponentContracts.forChart(CONTRACT)!;
    const identity = contract.identity!;
    const cluster = hostOf(this, props.cluster);
    const version = props.version;
    const home: ControllerHome = {
      chart: 'aws-load-balancer-controller',
      chartHome: 'its repository, https://aws.github.io/eks-charts, is on the internet and is not published as OCI',
      helmPull: 'helm pull eks/aws-load-balancer-controller',
      chartVersion: version.helmChartVersion,
      publicImage: `public.ecr.aws/eks/aws-load-balancer-controller:${version.version}`,
      imageExample: '<account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller:<tag>',
    };
    checkChartSource(this, props, home);
    checkAlbVersion(this, version.version);
    if (version.custom && !props.policy) {
      throw misuse(this, `${version.version} is a custom version and no policy was given`,
        'pass policy: the iam_policy.json of that release (https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json at its tag)');
    }
    const image = controllerImage(this, cluster, props.image, home);
    // The values take a repository and a tag: a digest would be split at its own colon into a wrong repository.
    if (image.includes('@')) {
      throw misuse(this, `image "${image}" names a digest, and the chart's values take image.repository and image.tag`,
        `write it as <repository>:<tag>, for example '<account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller:${version.version}'`);
    }
    const at = image.lastIndexOf(':');
    if (at <= image.lastIndexOf('/')) {
      throw misuse(this, `image "${image}" has no tag`, `write it as <repository>:<tag>, for example '<account>.dkr.ecr.<region>.amazonaws.com/aws-load-balancer-controller:${version.version}'`);
    }

    // IRSA: the installation guide's Option A. The guide also documents Pod Identity (Option B, since 2025-11-24:
    // docs/deploy/installation.md at 225f4456, read 2026-12-07); IRSA works on every version the library accepts.
    this.role = irsaRole(this, 'Role', cluster.cluster, identity.namespace, identity.serviceAccount,
      `IRSA of the AWS Load Balancer Controller ${version.version} (${identity.namespace}/${identity.serviceAccount})`);
    const values = deepMerge({
      clusterName: cluster.cluster.clusterName,
      region: Stack.of(this).region,
      vpcId: cluster.vpc.vpcId,
      // EKS private clusters guide: Shield, WAF and WAFv2 have no endpoint the controller can reach.
      enableShield: false,
      enableWaf: false,
      enableWafv2: false,
      image: { repository: image.slice(0, at), tag: image.slice(at + 1) },
      serviceAccount: {
        create: true,
        name: identity.serviceAccount,
        annotations: {
          'eks.amazonaws.com/role-arn': this.role.roleArn,
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
        },
      },
      // With systemNodes: the chart's top-level `nodeSelector` and `tolerations` (helm/aws-load-balancer-controller/
      // values.yaml, kubernetes-sigs/aws-load-balancer-controller at 00793771, read 2026-12-07).
      ...cluster._systemPlacement(),
    }, props.values ?? {});
    const placement = cluster._systemPlacement() && systemPlacementProblem(values.nodeSelector, values.tolerations);
    if (placement) {
      throw misuse(this, `the cluster has systemNodes, and the controller's values would run it on tenants' nodes: ${placement}`,
        'leave nodeSelector and tolerations to the library, or keep its selector and toleration in yours');
    }

    // Upstream's policy narrowed to this cluster, VPC, account and region (lib/components/alb-policy.ts), one managed
    // policy per kind of statement, each acknowledged with a reason true of every statement in it.
    const stack = Stack.of(this);
    const vpc = cluster.vpc;
    const scoped = scopeAlbPolicy(props.policy ?? albPolicy(version.version), {
      partition: Aws.PARTITION,
      region: stack.region,
      account: stack.account,
      // A shared VPC's ARN carries its owner's account: Vpc.fromLookup sets the construct's account to the owner.
      vpcAccount: props.vpcOwnerAccount ?? vpc.env.account,
      vpcId: vpc.vpcId,
      clusterName: cluster.cluster.clusterName,
      waf: values.enableWaf !== false,
      wafv2: values.enableWafv2 !== false,
      shield: values.enableShield !== false,
      // The chart passes controllerConfig.featureGates as --feature-gates (helm/.../templates/deployment.yaml:172 @ v2.17.1).
      listenerRulesTagging: values.controllerConfig?.featureGates?.ListenerRulesTagging !== false,
      untaggedTargetGroups: props.untaggedTargetGroups ?? false,
      // Every subnet is known only for a VPC built in the app; an imported one may have subnets the app does not list.
      subnetIds: vpc instanceof ec2.Vpc ? [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].map(s => s.subnetId) : undefined,
    });
    const policies: iam.ManagedPolicy[] = [];
    for (const [kind, site] of ALB_POLICY_KINDS) {
      const statements = scoped.filter(s => s.kind === kind).map(s => iam.PolicyStatement.fromJson(s.statement));
      if (statements.length === 0) continue;
      const policy = new iam.ManagedPolicy(this.role, `${kind[0].toUpperCase()}${kind.slice(1)}Policy`, {
        description: `AWS Load Balancer Controller ${version.version} of ${cluster.node.path}: ${ALB_POLICY_PURPOSE[kind]}`,
        statements,
      });
      this.role.addManagedPolicy(policy);
      if (site) acknowledgeWildcards(policy, site);
      policies.push(policy);
    }
    this.policies = policies;
    acknowledgeCfnJsonProvider(this);

    this.chart = cluster._installChart(this, 'Chart', {
      chart: props.chartAsset ? undefined : 'aws-load-balancer-controller',
      repository: props.chartRepository,
      chartAsset: props.chartAsset,
      version: props.chartAsset ? undefined : version.helmChartVersion,
      release: 'aws-load-balancer-controller',
      namespace: identity.namespace,
      wait: true,
      values,
    }, 'addLoadBalancerController');
    this.chart.node.addDependency(this.role);
    cluster._needsFromNodes(CONTRACT, ['sts'], { irsa: true });
  }
}

/** The kinds of statement, in policy order, with the acknowledgement that is true of each (none for unreviewed). */
const ALB_POLICY_KINDS: Array<[AlbStatementKind, AcknowledgementSite | undefined]> = [
  ['discovery', 'albDiscovery'], ['clusterTagged', 'albClusterTagged'], ['vpcScoped', 'albVpcScoped'],
  ['accountRegion', 'albAccountRegion'], ['serviceLinkedRole', 'albServiceLinkedRole'], ['unreviewed', undefined],
];
const ALB_POLICY_PURPOSE: Record<AlbStatementKind, string> = {
  discovery: 'read-only discovery',
  clusterTagged: 'changes to resources tagged with this cluster\'s name',
  vpcScoped: 'security groups of this VPC',
  accountRegion: 'changes the Service Authorization Reference gives no tag key for (rule priorities), or untagged resources asked for, in this account and region',
  serviceLinkedRole: 'the Elastic Load Balancing service-linked role',
  unreviewed: 'statements of a custom policy the library could not narrow',
};

/**
 * The oldest controller the library installs (read 2026-12-07): releases before v2.4.0 watch Ingresses as
 * `networking.k8s.io/v1beta1` (controllers/ingress/eventhandlers/ingress_events.go:8 @ v2.3.1; `networking/v1` from
 * v2.4.0), an API Kubernetes 1.22 removed (https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-22),
 * and "AWS Load Balancer Controller v2.4.0+ requires Kubernetes 1.19+" (docs/deploy/installation.md:6 @ v2.4.1,
 * https://github.com/kubernetes-sigs/aws-load-balancer-controller). No EKS version the library offers can run them.
 */
export const ALB_CONTROLLER_MINIMUM = '2.4.0';

function checkAlbVersion(scope: Construct, version: string) {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!parts) return; // a custom version name: its policy is the user's
  const [x, y, z] = parts.slice(1).map(Number);
  const [a, b, c] = ALB_CONTROLLER_MINIMUM.split('.').map(Number);
  if (x * 1e6 + y * 1e3 + z < a * 1e6 + b * 1e3 + c) {
    throw misuse(scope, `AWS Load Balancer Controller ${version} watches Ingresses as networking.k8s.io/v1beta1, which Kubernetes 1.22 removed: no EKS version offered can run it`,
      `use v${ALB_CONTROLLER_MINIMUM} or later, for example eks.AlbControllerVersion.V2_17_1 (v2.4.0+ requires Kubernetes 1.19+: docs/deploy/installation.md)`);
  }
}

/** The controller's policy aws-cdk-lib ships for a version (aws-eks-v2/lib/addons/alb-iam_policy-<version>.json). */
function albPolicy(version: string): any {
  const file = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-eks-v2')), 'lib', 'addons', `alb-iam_policy-${version}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Objects merged key by key, `over` winning; arrays and scalars replaced. */
export function deepMerge(base: { [key: string]: any }, over: { [key: string]: any }): { [key: string]: any } {
  const out: { [key: string]: any } = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b, v) : v;
  }
  return out;
}
