import { AspectPriority, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { CoreAddons } from './core-addons';
import { EndpointNeeds } from './endpoint-needs';
import { key, rawList } from '../check/tree-facts';

// The order between a cluster's nodes and the rest: every managed nodegroup of the cluster, however it was added,
// boots after the endpoints, the deploy-time probe and the core add-ons; what runs as pods (coredns, add-ons, Helm
// charts) waits for the first nodegroup.

/** The order between the nodes of one cluster and what they need or what needs them. */
export class NodeOrder {
  private firstNodegroup?: Construct;
  private readonly waitingForNodes: Construct[] = [];

  constructor(private readonly needs: EndpointNeeds, private readonly coreAddons: CoreAddons) {}

  /** Makes every `AWS::EKS::Nodegroup` of `cluster` in the app (a construct of this library or not) boot after what nodes need. */
  public orderEveryNodegroup(cluster: eks.Cluster) {
    Aspects.of(cluster.node.root).add(new NodegroupOrdering(cluster, this), { priority: AspectPriority.MUTATING });
  }

  /** Whether the cluster takes services from a hub (`sharedEndpoints`). */
  public get takesFromHub(): boolean {
    return this.needs.hubServices.length > 0;
  }

  /** Makes a nodegroup (construct or L1) boot after the endpoints and the CNI and kube-proxy add-ons. */
  public orderNodegroup(nodegroup: IConstruct) {
    // Nodes that boot before the endpoints exist cannot reach EC2 or ECR and never join.
    if (this.needs.endpoints) nodegroup.node.addDependency(this.needs.endpoints);
    // Where synth cannot see the network, the probe fails the stack before a nodegroup waits half an hour.
    if (this.needs.preflight) nodegroup.node.addDependency(this.needs.preflight);
    this.coreAddons.orderBefore(nodegroup);
  }

  /** A nodegroup added: the first one releases coredns and what waited for nodes. */
  public nodegroupAdded(nodes: Construct) {
    this.orderNodegroup(nodes);
    // coredns and other add-ons run on nodes: they become ACTIVE only once some exist.
    if (this.firstNodegroup) return;
    this.firstNodegroup = nodes;
    if (this.coreAddons.coredns) this.coreAddons.coredns.node.addDependency(nodes);
    this.waitingForNodes.forEach(c => c.node.addDependency(nodes));
  }

  /** Pods need nodes: created after the first nodegroup (now, or when it is added). */
  public afterFirstNodegroup(c: Construct) {
    if (this.firstNodegroup) c.node.addDependency(this.firstNodegroup);
    else this.waitingForNodes.push(c);
  }
}

/** Orders every `AWS::EKS::Nodegroup` of one cluster after its endpoints and core add-ons. */
class NodegroupOrdering implements IAspect {
  /** Each stack's private hosted zones associated with the cluster's VPC, read once per stack. */
  private readonly zonesByStack = new Map<Stack, route53.CfnHostedZone[]>();

  constructor(private readonly cluster: eks.Cluster, private readonly order: NodeOrder) {}

  /** The stack's private hosted zones that answer in the cluster's VPC. */
  private vpcZonesOf(stack: Stack): route53.CfnHostedZone[] {
    let zones = this.zonesByStack.get(stack);
    if (!zones) {
      const vpcKey = key(this.cluster.vpc.vpcId);
      // The L2 renders its VPCs lazily (addVpc): read as the check reads them.
      zones = stack.node.findAll().filter((c): c is route53.CfnHostedZone => c instanceof route53.CfnHostedZone
        && rawList(c.vpcs).some(v => key((v as { vpcId?: unknown } | undefined)?.vpcId) === vpcKey));
      this.zonesByStack.set(stack, zones);
    }
    return zones;
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof eks.CfnNodegroup)) return;
    if (key(node.clusterName) !== key(this.cluster.clusterName)) return;
    // The coredns add-on waits for the first nodegroup; a nodegroup never waits for coredns.
    this.order.orderNodegroup(node);
    // A hub's private hosted zones in this stack answer the names the nodes call the shared services by: created before
    // the nodes boot. Across stacks the stacks' order decides, which the check proves (PEKS-HUB-12).
    if (this.order.takesFromHub) {
      for (const zone of this.vpcZonesOf(Stack.of(node))) node.node.addDependency(zone);
    }
  }
}
