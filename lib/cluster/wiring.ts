import { Annotations, AspectPriority, Aspects, CfnOutput, IAspect, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { ClusterLogs } from './control-plane';
import { EndpointNeeds } from './endpoint-needs';
import { Placement } from './placement';
import { AddNodegroupOptions, PrivateEksClusterProps } from './props';
import { ApiRelay } from '../access/api-relay';
import { BastionAccess, BastionOptions, ClusterBastion } from '../bastion/bastion';
import { misuse } from '../core/errors';
import { NetworkPreflight } from '../network/preflight';
import { PrivateNodegroup } from '../nodes/private-nodegroup';

// Pieces of `PrivateEksCluster`'s wiring that need only what they are given: the bastion, the default nodegroup, the
// outputs.

/**
 * The bastion (`bastionOptions`, in the placement's bastion subnets), with its Session Manager log (SSM access) under
 * the cluster's logs key and retention, created after the endpoints it boots through and the probe (`needs`), and
 * with `private-eks-doctor` for what the nodes need in the VPC's CIDR blocks.
 */
export function addBastion(scope: Construct, props: PrivateEksClusterProps, placement: Placement, cluster: eks.Cluster,
  logSettings: ClusterLogs, needs: EndpointNeeds, vpcCidrs: string[]): ClusterBastion {
  const options: BastionOptions = props.bastionOptions ?? {};
  const sessionLogging = placement.bastionAccess === BastionAccess.SSM && (options.sessionLogging ?? true);
  const bastion = new ClusterBastion(scope, 'Bastion', {
    sessionLogKey: sessionLogging ? logSettings.logsEncryptionKey() : undefined,
    sessionLogRetention: sessionLogging ? logSettings.logRetention : undefined,
    ...props.bastionOptions,
    subnets: placement.bastionSubnets,
    cluster,
    kubectlLayer: props.kubectlLayer,
    // HTTPS to what the bastion calls only: the VPC's blocks and the hub's (not every address).
    httpsCidrs: vpcCidrs,
  });
  // At first boot the bastion registers with SSM and downloads kubectl through the endpoints.
  if (needs.endpoints) bastion.node.addDependency(needs.endpoints);
  if (needs.preflight) bastion.node.addDependency(needs.preflight);
  // The same probe for people: `private-eks-doctor` on the bastion, for what the nodes need here.
  bastion.instance.addUserData(...needs.doctorCommands(bastion, vpcCidrs));
  return bastion;
}


/**
 * The default managed nodegroup (`createDefaultNodegroup`, `defaultNodegroup`), added with `add` (the L3's
 * `addNodegroup`): SSH to it is admitted from the bastion.
 */
export function addDefaultNodegroup(scope: Construct, props: PrivateEksClusterProps, bastion: ClusterBastion | undefined,
  add: (id: string, options: AddNodegroupOptions) => PrivateNodegroup): eks.Nodegroup | undefined {
  if (!(props.createDefaultNodegroup ?? true)) {
    if (props.defaultNodegroup) {
      throw misuse(scope, '`defaultNodegroup` settings were given with createDefaultNodegroup: false',
        'remove `defaultNodegroup`, or set createDefaultNodegroup to true');
    }
    return undefined;
  }
  const nodes = add('DefaultNodegroup', {
    ...props.defaultNodegroup,
    sshSourceSecurityGroups: props.defaultNodegroup?.sshKeyPair && bastion ? [bastion.securityGroup] : undefined,
  });
  if (props.defaultNodegroup?.sshKeyPair && !bastion) {
    Annotations.of(nodes).addWarningV2('cdk-private-eks:nodeSshWithoutSource',
      'The nodes get an SSH key, but no bastion exists to admit port 22 from. Fix: admit port 22 on the cluster security '
      + 'group from where you connect (`cluster.connections.allowFrom(peer, ec2.Port.tcp(22))`), or enable the bastion.');
  }
  return nodes.nodegroup;
}

/** The outputs an operator needs after a deploy: the cluster name, the kubeconfig command, how to reach the bastion. */
export function addClusterOutputs(scope: Construct, cluster: eks.Cluster, bastion?: ClusterBastion): void {
  const region = Stack.of(scope).region;
  new CfnOutput(scope, 'ClusterName', {
    description: 'EKS cluster name',
    value: cluster.clusterName,
  });
  // True for the endpoint access chosen: a private-only endpoint answers inside the VPC (and networks routed to it)
  // only, so from a laptop the command writes a kubeconfig that times out; the tunnel is an ApiRelay's (lib/access).
  const vpcConfig = Stack.of(scope).resolve((cluster.node.defaultChild as eks.CfnCluster | undefined)?.resourcesVpcConfig);
  const publicEndpoint = vpcConfig?.endpointPublicAccess === true;
  new CfnOutput(scope, 'UpdateKubeconfigCommand', {
    description: publicEndpoint
      ? `Writes a kubeconfig for this cluster: the API endpoint is public (from the CIDRs it allows)${vpcConfig?.endpointPrivateAccess === true ? ' and private (inside the VPC)' : ''}`
      : 'From inside the VPC only (the API endpoint is private; the bastion has a kubeconfig already): writes a kubeconfig for this cluster. From a laptop, use an ApiRelay and its KubeconfigCommand output (docs/access-and-ci.md)',
    value: `aws eks update-kubeconfig --name ${cluster.clusterName} --region ${region}`,
  });
  if (bastion) {
    new CfnOutput(scope, 'BastionStartSessionCommand', {
      description: 'Opens a shell on the bastion through SSM Session Manager; kubectl is configured there',
      value: bastion.startSessionCommand,
    });
    if (bastion.access === BastionAccess.SSH) {
      new CfnOutput(scope, 'BastionSshCommand', {
        description: 'SSH to the bastion with the key pair you configured',
        value: `ssh -i <your-key>.pem ec2-user@${bastion.instance.instancePublicIp}`,
      });
    }
  }
}

/**
 * Every `ApiRelay` of `cluster` in the preflight's stack, however late it is added, gets the preflight's probe of the API
 * endpoint from its subnet with its security group (and of the Session Manager services it calls, where the preflight
 * probes them), and its instance boots after that check.
 */
export function proveRelayPaths(cluster: eks.Cluster, preflight: NetworkPreflight) {
  Aspects.of(cluster.node.root).add(new RelayPathProof(cluster, preflight), { priority: AspectPriority.MUTATING });
}

class RelayPathProof implements IAspect {
  private readonly done = new Set<ApiRelay>();
  constructor(private readonly cluster: eks.Cluster, private readonly preflight: NetworkPreflight) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof ApiRelay) || node.cluster !== this.cluster || this.done.has(node)) return;
    // A relay in another stack is not probed (addApiEndpointCheck refuses it); such a relay does not synthesize today
    // anyway (its rule on the cluster security group and the cluster's references make a cycle between the stacks).
    if (Stack.of(node) !== Stack.of(this.preflight)) return;
    this.done.add(node);
    const checks = this.preflight.addApiEndpointCheck(node, 'Preflight', {
      endpointHost: node.endpointHost,
      subnets: [node.subnet],
      securityGroups: [node.securityGroup],
      services: node.requiredServices,
    });
    // The cluster security group's rule that admits the relay is what the probe proves: created first.
    const relayGroup = Stack.of(node).resolve(node.securityGroup.securityGroupId);
    const admits = Stack.of(node).node.findAll().filter(c => c instanceof ec2.CfnSecurityGroupIngress
      && JSON.stringify(Stack.of(node).resolve(c.sourceSecurityGroupId)) === JSON.stringify(relayGroup));
    for (const check of checks) admits.forEach(a => check.node.addDependency(a));
    node.instance.node.addDependency(...checks);
  }
}
