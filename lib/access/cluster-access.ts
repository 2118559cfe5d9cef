import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { ApiAccessOptions, ApiAccessPolicy } from './api-access';
import { misuse } from '../core/errors';

/** Namespaces whose write access amounts to cluster admin (Kubernetes' own). */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** An IAM role ARN (a role of IAM Identity Center keeps its path: `role/aws-reserved/sso.amazonaws.com/...`). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Checks an access entry's principal and options and creates it. IAM Identity Center roles must be given with their
 * path: an access entry for `role/AWSReservedSSO_...` without `aws-reserved/sso.amazonaws.com/<region>/` is refused by
 * EKS ("The specified principalArn is invalid: invalid principal", terraform-aws-modules/terraform-aws-eks#2969, read
 * 2026-12-07; the ARN format: https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
 */
export function apiAccessEntry(scope: Construct, id: string, cluster: eks.ICluster, principalArn: string,
  options: ApiAccessOptions): eks.AccessEntry {
  checkPrincipal(scope, principalArn);
  const scopeOf = accessScope(scope, options);
  return new eks.AccessEntry(scope, id, {
    cluster,
    principal: principalArn,
    accessPolicies: [eks.AccessPolicy.fromAccessPolicyName(options.accessPolicy, scopeOf)],
  });
}

function checkPrincipal(scope: IConstruct, arn: string): void {
  if (Token.isUnresolved(arn)) return;
  if (!ROLE_ARN.test(arn)) {
    throw misuse(scope, `principalArn "${arn}" is not an IAM role ARN`,
      'pass a role ARN, for example arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Platform_0123456789abcdef (an IAM Identity Center permission set\'s role) or arn:aws:iam::111122223333:role/ci');
  }
  if (/:role\/AWSReservedSSO_/.test(arn)) {
    throw misuse(scope, `principalArn "${arn}" is an IAM Identity Center role without its path, and EKS refuses it ("invalid principal")`,
      'give the full ARN as IAM shows it: arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<permission set>_<suffix>');
  }
}

function accessScope(scope: IConstruct, options: ApiAccessOptions): eks.AccessPolicyNameOptions {
  const namespaces = options.namespaces ?? [];
  if (!Object.values(ApiAccessPolicy).includes(options.accessPolicy)) {
    throw misuse(scope, `accessPolicy is ${String(options.accessPolicy)}`, `choose one of ApiAccessPolicy.${Object.keys(ApiAccessPolicy).join(', ApiAccessPolicy.')}: there is no default access`);
  }
  if (options.accessPolicy === ApiAccessPolicy.CLUSTER_ADMIN && namespaces.length > 0) {
    throw misuse(scope, 'CLUSTER_ADMIN applies to the whole cluster, and namespaces were given', 'use ApiAccessPolicy.ADMIN for admin in namespaces, or remove namespaces');
  }
  for (const ns of namespaces) {
    if (Token.isUnresolved(ns)) continue;
    // DNS labels; EKS access scopes also take a trailing * (https://docs.aws.amazon.com/eks/latest/APIReference/API_AccessScope.html).
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$|^[a-z0-9-]*\*$/.test(ns) || ns.length > 63) {
      throw misuse(scope, `namespaces: "${ns}" is not a Kubernetes namespace name`, 'use lowercase letters, digits and hyphens (at most 63), optionally ending in * for a prefix');
    }
    const prefix = ns.endsWith('*') ? ns.slice(0, -1) : undefined;
    const system = SYSTEM_NAMESPACES.find(sys => (prefix !== undefined ? sys.startsWith(prefix) : sys === ns));
    if (system && options.accessPolicy !== ApiAccessPolicy.VIEW) {
      throw misuse(scope, `namespaces: "${ns}" covers ${system}, and ${options.accessPolicy} there amounts to cluster admin`,
        'name the application namespaces only, or use ApiAccessPolicy.CLUSTER_ADMIN deliberately');
    }
  }
  return namespaces.length > 0
    ? { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces }
    : { accessScopeType: eks.AccessScopeType.CLUSTER };
}
