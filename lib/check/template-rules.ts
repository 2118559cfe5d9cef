import { cidrContains } from './tree-facts';
import { isPrivateIpv4Cidr } from '../core/cidr';
import { SPOKE_CIDRS_METADATA, SPOKE_CIDRS_REASON_METADATA } from '../core/metadata';

/**
 * The checks of the `PrivateEksChecks` pack over a synthesized CloudFormation template: what cdk-nag and the
 * Control Tower guard rules miss on aws-eks-v2 clusters. Pure functions over the template JSON.
 */

/** A rule of the pack. */
export interface TemplateRule {
  readonly id: string;
  readonly description: string;
  readonly fix: string;
}

/** A resource that breaks a rule. */
export interface TemplateFinding {
  readonly ruleId: string;
  readonly logicalId: string;
  /** Where in the resource, as `Properties/...`. */
  readonly location: string;
  /** What was found. */
  readonly detail: string;
}

export const TEMPLATE_RULES: TemplateRule[] = [
  {
    id: 'PEKS-SEC-1',
    description: 'The EKS API server endpoint is public with no CIDR restriction.',
    fix: 'Use EndpointAccess.PRIVATE, or PUBLIC_AND_PRIVATE.onlyFrom(...) with the CIDRs that need it.',
  },
  {
    id: 'PEKS-SEC-2',
    description: 'EKS control-plane logging is off for api, audit or authenticator.',
    fix: 'Enable the api, audit and authenticator log types (clusterLogging); PrivateEksCluster enables all five by default.',
  },
  {
    id: 'PEKS-SEC-3',
    description: 'Kubernetes secrets are not envelope-encrypted with a KMS key.',
    fix: 'Set secretsEncryptionKey (PrivateEksCluster creates a rotating key by default).',
  },
  {
    id: 'PEKS-SEC-4',
    description: 'An instance, launch template or managed nodegroup does not require IMDSv2.',
    fix: 'Set MetadataOptions.HttpTokens to required (requireImdsv2), and give managed nodegroups a launch template that does.',
  },
  {
    id: 'PEKS-SEC-5',
    description: 'A VPC endpoint security group admits traffic from outside the VPC.',
    fix: 'Admit 443 from the VPC CIDR (or narrower) only.',
  },
  {
    id: 'PEKS-SEC-6',
    description: 'A security group admits SSH (port 22) from anywhere (0.0.0.0/0 or ::/0).',
    fix: 'Use SSM Session Manager (no inbound port), or admit 22 from the addresses that need it.',
  },
];

type Json = any;

/** Runs every rule over one template. */
export function checkTemplate(template: Json): TemplateFinding[] {
  const resources: Record<string, Json> = template?.Resources ?? {};
  const parameters: Record<string, Json> = template?.Parameters ?? {};
  const out: TemplateFinding[] = [];
  const push = (ruleId: string, logicalId: string, location: string, detail: string) => out.push({ ruleId, logicalId, location, detail });

  for (const [id, r] of Object.entries(resources)) {
    const p = r?.Properties ?? {};
    switch (r?.Type) {
      case 'AWS::EKS::Cluster': {
        const vpc = p.ResourcesVpcConfig ?? {};
        const cidrs: Json[] = Array.isArray(vpc.PublicAccessCidrs) ? vpc.PublicAccessCidrs : [];
        if (vpc.EndpointPublicAccess !== false && (cidrs.length === 0 || cidrs.includes('0.0.0.0/0'))) {
          push('PEKS-SEC-1', id, 'Properties/ResourcesVpcConfig', 'EndpointPublicAccess is on (the CloudFormation default) and PublicAccessCidrs is open');
        }
        const enabled: Json[] = p.Logging?.ClusterLogging?.EnabledTypes ?? [];
        const types = new Set(enabled.map((t: Json) => t?.Type));
        const missing = ['api', 'audit', 'authenticator'].filter(t => !types.has(t));
        if (missing.length > 0) push('PEKS-SEC-2', id, 'Properties/Logging', `log types off: ${missing.join(', ')}`);
        const encryption: Json[] = Array.isArray(p.EncryptionConfig) ? p.EncryptionConfig : [];
        if (!encryption.some(e => Array.isArray(e?.Resources) && e.Resources.includes('secrets') && e?.Provider?.KeyArn)) {
          push('PEKS-SEC-3', id, 'Properties/EncryptionConfig', 'no EncryptionConfig for secrets with a KMS key');
        }
        break;
      }
      case 'AWS::EC2::LaunchTemplate':
        if (p.LaunchTemplateData?.MetadataOptions?.HttpTokens !== 'required') {
          push('PEKS-SEC-4', id, 'Properties/LaunchTemplateData/MetadataOptions', 'HttpTokens is not required');
        }
        break;
      case 'AWS::EC2::Instance': {
        // The launch template by ID reference or by name (aws-cdk-lib's requireImdsv2 refers to it by name).
        const ltName = p.LaunchTemplate?.LaunchTemplateName;
        const lt = resources[refOf(p.LaunchTemplate?.LaunchTemplateId) ?? '']
          ?? Object.values(resources).find(x => x?.Type === 'AWS::EC2::LaunchTemplate' && ltName !== undefined
            && JSON.stringify(x.Properties?.LaunchTemplateName) === JSON.stringify(ltName));
        const viaTemplate = lt?.Properties?.LaunchTemplateData?.MetadataOptions?.HttpTokens === 'required';
        if (p.MetadataOptions?.HttpTokens !== 'required' && !viaTemplate) {
          push('PEKS-SEC-4', id, 'Properties/MetadataOptions', 'HttpTokens is not required on the instance or its launch template');
        }
        break;
      }
      case 'AWS::EKS::Nodegroup':
        if (!p.LaunchTemplate) {
          push('PEKS-SEC-4', id, 'Properties/LaunchTemplate', 'no launch template, so IMDSv2 is not required of the nodes');
        }
        break;
      case 'AWS::EC2::SecurityGroup':
        for (const [i, rule] of (Array.isArray(p.SecurityGroupIngress) ? p.SecurityGroupIngress : []).entries()) {
          if (sshFromAnywhere(rule, parameters)) push('PEKS-SEC-6', id, `Properties/SecurityGroupIngress/${i}`, describeRule(rule, parameters));
        }
        break;
      case 'AWS::EC2::SecurityGroupIngress':
        if (sshFromAnywhere(p, parameters)) push('PEKS-SEC-6', id, 'Properties', describeRule(p, parameters));
        break;
      case 'AWS::EC2::VPCEndpoint':
        if (p.VpcEndpointType === 'Interface') out.push(...endpointGroupsWiderThanVpc(id, p, resources, parameters));
        break;
      default:
        break;
    }
  }
  return out;
}

function endpointGroupsWiderThanVpc(endpointId: string, p: Json, resources: Record<string, Json>,
  parameters: Record<string, Json>): TemplateFinding[] {
  const out: TemplateFinding[] = [];
  const vpcId = refOf(p.VpcId);
  const vpcCidr = vpcId ? resources[vpcId]?.Properties?.CidrBlock : undefined;
  for (const sgRef of Array.isArray(p.SecurityGroupIds) ? p.SecurityGroupIds : []) {
    const sgId = refOf(sgRef);
    const sg = sgId ? resources[sgId] : undefined;
    if (!sgId || sg?.Type !== 'AWS::EC2::SecurityGroup') continue;
    // A hub's endpoints serve the spoke VPCs `EndpointHub` was given (`spokeCidrs`), which it records on the group with
    // the reason: exactly those are admitted when the reason is recorded and the CIDR is private; anything else
    // (0.0.0.0/0, a public range, a rule added later, a list without its reason) is still reported.
    const reason = sg.Metadata?.[SPOKE_CIDRS_REASON_METADATA];
    const spokes: string[] = typeof reason === 'string' && reason.trim() !== '' && Array.isArray(sg.Metadata?.[SPOKE_CIDRS_METADATA])
      ? sg.Metadata[SPOKE_CIDRS_METADATA] : [];
    const rules: Array<[string, string, Json]> = (Array.isArray(sg.Properties?.SecurityGroupIngress) ? sg.Properties.SecurityGroupIngress : [])
      .map((rule: Json, i: number) => [sgId, `Properties/SecurityGroupIngress/${i}`, rule]);
    for (const [id, r] of Object.entries(resources)) {
      if (r?.Type === 'AWS::EC2::SecurityGroupIngress' && refOf(r.Properties?.GroupId) === sgId) rules.push([id, 'Properties', r.Properties]);
    }
    for (const [id, location, rule] of rules) {
      if (rule?.CidrIpv6 === '::/0') {
        out.push({ ruleId: 'PEKS-SEC-5', logicalId: id, location, detail: `${endpointId}'s security group admits ::/0` });
        continue;
      }
      const cidr = literalValue(rule?.CidrIp, parameters);
      if (typeof rule?.CidrIp === 'object' && refOf(rule.CidrIp) === vpcId && rule.CidrIp['Fn::GetAtt']?.[1] === 'CidrBlock') continue;
      if (typeof cidr !== 'string') continue; // a source group, or a value that cannot be read: not a CIDR to judge
      // Exactly what the hub wrote: HTTPS from a listed spoke CIDR (any other port, protocol or CIDR is judged).
      if (spokes.includes(cidr) && !isPrivateIpv4Cidr(cidr)) {
        out.push({ ruleId: 'PEKS-SEC-5', logicalId: id, location, detail: `${endpointId}'s security group admits ${cidr}, a public range: the hub's spoke exemption covers private CIDRs only` });
        continue;
      }
      if (spokes.includes(cidr) && String(rule?.IpProtocol) === 'tcp' && Number(rule?.FromPort) === 443 && Number(rule?.ToPort) === 443) continue;
      if (cidr === '0.0.0.0/0' || (typeof vpcCidr === 'string' && !cidrContains(vpcCidr, cidr))) {
        out.push({ ruleId: 'PEKS-SEC-5', logicalId: id, location, detail: `${endpointId}'s security group admits ${cidr}${typeof vpcCidr === 'string' ? `, outside the VPC's ${vpcCidr}` : ''}` });
      }
    }
  }
  return out;
}

function sshFromAnywhere(rule: Json, parameters: Record<string, Json>): boolean {
  const cidr = literalValue(rule?.CidrIp, parameters);
  const cidr6 = literalValue(rule?.CidrIpv6, parameters);
  if (cidr !== '0.0.0.0/0' && cidr6 !== '::/0') return false;
  const proto = String(rule?.IpProtocol);
  if (proto === '-1') return true;
  if (proto !== 'tcp' && proto !== '6') return false;
  const from = Number(rule?.FromPort);
  const to = Number(rule?.ToPort);
  return Number.isFinite(from) && Number.isFinite(to) && from <= 22 && 22 <= to;
}

function describeRule(rule: Json, parameters: Record<string, Json>): string {
  const source = literalValue(rule?.CidrIp, parameters) ?? literalValue(rule?.CidrIpv6, parameters);
  const viaParameter = typeof rule?.CidrIp === 'object' && rule.CidrIp.Ref ? ` (the default of parameter ${rule.CidrIp.Ref})` : '';
  return `SSH from ${source}${viaParameter}`;
}

/** A literal, or the default of a parameter a `Ref` points at. */
function literalValue(value: Json, parameters: Record<string, Json>): Json {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof value.Ref === 'string' && parameters[value.Ref]) return parameters[value.Ref].Default;
  return undefined;
}

/** The logical ID a `Ref` or `Fn::GetAtt` points at. */
function refOf(value: Json): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}
