import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PrivateEksClusterProps } from './props';
import { checkPrivateAccessSubnets, ClusterSettings } from './props-checks';
import { BastionAccess } from '../bastion/bastion';
import { misuse } from '../core/errors';
import { placeholderSafeSelection } from '../core/lookups';
import { defaultBastionSubnets, defaultPrivateSelection } from '../core/subnets';
import { PrivateNetwork } from '../network/network';

// Where a `PrivateEksCluster` runs: its VPC (yours, or a new `PrivateNetwork`), the node subnets and the cluster
// subnets (checked against the VPC and the API endpoint's access), and the bastion's subnets.

/** The VPC and the subnets the cluster's parts go to. */
export interface Placement {
  readonly vpc: ec2.IVpc;
  /** The network created here, when no VPC was given. */
  readonly network?: PrivateNetwork;
  readonly nodeSubnets: ec2.SubnetSelection;
  readonly bastionAccess: BastionAccess;
  /** The bastion's subnets (undefined without a bastion). */
  readonly bastionSubnets?: ec2.SubnetSelection;
}

/** Creates the network unless a VPC is given, and selects and checks the subnets. */
export function placeInVpc(scope: Construct, props: PrivateEksClusterProps, settings: ClusterSettings): Placement {
  let vpc: ec2.IVpc;
  let network: PrivateNetwork | undefined;
  if (props.vpc) {
    vpc = props.vpc;
  } else {
    // An SSH bastion needs a public subnet; everything else runs with no route to the internet.
    const ssh = props.bastionOptions?.access === BastionAccess.SSH && settings.withBastion;
    network = new PrivateNetwork(scope, 'Network', { ...props.network, publicSubnets: props.network?.publicSubnets ?? (ssh ? true : undefined) });
    vpc = network.vpc;
  }

  // Until a VPC lookup is answered, a selection of the real VPC may match nothing of the placeholder.
  const nodeSubnets = placeholderSafeSelection(vpc, props.nodeSubnets ?? defaultPrivateSelection(vpc), defaultPrivateSelection(vpc));
  let selectedNodeSubnets: ec2.SelectedSubnets;
  try {
    selectedNodeSubnets = vpc.selectSubnets(nodeSubnets);
  } catch (e) {
    throw misuse(scope, `nodeSubnets cannot be selected in the VPC: ${(e as Error).message}`,
      'pass `nodeSubnets` that name subnets of the VPC (subnetGroupName, subnetType or subnets)');
  }
  if (selectedNodeSubnets.subnets.length === 0 && !selectedNodeSubnets.isPendingLookup) {
    throw misuse(scope, props.nodeSubnets
      ? 'nodeSubnets matches no subnet of the VPC'
      : 'the VPC has no private subnets (isolated or with egress) for the nodes',
    'pass `nodeSubnets` that select the subnets the nodes should run in');
  }
  // The cluster's subnets (clusterSubnets, else the node subnets) need private ones when the endpoint is private-only;
  // nodes alone may run in public subnets and use the private endpoint.
  if (!props.clusterSubnets) checkPrivateAccessSubnets(scope, settings.endpointAccess, vpc, 'nodeSubnets (also the cluster subnets: no clusterSubnets given)', selectedNodeSubnets);
  if (props.clusterSubnets) {
    let selected: ec2.SelectedSubnets;
    try {
      selected = vpc.selectSubnets(props.clusterSubnets);
    } catch (e) {
      throw misuse(scope, `clusterSubnets cannot be selected in the VPC: ${(e as Error).message}`, 'pass `clusterSubnets` that name subnets of the VPC');
    }
    checkPrivateAccessSubnets(scope, settings.endpointAccess, vpc, 'clusterSubnets', selected);
  }

  const bastionAccess = props.bastionOptions?.access ?? BastionAccess.SSM;
  const bastionSubnets = settings.withBastion
    ? props.bastionOptions?.subnets ?? defaultBastionSubnets(bastionAccess === BastionAccess.SSH, nodeSubnets)
    : undefined;
  return { vpc, network, nodeSubnets, bastionAccess, bastionSubnets };
}
