import { ContextProvider, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { PROVIDER_ERROR_KEY } from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';

/**
 * Context lookups that have no answer yet: the CDK CLI's first synth pass.
 *
 * aws-cdk-lib's `ContextProvider.getValue` (core/lib/context-provider.js) returns the caller's `dummyValue` when the
 * context key is not set, and records the key with `Stack.reportMissingContextKey`; the stack writes those keys to
 * the cloud assembly's `missing` list, the CLI runs the lookups, stores the answers in cdk.context.json and
 * synthesizes again. aws-cdk-lib's own advice (the `dummyValue` doc) is that nothing may throw on a dummy value,
 * since that stops the first pass before the CLI can look anything up. The checks that read a looked-up value are
 * therefore deferred to the pass that has the answer.
 */

/**
 * The lookups the stacks of the app have asked for and not received: the same list the assembly's `missing` will
 * hold. Read from each stack's record of missing context (`Stack._missingContext`, filled by
 * `reportMissingContextKey`, private in aws-cdk-lib 2.276: if a release renames it, this returns nothing and the
 * per-value signals below still hold).
 */
export function pendingLookups(scope: IConstruct): cxschema.MissingContext[] {
  const out: cxschema.MissingContext[] = [];
  for (const c of scope.node.root.node.findAll()) {
    if (!Stack.isStack(c)) continue;
    const missing = (c as unknown as { _missingContext?: unknown })._missingContext;
    if (Array.isArray(missing)) out.push(...missing as cxschema.MissingContext[]);
  }
  return out;
}

/**
 * Whether a subnet selection of a VPC is still aws-cdk-lib's placeholder: `Vpc.fromLookup` with no recorded answer
 * builds the VPC from dummy attributes (`vpc-12345`, subnets `p-12345`, `p-67890`, AZs `dummy1a`, ...) and marks
 * every selection `isPendingLookup` ("don't validate the selection", aws-ec2 `SelectedSubnets`).
 */
export function subnetsPendingLookup(vpc: ec2.IVpc, selection: ec2.SubnetSelection): boolean {
  try {
    return vpc.selectSubnets(selection).isPendingLookup === true;
  } catch {
    return false;
  }
}

/**
 * Whether the Availability Zones where an endpoint service is offered are recorded in context (the key aws-cdk-lib's
 * `InterfaceVpcEndpoint` reads with `lookupSupportedAzs`: provider `endpoint-service-availability-zones`, props
 * `serviceName`, with the stack's account and region). Undefined when the key cannot be formed (tokens).
 */
export function endpointAzsRecorded(scope: IConstruct, serviceName: string): boolean | undefined {
  const stack = Stack.of(scope);
  const name = Token.isUnresolved(serviceName) ? stack.resolve(serviceName) : serviceName;
  if (typeof name !== 'string' || Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  const { key } = ContextProvider.getKey(scope as any, {
    provider: cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
    props: { serviceName: name },
  });
  const value = scope.node.tryGetContext(key);
  // A lookup that failed (no credentials, say) is recorded by the CLI as `{ $providerError: ... }`
  // (cx-api PROVIDER_ERROR_KEY) for the next pass; aws-cdk-lib then hands back its dummy value, so it is no answer.
  return value !== undefined && !(value !== null && typeof value === 'object' && PROVIDER_ERROR_KEY in value);
}

/**
 * Asks for the Availability Zones of an endpoint service without using the answer now: the key lands in the
 * assembly's `missing` list exactly as aws-cdk-lib's own lookup would put it, so the CLI looks it up and the next
 * pass has it.
 */
export function requestEndpointAzs(scope: IConstruct, serviceName: string): void {
  const stack = Stack.of(scope);
  const name = Token.isUnresolved(serviceName) ? stack.resolve(serviceName) : serviceName;
  ContextProvider.getValue(scope as any, {
    provider: cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
    props: { serviceName: name },
    dummyValue: stack.availabilityZones,
  });
}

/**
 * The selection to build with in this pass: the one given, except while the VPC lookup has no answer and the
 * selection names nothing of aws-cdk-lib's placeholder VPC (a subnet group of the real VPC, say). aws-cdk-lib's
 * `eks.Cluster` ("Vpc must contain private subnets") and `GatewayVpcEndpoint` ("route table IDs are not available")
 * throw on such an empty selection even though it is pending, so this pass uses the placeholder's private subnets
 * instead; the pass with the answer uses the selection given.
 */
export function placeholderSafeSelection(vpc: ec2.IVpc, selection: ec2.SubnetSelection, fallback: ec2.SubnetSelection): ec2.SubnetSelection {
  if (!subnetsPendingLookup(vpc, selection)) return selection;
  return vpc.selectSubnets(selection).subnets.length === 0 ? fallback : selection;
}

/**
 * aws-cdk-lib's placeholder Availability Zones: `Stack.availabilityZones` before its lookup is answered (core/lib/stack.js,
 * dummyValue) and the subnets of `Vpc.fromLookup`'s dummy VPC.
 */
const PLACEHOLDER_AZS = new Set(['dummy1a', 'dummy1b', 'dummy1c']);

/**
 * Whether an `InterfaceVpcEndpoint` of `serviceName` in `subnets` may set `lookupSupportedAzs` in this pass: only when
 * the stack has a concrete account and region, the answer is recorded (not a failed lookup), the subnets are not a
 * pending VPC lookup's placeholders, and their AZs are not the placeholders. Otherwise aws-cdk-lib would filter the
 * subnets by its dummy answer and throw `LookupSupportedAzsReturned`; the lookup is requested instead, so the CLI
 * runs it and the next pass filters (the reasoning of `NodeEndpoints`, for endpoints built elsewhere: `EndpointHub`).
 */
export function supportedAzsLookupReady(scope: IConstruct, vpc: ec2.IVpc, subnets: ec2.SubnetSelection, serviceName: string): boolean {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return false;
  if (!endpointAzsRecorded(scope, serviceName)) {
    requestEndpointAzs(scope, serviceName);
    return false;
  }
  if (subnetsPendingLookup(vpc, subnets)) return false;
  const azs = vpc.selectSubnets({ ...subnets, onePerAz: true }).subnets.map(s => s.availabilityZone);
  return !azs.some(az => !Token.isUnresolved(az) && PLACEHOLDER_AZS.has(az));
}
