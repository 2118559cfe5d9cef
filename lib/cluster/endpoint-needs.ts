import { Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterBastion } from '../bastion/bastion';
import { ClusterFeatures } from '../components/private-cluster';
import { ComponentContracts } from '../contracts/component-contracts';
import { EndpointCatalogue } from '../contracts/endpoint-catalogue';
import { locationOf } from '../core/aws-env';
import { NodeEndpoints, NodeEndpointsProps } from '../network/node-endpoints';
import { NetworkPreflight, NetworkPreflightProps } from '../network/preflight';

// What the clients in the node subnets need and how they reach it: the features turned on, the services each part
// needs, the VPC endpoints created for them (`NodeEndpoints`), and what checks them at deploy (the `NetworkPreflight`
// probe, the bastion's `private-eks-doctor`). `PrivateEksCluster` records every need here, whenever a part is added.

/** The endpoint bookkeeping of one `PrivateEksCluster` (its children are created in `scope`). */
export class EndpointNeeds {
  /** The features turned on: the props' and those the parts added since. */
  public features: ClusterFeatures;
  /** Whether something other than the vpc-cni add-on's own role (a default) asked for Pod Identity. */
  public podIdentityRequested: boolean;
  /** The endpoints created here (undefined with `createVpcEndpoints: false`). */
  public endpoints?: NodeEndpoints;
  /** The deploy-time probe (undefined when off). */
  public preflight?: NetworkPreflight;
  /** What the nodes, the bastion and the kubectl handler need from the node subnets: what the probes check. */
  private readonly probeServices: string[] = [];
  /** Of those, what is reached by means this app cannot see (declared, or no endpoint created here). */
  private readonly probeAnyAddress: string[] = [];

  /**
   * `features` are those the user declared, `defaults` those the cluster turns on itself (the vpc-cni's Pod Identity);
   * the client services (`clientServices`) already hold what they need.
   */
  constructor(private readonly scope: Construct, public readonly declaredServices: string[],
    private readonly customerRoutedEgress: boolean, features: ClusterFeatures = {}, defaults: ClusterFeatures = {},
    /** Services a hub VPC serves (`sharedEndpoints`): not created here; probed against the hub's CIDRs. */
    public readonly hubServices: string[] = []) {
    this.features = { ...features, ...defaults };
    this.podIdentityRequested = features.podIdentity === true;
  }

  /**
   * What the clients in the node subnets call: the nodes (and their features) and the bastion. The endpoints and the
   * deploy-time probe both come from this list.
   */
  public clientServices(bastionServices: string[]): string[] {
    return [
      ...EndpointCatalogue.NODE_INTERFACE_SERVICES,
      's3',
      ...EndpointCatalogue.interfaceServicesFor(this.features),
      ...(this.features.irsa && this.customerRoutedEgress ? ['oidc-eks'] : []),
      ...bastionServices,
    ];
  }

  /**
   * The endpoints of the client services (those offered here and not declared) and `additionalEndpoints`, with
   * policies against exfiltration unless `restrictPolicies` is false.
   */
  public createEndpoints(clientServices: string[], additional: string[], restrictPolicies: boolean,
    props: Omit<NodeEndpointsProps, 'services' | 's3Gateway' | 'accountScopedPolicies' | 'restrictS3Policy'>): NodeEndpoints {
    const services = [...new Set(clientServices)]
      .filter(s => s !== 's3' && !this.declaredServices.includes(s) && !this.hubServices.includes(s) && this.offeredHere(s));
    for (const s of additional) {
      if (!services.includes(s)) services.push(s);
    }
    this.endpoints = new NodeEndpoints(this.scope, 'Endpoints', {
      ...props,
      services,
      s3Gateway: !this.declaredServices.includes('s3'),
      accountScopedPolicies: restrictPolicies,
      restrictS3Policy: restrictPolicies && !this.declaredServices.includes('s3'),
    });
    return this.endpoints;
  }

  /** Records the client services for the deploy-time probe and the bastion's doctor. */
  public recordClientServices(clientServices: string[]) {
    clientServices.forEach(s => this.needFromNodeSubnets(s));
  }

  /** The deploy-time probe of what the clients need, after the endpoints it probes. */
  public createPreflight(props: Omit<NetworkPreflightProps, 'services' | 'anyAddressServices'>): NetworkPreflight {
    this.preflight = new NetworkPreflight(this.scope, 'Preflight', {
      ...props,
      services: [...this.probeServices],
      anyAddressServices: [...this.probeAnyAddress],
    });
    // It probes the endpoints this construct creates.
    if (this.endpoints) this.preflight.node.addDependency(this.endpoints);
    return this.preflight;
  }

  /** The same probe for people: `private-eks-doctor` on the bastion, for what the nodes need here (read at synth). */
  public doctorCommands(bastion: ClusterBastion, vpcCidrs: string[]): string[] {
    return NetworkPreflight.doctorCommands(bastion, {
      services: Lazy.list({ produce: () => this.probeServices }),
      anyAddressServices: Lazy.list({ produce: () => this.probeAnyAddress }),
      vpcCidrs,
    });
  }

  /** Features and the services a part needs from the node subnets: recorded, and their endpoints created. */
  public add(features: ClusterFeatures, services: string[]) {
    this.addFeatures(features);
    if (features.podIdentity) this.podIdentityRequested = true;
    services.filter(sv => sv !== 's3').forEach(sv => this.addFeatureEndpoint(sv));
  }

  /**
   * What a component installed on the nodes needs: the services of its contract (those with no condition, and those
   * whose `set:<path>` condition names one of `setValues`), further services, and features.
   */
  public addComponent(contract: string, services: string[], features: ClusterFeatures, setValues: string[]) {
    const own = ComponentContracts.servicesOf(contract, setValues.map(v => `set:${v}`)).map(sv => sv.service);
    this.add(features, [...new Set([...own, ...services])]);
  }

  /**
   * Turns features on. IRSA with customer-routed control-plane egress also needs the `oidc-eks` endpoint: the API server
   * then fetches the OIDC discovery document through the cluster subnets (control-plane-egress.html).
   */
  private addFeatures(features: ClusterFeatures) {
    this.features = { ...this.features, ...features };
    if (this.features.irsa && this.customerRoutedEgress) this.addFeatureEndpoint('oidc-eks');
  }

  /** A service the clients need: probed, and its endpoint created (unless declared or not offered here). */
  public addFeatureEndpoint(service: string) {
    this.needFromNodeSubnets(service);
    // addInterfaceEndpoint returns the existing endpoint for a service added before.
    if (this.endpoints && !this.declaredServices.includes(service) && !this.hubServices.includes(service) && this.offeredHere(service)) {
      this.endpoints.addInterfaceEndpoint(service);
    }
  }

  /**
   * Whether the stack's region offers a service through PrivateLink (unknown regions: yes). What it does not offer is
   * not created; the synth-time checks then report the clients that need it (PEKS-REGION-1).
   */
  private offeredHere(service: string): boolean {
    const l = locationOf(this.scope);
    return !l.regionKnown || EndpointCatalogue.offeredIn(service, l.region);
  }

  /** Records a service the clients in the node subnets need, for the deploy-time probe and the bastion's doctor. */
  private needFromNodeSubnets(service: string) {
    if (!this.offeredHere(service)) return;
    // An endpoint this construct creates must answer inside the VPC; anything else may be reached another way.
    const anyAddress = this.declaredServices.includes(service) || (service !== 's3' && !this.endpoints && !this.hubServices.includes(service));
    if (!this.probeServices.includes(service)) this.probeServices.push(service);
    if (anyAddress && !this.probeAnyAddress.includes(service)) this.probeAnyAddress.push(service);
    this.preflight?.addService(service, anyAddress);
  }
}
