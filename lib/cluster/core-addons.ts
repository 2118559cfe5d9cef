import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from '../core/acknowledgements';
import { podIdentityRole } from '../core/iam';

// The cluster's core EKS managed add-ons (vpc-cni, kube-proxy, coredns), the vpc-cni's own role through EKS Pod
// Identity with the agent it needs, and what of them the nodes wait for.

/** The add-ons EKS bootstraps itself unless they are managed (`coreAddons`). */
export const CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns'];

/** The core add-ons of one cluster (empty until `create`; their children are created in `scope`). */
export class CoreAddons {
  /** The add-ons, in CORE_ADDONS order. */
  public readonly addons: eks.Addon[] = [];
  /** coredns runs on nodes: it waits for the first nodegroup instead of the nodes waiting for it. */
  public coredns?: eks.Addon;
  /** The Pod Identity agent the vpc-cni's role needs (aws-node gets its credentials from it). */
  private podIdentityAgent?: eks.IAddon;

  constructor(private readonly scope: Construct, private readonly cluster: eks.Cluster) {}

  /** Creates vpc-cni, kube-proxy and coredns as EKS managed add-ons. */
  public create() {
    for (const name of CORE_ADDONS) {
      const addon = new eks.Addon(this.scope, `Addon-${name}`, { cluster: this.cluster, addonName: name });
      this.addons.push(addon);
      if (name === 'coredns') this.coredns = addon;
    }
  }

  /**
   * The vpc-cni add-on's own role (AmazonEKS_CNI_Policy) through the add-on's Pod Identity association, with the agent
   * in place first; the node role changes only after the add-on has its role (on an update, the policy leaves the node
   * role after aws-node has another source of credentials).
   */
  public giveVpcCniItsRole(nodeRole: iam.Role): iam.Role {
    const cni = this.addons.find(a => a.node.id === 'Addon-vpc-cni')!;
    const role = podIdentityRole(this.scope, 'VpcCniRole', `Pod Identity of the vpc-cni add-on (kube-system/aws-node) of ${this.scope.node.path}`,
      { clusterArn: this.cluster.clusterArn, namespace: 'kube-system', serviceAccount: 'aws-node' },
      [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy')]);
    acknowledgeFindings(role, 'addonRole', { policy: 'AmazonEKS_CNI_Policy' });
    (cni.node.defaultChild as eks.CfnAddon).podIdentityAssociations = [{ serviceAccount: 'aws-node', roleArn: role.roleArn }];
    const agent = this.cluster.eksPodIdentityAgent;
    if (agent) {
      cni.node.addDependency(agent);
      this.podIdentityAgent = agent;
    }
    nodeRole.node.addDependency(cni);
    return role;
  }

  /**
   * Runs coredns on the system nodes (`systemNodes`): the add-on's configuration schema takes `nodeSelector` and
   * `tolerations` (https://aws.amazon.com/blogs/containers/amazon-eks-add-ons-advanced-configuration/, and
   * `aws eks describe-addon-configuration --addon-name coredns`; read 2026-12-07).
   */
  public placeCoredns(placement: { nodeSelector: { [key: string]: string }; tolerations: object[] }) {
    if (!this.coredns) return;
    (this.coredns.node.defaultChild as eks.CfnAddon).configurationValues = JSON.stringify({
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
    });
  }

  /** Makes a nodegroup boot after the managed CNI and kube-proxy (and the agent that gives aws-node its credentials). */
  public orderBefore(nodegroup: IConstruct) {
    // The managed CNI and kube-proxy are in place before the first node registers.
    for (const addon of this.addons) {
      if (addon !== this.coredns) nodegroup.node.addDependency(addon);
    }
    // aws-node gets its credentials from the Pod Identity agent on the same node.
    if (this.podIdentityAgent) nodegroup.node.addDependency(this.podIdentityAgent);
  }
}
