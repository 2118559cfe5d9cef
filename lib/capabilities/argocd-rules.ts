import { cidrContains, ipv4CidrPrefix } from '../core/cidr';

// The synth-time check of an Argo CD capability's private UI access: a pure function of plain facts (read from the
// tree by `ArgoCdCapability.facts()`), one finding per rule.

/** What the check reads of one Argo CD capability. */
export interface ArgoCdFacts {
  /** The capability construct's path. */
  readonly path: string;
  /** The CIDR blocks the user named for the UI. */
  readonly allowedCidrs: string[];
  /** Whether an `eks-capabilities` endpoint was created in the cluster's VPC. */
  readonly endpointCreated: boolean;
  /** Endpoints given by ID (a hub's). */
  readonly endpointIds: string[];
  /** Why the UI stays public, when the user said so. */
  readonly publicReason?: string;
  /** CIDR blocks the endpoint's security groups admit on TCP 443 (literal ones). */
  readonly ingress443: string[];
  /** Whether every rule of the endpoint's security groups is in this app (imported groups are not). */
  readonly securityGroupsKnown: boolean;
}

/** A finding of the Argo CD check. */
export interface ArgoCdFinding {
  readonly ruleId: string;
  readonly message: string;
  readonly fix: string;
}

/** The rules of the Argo CD check, with their reason (tests pin the list). */
const PRIVATE_ACCESS = 'https://docs.aws.amazon.com/eks/latest/userguide/argocd-private-access.html';
export const ARGOCD_RULES = [
  { id: 'PEKS-ARGO-1', severity: 'error', reason: 'the UI would be on the public internet endpoint: no eks-capabilities endpoint is given and no reason to stay public', fix: '`uiAccess.allowedCidrs` or `uiAccess.vpcEndpointIds`', source: PRIVATE_ACCESS },
  { id: 'PEKS-ARGO-2', severity: 'error', reason: 'a CIDR block named for the UI is not admitted on TCP 443 by the endpoint\'s security groups: people there cannot reach Argo CD', fix: 'admit it on 443, or leave `uiAccess.securityGroups` out', source: PRIVATE_ACCESS },
  { id: 'PEKS-ARGO-3', severity: 'error', reason: 'the endpoint\'s security groups are imported: their rules are not in this app, so reachability from the CIDR blocks named cannot be proven', fix: 'groups defined in this app, or none', source: PRIVATE_ACCESS },
  { id: 'PEKS-ARGO-4', severity: 'warning', reason: 'Argo CD has cluster admin, for the reason given', fix: '`kubernetesAccess.namespaces` instead', source: 'https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html' },
  { id: 'PEKS-ARGO-5', severity: 'warning', reason: 'the UI stays on the public endpoint, for the reason given', fix: 'an eks-capabilities endpoint', source: PRIVATE_ACCESS },
];

/** The findings of the check: errors only (PEKS-ARGO-4 and -5 are warnings written by the construct). */
export function argoCdFindings(f: ArgoCdFacts): ArgoCdFinding[] {
  const findings: ArgoCdFinding[] = [];
  if (!f.endpointCreated && f.endpointIds.length === 0 && f.publicReason === undefined) {
    findings.push({
      ruleId: 'PEKS-ARGO-1',
      message: `${f.path} has no eks-capabilities endpoint, so EKS serves its Argo CD UI and API on the public internet endpoint`,
      fix: 'give uiAccess.allowedCidrs (an endpoint is created) or uiAccess.vpcEndpointIds (a hub\'s endpoint)',
    });
  }
  if (f.endpointCreated && !f.securityGroupsKnown) {
    findings.push({
      ruleId: 'PEKS-ARGO-3',
      message: `the security groups of ${f.path}'s UI endpoint are imported: the check cannot see whether they admit ${f.allowedCidrs.join(', ')} on TCP 443`,
      fix: 'leave uiAccess.securityGroups out (a group admitting the CIDR blocks is created), or pass groups defined in this app',
    });
  } else if (f.endpointCreated) {
    const admitted = (c: string) => f.ingress443.some(r => ipv4CidrPrefix(r) !== undefined && cidrContains(r, c));
    const missing = f.allowedCidrs.filter(c => ipv4CidrPrefix(c) !== undefined && !admitted(c));
    if (missing.length > 0) {
      findings.push({
        ruleId: 'PEKS-ARGO-2',
        message: `the UI endpoint of ${f.path} does not admit ${missing.join(', ')} on TCP 443 (its security groups admit ${f.ingress443.join(', ') || 'nothing'}), so Argo CD is unreachable from there`,
        fix: `admit ${missing.join(', ')} on TCP 443 in the endpoint's security group, or leave uiAccess.securityGroups out`,
      });
    }
  }
  return findings;
}
