import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster } from '../lib';
import { endpointServices, newStack, resourcesOfType } from './util';

const V = eks.KubernetesVersion.V1_36;

describe('PrivateEksCluster defaults', () => {
  let stack: Stack;
  let t: Template;
  let pec: PrivateEksCluster;
  beforeAll(() => {
    stack = newStack();
    pec = new PrivateEksCluster(stack, 'Eks', { version: V });
    t = Template.fromStack(stack);
  });

  test('Auto Mode is off and the only capacity is the managed nodegroup', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      ComputeConfig: { Enabled: false },
      AccessConfig: { AuthenticationMode: 'API' },
      Version: '1.36',
    });
    t.resourceCountIs('AWS::EKS::Nodegroup', 1);
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('all control-plane log types are on and secrets are encrypted with a rotating KMS key', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: { ClusterLogging: { EnabledTypes: [{ Type: 'api' }, { Type: 'audit' }, { Type: 'authenticator' }, { Type: 'controllerManager' }, { Type: 'scheduler' }] } },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EksSecretsKey'), 'Arn'] } }, Resources: ['secrets'] }],
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the API endpoint is private and the control plane sits in the node subnets', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: {
        EndpointPrivateAccess: true,
        EndpointPublicAccess: false,
        SubnetIds: [{ Ref: Match.stringLikeRegexp('EksNetworkVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('EksNetworkVpcPrivateSubnet2') }],
      },
    });
  });

  test('no hidden admin: the deploying role gets no bootstrap access entry; bootstrapClusterCreatorAdmin: true keeps it', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', { AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false } });
    const kept = newStack();
    new PrivateEksCluster(kept, 'Eks', { version: eks.KubernetesVersion.V1_36, bastion: false, bootstrapClusterCreatorAdmin: true });
    Template.fromStack(kept).hasResourceProperties('AWS::EKS::Cluster', { AccessConfig: { BootstrapClusterCreatorAdminPermissions: true } });
  });

  test('endpoints: the node trio, eks-auth (the vpc-cni\'s Pod Identity), ssm, ssmmessages and logs for the bastion\'s logged Session Manager, and the S3 gateway; nothing else', () => {
    expect(endpointServices(t)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 'logs', 's3', 'ssm', 'ssmmessages']);
  });

  test('nodes and bastion are created after every endpoint (a node that boots first never joins)', () => {
    const endpointIds = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').map(([id]) => id);
    const [[, nodegroup]] = resourcesOfType(t, 'AWS::EKS::Nodegroup');
    const [[, instance]] = resourcesOfType(t, 'AWS::EC2::Instance');
    expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(endpointIds));
    expect(instance.DependsOn).toEqual(expect.arrayContaining(endpointIds));
  });

  test('public members expose the parts', () => {
    expect(pec.vpc).toBe(pec.network!.vpc);
    expect(pec.cluster).toBeInstanceOf(eks.Cluster);
    expect(pec.nodegroup).toBeInstanceOf(eks.Nodegroup);
    expect(pec.bastion).toBeDefined();
    expect(pec.endpoints!.interfaceEndpoint('ecr.api')).toBeDefined();
    expect(pec.endpointAccess).toBe(eks.EndpointAccess.PRIVATE);
  });

  test('outputs: cluster name, update-kubeconfig, SSM start-session', () => {
    const outputs = t.toJSON().Outputs;
    const values = Object.values(outputs).map((o: any) => JSON.stringify(o.Value));
    expect(values.some(v => v.includes('aws eks update-kubeconfig --name '))).toBe(true);
    expect(values.some(v => v.includes('aws ssm start-session --target '))).toBe(true);
    t.hasOutput('*', { Value: { Ref: Match.stringLikeRegexp('EksCluster') } });
  });

  test('acknowledges the aws-eks-v2 isolated-subnet warning because it creates the endpoints', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('Isolated subnets are being used'));
  });
});

describe('PrivateEksCluster options', () => {
  test('PUBLIC_AND_PRIVATE with CIDR restrictions', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', {
      version: V,
      endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: true, PublicAccessCidrs: ['203.0.113.0/24'] },
    });
  });

  test('bastion: false creates no instance and no SSM endpoints', () => {
    const stack = newStack();
    const pec = new PrivateEksCluster(stack, 'Eks', { version: V, bastion: false });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::Instance', 0);
    expect(endpointServices(t)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth', 's3']);
    expect(pec.bastion).toBeUndefined();
  });

  test('createVpcEndpoints: false creates none', () => {
    const stack = newStack();
    // Nothing reaches AWS from the isolated subnets then: the services are declared (a proxy, in this story).
    const pec = new PrivateEksCluster(stack, 'Eks', {
      version: V,
      createVpcEndpoints: false,
      existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages', 'ec2messages', 'eks-auth', 'logs'],
    });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(pec.endpoints).toBeUndefined();
  });

  test('additionalEndpoints adds interface endpoints once each', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', { version: V, bastion: false, additionalEndpoints: ['logs', 'eks', 'ec2'] });
    expect(endpointServices(Template.fromStack(stack))).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks', 'eks-auth', 'logs', 's3']);
  });

  test('a VPC of the user with chosen node subnets and network settings of the created VPC', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [
        { name: 'Nodes', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
        { name: 'Other', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    new PrivateEksCluster(stack, 'Eks', { version: V, vpc, nodeSubnets: { subnetGroupName: 'Nodes' }, bastion: false });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      Subnets: [{ Ref: Match.stringLikeRegexp('VpcNodesSubnet1') }, { Ref: Match.stringLikeRegexp('VpcNodesSubnet2') }],
    });
    t.resourceCountIs('AWS::EC2::VPC', 1);

    const other = newStack();
    new PrivateEksCluster(other, 'Eks', { version: V, network: { cidr: '10.50.0.0/16', maxAzs: 3 } });
    Template.fromStack(other).hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.50.0.0/16' });
  });

  test('node SSH key with the bastion opens 22 from the bastion only', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', {
      version: V,
      defaultNodegroup: { sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'nodes') },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 22,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('EksBastionSecurityGroup'), 'GroupId'] },
    });
  });

  test('fails for a version EKS no longer creates (PEKS-VER-1 is an error), and warns once downgraded with a reason', () => {
    const failing = newStack();
    new PrivateEksCluster(failing, 'Eks', { version: eks.KubernetesVersion.of('1.24'), bastion: false });
    expect(() => Annotations.fromStack(failing)).toThrow(/PEKS-VER-1: Kubernetes 1\.24 is past the end of EKS extended support \(2025-01-31\).*Fix: set `version`/);
    const downgraded = newStack();
    new PrivateEksCluster(downgraded, 'Eks', { version: eks.KubernetesVersion.of('1.24'), bastion: false, preflight: false, downgradeRules: { 'PEKS-VER-1': 'a replay of an old workshop, synthesized and never deployed' } });
    Annotations.fromStack(downgraded).hasWarning('/Test/Eks', Match.stringLikeRegexp('Kubernetes 1.24 is past the end of EKS extended support \\(2025-01-31\\)'));
  });

  test('no version warning for a current version', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', { version: V, bastion: false });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('extended support'));
  });
});

describe('PrivateEksCluster misuse', () => {
  test('fails when both vpc and network are given', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    expect(() => new PrivateEksCluster(stack, 'Eks', { version: V, vpc, network: { cidr: '10.1.0.0/16' } }))
      .toThrow(/\[Test\/Eks\] `network` configures the VPC this construct creates, and a `vpc` was given too\. Fix:/);
  });

  test('fails when additionalEndpoints are given with createVpcEndpoints: false', () => {
    expect(() => new PrivateEksCluster(newStack(), 'Eks', { version: V, createVpcEndpoints: false, additionalEndpoints: ['logs'] }))
      .toThrow(/additionalEndpoints \(logs\) were given with createVpcEndpoints: false/);
  });

  test('fails when bastionOptions are given with bastion: false', () => {
    expect(() => new PrivateEksCluster(newStack(), 'Eks', { version: V, bastion: false, bastionOptions: {} }))
      .toThrow(/`bastionOptions` were given with bastion: false/);
  });

  test('fails when the VPC has no private subnet for the nodes', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new PrivateEksCluster(stack, 'Eks', { version: V, vpc }))
      .toThrow(/the VPC has no private subnets \(isolated or with egress\) for the nodes\. Fix: pass `nodeSubnets`/);
  });

  test('fails when nodeSubnets matches nothing', () => {
    expect(() => new PrivateEksCluster(newStack(), 'Eks', { version: V, nodeSubnets: { subnetGroupName: 'Nope' } }))
      .toThrow(/\[Test\/Eks\] nodeSubnets cannot be selected in the VPC: .*Nope.*Fix: pass `nodeSubnets` that name subnets/);
  });

  test('fails when an additional endpoint name is malformed', () => {
    expect(() => new PrivateEksCluster(newStack(), 'Eks', { version: V, additionalEndpoints: ['Logs!'] }))
      .toThrow(/\[Test\/Eks\/Endpoints\] cannot add an interface endpoint: "Logs!" is not a service name/);
  });
});
