import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { misuse } from '../core/errors';
import { irsaRole, podIdentityAssociation, podIdentityRole } from '../core/iam';

/**
 * How pods of a service account get AWS credentials.
 */
export enum WorkloadIdentity {
  /**
   * EKS Pod Identity: the `eks-pod-identity-agent` add-on and a pod identity association. The role trusts
   * `pods.eks.amazonaws.com`; no OIDC provider. Nodes call `eks-auth`.
   */
  POD_IDENTITY = 'POD_IDENTITY',
  /**
   * IAM roles for service accounts: the cluster's OIDC provider and a role annotation on the service account.
   * Pods call the regional STS endpoint (`AssumeRoleWithWebIdentity`).
   */
  IRSA = 'IRSA',
}

/**
 * Settings of a service account with an IAM role.
 */
export interface WorkloadServiceAccountOptions {
  /** The service account's name (a DNS label). */
  readonly name: string;

  /**
   * Its namespace, which must exist.
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * How its pods get credentials.
   * @default WorkloadIdentity.POD_IDENTITY
   */
  readonly identity?: WorkloadIdentity;
}

/**
 * Properties of a `WorkloadServiceAccount`.
 */
export interface WorkloadServiceAccountProps extends WorkloadServiceAccountOptions {
  /** The cluster. */
  readonly cluster: eks.Cluster;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * An IAM role for the pods of a Kubernetes service account, with the Pod Identity association or the IRSA trust
 * that hands it to them, and the service account object to apply. Use `PrivateEksCluster.addServiceAccount()`,
 * which also applies the object and adds the endpoint the nodes need.
 */
export class WorkloadServiceAccount extends Construct {
  /** The role the pods assume; grant it what they need. */
  public readonly role: iam.Role;
  /** The service account's name. */
  public readonly serviceAccountName: string;
  /** The service account's namespace. */
  public readonly serviceAccountNamespace: string;
  /** How its pods get credentials. */
  public readonly identity: WorkloadIdentity;
  /** The pod identity association (Pod Identity only). */
  public readonly association?: eks.CfnPodIdentityAssociation;
  /** The Kubernetes ServiceAccount object (with the IRSA role annotation when IRSA). */
  public readonly manifestObject: Record<string, any>;

  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'default';
    for (const [what, value] of [['name', props.name], ['namespace', namespace]]) {
      if (!DNS_LABEL.test(value)) {
        throw misuse(this, `the service account ${what} "${value}" is not a DNS label`, 'use lower-case letters, digits and dashes, at most 63 characters');
      }
    }
    this.serviceAccountName = props.name;
    this.serviceAccountNamespace = namespace;
    this.identity = props.identity ?? WorkloadIdentity.POD_IDENTITY;
    const annotations: Record<string, string> = {};

    if (this.identity === WorkloadIdentity.POD_IDENTITY) {
      this.role = podIdentityRole(this, 'Role', `Pod Identity of ${namespace}/${props.name}`,
        { clusterArn: props.cluster.clusterArn, namespace, serviceAccount: props.name });
      this.association = podIdentityAssociation(this, 'Association', props.cluster, namespace, props.name, this.role);
    } else {
      this.role = irsaRole(this, 'Role', props.cluster, namespace, props.name, `IRSA of ${namespace}/${props.name}`);
      annotations['eks.amazonaws.com/role-arn'] = this.role.roleArn;
      // Regional STS: the VPC's sts endpoint serves it; the global endpoint is outside the VPC.
      annotations['eks.amazonaws.com/sts-regional-endpoints'] = 'true';
    }

    this.manifestObject = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: props.name,
        namespace,
        labels: { 'app.kubernetes.io/name': props.name },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
    };
  }
}
