/**
 * The cluster's EKS add-ons and recognised Helm charts, from the tree's records of the L1 resources whoever created
 * them (`PrivateEksCluster.addAddon`, aws-eks-v2 `Addon`/`HelmChart`, `eks.CfnAddon`), checked against their contracts.
 */
import { PLACEHOLDER, readResolvedJson } from './image-facts';
import { ClientFacts, ComponentFacts, ComponentIdentity, SettingFacts, SubnetFacts } from './join-analysis';
import { ClusterRef, TreeRecords } from './tree-records';
import { ComponentContract, ComponentContracts, ContractService } from '../contracts/component-contracts';
import { AwsLocation } from '../core/aws-env';


/** Every add-on and recognised chart of the cluster, and the clients that check their services from the node subnets. */
export function componentFacts(facts: TreeRecords, cluster: ClusterRef, nodeSubnets: SubnetFacts[]):
{ components: ComponentFacts[]; clients: ClientFacts[] } {
  const all = collect(facts, cluster);
  const clients: ClientFacts[] = [];
  for (const c of all) {
    if (!c.hasContract || nodeSubnets.length === 0) continue;
    const services = c.needs.map(s => ({ service: s.service, feature: s.why, purpose: s.purpose }));
    if (c.identity === 'pod-identity') services.push({ service: 'eks-auth', feature: 'its Pod Identity credentials', purpose: undefined });
    if (c.identity === 'irsa') services.push({ service: 'sts', feature: 'its IRSA credentials (AssumeRoleWithWebIdentity)', purpose: undefined });
    clients.push({ kind: 'component', name: c.name, label: `${c.kind} ${c.component} (${c.name})`, inVpc: true, subnets: nodeSubnets, services, needsApi: false });
  }
  return { components: all.map(({ needs, ...c }) => c), clients };
}

function collect(facts: TreeRecords, cluster: ClusterRef): Array<ComponentFacts & { needs: ContractService[] }> {
  const clusterKey = cluster.nameKey;
  const real = cluster.location;
  const location = real.regionKnown ? real : PLACEHOLDER;
  const associations = facts.podIdentityAssociations
    .filter(a => a.clusterKey === clusterKey)
    .map(a => `${a.namespace}/${a.serviceAccount}`);
  const components: Array<ComponentFacts & { needs: ContractService[] }> = [];

  for (const addon of facts.addons.filter(a => a.clusterKey === clusterKey)) {
    const name = addon.name ?? '(unknown)';
    const contract = ComponentContracts.forAddon(name);
    const raw = addon.configurationValues;
    const values = raw === undefined || raw === '' ? {} : readResolvedJson(raw, location);
    let identity: ComponentIdentity | undefined;
    if (contract?.identity) {
      identity = addon.hasPodIdentityAssociations ? 'pod-identity'
        : addon.hasServiceAccountRole ? 'irsa'
          : associations.includes(`${contract.identity.namespace}/${contract.identity.serviceAccount}`) ? 'pod-identity' : 'none';
    }
    components.push(describe(addon.path, 'EKS add-on', name, contract, identity, values, real));
  }

  for (const r of facts.kubernetesResources.filter(x => x.kind === 'chart')) {
    if (r.clusterKey !== clusterKey) continue;
    const name = chartName(r.chart, r.repository);
    const contract = name ? ComponentContracts.forChart(name) : undefined;
    if (!contract || !name) continue; // a chart the registry does not know: its images are still checked
    const values = !r.hasValues ? {} : readResolvedJson(r.values, location);
    let identity: ComponentIdentity | undefined;
    if (contract.identity) {
      const namespace = r.namespace ?? 'default';
      const sa = valueAt(values, 'serviceAccount.name') ?? valueAt(values, 'rbac.serviceAccount.name') ?? contract.identity.serviceAccount;
      const annotations = (valueAt(values, 'serviceAccount.annotations') ?? valueAt(values, 'rbac.serviceAccount.annotations') ?? {}) as Record<string, unknown>;
      identity = annotations['eks.amazonaws.com/role-arn'] !== undefined ? 'irsa'
        : associations.includes(`${namespace}/${sa}`) ? 'pod-identity' : 'none';
    }
    components.push(describe(r.path, 'Helm chart', name, contract, identity, values, real));
  }

  return components;
}

function describe(path: string, kind: string, component: string, contract: ComponentContract | undefined,
  identity: ComponentIdentity | undefined, values: unknown, location: AwsLocation): ComponentFacts & { needs: ContractService[] } {
  const unreadable = (v: unknown) => typeof v === 'string' && v.includes('${Token');
  const settings: SettingFacts[] = [];
  for (const s of contract?.settings ?? []) {
    // `{region}`: the stack's region; not comparable in an environment-agnostic stack.
    const expected = s.value === '{region}' ? (location.regionKnown ? location.region : undefined) : s.value;
    if (s.value === '{region}' && expected === undefined) continue;
    const actual = values === undefined ? undefined : valueAt(values, s.path);
    // A token (the cluster's name) is set, though its value is not known at synth.
    const ok = expected === undefined ? (values === undefined ? undefined : actual !== undefined && actual !== '' && actual !== null)
      : values === undefined || unreadable(actual) ? undefined
        : actual === expected || String(actual) === String(expected);
    settings.push({
      path: s.path,
      expected,
      actual,
      ok,
      why: s.why,
      source: s.source,
      requiredUnlessReachable: s.requiredUnlessReachable,
      endpointServesRegions: s.endpointServesRegions,
    });
  }
  // `set:<path>`: needed only when the values set that setting (Karpenter's interruption queue).
  const needs = (contract?.services ?? []).filter(s => {
    const setting = /^set:(.+)$/.exec(s.when ?? '')?.[1];
    if (setting === undefined) return true;
    const v = values === undefined ? undefined : valueAt(values, setting);
    return v !== undefined && v !== null && v !== '';
  });
  const id = contract?.identity;
  return {
    name: path,
    kind,
    component,
    hasContract: contract !== undefined,
    identity,
    permissions: id ? (id.managedPolicies.length > 0 ? id.managedPolicies.join(', ') : id.policy) : undefined,
    nodeRoleDefault: id?.nodeRoleDefault,
    serviceAccount: id ? `${id.namespace}/${id.serviceAccount}` : undefined,
    needs,
    services: [...needs.map(s => s.service),
      ...(identity === 'pod-identity' ? ['eks-auth'] : identity === 'irsa' ? ['sts'] : [])],
    settings,
  };
}

/** `karpenter` from `oci://public.ecr.aws/karpenter/karpenter` (aws-eks-v2 passes OCI charts as the repository). */
export function chartName(chart: string | undefined, repository: string | undefined): string | undefined {
  // For an OCI repository the handler installs the repository's chart and ignores `chart` (kubectl-handler helm).
  if (repository?.startsWith('oci://')) return repository.replace(/\/+$/, '').split('/').pop()?.split(':')[0];
  return chart;
}

/** The value at a dotted path of parsed JSON. */
export function valueAt(values: unknown, path: string): any {
  let v: any = values;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return v;
}
