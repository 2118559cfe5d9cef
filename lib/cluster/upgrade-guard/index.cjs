'use strict';
// The upgrade guard of a PrivateEksCluster: a Lambda handler that CloudFormation invokes directly (the custom
// resource's ServiceToken is this function's ARN) BEFORE it creates or updates the cluster (the cluster depends on
// it). It reads the running version with eks:DescribeCluster and fails the stack, before anything changes, when the
// template's version is a downgrade or a jump of more than one minor version.
//
// EKS facts (read 2026-12-07): "Control plane version upgrades must be done for one minor version at a time"
// (https://docs.aws.amazon.com/eks/latest/eksctl/cluster-upgrade.html, and the EKS user guide's update-cluster page:
// https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html); a CloudFormation rollback does not roll the
// control plane back, and EKS's own version rollback (to the previous minor, within 7 days) leaves add-ons and managed
// nodegroups as they are (https://docs.aws.amazon.com/eks/latest/userguide/rollback-cluster.html). The update-cluster
// page also says "Once you upgrade a cluster, you can't downgrade"; the newer rollback page allows one minor back
// within 7 days through UpdateClusterVersion. The guard refuses a downgrade through CloudFormation either way: that
// rollback is a deliberate step outside the template (see docs/gitops-and-upgrades.md).
//
// Plain CommonJS; the AWS SDK for JavaScript v3 comes with the Lambda Node.js runtime
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). Tests inject a fake EKS client and responder.

const https = require('https');
const { URL } = require('url');

/** CloudFormation refuses a response body over 4096 bytes: the reason stays well under it. */
const MAX_REASON = 3000;

/** "1.35" or "1.35.2" -> { major, minor }; undefined otherwise. */
function parseVersion(v) {
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(String(v || ''));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * What to do, given the running version (undefined: no cluster yet) and the template's. Pure: `{ ok, reason }`.
 */
function decide(running, target, clusterName) {
  if (running === undefined) return { ok: true, reason: `cluster ${clusterName} does not exist yet: nothing to check` };
  const r = parseVersion(running);
  const t = parseVersion(target);
  if (!r || !t) return { ok: false, reason: `cannot compare the running version "${running}" with the template's "${target}"` };
  if (r.major !== t.major) {
    return { ok: false, reason: `cluster ${clusterName} runs Kubernetes ${running} and the template asks for ${target}: a change of major version is not an EKS upgrade` };
  }
  if (t.minor === r.minor) return { ok: true, reason: `cluster ${clusterName} runs ${running}: the version does not change` };
  if (t.minor < r.minor) {
    return {
      ok: false,
      reason: `cluster ${clusterName} runs Kubernetes ${running} and the template asks for ${target}: CloudFormation cannot downgrade a cluster. `
        + `Nothing was changed. Fix: set version back to ${running} (EKS's own rollback to the previous minor, within 7 days of an upgrade, `
        + 'is done with aws eks update-cluster-version outside this stack; then set version to match)',
    };
  }
  if (t.minor - r.minor > 1) {
    const next = `${r.major}.${r.minor + 1}`;
    return {
      ok: false,
      reason: `cluster ${clusterName} runs Kubernetes ${running} and the template asks for ${target}: EKS upgrades one minor version at a time. `
        + `Nothing was changed. Fix: deploy version ${next} first (with its kubectl layer and nodegroup releases), then the next one`,
    };
  }
  return { ok: true, reason: `cluster ${clusterName} runs ${running}: upgrading to ${target} is one minor version` };
}

/** The running version of the cluster, or undefined when it does not exist. */
async function runningVersion(eks, name) {
  try {
    const out = await eks.send(new (eksModule().DescribeClusterCommand)({ name }));
    return out.cluster && out.cluster.version;
  } catch (e) {
    if (e && (e.name === 'ResourceNotFoundException' || e.Code === 'ResourceNotFoundException')) return undefined;
    throw e;
  }
}

let eksSdk;
function eksModule() {
  eksSdk = eksSdk || require('@aws-sdk/client-eks');
  return eksSdk;
}

/** Answers CloudFormation at the pre-signed ResponseURL. */
function respond(event, status, reason, physicalId) {
  const body = JSON.stringify({
    Status: status,
    Reason: String(reason).slice(0, MAX_REASON),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const req = https.request({
      hostname: url.hostname, port: 443, path: url.pathname + url.search, method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: 10000,
    }, res => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out answering CloudFormation')));
    req.end(body);
  });
}

/**
 * The guard. `deps` = { eks, respond } in tests; in Lambda, an EKSClient of the function's region and the HTTPS answer.
 */
async function run(event, deps) {
  const props = event.ResourceProperties || {};
  const name = props.ClusterName;
  const physicalId = `upgrade-guard-${name}`;
  // Nothing to guard on delete; CloudFormation must get an answer either way.
  if (event.RequestType === 'Delete') return deps.respond(event, 'SUCCESS', 'nothing to check on delete', physicalId);
  let decision;
  try {
    const running = await runningVersion(deps.eks, name);
    decision = decide(running, props.Version, name);
  } catch (e) {
    decision = { ok: false, reason: `could not read cluster ${name} (eks:DescribeCluster): ${e && e.name ? `${e.name}: ` : ''}${e && e.message}` };
  }
  console.log(JSON.stringify({ cluster: name, target: props.Version, ok: decision.ok, reason: decision.reason }));
  return deps.respond(event, decision.ok ? 'SUCCESS' : 'FAILED', decision.reason, physicalId);
}

exports.handler = async event => {
  const { EKSClient } = eksModule();
  return run(event, { eks: new EKSClient({}), respond });
};
exports.run = run;
exports.decide = decide;
exports.parseVersion = parseVersion;
// For tests: the command class is taken from the SDK lazily, so a fake client sees a plain object too.
exports._setSdk = sdk => { eksSdk = sdk; };
