import { Annotations, Aws, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkChartSource, controllerImage, ControllerHome } from './controller-source';
import { hostOf, systemPlacementProblem } from './host';
import { deepMerge } from './load-balancer-controller';
import { IPrivateEksCluster } from './private-cluster';
import { ComponentContracts } from '../contracts/component-contracts';
import { karpenterInterruptionRules } from '../contracts/karpenter-interruption';
import { AcknowledgementSite, acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { podIdentityAssociation, podIdentityRole } from '../core/iam';
import { amazonLinuxProxyLines, nodeNoProxy, userDataSizeProblem } from '../nodes/node-proxy';
import { PrivateNodegroup } from '../nodes/private-nodegroup';

/**
 * Settings of Karpenter added with `PrivateEksCluster.addKarpenter()`.
 */
export interface KarpenterOptions {
  /**
   * The Karpenter chart version (`1.14.0`), which is also its controller image tag. From 1.0.0 (the v1 APIs the default
   * NodePool uses); from 1.7.2 to before 1.8.3 synth warns (an isolated VPC keeps NodeClasses from being deleted); above the newest
   * version whose policy the library was checked against, synth warns.
   */
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
  readonly cluster: IPrivateEksCluster;
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
  /**
   * The controller role's customer managed policies, split as upstream splits them (NodeLifecycle, IAMIntegration,
   * EKSIntegration, Interruption, ResourceDiscovery). Launches are pinned to the node subnets and the cluster security
   * group: a node class of yours that selects other subnets or security groups needs a statement of yours on `role`.
   */
  public readonly policies: iam.ManagedPolicy[];
  /** The role of the nodes Karpenter launches. */
  public readonly nodeRole: iam.Role;
  /** The instance profile of those nodes (named in the EC2NodeClass). */
  public readonly instanceProfile: iam.CfnInstanceProfile;
  /** The interruption queue (undefined with `interruptionHandling: false`). */
  public readonly interruptionQueue?: sqs.Queue;
  /** The Helm chart. */
  public readonly chart: eks.HelmChart;
  /**
   * The `spec.userData` that gives Karpenter's Amazon Linux 2023 nodes the cluster's `proxy`, as the managed nodegroups
   * get it: a shell script writing the containerd, kubelet and nodeadm-run drop-ins (files from base64) with the
   * generated NO_PROXY. The default EC2NodeClass carries it; put it in an AL2023 EC2NodeClass of yours (Karpenter merges
   * it with its own NodeConfig). Undefined when the cluster has no `proxy`.
   * @see https://karpenter.sh/docs/concepts/nodeclasses/#specuserdata
   */
  public readonly nodeProxyUserData?: string;

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const identity = ComponentContracts.forChart(CONTRACT)!.identity!;
    const cluster = hostOf(this, props.cluster);
    const eksCluster = cluster.cluster;
    if (!/^\d+\.\d+\.\d+$/.test(props.version)) {
      throw misuse(this, `version "${props.version}" is not a Karpenter chart version`, `use the version of a Karpenter release, for example '${KARPENTER_VERSIONS.recommended}'`);
    }
    checkKarpenterVersion(this, props.version);
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
      // https://karpenter.sh/docs/concepts/disruption/ (interruption) and the getting-started cloudformation.yaml rules,
      // as the release reads them (contracts/karpenter-interruption.ts: the fifth from 1.10).
      for (const rule of karpenterInterruptionRules(props.version)) {
        new events.Rule(this, `${rule.name}Rule`, {
          eventPattern: { source: [rule.source], detailType: [rule.detailType] },
          targets: [new targets.SqsQueue(this.interruptionQueue)],
        });
      }
    }

    this.role = podIdentityRole(this, 'Role', `Pod Identity of the Karpenter controller (${identity.namespace}/${identity.serviceAccount})`,
      { clusterArn: eksCluster.clusterArn, namespace: identity.namespace, serviceAccount: identity.serviceAccount });
    // Upstream's policies (1.9 and later split the controller policy the same way), each acknowledged with a reason
    // true of every statement in it; the ones without a wildcard need none.
    const launchSubnets = cluster.vpc.selectSubnets(cluster.nodeSubnets).subnetIds;
    const statements = controllerStatements(this, eksCluster, this.nodeRole, launchSubnets, this.interruptionQueue);
    const policies: iam.ManagedPolicy[] = [];
    for (const [name, site] of KARPENTER_POLICIES) {
      if (statements[name].length === 0) continue;
      const policy = new iam.ManagedPolicy(this.role, `${name}Policy`, {
        description: `Karpenter controller of ${cluster.node.path}: ${name}`,
        statements: statements[name],
      });
      this.role.addManagedPolicy(policy);
      if (site) acknowledgeWildcards(policy, site);
      policies.push(policy);
    }
    this.policies = policies;
    const association = podIdentityAssociation(this, 'Association', eksCluster, identity.namespace, identity.serviceAccount, this.role);

    const system = cluster._systemPlacement();
    const systemValues = system ? { nodeSelector: { 'kubernetes.io/os': 'linux', ...system.nodeSelector }, tolerations: system.tolerations } : {};
    if (system) {
      const placed = deepMerge(systemValues, props.values ?? {});
      const problem = systemPlacementProblem(placed.nodeSelector, placed.tolerations);
      if (problem) {
        throw misuse(this, `the cluster has systemNodes, and Karpenter's values would run it on tenants' nodes (or nodes it manages): ${problem}`,
          'leave nodeSelector and tolerations to the library, or keep its selector and toleration in yours');
      }
    }
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
        // With systemNodes: the chart's top-level `nodeSelector` and `tolerations` (charts/karpenter/values.yaml,
        // aws/karpenter-provider-aws at 0003697d, read 2026-12-07), so the controller never runs on a node it manages
        // (those carry no system label). The chart's own `kubernetes.io/os: linux` selector is kept.
        ...systemValues,
      }, props.values ?? {}),
    }, 'addKarpenter');
    this.chart.node.addDependency(association, this.role);
    cluster._needsFromNodes(CONTRACT, ['eks-auth'], { podIdentity: true }, this.interruptionQueue ? ['settings.interruptionQueue'] : []);

    // The cluster's proxy for the nodes Karpenter launches, as the managed nodegroups get it. AL2023's spec.userData may
    // be "a MIME multi part archive, a NodeConfig YAML / JSON string, or a shell script"; Karpenter makes it a MIME part
    // before its generated NodeConfig (karpenter-provider-aws v1.14.0 website/content/en/docs/concepts/nodeclasses.md
    // lines 1393-1394; pkg/providers/amifamily/bootstrap/nodeadm.go lines 49 and 128-150, read 2026-12-07). cloud-init
    // runs the script before nodeadm's run phase starts containerd and kubelet (nodes/node-proxy.ts, NODE_PROXY_UNITS).
    const proxy = cluster._nodeProxy();
    if (proxy) {
      const generated = nodeNoProxy(this, eksCluster);
      if (typeof generated !== 'function') throw misuse(this, generated.problem, generated.fix);
      this.nodeProxyUserData = ['#!/bin/bash', ...amazonLinuxProxyLines(proxy.url, proxy.noProxy, generated), ''].join('\n');
      const defaultClass = props.defaultNodePool ?? true;
      const script = this.nodeProxyUserData;
      this.node.addValidation({
        validate: () => {
          const tooBig = userDataSizeProblem(Stack.of(this).resolve(script));
          return tooBig ? [`the cluster's proxy in nodeProxyUserData: ${tooBig}.`] : warnNodeClassesWithoutProxy(this, defaultClass);
        },
      });
    }

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
            // Private subnets only; the role also denies launches that ask for a public IP.
            associatePublicIPAddress: false,
            blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '30Gi', volumeType: 'gp3', encrypted: true } }],
            ...(this.nodeProxyUserData ? { userData: this.nodeProxyUserData } : {}),
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

/** The custom resource type of aws-eks-v2's `KubernetesManifest` (k8s-manifest.ts). */
const MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * With the cluster's proxy, the EC2NodeClasses this app shows besides the default one, and whether each gives its
 * nodes the proxy (the drop-in `nodeProxyUserData` writes). The synth-time check counts images reached through the
 * proxy for every node; a node class that does not carry the proxy, or one the app does not show (applied by GitOps,
 * a chart), is named in a warning rather than assumed.
 */
function warnNodeClassesWithoutProxy(k: Karpenter, defaultClass: boolean): string[] {
  const own = `${k.node.path}/DefaultNodePool`;
  const classes = k.node.root.node.findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === MANIFEST_TYPE && !(c.node.path + '/').startsWith(own + '/'))
    // The KubernetesManifest's path: its CustomResource's scope.
    .map(c => ({ path: c.node.scope?.node.scope?.node.path ?? c.node.path, text: manifestText(c) }))
    .filter(c => /EC2NodeClass/.test(c.text));
  const without = classes.filter(c => !c.text.includes('/etc/systemd/system/containerd.service.d/http-proxy.conf'));
  const fix = 'Fix: set spec.userData of the EC2NodeClass (AL2023) to Karpenter.nodeProxyUserData, which Karpenter merges with its NodeConfig; '
    + 'for Bottlerocket, put [settings.network] https-proxy and no-proxy in it. Then acknowledge this warning if the node class is shown nowhere in this app.';
  if (without.length > 0) {
    Annotations.of(k).addWarningV2('cdk-private-eks:karpenterNodeClassProxy',
      `the cluster has a proxy, and the EC2NodeClass in ${without.map(c => c.path).join(', ')} gives its nodes no proxy: containerd and kubelet on `
      + `those nodes pull without it, while the synth-time check counts images reached through the proxy. ${fix}`);
  } else if (!defaultClass && classes.length === 0) {
    Annotations.of(k).addWarningV2('cdk-private-eks:karpenterNodeClassProxy',
      'the cluster has a proxy, and with defaultNodePool false this app shows no EC2NodeClass: nodes Karpenter launches from a node class made '
      + `elsewhere get the proxy only if its spec.userData carries it, while the synth-time check counts images reached through the proxy. ${fix}`);
  }
  return [];
}

/** A manifest custom resource's `Manifest`, resolved, as text ('' when it cannot be read). */
function manifestText(r: CfnResource): string {
  try {
    const props = ((r as any)._cfnProperties ?? {}) as Record<string, unknown>;
    return JSON.stringify(Stack.of(r).resolve(props.Manifest) ?? '');
  } catch {
    return '';
  }
}

/**
 * The Karpenter versions the library's contract holds for, with their sources (read 2026-12-05).
 */
const KARPENTER_VERSIONS = {
  /** karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass, which the default node pool uses. https://karpenter.sh/docs/upgrading/v1-migration/ */
  minimum: '1.0.0',
  /** The newest getting-started policy the controller statements were compared with (v1.14 cloudformation.yaml). */
  policyCheckedThrough: '1.14',
  /** What the example and the README install. */
  recommended: '1.14.0',
};

function versionParts(v: string): number[] {
  return v.split('.').map(Number);
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function checkKarpenterVersion(scope: Construct, version: string) {
  const v = KARPENTER_VERSIONS;
  if (compareVersions(version, v.minimum) < 0) {
    throw misuse(scope, `Karpenter ${version} predates the v1 APIs (karpenter.sh/v1 NodePool) the default node pool and the controller policy are written for`,
      `use ${v.minimum} or later, for example ${v.recommended}`);
  }
  // The isolated-VPC finalizer defect, as a contracts row (>= 1.7.2 and < 1.8.3, read 2026-12-07).
  for (const d of ComponentContracts.versionDefects('karpenter')) {
    if (compareVersions(version, d.from) >= 0 && compareVersions(version, d.fixedIn) < 0) {
      Annotations.of(scope).addWarningV2('cdk-private-eks:karpenterIsolatedVpcFinalizer',
        `Karpenter ${version} ${d.why}: \`cdk destroy\` and a rolled-back first deploy hang on the default NodePool `
        + `(karpenter-provider-aws #8609; fixed by #8617 and its 1.8 backport #8749, first in ${d.fixedIn}, in every later release, and in no 1.7 patch). `
        + `Fix: use ${d.fixedIn} or later (for example ${v.recommended}).`);
    }
  }
  if (compareVersions(version, `${v.policyCheckedThrough}.999`) > 0) {
    Annotations.of(scope).addWarningV2('cdk-private-eks:karpenterPolicyUnchecked',
      `Karpenter ${version} is newer than ${v.policyCheckedThrough}, the last release whose getting-started IAM policy the controller's policies `
      + 'were compared with: a permission the new release needs may be missing. Fix: compare the release\'s upgrade guide with Karpenter.policies, '
      + 'add what is missing to karpenter.role, then acknowledge this warning.');
  }
}

type KarpenterPolicyName = 'NodeLifecycle' | 'IAMIntegration' | 'EKSIntegration' | 'Interruption' | 'ResourceDiscovery';

/** Upstream's policy split (getting-started cloudformation.yaml, 1.9 and later), with the acknowledgement of each. */
const KARPENTER_POLICIES: Array<[KarpenterPolicyName, AcknowledgementSite | undefined]> = [
  ['NodeLifecycle', 'karpenterNodeLifecycle'], ['IAMIntegration', undefined], ['EKSIntegration', undefined],
  ['Interruption', undefined], ['ResourceDiscovery', 'karpenterResourceDiscovery'],
];

/**
 * The controller's permissions, after the getting-started cloudformation.yaml of 1.14 (statement IDs kept), read
 * 2026-12-05:
 * https://github.com/aws/karpenter-provider-aws/blob/main/website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml
 * Upstream is the floor, not the ceiling. Deviations, each with its reason:
 * - The cluster is named by the `eks:eks-cluster-name` tag, not `kubernetes.io/cluster/<name>`: the name is a token,
 *   and a token cannot be part of a condition key without a CfnJson function.
 * - Launches go only into the node subnets and the cluster security group (upstream: any subnet and security group of
 *   the region), IMDSv2 is required and public IPs are denied on launch (explicit denies: a pod that reaches the
 *   controller's credentials cannot start an internet-reachable host with the node role). Keys from the Service
 *   Authorization Reference (list_amazonec2.html): `ec2:MetadataHttpTokens` on the instance resource of RunInstances,
 *   `ec2:AssociatePublicIpAddress` on its network-interface resource; CreateFleet has neither and authorises launch
 *   template resources through RunInstances. The deny of IMDSv1 is the EC2 guide's example
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html, "Require the use of IMDSv2").
 * - Left out: pricing (isolatedVPC: no Price List API), instance profile management (a pre-created profile: IAM has
 *   no endpoint here), zonal shift (opt-in in 1.12, not enabled by the library).
 * 1.11 added placement groups, 1.12 `ec2:DescribeInstanceStatus` (upgrade guide, v1.14): both are here.
 */
function controllerStatements(scope: Construct, cluster: eks.Cluster, nodeRole: iam.IRole, launchSubnets: string[],
  queue?: sqs.IQueue): Record<KarpenterPolicyName, iam.PolicyStatement[]> {
  const stack = Stack.of(scope);
  const ec2Arn = (resource: string, account = '*') => `arn:${Aws.PARTITION}:ec2:${stack.region}:${account}:${resource}`;
  // Karpenter tags what it launches with eks:eks-cluster-name (getting-started policy): the cluster name is the tag's
  // value, so the conditions need no token in a key (and no CfnJson function).
  const clusterTag = { 'aws:RequestTag/eks:eks-cluster-name': cluster.clusterName };
  const resourceTag = { 'aws:ResourceTag/eks:eks-cluster-name': cluster.clusterName };
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(r => ec2Arn(r, Aws.ACCOUNT_ID));
  const nodeLifecycle = [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2Arn('snapshot/*', ''), ec2Arn('capacity-reservation/*'), ec2Arn('placement-group/*')],
    }),
    new iam.PolicyStatement({
      // Deviation (issue 30 item 5): upstream allows any image. The default EC2NodeClass's alias al2023@latest resolves,
      // through SSM, to Amazon's EKS-optimized AMIs; `ec2:Owner` on the image resource of RunInstances and CreateFleet
      // (SAR list_amazonec2.html) takes `amazon` for them (EC2 example policies, "Launch instances from specific AMIs":
      // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html), read 2026-12-07. A node class of
      // yours with its own AMIs needs a statement of yours on the role.
      sid: 'AllowAmazonImages',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2Arn('image/*', '')],
      conditions: { StringEquals: { 'ec2:Owner': 'amazon' } },
    }),
    new iam.PolicyStatement({
      // Deviation: upstream allows security-group/* and subnet/* here. Subnet and security group IDs are unique, so the
      // owner account is left open (subnets shared with RAM belong to the VPC owner).
      sid: 'AllowLaunchIntoClusterSubnetsAndSecurityGroup',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [...launchSubnets.map(id => ec2Arn(`subnet/${id}`)), ec2Arn(`security-group/${cluster.clusterSecurityGroupId}`)],
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
      conditions: {
        'StringEquals': resourceTag,
        'StringLike': { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        // Upstream's guard: a retag may not move the instance to another cluster.
        'StringEqualsIfExists': clusterTag,
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID), ec2Arn('launch-template/*', Aws.ACCOUNT_ID)],
      conditions: { StringEquals: resourceTag, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    }),
    // IMDS on direct launches (read 2026-12-07). EC2 fills `ec2:MetadataHttpTokens` and
    // `ec2:MetadataHttpPutResponseHopLimit` (instance resource of RunInstances, SAR list_amazonec2.html) from the
    // request's MetadataOptions only, not from a referenced launch template (karpenter-provider-aws #9018, PR #9256).
    // Karpenter's EC2NodeClass validation (from v1.3.3: pkg/controllers/nodeclass/validation.go:370-401 @ v1.14.0)
    // dry-runs RunInstances through its launch template with no MetadataOptions. A negated operator (StringNotEquals)
    // is true when the key is absent, and so is any "...IfExists" operator
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html: "If the
    // policy key is present in the context of the request, process the key as specified in the policy. If the key is
    // not present, evaluate the condition element as true"): either form denies the dry run and the node class is never
    // Ready. The shape that holds: deny only when the key is present (`Null: false`, same page, "Condition operator to
    // check for the existence of condition keys") and not `required`; the hop limit with NumericGreaterThan, false
    // when the key is absent. The third deny refuses a launch with neither MetadataOptions nor a launch template (the
    // account default would apply). Real launches go through CreateFleet, which the SAR gives no metadata key: their
    // IMDS settings are the launch template's, written from the EC2NodeClass (IMDSv2, hop limit 1).
    new iam.PolicyStatement({
      sid: 'DenyLaunchWithoutIMDSv2',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID)],
      conditions: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' }, Null: { 'ec2:MetadataHttpTokens': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyLaunchWithHopLimitAboveOne',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID)],
      conditions: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '1' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyLaunchWithoutMetadataOptionsOrLaunchTemplate',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('instance/*', Aws.ACCOUNT_ID)],
      conditions: { Null: { 'ec2:MetadataHttpTokens': 'true', 'ec2:LaunchTemplate': 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyLaunchWithPublicIp',
      effect: iam.Effect.DENY,
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('network-interface/*', Aws.ACCOUNT_ID)],
      conditions: { Bool: { 'ec2:AssociatePublicIpAddress': 'true' } },
    }),
  ];
  return {
    NodeLifecycle: nodeLifecycle,
    IAMIntegration: [new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [nodeRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    })],
    EKSIntegration: [new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      actions: ['eks:DescribeCluster'],
      resources: [cluster.clusterArn],
    })],
    Interruption: queue ? [new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [queue.queueArn],
    })] : [],
    ResourceDiscovery: [
      new iam.PolicyStatement({
        sid: 'AllowRegionalReadActions',
        actions: ['ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
          'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribePlacementGroups',
          'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      }),
      new iam.PolicyStatement({
        sid: 'AllowSSMReadActions',
        actions: ['ssm:GetParameter'],
        resources: [`arn:${Aws.PARTITION}:ssm:${stack.region}::parameter/aws/service/*`],
      }),
      new iam.PolicyStatement({
        sid: 'AllowInstanceProfileReadActions',
        actions: ['iam:GetInstanceProfile'],
        resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`],
      }),
    ],
  };
}
