import * as fs from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { checkTemplate, TEMPLATE_RULES } from './template-rules';

/**
 * The cdk-private-eks rule pack: what cdk-nag's AwsSolutions and the Control Tower guard rules miss on aws-eks-v2
 * clusters (their EKS rules look for the aws-eks L1 class), checked on the synthesized templates of any app:
 *
 * - PEKS-SEC-1: a public API endpoint with no CIDR restriction;
 * - PEKS-SEC-2: control-plane logging off for api, audit or authenticator;
 * - PEKS-SEC-3: Kubernetes secrets not envelope-encrypted with KMS;
 * - PEKS-SEC-4: instances, launch templates or managed nodegroups that do not require IMDSv2;
 * - PEKS-SEC-5: VPC endpoint security groups that admit traffic from outside the VPC;
 * - PEKS-SEC-6: SSH open to the world.
 *
 * Apply it as cdk-nag packs are applied: `Validations.of(app).addPlugins(new PrivateEksChecks())`. Acknowledge a
 * finding with `Validations.of(construct).acknowledge({ id: 'cdk-private-eks::PEKS-SEC-1', reason: '...' })`.
 */
export class PrivateEksChecks implements IPolicyValidationPlugin {
  /** The plugin name in validation reports and acknowledgement IDs (`cdk-private-eks::PEKS-SEC-1`). */
  public readonly name: string = 'cdk-private-eks';
  /** The rule IDs of the pack. */
  public readonly ruleIds?: string[] = TEMPLATE_RULES.map(r => r.id);

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings = context.templatePaths.flatMap(templatePath =>
      checkTemplate(JSON.parse(fs.readFileSync(templatePath, 'utf8'))).map(f => ({ ...f, templatePath })));
    const violations: PolicyViolation[] = [];
    for (const rule of TEMPLATE_RULES) {
      const resources = findings.filter(f => f.ruleId === rule.id)
        .map(f => ({ resourceLogicalId: f.logicalId, templatePath: f.templatePath, locations: [`${f.location}: ${f.detail}`] }));
      if (resources.length > 0) {
        violations.push({ ruleName: rule.id, description: rule.description, fix: rule.fix, severity: 'error', violatingResources: resources });
      }
    }
    return { success: violations.length === 0, violations };
  }
}
