import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  let digest = digests.get(key) ?? readCachedDigest(key);
  if (!digest) {
    digest = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
    writeCachedDigest(key, digest);
  }
  digests.set(key, digest);
  return digest;
}

/**
 * Digests of layer zips (30 MB and more) kept between synths in the temporary directory, by path, size and mtime: a
 * changed file gets a new entry; the directory is the user's own (0700). A missing or unreadable cache only costs the hash.
 */
const CACHE_DIR = path.join(os.tmpdir(), 'cdk-private-eks-sha256');
function cacheFile(key: string): string {
  return path.join(CACHE_DIR, crypto.createHash('sha256').update(key).digest('hex'));
}
function readCachedDigest(key: string): string | undefined {
  try {
    const v = fs.readFileSync(cacheFile(key), 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
function writeCachedDigest(key: string, digest: string): void {
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
    fs.writeFileSync(cacheFile(key), digest);
  } catch {
    // A read-only temporary directory: hash again next time.
  }
}
