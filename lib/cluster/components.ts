import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { CORE_ADDONS } from './core-addons';
import { EndpointNeeds } from './endpoint-needs';
import { ClusterAddon, ClusterAddonOptions } from '../components/cluster-addon';
import { acknowledgeFindings } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { WorkloadIdentity } from '../nodes/workload-identity';

// The components `PrivateEksCluster` installs on request (EKS managed add-ons, the load balancer controller,
// Karpenter): each created whole or not at all, with what its contract needs from the node subnets.

/** Creates a child of `scope`; on a misuse error nothing of it stays in the tree. */
export function createOrNothing<T extends Construct>(scope: Construct, id: string, create: (id: string) => T): T {
  try {
    return create(id);
  } catch (e) {
    scope.node.tryRemoveChild(id);
    throw e;
  }
}

/** What an add-on is added to: the L3 (`owner`, named in errors from `entry`), its cluster and bookkeeping. */
export interface AddonHost {
  readonly owner: Construct;
  readonly cluster: eks.Cluster;
  /** Whether the core add-ons are managed by the cluster already. */
  readonly hasCoreAddons: boolean;
  readonly needs: EndpointNeeds;
  readonly afterFirstNodegroup: (c: Construct) => void;
}

/**
 * An EKS managed add-on with what its contract names: its role, its features and endpoints; after the endpoints and
 * the first nodegroup.
 */
export function addManagedAddon(host: AddonHost, name: string, options: ClusterAddonOptions, entry: (...args: any[]) => any): ClusterAddon {
  const { owner, cluster, needs } = host;
  if (name === 'eks-pod-identity-agent' && cluster.node.tryFindChild('EksPodIdentityAgentAddon')) {
    throw misuse(owner, 'the eks-pod-identity-agent add-on exists already (the vpc-cni role and Pod Identity service accounts create it)',
      'leave it out; it is cluster.cluster.eksPodIdentityAgent', entry);
  }
  if (host.hasCoreAddons && CORE_ADDONS.includes(name)) {
    throw misuse(owner, `the ${name} add-on is created by this cluster already (coreAddons)`, `set coreAddons: false to manage ${name} yourself, or leave it to the cluster`, entry);
  }
  const addon = createOrNothing(owner, `Addon-${name}`, id => new ClusterAddon(owner, id, { ...options, cluster, addonName: name }));
  const identity = addon.identity === WorkloadIdentity.POD_IDENTITY ? { podIdentity: true }
    : addon.identity === WorkloadIdentity.IRSA ? { irsa: true } : {};
  needs.add(identity, addon.services);
  if (addon.role) {
    for (const policy of addon.contract?.identity?.managedPolicies ?? []) acknowledgeFindings(addon.role, 'addonRole', { policy });
  }
  if (needs.endpoints) addon.node.addDependency(needs.endpoints);
  host.afterFirstNodegroup(addon);
  return addon;
}
