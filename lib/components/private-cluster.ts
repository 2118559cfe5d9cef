import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';

/**
 * Cluster features that need VPC endpoints when the nodes have no internet route.
 */
export interface ClusterFeatures {
  /**
   * Pods use IAM roles for service accounts: they call STS, so the nodes need the `sts` endpoint.
   * Detected when the cluster has an OIDC provider.
   * @default false
   */
  readonly irsa?: boolean;
  /**
   * Pods use EKS Pod Identity: the agent calls `eks-auth`, so the nodes need that endpoint.
   * Detected from pod identity associations and the `eks-pod-identity-agent` add-on of the cluster.
   * @default false
   */
  readonly podIdentity?: boolean;
  /**
   * The nodes ship logs to CloudWatch Logs (Fluent Bit, CloudWatch agent): they need the `logs` endpoint.
   * @default false
   */
  readonly logShipping?: boolean;
}

/**
 * What add-ons and controllers use of the private cluster they are installed in. `PrivateEksCluster` implements it;
 * the components depend on this interface, not on the L3 class (which creates them).
 */
export interface IPrivateEksCluster extends IConstruct {
  /** The aws-eks-v2 cluster. */
  readonly cluster: eks.Cluster;
  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets the nodes run in. */
  readonly nodeSubnets: ec2.SubnetSelection;
  /** Whether the nodes' role carries AmazonEKS_CNI_Policy (no vpc-cni role of its own). */
  readonly nodeRoleCniPolicy: boolean;
}
