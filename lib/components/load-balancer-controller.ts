import * as fs from 'fs';
import * as path from 'path';
import { Aws, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AlbStatementKind, scopeAlbPolicy } from './alb-policy';
import { checkChartSource, controllerImage, ControllerHome } from './controller-source';
import { hostOf } from './host';
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

    // IRSA: the installation guide's identity (Pod Identity is not in it).
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
    }, props.values ?? {});

    // Upstream's policy narrowed to this cluster, VPC, account and region (lib/components/alb-policy.ts), one managed
    // policy per kind of statement, each acknowledged with a reason true of every statement in it.
    const stack = Stack.of(this);
    const scoped = scopeAlbPolicy(props.policy ?? albPolicy(version.version), {
      partition: Aws.PARTITION,
      region: stack.region,
      account: stack.account,
      vpcId: cluster.vpc.vpcId,
      clusterName: cluster.cluster.clusterName,
      waf: values.enableWaf !== false,
      wafv2: values.enableWafv2 !== false,
      shield: values.enableShield !== false,
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
  accountRegion: 'listeners, rules and targets of this account in this region',
  serviceLinkedRole: 'the Elastic Load Balancing service-linked role',
  unreviewed: 'statements of a custom policy the library could not narrow',
};

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
