import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { newStack } from './util';
import { BastionClusterAccess, PodSecurityStandard, PrivateEksCluster, PrivateEksClusterProps } from '../lib';
import { analyzePodSecurity, hostAccessOf } from '../lib/check/pod-security-rules';

// GIVEN a node agent that asks for the node: every field Pod Security's baseline level forbids for host access.
const nodeAgent = (namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'node-agent', namespace },
  spec: {
    selector: { matchLabels: { app: 'node-agent' } },
    template: {
      metadata: { labels: { app: 'node-agent' } },
      spec: {
        hostPID: true,
        hostNetwork: true,
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
        containers: [{ name: 'agent', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/agent:1', securityContext: { privileged: true } }],
      },
    },
  },
});
const web = (namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1' }] } } },
});

function cluster(stack: Stack, props: Partial<PrivateEksClusterProps> = {}): PrivateEksCluster {
  return new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
    bastionOptions: { clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['apps', 'tools'] },
    ...props,
  });
}

const namespacesOf = (t: Template) => Object.values(t.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
  .flatMap((r: any) => JSON.parse(r.Properties.Manifest))
  .filter((o: any) => o.kind === 'Namespace')
  .map((o: any) => ({ name: o.metadata.name, labels: Object.fromEntries(Object.entries(o.metadata.labels).filter(([k]) => k.startsWith('pod-security'))) }));

describe('Pod Security Admission labels on the namespaces the library creates or grants', () => {
  // One synth: the bastion may edit apps and tools; the user declares apps with a label of their own.
  let t: Template;
  let eksCluster: PrivateEksCluster;
  beforeAll(() => {
    const stack = newStack();
    eksCluster = cluster(stack);
    eksCluster.addManifest('Apps', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { team: 'web' } } }, web('apps'));
    t = Template.fromStack(stack);
  });

  test('each granted namespace exists once, labelled enforce baseline (pinned to the cluster\'s version), warn and audit restricted', () => {
    const expected = {
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
    };
    // apps: the user's object, labels merged (not a second Namespace); tools: the library's.
    expect(namespacesOf(t).sort((a: any, b: any) => a.name.localeCompare(b.name))).toEqual([
      { name: 'apps', labels: expected },
      { name: 'tools', labels: expected },
    ]);
  });

  test('the user\'s own labels stay, and the library\'s namespace manifest holds only what no manifest of the user\'s declares', () => {
    const apps = Object.values(t.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
      .map((r: any) => JSON.parse(r.Properties.Manifest)).find((m: any[]) => m.some(o => o.kind === 'Namespace' && o.metadata.name === 'apps'));
    expect(apps[0].metadata.labels.team).toBe('web');
    expect(eksCluster._joinFindings().filter(f => f.ruleId.startsWith('PEKS-PSA'))).toEqual([]);
  });
});

describe('a granted namespace the user declares', () => {
  test('the library\'s namespace manifest goes away when the user\'s manifests declare every granted namespace', () => {
    const stack = newStack();
    const c = cluster(stack, { bastionOptions: { clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['apps'] } });
    expect(c.node.tryFindChild('PodSecurityNamespaces')).toBeDefined();
    c.addManifest('Apps', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    expect(c.node.tryFindChild('PodSecurityNamespaces')).toBeUndefined();
    expect(namespacesOf(Template.fromStack(stack)).map((n: any) => n.name)).toEqual(['apps']);
  });
});

describe('PEKS-PSA-1: a manifest whose pods reach their node', () => {
  test('fails when a privileged DaemonSet with the host\'s PID and network and hostPath / is applied in a tenant namespace', () => {
    const stack = newStack();
    const c = cluster(stack);
    c.addManifest('Agent', nodeAgent('apps'));
    const psa = c._joinFindings().filter(f => f.ruleId === 'PEKS-PSA-1');
    expect(psa).toHaveLength(1);
    expect(psa[0].severity).toBe('error');
    expect(psa[0].message).toMatch(/Test\/Eks\/ManifestAgent: DaemonSet apps\/node-agent sets spec\.template\.spec\.hostPID, spec\.template\.spec\.hostNetwork, spec\.template\.spec\.volumes\[0\]\.hostPath \(\/\), spec\.template\.spec\.containers\[0\]\.securityContext\.privileged, which makes its pods root on their node/);
    expect(psa[0].fix).toMatch(/privilegedNamespaces: \{ 'apps': '<why it needs the node>' \}/);
    expect(() => Template.fromStack(stack)).toThrow(/PEKS-PSA-1: .*DaemonSet apps\/node-agent/);
  });

  test('passes in kube-system, and in a namespace named in privilegedNamespaces with its reason (labelled enforce privileged)', () => {
    const stack = newStack();
    const c = cluster(stack, { privilegedNamespaces: { 'node-agents': 'the CSI node driver mounts host paths' } });
    c.addManifest('System', nodeAgent('kube-system'));
    c.addManifest('Agents', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'node-agents' } }, nodeAgent('node-agents'));
    c.addManifest('Web', web('apps'));
    expect(c._joinFindings().filter(f => f.ruleId.startsWith('PEKS-PSA'))).toEqual([]);
    const t = Template.fromStack(stack);
    expect(namespacesOf(t).find((n: any) => n.name === 'node-agents')!.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  test('reads every pod-bearing kind, init and ephemeral containers, and ignores what is not a pod', () => {
    expect(hostAccessOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { hostIPC: true } } } } } }))
      .toEqual(['spec.jobTemplate.spec.template.spec.hostIPC']);
    expect(hostAccessOf({ kind: 'Pod', spec: { initContainers: [{ securityContext: { privileged: true } }], containers: [{}] } }))
      .toEqual(['spec.initContainers[0].securityContext.privileged']);
    expect(hostAccessOf({ kind: 'Deployment', spec: { template: { spec: { containers: [{ securityContext: { privileged: false } }], volumes: [{ emptyDir: {} }] } } } })).toBeUndefined();
    expect(hostAccessOf({ kind: 'ConfigMap', data: { hostNetwork: 'true' } })).toBeUndefined();
    expect(analyzePodSecurity({ enforce: 'restricted', hostAccessPods: [] })).toEqual([]);
  });
});

describe('Pod Security settings misuse', () => {
  test('fails when a Namespace manifest sets a weaker enforce than podSecurity, naming the escape', () => {
    const c = cluster(newStack(), { podSecurity: PodSecurityStandard.RESTRICTED });
    expect(() => c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }))
      .toThrow(/\[Test\/Eks\] addManifest: Namespace "legacy" sets pod-security.kubernetes.io\/enforce: baseline, weaker than the cluster's podSecurity \(restricted\).*Fix: remove the label.*privilegedNamespaces/);
  });

  test('a stricter label of the user\'s is kept', () => {
    const stack = newStack();
    const c = cluster(stack);
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    expect(namespacesOf(Template.fromStack(stack)).find((n: any) => n.name === 'strict')!.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('fails when privilegedNamespaces gives no reason or no namespace name', () => {
    expect(() => cluster(newStack(), { privilegedNamespaces: { agents: ' ' } })).toThrow(/privilegedNamespaces: "agents" has no reason. Fix: say why its pods need the node/);
    expect(() => cluster(newStack(), { privilegedNamespaces: { Agents: 'x' } })).toThrow(/privilegedNamespaces: "Agents" is not a Kubernetes namespace name/);
  });

  test('a prefix grant cannot be labelled: a warning says so', () => {
    const stack = newStack();
    cluster(stack, { bastionOptions: { clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['team-*'] } });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data));
    expect(warnings.some(w => /team-\* names no namespace the library can create/.test(w))).toBe(true);
  });
});
