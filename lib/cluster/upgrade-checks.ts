import { Annotations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { Karpenter } from '../components/karpenter';
import { KubernetesCoverage } from '../contracts/kubernetes-coverage';
import { parseKubernetesVersion } from '../contracts/kubernetes-versions';
import { literal } from '../core/cidr';

// The synth-time half of a version upgrade (`upgradeFrom`): what the app says is checked against the new minor. The
// rules are a pure function of plain facts; `upgradeFacts` reads them from the tree once.
//
// EKS facts, read 2026-12-07:
// - One minor version at a time: https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html and
//   https://docs.aws.amazon.com/eks/latest/eksctl/cluster-upgrade.html ("Control plane version upgrades must be done for
//   one minor version at a time").
// - "If your cluster has managed node groups attached to it, all of your node groups' Kubernetes versions must match the
//   cluster's Kubernetes version in order to update the cluster to a new Kubernetes version":
//   https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterVersion.html. A nodegroup left on the old minor
//   blocks the next upgrade.
// - AWS::EKS::Nodegroup and AWS::EKS::Addon with no Version/AddonVersion are not changed by CloudFormation when only the
//   cluster's version changes (no property of theirs changes); aws-cdk-lib 2.276.0 aws-eks-v2 sets neither by default.
// - kubectl: "within one minor version difference of your Amazon EKS cluster control plane"
//   (https://docs.aws.amazon.com/eks/latest/userguide/install-kubectl.html); during an upgrade the layer must be the
//   new minor's, since the next upgrade moves the cluster one further.

/** A nodegroup of the cluster, as the upgrade check reads it. */
export interface UpgradeNodegroup {
  readonly path: string;
  /** Its pinned Kubernetes version, when set. */
  readonly version?: string;
  /** Its pinned AMI release (`1.35.2-20260101`), when set. */
  readonly releaseVersion?: string;
}

/** An EKS add-on of the cluster. */
export interface UpgradeAddon {
  readonly path: string;
  readonly name: string;
  readonly addonVersion?: string;
}

/** A controller with a coverage row (Karpenter). */
export interface UpgradeComponent {
  readonly path: string;
  readonly name: string;
  readonly release?: string;
}

/** What the upgrade check reads. */
export interface UpgradeFacts {
  readonly from: string;
  readonly to: string;
  /** The kubectl layer's minor (`36`), when known from its class (`KubectlV36Layer`). */
  readonly kubectlMinor?: string;
  readonly nodegroups: UpgradeNodegroup[];
  readonly addons: UpgradeAddon[];
  readonly components: UpgradeComponent[];
}

/** A finding of the upgrade check. */
export interface UpgradeFinding {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fix: string;
}

/** The rules (tests pin the list). */
const UPDATE = 'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html';
export const UPGRADE_RULES = [
  { id: 'PEKS-UPG-1', severity: 'error', reason: 'the version goes down, or up by more than one minor: EKS upgrades one minor at a time', fix: 'one minor per deploy', source: UPDATE },
  { id: 'PEKS-UPG-2', severity: 'error', reason: 'the kubectl layer is not the new minor\'s', fix: 'the KubectlVNNLayer of the new minor', source: 'https://docs.aws.amazon.com/eks/latest/userguide/install-kubectl.html' },
  { id: 'PEKS-UPG-3', severity: 'error', reason: 'a controller release is older than the oldest release its coverage row gives for the new minor', fix: 'upgrade the controller first', source: 'lib/contracts/kubernetes-coverage.ts (rows with their sources)' },
  { id: 'PEKS-UPG-4', severity: 'warning', reason: 'no coverage row covers the new minor for a controller: nothing proves it runs there', fix: 'check its matrix; add the row', source: 'lib/contracts/kubernetes-coverage.ts' },
  { id: 'PEKS-UPG-5', severity: 'error', reason: 'a nodegroup pins a version or AMI release of another minor', fix: 'a release of the new minor', source: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterVersion.html' },
  { id: 'PEKS-UPG-6', severity: 'warning', reason: 'nodegroups and add-ons with no version pinned stay on the old minor: CloudFormation does not move them', fix: 'update them after the deploy, or pin the new minor\'s', source: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterVersion.html' },
];

const minorOf = (v: string) => {
  const p = parseKubernetesVersion(v);
  return p ? `${p.major}.${p.minor}` : v;
};

/** Compares dotted releases (`1.9.0` < `1.10.0`); a leading `v` is ignored. */
export function compareReleases(a: string, b: string): number {
  const parts = (s: string) => s.replace(/^v/, '').split(/[.-]/).map(x => Number(x));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (Number.isNaN(x[i]) ? 0 : x[i] ?? 0) - (Number.isNaN(y[i]) ? 0 : y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The findings for an upgrade from `facts.from` to `facts.to`. */
export function upgradeFindings(f: UpgradeFacts): UpgradeFinding[] {
  const out: UpgradeFinding[] = [];
  const from = parseKubernetesVersion(f.from);
  const to = parseKubernetesVersion(f.to);
  if (!from || !to) return out;
  if (from.major !== to.major || to.minor < from.minor || to.minor - from.minor > 1) {
    const next = `${from.major}.${from.minor + 1}`;
    out.push({
      ruleId: 'PEKS-UPG-1',
      severity: 'error',
      message: to.minor < from.minor
        ? `version ${f.to} is below upgradeFrom ${f.from}: CloudFormation cannot downgrade a cluster (EKS's rollback to the previous minor is a separate step)`
        : `version ${f.to} is more than one minor above upgradeFrom ${f.from}: EKS upgrades one minor version at a time`,
      fix: to.minor < from.minor ? `set version back to ${f.from}` : `upgrade to ${next} first (deploy it, move the nodegroups and add-ons), then to the next`,
    });
    return out;
  }
  const target = `${to.major}.${to.minor}`;
  if (f.kubectlMinor !== undefined && `${to.major}.${f.kubectlMinor}` !== target) {
    out.push({
      ruleId: 'PEKS-UPG-2',
      severity: 'error',
      message: `the kubectl layer is kubectl 1.${f.kubectlMinor} and the cluster moves to ${target}: the handler and the bastion would run a kubectl of another minor, and the next upgrade would put it out of kubectl's skew`,
      fix: `use @aws-cdk/lambda-layer-kubectl-v${to.minor} (KubectlV${to.minor}Layer) in the same deploy`,
    });
  }
  for (const c of f.components) {
    const row = KubernetesCoverage.of(c.name, target);
    if (!row) {
      out.push({
        ruleId: 'PEKS-UPG-4',
        severity: 'warning',
        message: `no contract row says which ${c.name} releases support Kubernetes ${target} (${c.path}; rows: KubernetesCoverage): nothing proves ${c.name} ${c.release ?? ''} runs there`.replace('  ', ' '),
        fix: `check ${c.name}'s compatibility matrix for ${target} before deploying, and add its row with the source`,
      });
    } else if (c.release && compareReleases(c.release, row.minRelease) < 0) {
      out.push({
        ruleId: 'PEKS-UPG-3',
        severity: 'error',
        message: `${c.name} ${c.release} (${c.path}) is older than ${row.minRelease}, the oldest release that supports Kubernetes ${target} (${row.source}, read ${row.read})`,
        fix: `upgrade ${c.name} to ${row.minRelease} or newer before (or with) the cluster`,
      });
    }
  }
  for (const n of f.nodegroups) {
    const pinned = n.releaseVersion ?? n.version;
    if (pinned !== undefined && minorOf(pinned.split('-')[0]) !== target) {
      out.push({
        ruleId: 'PEKS-UPG-5',
        severity: 'error',
        message: `${n.path} pins ${n.releaseVersion ? `AMI release ${n.releaseVersion}` : `version ${n.version}`}, of Kubernetes ${minorOf(pinned.split('-')[0])}, and the cluster moves to ${target}`,
        fix: `pin a release of ${target} (aws ssm get-parameter --name /aws/service/eks/optimized-ami/${target}/amazon-linux-2023/x86_64/standard/recommended/release_version), or remove releaseVersion`,
      });
    }
  }
  const unpinned = [...f.nodegroups.filter(n => n.releaseVersion === undefined && n.version === undefined).map(n => `nodegroup ${n.path}`),
    ...f.addons.filter(a => a.addonVersion === undefined).map(a => `add-on ${a.name}`)];
  if (unpinned.length > 0) {
    out.push({
      ruleId: 'PEKS-UPG-6',
      severity: 'warning',
      message: `CloudFormation moves the control plane to ${target} but leaves ${unpinned.join(', ')} on ${f.from}: none of their properties change. `
        + 'EKS refuses the next upgrade until every managed nodegroup matches the cluster',
      fix: `after this deploy, update them (aws eks update-nodegroup-version; aws eks update-addon with a version from aws eks describe-addon-versions --kubernetes-version ${target}), `
        + 'or pin releaseVersion and addonVersion of the new minor so this deploy moves them, in order: control plane, add-ons, nodegroups',
    });
  }
  return out;
}

/** Reads the upgrade facts of one cluster from the tree (called at validation, once everything is built). */
export function upgradeFacts(owner: IConstruct, cluster: eks.Cluster, from: string, to: string, kubectlLayer?: lambda.ILayerVersion): UpgradeFacts {
  const all = owner.node.root.node.findAll();
  const name = literal(cluster.stack.resolve(cluster.clusterName)) ?? JSON.stringify(cluster.stack.resolve(cluster.clusterName));
  const ofCluster = (n: unknown) => {
    const v = cluster.stack.resolve(n);
    return (typeof v === 'string' ? v : JSON.stringify(v)) === name;
  };
  return {
    from,
    to,
    kubectlMinor: kubectlLayer ? /^KubectlV(\d+)Layer$/.exec(kubectlLayer.constructor.name)?.[1] : undefined,
    nodegroups: all.filter((c): c is eks.CfnNodegroup => c instanceof eks.CfnNodegroup && ofCluster(c.clusterName)).map(c => ({
      path: c.node.scope!.node.path,
      version: literal(c.version),
      releaseVersion: literal(c.releaseVersion),
    })),
    addons: all.filter((c): c is eks.CfnAddon => c instanceof eks.CfnAddon && ofCluster(c.clusterName)).map(c => ({
      path: c.node.path, name: c.addonName, addonVersion: literal(c.addonVersion),
    })),
    components: all.filter((c): c is Karpenter => c instanceof Karpenter && c.node.path.startsWith(`${owner.node.path}/`)).map(k => ({
      path: k.node.path, name: 'karpenter', release: literal(k.chart.version),
    })),
  };
}

/** What the upgrade wiring needs of the L3. */
export interface UpgradeWiring {
  readonly owner: IConstruct;
  readonly cluster: eks.Cluster;
  /** `upgradeFrom`: the version the cluster runs before this deploy. */
  readonly from: string;
  readonly to: string;
  readonly kubectlLayer?: lambda.ILayerVersion;
  /** Rules the user reports as warnings (`downgradeRules`), with the reason. */
  readonly downgrades: { [ruleId: string]: string };
}

/**
 * Adds the upgrade check to the L3's validation: errors fail synth (`PEKS-UPG-n: ... Fix: ...`), warnings are reported
 * once as `cdk-private-eks:PEKS-UPG-n`.
 */
export function checkUpgrade(w: UpgradeWiring): void {
  let reported = false;
  w.owner.node.addValidation({
    validate: () => {
      const findings = upgradeFindings(upgradeFacts(w.owner, w.cluster, w.from, w.to, w.kubectlLayer));
      const errors: string[] = [];
      for (const f of findings) {
        const reason = w.downgrades[f.ruleId];
        const text = `${f.ruleId}: ${f.message}. Fix: ${f.fix}.`;
        if (f.severity === 'error' && reason === undefined) errors.push(text);
        else if (!reported) Annotations.of(w.owner).addWarningV2(`cdk-private-eks:${f.ruleId}`, reason === undefined ? text : `${text} (Downgraded from an error: ${reason})`);
      }
      reported = true;
      return errors;
    },
  });
}
