import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { newStack, quietly } from './util';
import { PrivateEksCluster, WorkloadIdentity } from '../lib';

const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';

function karpenter(version: string) {
  const stack = newStack();
  const c = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_33, bastion: false, kubectlLayer: new KubectlV24Layer(stack, 'Layer') });
  c.addKarpenter({ version, chartRepository: `oci://${ECR}/charts/karpenter`, image: `${ECR}/karpenter/controller:${version}` });
  return Annotations.fromStack(stack);
}

describe('Karpenter versions the contract holds for', () => {
  test('fails below 1.0.0 (no v1 APIs), naming the version to use', () => {
    expect(() => karpenter('0.37.0')).toThrow(/\[Test\/Eks\/Karpenter\] Karpenter 0\.37\.0 predates the v1 APIs.*Fix: use 1\.0\.0 or later, for example 1\.14\.0/);
  });

  test.each(['1.7.2', '1.7.6', '1.8.1', '1.8.2'])('%s warns: an isolated VPC keeps NodeClasses from being deleted (#8609), naming the first fixed release', (version) => {
    karpenter(version).hasWarning('/Test/Eks/Karpenter', Match.stringLikeRegexp(`Karpenter ${version.replace(/\./g, '\\.')} calls IAM before.*#8609.*#8617.*#8749, first in 1\\.8\\.3.*Fix: use 1\\.8\\.3 or later`));
  });

  test('the warning no longer says the backport could not be confirmed', () => {
    const w = karpenter('1.8.0').findWarning('*', Match.stringLikeRegexp('calls IAM before'));
    expect(w).toHaveLength(1);
    expect(String(w[0].entry.data)).not.toMatch(/could not confirm|acknowledge this warning if your patch/);
  });

  test.each(['1.7.1', '1.8.3', '1.8.8', '1.9.0', '1.14.0'])('%s does not warn about the finalizer (1.8.3 to 1.8.8 carry the backport)', (version) => {
    expect(karpenter(version).findWarning('*', Match.stringLikeRegexp('calls IAM before'))).toEqual([]);
  });

  test('a version newer than the last policy the library checked warns', () => {
    karpenter('1.15.0').hasWarning('/Test/Eks/Karpenter', Match.stringLikeRegexp('newer than 1\\.14, the last release whose getting-started IAM policy'));
    expect(karpenter('1.14.3').findWarning('*', Match.stringLikeRegexp('newer than'))).toEqual([]);
  });
});

describe('things people write that fail only at deploy', () => {
  test('an OCI repository that does not end in the chart warns with the URL the handler will pull', () => {
    const stack = newStack();
    const c = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_33, bastion: false, kubectlLayer: new KubectlV24Layer(stack, 'Layer') });
    c.addHelmChart('Podinfo', { chart: 'podinfo', repository: `oci://${ECR}/charts`, version: '6.7.0' });
    c.addHelmChart('Ok', { chart: 'podinfo', repository: `oci://${ECR}/charts/podinfo`, version: '6.7.0' });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ignores chart'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(new RegExp(`pulls oci://${ECR.replace(/\./g, '\\.')}/charts as the chart.*Fix: repository: 'oci://${ECR.replace(/\./g, '\\.')}/charts/podinfo'`));
  });

  test('an add-on name EKS does not document warns with the closest documented name; Marketplace names are left alone', () => {
    const stack = newStack();
    const c = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_33, bastion: false });
    c.addAddon('aws-ebs-csi');
    c.addAddon('metrics-sever');
    c.addAddon('kubecost_kubecost');
    c.addAddon('aws-fsx-csi-driver');
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('is not an add-on name'));
    expect(warnings.map(w => String(w.entry.data).match(/^"([^"]+)".*Did you mean "([^"]+)"/)!.slice(1))).toEqual([
      ['aws-ebs-csi', 'aws-ebs-csi-driver'], ['metrics-sever', 'metrics-server'],
    ]);
  });
});

describe('EKS Auto Mode', () => {
  const build = (downgrade: boolean) => {
    const app = new App();
    const stack = new Stack(app, 'Auto');
    const c = new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      bastion: false,
      downgradeRules: downgrade ? { 'PEKS-AUTO-1': 'proven with our own endpoints in a test account' } : undefined,
    });
    // Turned on through an escape hatch on the L1, where the library does not.
    (c.cluster.node.defaultChild as eks.CfnCluster).computeConfig = { enabled: true, nodePools: ['system'], nodeRoleArn: c.nodeRole.roleArn };
    return () => quietly(() => app.synth());
  };

  test('fails when the cluster turns Auto Mode on, naming why the library cannot prove it and the fix', () => {
    expect(build(false)).toThrow(/PEKS-AUTO-1: EKS Auto Mode is on \(ComputeConfig\.Enabled\).*does not mention Auto Mode \(read 2026-12-07\); no other AWS page found lists what Auto Mode nodes need.*Fix: turn Auto Mode off/);
  });

  test('downgradeRules turns it into a warning with the user\'s reason', () => {
    expect(build(true)).not.toThrow();
  });
});

describe('add-on versions and EKS Pod Identity', () => {
  const addon = (addonVersion: string, identity?: WorkloadIdentity) => () => {
    const c = new PrivateEksCluster(newStack(), 'Eks', { version: eks.KubernetesVersion.V1_33, bastion: false });
    c.addAddon('aws-ebs-csi-driver', { addonVersion, identity });
  };

  test('fails when a Pod Identity add-on is pinned below the first version that supports it', () => {
    expect(addon('v1.25.0-eksbuild.1')).toThrow(/aws-ebs-csi-driver v1\.25\.0-eksbuild\.1 predates EKS Pod Identity support \(from v1\.26\.0-eksbuild\.1.*Fix: use addonVersion v1\.26\.0-eksbuild\.1 or later, or identity: WorkloadIdentity\.IRSA/);
  });

  test.each(['v1.26.0-eksbuild.1', 'v1.31.0-eksbuild.1'])('%s passes; so does an old version with IRSA', (v) => {
    expect(addon(v)).not.toThrow();
    expect(addon('v1.25.0-eksbuild.1', WorkloadIdentity.IRSA)).not.toThrow();
  });
});
