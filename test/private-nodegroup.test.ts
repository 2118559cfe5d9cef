import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { clusterFixture, newStack } from './util';
import { PrivateNodegroup } from '../lib';
import { maxPodsFor } from '../lib/contracts/max-pods';

describe('PrivateNodegroup', () => {
  let t: Template;
  beforeAll(() => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new PrivateNodegroup(stack, 'Nodes', { cluster });
    t = Template.fromStack(stack);
  });

  test('defaults: 2 x t3.medium on-demand, AL2023 for 1.36, in the private subnets', () => {
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      InstanceTypes: ['t3.medium'],
      AmiType: 'AL2023_x86_64_STANDARD',
      CapacityType: 'ON_DEMAND',
      ScalingConfig: { DesiredSize: 2, MinSize: 2, MaxSize: 2 },
      Subnets: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
      DiskSize: Match.absent(),
      LaunchTemplate: { Id: { Ref: Match.stringLikeRegexp('NodesLaunchTemplate') }, Version: Match.anyValue() },
    });
  });

  test('launch template: IMDSv2 required with hop limit 1, 30 GiB encrypted gp3, no security groups', () => {
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true } }],
        SecurityGroupIds: Match.absent(),
        NetworkInterfaces: Match.absent(),
        KeyName: Match.absent(),
      },
    });
  });

  test('node role has exactly the managed policies EKS requires', () => {
    const roles = Object.values(t.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] } },
    }));
    expect(roles).toHaveLength(1);
    const policies = (roles[0].Properties.ManagedPolicyArns as any[]).map(p => (p['Fn::Join'][1] as string[]).slice(-1)[0]).sort();
    expect(policies).toEqual([':iam::aws:policy/AmazonEC2ContainerRegistryPullOnly', ':iam::aws:policy/AmazonEKSWorkerNodePolicy', ':iam::aws:policy/AmazonEKS_CNI_Policy']);
  });
});

describe('PrivateNodegroup options', () => {
  test('arm64 instance types get the AL2023 arm64 AMI; versions below 1.30 get AL2', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new PrivateNodegroup(stack, 'Arm', { cluster, instanceTypes: [new ec2.InstanceType('m7g.large')] });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_ARM_64_STANDARD' });

    const old = newStack();
    const vpc = new ec2.Vpc(old, 'Vpc', { natGateways: 0 });
    const oldCluster = new eks.Cluster(old, 'C', {
      version: eks.KubernetesVersion.of('1.24'),
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PUBLIC }],
      endpointAccess: eks.EndpointAccess.PUBLIC,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
    });
    new PrivateNodegroup(old, 'Old', { cluster: oldCluster });
    Template.fromStack(old).hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2_x86_64' });
  });

  test('SSH: the key goes into the launch template and port 22 is opened only from the given security groups', () => {
    const stack = newStack();
    const { cluster, vpc } = clusterFixture(stack);
    const source = new ec2.SecurityGroup(stack, 'Ops', { vpc });
    new PrivateNodegroup(stack, 'Nodes', {
      cluster,
      sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'node-key'),
      sshSourceSecurityGroups: [source],
      labels: { role: 'general' },
      taints: [{ key: 'dedicated', value: 'ops', effect: eks.TaintEffect.NO_SCHEDULE }],
      capacityType: eks.CapacityType.SPOT,
      minSize: 1,
      desiredSize: 2,
      maxSize: 5,
      diskSize: 50,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ KeyName: 'node-key' }) });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 22,
      ToPort: 22,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Cluster'), 'ClusterSecurityGroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Ops'), 'GroupId'] },
    });
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      CapacityType: 'SPOT',
      Labels: { role: 'general' },
      Taints: [{ Key: 'dedicated', Value: 'ops', Effect: 'NO_SCHEDULE' }],
      ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 5 },
    });
  });

  test.each([
    ['minSize above desiredSize', { minSize: 3, desiredSize: 2 }, /minSize <= desiredSize <= maxSize, got minSize 3, desiredSize 2, maxSize 3/],
    ['maxSize below desiredSize', { desiredSize: 2, maxSize: 1 }, /got minSize 2, desiredSize 2, maxSize 1/],
    ['a negative size', { desiredSize: -1 }, /desiredSize must be a whole number of nodes, 0 or more, got -1/],
    ['a fractional size', { desiredSize: 1.5 }, /desiredSize must be a whole number of nodes, 0 or more, got 1.5/],
    ['maxSize 0', { desiredSize: 0, maxSize: 0 }, /maxSize must be at least 1/],
    ['a tiny disk', { diskSize: 2 }, /diskSize must be a whole number of GiB from 4 to 16384, got 2/],
    ['no instance type', { instanceTypes: [] }, /instanceTypes is empty/],
    ['mixed architectures', { instanceTypes: [new ec2.InstanceType('t3.medium'), new ec2.InstanceType('t4g.medium')] }, /must share one CPU architecture, got t3.medium, t4g.medium/],
  ])('fails when given %s', (_name, options, message) => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    expect(() => new PrivateNodegroup(stack, 'Nodes', { cluster, ...options })).toThrow(message);
    expect(() => new PrivateNodegroup(newStack(), 'N', { cluster, ...options })).toThrow(/^\[Test\/N\] /);
  });

  test('fails when SSH sources are given without a key', () => {
    const stack = newStack();
    const { cluster, vpc } = clusterFixture(stack);
    expect(() => new PrivateNodegroup(stack, 'Nodes', { cluster, sshSourceSecurityGroups: [new ec2.SecurityGroup(stack, 'S', { vpc })] }))
      .toThrow(/sshSourceSecurityGroups was given without sshKeyPair/);
  });
});

describe('max pods per instance type (the subnet-size check reads them)', () => {
  // awslabs/amazon-eks-ami eni-max-pods.txt at v20260304 (line 1133: "t3a.small 8") and instance-info.jsonl at v20260724.
  test('t3a.small has 8 pods (2 ENIs x 3 addresses + 2), not the 11 of its neighbours', () => {
    expect(maxPodsFor('t3a.small')).toBe(8);
  });
  test('its neighbours keep the shared burstable sizes: t3.small and t4g.small 11, t3a.medium 17', () => {
    expect([maxPodsFor('t3.small'), maxPodsFor('t4g.small'), maxPodsFor('t3a.medium'), maxPodsFor('t3a.micro')]).toEqual([11, 11, 17, 4]);
  });
});
