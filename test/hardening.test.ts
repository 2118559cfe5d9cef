import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { isolatedVpc } from './join-cases';
import { endpointServices, resourcesOfType } from './util';
import { BastionAccess, PrivateEksCluster, PrivateNetwork } from '../lib';

const V = eks.KubernetesVersion.V1_36;

function build(props: Record<string, unknown> = {}): { stack: Stack; c: PrivateEksCluster; t: Template } {
  const stack = new Stack(new App(), 'Test');
  const c = new PrivateEksCluster(stack, 'Eks', { version: V, bastion: false, ...props });
  return { stack, c, t: Template.fromStack(stack) };
}

const managedPolicyNames = (role: any): string[] => (role.Properties.ManagedPolicyArns ?? []).map((a: any) => JSON.stringify(a));

describe('the VPC CNI has its own credentials', () => {
  test('by default the vpc-cni add-on has a Pod Identity role with AmazonEKS_CNI_Policy, and the node role does not', () => {
    // GIVEN / WHEN the defaults
    const { c, t } = build();
    // THEN the add-on names its role for aws-node
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'vpc-cni',
      PodIdentityAssociations: [{ ServiceAccount: 'aws-node', RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EksVpcCniRole'), 'Arn'] } }],
    });
    const roles = resourcesOfType(t, 'AWS::IAM::Role');
    const cni = roles.find(([id]) => id.startsWith('EksVpcCniRole'))!;
    expect(managedPolicyNames(cni[1]).join()).toContain('AmazonEKS_CNI_Policy');
    expect(cni[1].Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    const node = roles.find(([id]) => id.startsWith('EksNodeRole'))!;
    expect(managedPolicyNames(node[1]).join()).not.toContain('AmazonEKS_CNI_Policy');
    expect(c.nodeRoleCniPolicy).toBe(false);
    // AND the Pod Identity agent and eks-auth come with it; nodes boot after the agent; the node role changes after the add-on
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    expect(endpointServices(t)).toContain('eks-auth');
    const [, ng] = resourcesOfType(t, 'AWS::EKS::Nodegroup')[0];
    expect(ng.DependsOn.some((d: string) => /EksPodIdentityAgentAddon/.test(d))).toBe(true);
    expect((node[1].DependsOn ?? []).some((d: string) => /Addonvpccni/.test(d))).toBe(true);
    expect(c._joinFindings().filter(f => f.severity === 'error')).toEqual([]);
  });

  test('nodeRoleCniPolicy: true keeps the policy on the node role too (the first of two deploys for an existing cluster)', () => {
    const { t } = build({ nodeRoleCniPolicy: true });
    const node = resourcesOfType(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('EksNodeRole'))!;
    expect(managedPolicyNames(node[1]).join()).toContain('AmazonEKS_CNI_Policy');
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', PodIdentityAssociations: Match.anyValue() });
  });

  test('vpcCniRole: false leaves the CNI on the node role, with no association', () => {
    const { t } = build({ vpcCniRole: false });
    const node = resourcesOfType(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('EksNodeRole'))!;
    expect(managedPolicyNames(node[1]).join()).toContain('AmazonEKS_CNI_Policy');
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'vpc-cni', PodIdentityAssociations: Match.absent() });
  });

  test('fails when the CNI would have no credentials at all, or vpcCniRole is asked without the managed add-on', () => {
    expect(() => build({ vpcCniRole: false, nodeRoleCniPolicy: false })).toThrow(/nodeRoleCniPolicy is false and the vpc-cni has no role of its own \(vpcCniRole: false\)/);
    expect(() => build({ coreAddons: false, nodeRoleCniPolicy: false })).toThrow(/\(coreAddons: false\)/);
    expect(() => build({ coreAddons: false, vpcCniRole: true })).toThrow(/vpcCniRole needs the managed vpc-cni add-on/);
  });

  test('fails (PEKS-FEAT-1) when the endpoints are made elsewhere without eks-auth, naming the vpc-cni role; declaring it passes', () => {
    for (const declared of [false, true]) {
      const stack = new Stack(new App(), 'Test');
      const c = new PrivateEksCluster(stack, 'Eks', {
        version: V,
        bastion: false,
        vpc: isolatedVpc(stack),
        createVpcEndpoints: false,
        existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', ...(declared ? ['eks-auth'] : [])],
      });
      const f = c._joinFindings().filter(x => x.ruleId === 'PEKS-FEAT-1');
      expect(f.map(x => /eks-auth \(EKS Pod Identity \(the vpc-cni add-on's own role/.test(x.message))).toEqual(declared ? [] : [true]);
    }
  });
});

describe('IMDS hop limit', () => {
  test('nodes get hop limit 1 by default, and the guard acknowledgement only when it is raised', () => {
    const low = build().t;
    low.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } } });
    const high = build({ defaultNodegroup: { imdsHopLimit: 2 } }).t;
    high.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { MetadataOptions: { HttpPutResponseHopLimit: 2 } } });
  });

  test('fails for a hop limit that is not 1 to 64', () => {
    expect(() => build({ defaultNodegroup: { imdsHopLimit: 0 } })).toThrow(/imdsHopLimit must be a whole number from 1 to 64, got 0/);
  });
});

describe('the network', () => {
  test('the default cluster has no internet gateway and no route out', () => {
    const { t } = build();
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::Route', 0);
  });

  test('an SSH bastion brings public subnets (it needs a public IP); SSM does not', () => {
    const stack = new Stack(new App(), 'Test');
    new PrivateEksCluster(stack, 'Eks', {
      version: V,
      bastionOptions: { access: BastionAccess.SSH, sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'k'), sshAllowedCidrs: ['203.0.113.7/32'] },
    });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::InternetGateway', 1);
  });

  test('restrictDefaultSecurityGroup closes the default security group (with aws-cdk-lib\'s custom resource); off by default, no Lambda', () => {
    const off = new Stack(new App(), 'Off');
    new PrivateNetwork(off, 'Net');
    Template.fromStack(off).resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    const on = new Stack(new App(), 'On');
    new PrivateNetwork(on, 'Net', { restrictDefaultSecurityGroup: true });
    Template.fromStack(on).resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('the flow log role carries its permissions in a managed policy of its own, not an inline one', () => {
    const stack = new Stack(new App(), 'Test');
    new PrivateNetwork(stack, 'Net');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })] },
    });
  });
});

describe('logs you control', () => {
  test('the control plane log group is in the template, before the cluster, kept a year and encrypted; the name is derived and stable', () => {
    const { t } = build();
    const [clusterId, cluster] = resourcesOfType(t, 'AWS::EKS::Cluster')[0];
    expect(cluster.Properties.Name).toMatch(/^Test-[0-9A-F]{8}$|^Test-Eks-[0-9A-F]{8}$/);
    const [groupId, group] = resourcesOfType(t, 'AWS::Logs::LogGroup').find(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/eks/'))!;
    expect(group.Properties.LogGroupName).toBe(`/aws/eks/${cluster.Properties.Name}/cluster`);
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EksLogsKey/), 'Arn'] });
    expect(t.toJSON().Resources[clusterId].DependsOn).toContain(groupId);
    // The same app synthesizes the same name.
    expect(build().t.toJSON().Resources[clusterId].Properties.Name).toBe(cluster.Properties.Name);
  });

  test('a given clusterName names the group; controlPlaneLogGroup: false leaves the name to CloudFormation and creates no group', () => {
    build({ clusterName: 'platform-prod' }).t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/platform-prod/cluster' });
    const { t } = build({ controlPlaneLogGroup: false });
    expect(resourcesOfType(t, 'AWS::EKS::Cluster')[0][1].Properties.Name).toBeUndefined();
    expect(resourcesOfType(t, 'AWS::Logs::LogGroup').filter(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/eks/'))).toEqual([]);
  });

  test('logRetention sets the retention of the control plane group', () => {
    const { t } = build({ logRetention: 90 });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^/aws/eks/'), RetentionInDays: 90 });
  });
});

describe('the bastion logs its sessions', () => {
  test('an encrypted log group, a Session document of its own used by startSessionCommand, the role may write, the logs endpoint', () => {
    const stack = new Stack(new App(), 'Test');
    const c = new PrivateEksCluster(stack, 'Eks', { version: V });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SSM::Document', {
      DocumentType: 'Session',
      Name: Match.absent(),
      Content: Match.objectLike({
        sessionType: 'Standard_Stream',
        inputs: Match.objectLike({ cloudWatchLogGroupName: { Ref: Match.stringLikeRegexp('EksBastionSessionLogs') }, cloudWatchEncryptionEnabled: true, cloudWatchStreamingEnabled: true }),
      }),
    });
    const [, group] = resourcesOfType(t, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('EksBastionSessionLogs'))!;
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EksLogsKey/), 'Arn'] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })]) },
      Description: 'Permissions of Test/Eks/Bastion/Role',
    });
    expect(endpointServices(t)).toContain('logs');
    expect(JSON.stringify(stack.resolve(c.bastion!.startSessionCommand))).toContain('--document-name');
  });

  test('sessionLogging: false logs nothing and needs no logs endpoint; a log key without logging is refused', () => {
    const stack = new Stack(new App(), 'Test');
    new PrivateEksCluster(stack, 'Eks', { version: V, bastionOptions: { sessionLogging: false } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SSM::Document', 0);
    expect(endpointServices(t)).not.toContain('logs');
    expect(() => new PrivateEksCluster(new Stack(new App(), 'T2'), 'Eks', { version: V, bastionOptions: { sessionLogging: false, sessionLogRetention: 30 } }))
      .toThrow(/sessionLogKey or sessionLogRetention was given, and sessions are not logged/);
  });
});

describe('upgrades keep what exists', () => {
  test('without public subnets the private subnets keep the addresses the public-subnet default gave them; publicSubnets: false uses the whole block', () => {
    const cidrs = (props: Record<string, unknown>) => {
      const stack = new Stack(new App(), 'Test');
      new PrivateNetwork(stack, 'Net', props);
      return resourcesOfType(Template.fromStack(stack), 'AWS::EC2::Subnet').filter(([id]) => id.includes('Private')).map(([, s]) => s.Properties.CidrBlock);
    };
    expect(cidrs({})).toEqual(cidrs({ publicSubnets: true }));
    expect(cidrs({})).toEqual(['10.0.32.0/19', '10.0.64.0/19']);
    expect(cidrs({ publicSubnets: false })).toEqual(['10.0.0.0/19', '10.0.32.0/19']);
  });

  test('fails when eks-pod-identity-agent is added again (the vpc-cni role created it)', () => {
    const { c } = build();
    expect(() => c.addAddon('eks-pod-identity-agent')).toThrow(/the eks-pod-identity-agent add-on exists already/);
  });

  test('the control plane log group survives the stack but not a failed first creation', () => {
    const { t } = build();
    const [, group] = resourcesOfType(t, 'AWS::Logs::LogGroup').find(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/eks/'))!;
    expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
  });
});
