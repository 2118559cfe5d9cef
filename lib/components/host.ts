import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ClusterFeatures, IPrivateEksCluster } from './private-cluster';

/**
 * The cluster's own wiring that only the library's components call (the L3's `@internal` methods): installing a
 * chart or a manifest through its kubectl handler, asking for the endpoints a component needs, the cache's image.
 * Not exported from the package.
 */
export interface ComponentHost extends IPrivateEksCluster {
  _installChart(scope: Construct, id: string, options: eks.HelmChartOptions, caller?: string): eks.HelmChart;
  _applyManifest(scope: Construct, id: string, manifest: Record<string, any>[]): eks.KubernetesManifest;
  _needsFromNodes(contract: string, services: string[], features: ClusterFeatures, setValues?: string[]): void;
  _cachedImage(image: string): string | undefined;
  /** The proxy the cluster's nodes get (its `proxy`: the URL and the generated NO_PROXY entries), if any. */
  _nodeProxy(): { readonly url: string; readonly noProxy: string[] } | undefined;
  /** Where the library's controllers run with `systemNodes` (their selector and toleration); undefined without. */
  _systemPlacement(): SystemPlacement | undefined;
}

/** The host behind the public interface: a component installed in something other than a `PrivateEksCluster` fails. */
export function hostOf(scope: Construct, cluster: IPrivateEksCluster): ComponentHost {
  const host = cluster as Partial<ComponentHost>;
  if (typeof host._installChart !== 'function' || typeof host._needsFromNodes !== 'function') {
    throw new Error(`[${scope.node.path}] cluster ${cluster.node.path} is not a PrivateEksCluster. Fix: pass the PrivateEksCluster the component runs in.`);
  }
  return host as ComponentHost;
}

// Dedicated system nodes (`systemNodes`): a managed nodegroup tainted `CriticalAddonsOnly=true:NoSchedule` and labelled
// SYSTEM_NODE_LABEL, where the library's controllers run, away from tenants' pods. The taint is the one EKS puts on its
// own nodes for critical add-ons ("Run critical add-ons on dedicated instances": the Auto Mode `system` NodePool's
// nodes "have a CriticalAddonsOnly Kubernetes taint", https://docs.aws.amazon.com/eks/latest/userguide/critical-workload.html,
// read 2026-12-07) and the one Karpenter's chart tolerates by default (charts/karpenter/values.yaml `tolerations: - key: CriticalAddonsOnly, operator: Exists`,
// aws/karpenter-provider-aws at 0003697d, read 2026-12-07); the label is the library's own, so the selector matches
// only the nodegroup the library made (Karpenter's NodePools and the tenants' nodegroups do not carry it).

/** The label of the system nodes, which the controllers' `nodeSelector` names. */
export const SYSTEM_NODE_LABEL = 'cdk-private-eks.io/system-nodes';
/** The taint key of the system nodes (value `true`, effect `NoSchedule`). */
export const SYSTEM_NODE_TAINT_KEY = 'CriticalAddonsOnly';

/** The scheduling settings a controller needs to run on the system nodes (and only there). */
export interface SystemPlacement {
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations: { key: string; operator: string; value?: string; effect?: string }[];
}

/** The `nodeSelector` and `tolerations` of a pod that runs on the system nodes. */
export function systemPlacement(): SystemPlacement {
  return {
    nodeSelector: { [SYSTEM_NODE_LABEL]: 'true' },
    tolerations: [{ key: SYSTEM_NODE_TAINT_KEY, operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
  };
}

/**
 * What is missing from a pod's final `nodeSelector` and `tolerations` (after the user's values are merged) for it to
 * run on the system nodes only; undefined when nothing is.
 */
export function systemPlacementProblem(nodeSelector: any, tolerations: any): string | undefined {
  const problems: string[] = [];
  const selected = nodeSelector && typeof nodeSelector === 'object' ? nodeSelector[SYSTEM_NODE_LABEL] : undefined;
  if (selected !== 'true') problems.push(`nodeSelector ${JSON.stringify(nodeSelector ?? {})} does not name ${SYSTEM_NODE_LABEL}: "true"`);
  const tolerates = Array.isArray(tolerations) && tolerations.some((t: any) => t && typeof t === 'object'
    && (t.key === SYSTEM_NODE_TAINT_KEY || t.key === undefined)
    && (t.operator === 'Exists' || ((t.operator ?? 'Equal') === 'Equal' && t.value === 'true'))
    && (t.effect === undefined || t.effect === '' || t.effect === 'NoSchedule'));
  if (!tolerates) problems.push(`tolerations ${JSON.stringify(tolerations ?? [])} do not tolerate ${SYSTEM_NODE_TAINT_KEY}=true:NoSchedule`);
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * The EKS managed add-ons whose controller Deployment `systemNodes` places, with the key of their configurationValues
 * that holds its `nodeSelector` and `tolerations`. aws-ebs-csi-driver: the chart's `controller.nodeSelector` and
 * `controller.tolerations` (charts/aws-ebs-csi-driver/values.yaml, kubernetes-sigs/aws-ebs-csi-driver at 006340ee, read
 * 2026-12-07), which the add-on's schema takes (`aws eks describe-addon-configuration --addon-name
 * aws-ebs-csi-driver`). Its node DaemonSet, like eks-pod-identity-agent, vpc-cni and kube-proxy, must run on every
 * node and is not placed.
 */
export const SYSTEM_ADDON_PLACEMENT: { [addonName: string]: string } = {
  'aws-ebs-csi-driver': 'controller',
};
