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
}

/** The host behind the public interface: a component installed in something other than a `PrivateEksCluster` fails. */
export function hostOf(scope: Construct, cluster: IPrivateEksCluster): ComponentHost {
  const host = cluster as Partial<ComponentHost>;
  if (typeof host._installChart !== 'function' || typeof host._needsFromNodes !== 'function') {
    throw new Error(`[${scope.node.path}] cluster ${cluster.node.path} is not a PrivateEksCluster. Fix: pass the PrivateEksCluster the component runs in.`);
  }
  return host as ComponentHost;
}
