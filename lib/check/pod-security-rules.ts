/**
 * Pod Security (PEKS-PSA-*): a namespace is a boundary only where a pod cannot reach the node. A pod with a
 * privileged container, the host's PID, IPC or network namespace, or a `hostPath` volume is root on its node: the
 * node role through IMDS (the host's network skips hop limit 1) and the service account tokens of every pod there
 * (aws-node, Karpenter, the Load Balancer Controller). EKS accepts no cluster-wide admission configuration, so the
 * library labels the namespaces it creates or grants with Pod Security Admission `enforce` (kubectl-access.ts), and
 * this rule refuses, at synth, a manifest of the app that asks for those fields outside the system namespaces and
 * the namespaces the user names (`privilegedNamespaces`, each with its reason).
 *
 * The fields are those the Pod Security Standards' baseline level forbids for host access (read 2026-12-07):
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Baseline: "HostProcess", "Host Namespaces"
 * spec.hostNetwork/hostPID/hostIPC, "Privileged Containers" securityContext.privileged, "HostPath Volumes"
 * spec.volumes[*].hostPath). A pure function of the tree's records.
 */
import { ClusterRef, TreeRecords } from './tree-records';

/** Kubernetes' own namespaces (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/, read 2026-12-07). */
export const KUBERNETES_SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** A pod template of a manifest that reaches its node. */
export interface HostAccessPod {
  /** The construct that applies the manifest. */
  readonly workload: string;
  /** `DaemonSet apps/node-agent`. */
  readonly object: string;
  readonly namespace: string;
  /** Field paths in the object (`spec.template.spec.hostNetwork`, `spec.template.spec.containers[0].securityContext.privileged`). */
  readonly fields: string[];
}

/** What the Pod Security rule reads. */
export interface PodSecurityFacts {
  /** Pods of the app's manifests that reach their node, outside the namespaces allowed to. */
  readonly hostAccessPods: HostAccessPod[];
  /** The enforce level the library labels namespaces with (`baseline`, `restricted`). */
  readonly enforce: string;
}

/** What the L3 tells the reader: the namespaces where pods may reach their node, and the level it labels. */
export interface PodSecuritySettings {
  /** `privilegedNamespaces`: namespace to reason. */
  readonly privilegedNamespaces: { [namespace: string]: string };
  /** Paths of the library's controllers (Karpenter, the Load Balancer Controller): their charts' namespaces count as system. */
  readonly controllerPaths: string[];
  readonly enforce: string;
}

export const POD_SECURITY_SOURCE = 'https://github.com/kubernetes/website/blob/main/content/en/docs/concepts/security/pod-security-standards.md (Baseline: host namespaces, '
  + 'privileged containers, hostPath volumes; read 2026-12-07); https://kubernetes.io/docs/concepts/security/pod-security-admission/ (enforcement by namespace labels); '
  + 'https://aws.amazon.com/blogs/containers/implementing-pod-security-standards-in-amazon-eks/ (PSA on by default in EKS since 1.23)';

export const POD_SECURITY_RULES = [
  {
    id: 'PEKS-PSA-1',
    severity: 'error' as const,
    reason: 'a manifest runs a pod with a privileged container, the host\'s PID, IPC or network namespace, or a hostPath volume outside the system namespaces: root on its node, the node role and every pod\'s token there',
    source: POD_SECURITY_SOURCE,
  },
];

/**
 * The pod templates of the manifests of `cluster` that reach their node, outside the allowed namespaces. `read` turns
 * a manifest record's `Manifest` into JSON (image-facts.ts `readResolvedJson`), undefined when it cannot.
 */
export function podSecurityFacts(facts: TreeRecords, cluster: ClusterRef, settings: PodSecuritySettings,
  read: (manifest: unknown) => any): PodSecurityFacts {
  const controllerNamespaces = facts.kubernetesResources
    .filter(r => r.kind === 'chart' && r.namespace !== undefined && settings.controllerPaths.some(p => r.path === p || r.path.startsWith(`${p}/`)))
    .map(r => r.namespace!);
  const allowed = new Set([...KUBERNETES_SYSTEM_NAMESPACES, ...controllerNamespaces, ...Object.keys(settings.privilegedNamespaces)]);
  const pods: HostAccessPod[] = [];
  for (const r of facts.kubernetesResources) {
    if (r.kind !== 'manifest' || r.clusterKey !== cluster.nameKey) continue;
    const manifest = read(r.manifest);
    if (manifest === undefined) continue; // unreadable: the image rules already say so (PEKS-IMG-4)
    for (const obj of Array.isArray(manifest) ? manifest : [manifest]) {
      const found = hostAccessOf(obj);
      if (!found) continue;
      const namespace = typeof obj?.metadata?.namespace === 'string' ? obj.metadata.namespace : 'default';
      if (allowed.has(namespace)) continue;
      pods.push({ workload: r.workload, object: `${obj.kind} ${namespace}/${obj?.metadata?.name ?? '(no name)'}`, namespace, fields: found });
    }
  }
  return { hostAccessPods: pods, enforce: settings.enforce };
}

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** The field paths of a Kubernetes object that give its pods the node; undefined when none. */
export function hostAccessOf(obj: any): string[] | undefined {
  const path = POD_SPEC_PATHS[obj?.kind];
  if (!path) return undefined;
  let spec = obj;
  for (const p of path) spec = spec?.[p];
  if (!spec || typeof spec !== 'object') return undefined;
  const at = path.join('.');
  const fields: string[] = [];
  for (const host of ['hostPID', 'hostIPC', 'hostNetwork']) {
    if (spec[host] === true || spec[host] === 'true') fields.push(`${at}.${host}`);
  }
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: any, i: number) => {
    if (v?.hostPath !== undefined) fields.push(`${at}.volumes[${i}].hostPath (${v.hostPath?.path ?? '?'})`);
  });
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    (Array.isArray(spec[list]) ? spec[list] : []).forEach((c: any, i: number) => {
      const sc = c?.securityContext;
      if (sc?.privileged === true || sc?.privileged === 'true') fields.push(`${at}.${list}[${i}].securityContext.privileged`);
      // Windows HostProcess containers are host access too (Baseline: "HostProcess").
      if (sc?.windowsOptions?.hostProcess === true) fields.push(`${at}.${list}[${i}].securityContext.windowsOptions.hostProcess`);
    });
  }
  if (spec.securityContext?.windowsOptions?.hostProcess === true) fields.push(`${at}.securityContext.windowsOptions.hostProcess`);
  return fields.length > 0 ? fields : undefined;
}

/** PEKS-PSA-1: one finding per pod template that reaches its node outside the allowed namespaces. */
export function analyzePodSecurity(facts: PodSecurityFacts): Array<{ ruleId: string; message: string; fix: string }> {
  return facts.hostAccessPods.map(p => ({
    ruleId: 'PEKS-PSA-1',
    message: `${p.workload}: ${p.object} sets ${p.fields.join(', ')}, which makes its pods root on their node (the node role through IMDS, `
      + `the service account tokens of every pod on it); Pod Security Admission at ${facts.enforce} refuses them in a namespace the library labels, `
      + 'and admits them in one nobody labelled',
    fix: `remove ${p.fields.length > 1 ? 'these fields' : 'this field'} (a volume other than hostPath, no host namespaces, no privileged container); or, if this `
      + `workload needs its node, name its namespace with the reason: privilegedNamespaces: { '${p.namespace}': '<why it needs the node>' } `
      + '(its label becomes enforce: privileged, and tenants with edit rights there get the node too)',
  }));
}
