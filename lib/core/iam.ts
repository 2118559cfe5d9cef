import { CfnJson } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeCfnJsonProvider } from './acknowledgements';

/**
 * A role's own customer managed policy (`<role>/Policy`), attached to it on first use: the library's roles carry their
 * statements there rather than in an inline `AWS::IAM::Policy` (NIST 800-53 R5 / HIPAA IAMNoInlinePolicy), so a
 * reviewer finds each role's permissions as one named, versioned policy.
 */
export function ownPolicy(role: iam.Role): iam.ManagedPolicy {
  const existing = role.node.tryFindChild('Policy');
  if (existing instanceof iam.ManagedPolicy) return existing;
  const policy = new iam.ManagedPolicy(role, 'Policy', { description: `Permissions of ${role.node.path}` });
  role.addManagedPolicy(policy);
  return policy;
}

/** Adds statements to a role's own managed policy. */
export function allow(role: iam.Role, ...statements: iam.PolicyStatement[]): void {
  ownPolicy(role).addStatements(...statements);
}

/** A role for a service whose grants (made by aws-cdk-lib) go nowhere: its permissions are added with `allow`. */
export function serviceRole(scope: Construct, id: string, service: string, description: string): { role: iam.Role; immutable: iam.IRole } {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal(service), description });
  return { role, immutable: role.withoutPolicyUpdates() };
}

/** Which service account of which cluster may assume a Pod Identity role. */
export interface PodIdentitySubject {
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * A role for a Kubernetes service account through EKS Pod Identity: trusted by `pods.eks.amazonaws.com` with session
 * tags, for that one cluster, namespace and service account only (the session tags EKS Pod Identity sets, as the EKS
 * guide's conditioned trust policy uses them: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html, read
 * 2026-12-05). Without them any association in the account could hand the role to any pod.
 */
export function podIdentityRole(scope: Construct, id: string, description: string, subject: PodIdentitySubject,
  managedPolicies?: iam.IManagedPolicy[]): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com').withConditions({
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': subject.clusterArn,
        'aws:RequestTag/kubernetes-namespace': subject.namespace,
        'aws:RequestTag/kubernetes-service-account': subject.serviceAccount,
      },
    })),
    description,
    managedPolicies,
  });
}

/**
 * A role for a Kubernetes service account through IRSA: trusted by the cluster's OIDC provider for that one service
 * account. The condition keys hold the provider's issuer, a token: `<scope>/TrustConditions` (aws-cdk-lib's CfnJson)
 * renders them at deploy time.
 */
export function irsaRole(scope: Construct, id: string, cluster: eks.Cluster, namespace: string, serviceAccount: string,
  description: string, managedPolicies?: iam.IManagedPolicy[]): iam.Role {
  const provider = cluster.openIdConnectProvider;
  const conditions = new CfnJson(scope, 'TrustConditions', {
    value: {
      [`${provider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com',
      [`${provider.openIdConnectProviderIssuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
    },
  });
  // The stack's CfnJson provider function this creates (the one finding a scanner reports on it: cfn-guard's
  // lambda_inside_vpc_check), for every IRSA role: service accounts, add-ons, the Load Balancer Controller.
  acknowledgeCfnJsonProvider(scope);
  return new iam.Role(scope, id, {
    assumedBy: new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, { StringEquals: conditions }),
    description,
    managedPolicies,
  });
}

/** A Pod Identity association of a service account with a role, made after the cluster's agent add-on. */
export function podIdentityAssociation(scope: Construct, id: string, cluster: eks.Cluster, namespace: string, serviceAccount: string,
  role: iam.IRole): eks.CfnPodIdentityAssociation {
  const association = new eks.CfnPodIdentityAssociation(scope, id, {
    clusterName: cluster.clusterName, namespace, serviceAccount, roleArn: role.roleArn,
  });
  // The agent add-on, once per cluster (aws-eks-v2 keeps it on the cluster).
  const agent = cluster.eksPodIdentityAgent;
  if (agent) association.node.addDependency(agent);
  return association;
}

/**
 * The Session Manager agent's own calls, as a managed policy on an instance role (the bastion, the API relay): the
 * Session Manager guide's custom instance profile without S3 or KMS (getting-started-create-iam-instance-profile.html,
 * read 2026-12-05 and 2026-12-07). As the guide writes it, on `*`: the agent registers its own instance, which does
 * not exist yet when the role is created, and the channel actions take no resource ARN.
 */
export function sessionManagerAgentPolicy(role: iam.Role, ownerPath: string): iam.ManagedPolicy {
  const policy = new iam.ManagedPolicy(role, 'SessionManagerPolicy', {
    description: `Session Manager for ${ownerPath}: register the instance, open session channels`,
    statements: [new iam.PolicyStatement({
      sid: 'SessionManagerAgent',
      actions: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      resources: ['*'],
    })],
  });
  role.addManagedPolicy(policy);
  return policy;
}
