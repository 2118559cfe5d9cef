import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

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
