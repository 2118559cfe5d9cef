import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { ComponentHost } from './host';
import { misuse } from '../core/errors';

/** Where a controller comes from on the internet, for the messages that say how to bring it into the VPC. */
export interface ControllerHome {
  /** The chart's name, as pushed to ECR (`karpenter`). */
  readonly chart: string;
  /** Why its home is out of reach (`its home, oci://public.ecr.aws/karpenter/karpenter, is on the internet`). */
  readonly chartHome: string;
  /** The `helm pull` of the chart, without the version. */
  readonly helmPull: string;
  /** The chart version to pull. */
  readonly chartVersion: string;
  /** The controller's public image, with its tag. */
  readonly publicImage: string;
  /** An image in this region's ECR, as the fix writes it. */
  readonly imageExample: string;
}

/**
 * The chart source a controller is installed from: exactly one of a repository in this region's ECR or a chart
 * asset, since the kubectl handler has no internet route.
 */
export function checkChartSource(scope: Construct, props: { chartRepository?: string; chartAsset?: s3assets.Asset }, home: ControllerHome): void {
  if (!props.chartRepository && !props.chartAsset) {
    throw misuse(scope, `the chart has no source the kubectl handler can reach: ${home.chartHome}`,
      `copy it into this region's ECR (${home.helmPull} --version ${home.chartVersion}; helm push ${home.chart}-${home.chartVersion}.tgz oci://<account>.dkr.ecr.<region>.amazonaws.com) `
      + `and pass chartRepository: 'oci://<account>.dkr.ecr.<region>.amazonaws.com/${home.chart}', or pass chartAsset`);
  }
  if (props.chartRepository && props.chartAsset) throw misuse(scope, 'both chartRepository and chartAsset were given', 'pass one of them');
}

/** The controller's image: the one given, else its public image through a pull-through cache rule of the cluster. */
export function controllerImage(scope: Construct, cluster: ComponentHost, image: string | undefined, home: ControllerHome): string {
  const resolved = image ?? cluster._cachedImage(home.publicImage);
  if (!resolved) {
    throw misuse(scope, `no image was given, and no pull-through cache rule of the cluster serves public.ecr.aws (the controller's image is ${home.publicImage})`,
      `copy the image into this region's ECR and pass image: '${home.imageExample}', or add cluster.addPullThroughCache(...) with Upstream.ECR_PUBLIC first`);
  }
  return resolved;
}
