import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What `NodeEndpoints` and `EndpointHub` build the same way: construct IDs of endpoints and zones, and the endpoint
 * policy that admits only some principals.
 */

/** Construct ID of a service's endpoint or a zone: "ecr.api" -> "EcrApi", "*.dkr.ecr" -> "DkrEcr". IDs are public API. */
export function endpointId(name: string): string {
  return name.split(/[.*-]/).filter(p => p.length > 0).map(p => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/** Who an endpoint policy admits: the conditions on the caller, and on the role a web identity assumes. */
export interface AdmittedPrincipals {
  /** Sid of the statement that admits every action by the principals `principal` matches. */
  readonly sid: string;
  /** `StringEquals` conditions on the caller (`aws:PrincipalAccount`, `aws:PrincipalOrgID`). */
  readonly principal: { [key: string]: unknown };
  /** Sid of the STS statement for web identities. */
  readonly webIdentitySid: string;
  /** `StringEquals` conditions on the role a web identity assumes (`aws:ResourceAccount`, `aws:ResourceOrgID`). */
  readonly resource: { [key: string]: unknown };
}

/**
 * An endpoint policy that admits only `who`'s principals. STS also admits `AssumeRoleWithWebIdentity` (IRSA), whose
 * caller carries no principal keys, for the roles `who.resource` matches, as the STS endpoint policy guide shows
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html).
 */
export function admitOnly(endpoint: ec2.InterfaceVpcEndpoint, service: string, who: AdmittedPrincipals): void {
  endpoint.addToPolicy(new iam.PolicyStatement({
    sid: who.sid,
    principals: [new iam.AnyPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: { StringEquals: who.principal },
  }));
  if (service === 'sts') {
    endpoint.addToPolicy(new iam.PolicyStatement({
      sid: who.webIdentitySid,
      principals: [new iam.AnyPrincipal()],
      actions: ['sts:AssumeRoleWithWebIdentity'],
      resources: ['*'],
      conditions: { StringEquals: who.resource },
    }));
  }
}

/**
 * The ECR actions of an image pull: the registry login (`GetAuthorizationToken`, on `*`, the only resource it takes) and
 * the three reads. The same list as `NodeEndpoints`' pull-only policy and `EcrPullThroughCache.PULL_ACTIONS` (test/
 * endpoint-hub.test.ts compares them). https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export const ECR_PULL_ACTIONS = ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

/**
 * What a first pull through a pull-through cache adds to a pull: the import of the upstream image and the creation of
 * its repository, both in the caller's own registry (`EcrPullThroughCache.FIRST_PULL_ACTIONS`).
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html (read 2026-12-07)
 */
export const ECR_FIRST_PULL_ACTIONS = ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];
