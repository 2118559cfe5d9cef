/**
 * A VPC built elsewhere, with its endpoints already in place: a network team's stack owns the VPC and the
 * endpoints, and the cluster stack only uses them (`createVpcEndpoints: false`).
 *
 * The network stack uses the library's small constructs on their own: `PrivateNetwork` for the VPC and
 * `NodeEndpoints` for the endpoints the nodes and an SSM bastion need, plus `logs` for log shipping.
 *
 *   npx cdk synth -a "npx ts-node --transpile-only -P examples/tsconfig.json examples/existing-vpc/app.ts"
 */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { EndpointCatalogue, NodeEndpoints, PrivateEksCluster, PrivateNetwork } from '../../lib';

export class SharedNetworkStack extends Stack {
  public readonly vpc: ec2.IVpc;
  public readonly endpoints: NodeEndpoints;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const network = new PrivateNetwork(this, 'Network', { cidr: '10.20.0.0/16' });
    this.vpc = network.vpc;
    this.endpoints = new NodeEndpoints(this, 'Endpoints', {
      vpc: this.vpc,
      // Pod Identity: the cluster's vpc-cni add-on gets its role through it (eks-auth), as do pods.
      services: [...EndpointCatalogue.interfaceServicesFor({ ssmBastion: true, logShipping: true, podIdentity: true })],
    });
  }
}

export interface ClusterStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

export class ClusterStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      vpc: props.vpc,
      createVpcEndpoints: false,
    });
  }
}

export function build(app: App): Stack[] {
  // The cluster stack imports the VPC and subnets from the network stack: keep the exports protected.
  if (app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') === undefined) {
    app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  }
  const network = new SharedNetworkStack(app, 'SharedNetwork');
  const cluster = new ClusterStack(app, 'ExistingVpcEks', { vpc: network.vpc });
  return [network, cluster];
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
