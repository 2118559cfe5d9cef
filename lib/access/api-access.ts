/**
 * The EKS access policy a person, a team or a pipeline gets in the cluster. There is no default: each access entry
 * names its policy.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export enum ApiAccessPolicy {
  /** `AmazonEKSViewPolicy`: read most objects, no secrets, no changes. */
  VIEW = 'AmazonEKSViewPolicy',
  /** `AmazonEKSEditPolicy`: change most objects (no roles or role bindings). */
  EDIT = 'AmazonEKSEditPolicy',
  /** `AmazonEKSAdminPolicy`: most objects, roles and role bindings included, in the namespaces of the scope. */
  ADMIN = 'AmazonEKSAdminPolicy',
  /** `AmazonEKSClusterAdminPolicy`: everything, on the whole cluster (break-glass). */
  CLUSTER_ADMIN = 'AmazonEKSClusterAdminPolicy',
}

/** What an access entry lets its principal do in the cluster. */
export interface ApiAccessOptions {
  /** The EKS access policy. Required: there is no default access. */
  readonly accessPolicy: ApiAccessPolicy;
  /**
   * The namespaces the policy applies in (a trailing `*` is a prefix). Not with `CLUSTER_ADMIN`, which is cluster-wide.
   * @default - the whole cluster
   */
  readonly namespaces?: string[];
}
