/** The contract table of docs/addons-and-controllers.md, from the registry: test/components.test.ts compares the two. */
import { ComponentContracts, ComponentKind } from '../lib';

export function contractTable(): string {
  const lines = ['| component | kind | services (endpoints) | identity | settings without internet | source |', '|---|---|---|---|---|---|'];
  for (const c of ComponentContracts.all().filter(x => x.kind !== ComponentKind.CLUSTER_CLIENT)) {
    const services = c.services.map(s => `\`${s.service}\`${s.when ? ` (when ${s.when})` : ''}`).join(', ') || 'none';
    const id = c.identity
      ? `${c.identity.namespace}/${c.identity.serviceAccount}: ${c.identity.managedPolicies.join(', ') || c.identity.policy}; ${c.identity.podIdentity ? 'Pod Identity' : 'IRSA'}${c.identity.nodeRoleDefault ? ' (the node role\'s, when it has none of its own)' : ''}`
      : 'none';
    const settings = (c.settings ?? []).map(s => `\`${s.path}\`${s.value === undefined ? ' set' : ` = ${JSON.stringify(s.value)}`}`
      + (s.requiredUnlessReachable ? ` unless \`${s.requiredUnlessReachable}\` is reached` : '')).join(', ') || '-';
    const url = /https:\/\/[^\s;)"]+/.exec(c.source)![0];
    lines.push(`| \`${c.name}\` | ${c.kind} | ${services} | ${id} | ${settings} | [source](${url}) |`);
  }
  return lines.join('\n');
}

if (require.main === module) console.log(contractTable());
