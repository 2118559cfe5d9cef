import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { RemovalPolicy, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { newStack, resourcesOfType } from './util';
import { ComponentContracts, ComponentKind, EksAddonName, PrivateEksCluster } from '../lib';

describe('props production users look for', () => {
  test('nodegroup: release version, update config, tags and boot commands (MIME multi-part, as EKS merges it)', () => {
    const stack = newStack();
    const userData = ec2.UserData.forLinux();
    userData.addCommands('echo hello > /etc/motd');
    new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      bastion: false,
      defaultNodegroup: { releaseVersion: '1.33.0-20250101', maxUnavailablePercentage: 25, tags: { team: 'platform' }, userData },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      ReleaseVersion: '1.33.0-20250101', UpdateConfig: { MaxUnavailablePercentage: 25 }, Tags: { team: 'platform' },
    });
    const [[, lt]] = resourcesOfType(t, 'AWS::EC2::LaunchTemplate');
    const body = JSON.stringify(lt.Properties.LaunchTemplateData.UserData);
    expect(body).toContain('Content-Type: multipart/mixed');
    expect(body).toContain('echo hello > /etc/motd');
  });

  test('fails when both update settings are given, or one is out of range', () => {
    const build = (o: object) => () => new PrivateEksCluster(newStack(), 'Eks', { version: eks.KubernetesVersion.V1_33, bastion: false, defaultNodegroup: o });
    expect(build({ maxUnavailable: 1, maxUnavailablePercentage: 10 })).toThrow(/\[Test\/Eks\/DefaultNodegroup\] maxUnavailable \(1\) and maxUnavailablePercentage \(10\) were both given. Fix: give one of them/);
    expect(build({ maxUnavailable: 0 })).toThrow(/maxUnavailable must be a whole number from 1 to 100, got 0/);
  });

  test('the kubectl handler\'s memory and a removal policy for the cluster and its handler', () => {
    const stack = newStack();
    const c = new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      bastion: false,
      kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
      kubectlMemory: Size.gibibytes(3),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::EKS::Cluster', { DeletionPolicy: 'Retain' });
    t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 3072, Layers: Match.anyValue() });
    expect(() => new PrivateEksCluster(newStack(), 'Eks', { version: eks.KubernetesVersion.V1_33, kubectlMemory: Size.mebibytes(64) }))
      .toThrow(/kubectlMemory must be from 128 MiB to 10,240 MiB \(Lambda's range\), got 64 MiB/);
  });

  test('EksAddonName names exactly the add-ons ComponentContracts has a row for', () => {
    const constants = Object.entries(EksAddonName).filter(([k]) => /^[A-Z_0-9]+$/.test(k)).map(([, v]) => v).sort();
    const rows = ComponentContracts.all().filter(r => r.kind === ComponentKind.EKS_ADDON).map(r => r.name).sort();
    expect(constants).toEqual(rows);
  });
});
