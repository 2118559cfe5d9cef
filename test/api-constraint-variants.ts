/**
 * The apps the API-constraint check reads: the examples that cover the variants of issue 28 (the default cluster,
 * the platform with its controllers, an imported VPC built in another stack, a proxy, a hub with spokes in other
 * accounts). Shared by test/api-constraints.test.ts and the bench (`apiConstraintCounts`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { synthExample } from './util';
import { build as buildExistingVpc } from '../examples/existing-vpc/app';
import { build as buildFullyPrivate } from '../examples/fully-private/app';
import { build as buildHubAndSpoke } from '../examples/hub-and-spoke/app';
import { build as buildPlatform } from '../examples/platform/app';
import { build as buildProxy } from '../examples/proxy/app';
import { ApiConstraintResult, checkApiConstraints } from '../lib/contracts/api-constraints';

/** The variants, by name. */
export const API_CONSTRAINT_VARIANTS: Record<string, (app: App) => Stack[]> = {
  'default (examples/fully-private)': buildFullyPrivate,
  'platform (examples/platform)': buildPlatform,
  'existing VPC (examples/existing-vpc)': buildExistingVpc,
  'proxy (examples/proxy)': buildProxy,
  'hub and spokes (examples/hub-and-spoke)': buildHubAndSpoke,
};

/** Where each variant was synthesized (its cloud assembly, with the plan files), after `variantTemplates()`. */
export const variantOutdirs: Record<string, string> = {};

/** Every template of every variant, as `{ "<variant> <stack>": template }`. */
export function variantTemplates(): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const [variant, build] of Object.entries(API_CONSTRAINT_VARIANTS)) {
    const { assembly, stacks, outdir } = synthExample(build);
    variantOutdirs[variant] = outdir;
    for (const s of stacks) out[`${variant} ${s.stackName}`] = assembly.getStackByName(s.stackName).template;
  }
  return out;
}

/** For the bench: the API-constraint check over every variant (values checked, properties mapped, refusals). */
export function apiConstraintCounts(): ApiConstraintResult {
  return checkApiConstraints(variantTemplates());
}
