import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cfnLint, endpointServices, resourcesOfType, stripAssetHashes, synthExample, warningsOf } from './util';
import { build as buildAccessAndCi } from '../examples/access-and-ci/app';
import { build as buildExistingVpc } from '../examples/existing-vpc/app';
import { build as buildFullyPrivate, FullyPrivateStack } from '../examples/fully-private/app';
import { build as buildHubAndSpoke } from '../examples/hub-and-spoke/app';
import { build as buildPlatform } from '../examples/platform/app';
import { build as buildProxy } from '../examples/proxy/app';
import { build as buildSeedWorkshop } from '../examples/seed-workshop/app';

// Synthesized as a user does: aws-cdk-lib's built-in template validation on (test/setup-env.ts turns it off elsewhere).
delete process.env.CDK_VALIDATION;

interface Synthesized {
  assembly: CloudAssembly;
  stacks: Stack[];
  templates: Record<string, Template>;
  files: string[];
}

const EXAMPLES: Record<string, (app: App) => Stack[]> = {
  'fully-private': buildFullyPrivate,
  'platform': buildPlatform,
  'seed-workshop': buildSeedWorkshop,
  'existing-vpc': buildExistingVpc,
  'hub-and-spoke': buildHubAndSpoke,
  'proxy': buildProxy,
  'access-and-ci': buildAccessAndCi,
};

// One synth per example for the whole file: synthesis dominates the run time.
const synthesized: Record<string, Synthesized> = {};
beforeAll(() => {
  for (const [name, build] of Object.entries(EXAMPLES)) {
    // The default example is synthesized as a user does, with aws-cdk-lib's built-in template validation (about 3 s);
    // the others without it: cfn-lint checks every template below, which covers more.
    if (name === 'fully-private') delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = 'false';
    const { assembly, stacks, outdir } = synthExample(build);
    delete process.env.CDK_VALIDATION;
    const templates: Record<string, Template> = {};
    const files: string[] = [];
    for (const stack of stacks) {
      templates[stack.stackName] = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
      files.push(path.join(outdir, assembly.getStackByName(stack.stackName).templateFile));
    }
    synthesized[name] = { assembly, stacks, templates, files };
  }
});

describe('every example', () => {
  test('cfn-lint reports no errors on any example template', () => {
    // GIVEN every synthesized template of every example
    const files = Object.values(synthesized).flatMap(s => s.files);
    expect(files.length).toBe(10);

    // WHEN cfn-lint reads them
    const findings = cfnLint(files);

    // THEN nothing is at error level
    const errors = findings.filter(f => f.level === 'Error');
    expect(errors).toEqual([]);
  });

  test.each(Object.keys(EXAMPLES))('%s matches its snapshot (asset hashes stripped)', (name) => {
    for (const [stackName, template] of Object.entries(synthesized[name].templates)) {
      expect(stripAssetHashes(template.toJSON())).toMatchSnapshot(stackName);
    }
  });
});

describe('fully-private (the default set-up)', () => {
  let t: Template;
  beforeAll(() => { t = synthesized['fully-private'].templates.FullyPrivateEks; });

  test('has no NAT gateway and no route to the internet from the node subnets', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    // No public subnets by default: no internet gateway and no route at all besides the local ones.
    t.resourceCountIs('AWS::EC2::Route', 0);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
  });

  test('creates exactly the interface endpoints the nodes, the SSM bastion, the kubectl handler and Pod Identity need, plus the S3 gateway', () => {
    expect(endpointServices(t)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks', 'eks-auth', 'lambda', 'logs', 's3', 'ssm', 'ssmmessages']);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: Match.anyValue() });
  });

  test('API endpoint is private only', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
    });
  });

  test('a t3.medium managed nodegroup runs in the isolated subnets', () => {
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      InstanceTypes: ['t3.medium'],
      ScalingConfig: { DesiredSize: 2 },
      Subnets: [{ Ref: Match.stringLikeRegexp('EksNetworkVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('EksNetworkVpcPrivateSubnet2') }],
    });
  });

  test('an SSM bastion with no inbound rule and the operator outputs', () => {
    t.resourceCountIs('AWS::EC2::Instance', 1);
    const bastionSg = Object.entries(t.findResources('AWS::EC2::SecurityGroup'))
      .find(([, r]) => r.Properties.GroupDescription === 'EKS bastion (SSM)');
    expect(bastionSg).toBeDefined();
    expect(bastionSg![1].Properties.SecurityGroupIngress).toBeUndefined();
    const outputs = Object.keys(t.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^EksClusterName/),
      expect.stringMatching(/^EksUpdateKubeconfigCommand/),
      expect.stringMatching(/^EksBastionStartSessionCommand/),
    ]));
  });

  test('the workload brings the kubectl handler and its provider framework (2 functions, in the VPC), no nested stack', () => {
    const fns = resourcesOfType(t, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('EksImageCacheWarmup'));
    expect(fns).toHaveLength(2);
    for (const [, fn] of fns) expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    t.resourceCountIs('AWS::CloudFormation::Stack', 0);
    t.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    t.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 3);
  });

  test('a public image with no NAT: busybox from ECR Public through the cache, warmed at deploy from outside the VPC before its Deployment', () => {
    t.hasResourceProperties('AWS::ECR::PullThroughCacheRule', { EcrRepositoryPrefix: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' });
    const [[warmupId, warmup]] = resourcesOfType(t, 'Custom::PrivateEksCacheWarmup');
    expect(JSON.stringify(warmup.Properties.Images)).toContain('/ecr-public/docker/library/busybox:1.37.0');
    expect(warmup.Properties.Architectures).toEqual(['amd64']);
    const [[, fn]] = resourcesOfType(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('EksImageCacheWarmup'));
    expect(fn.Properties.VpcConfig).toBeUndefined();
    const [, deployment] = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource').find(([, r]) => JSON.stringify(r.Properties.Manifest).includes('cache-proof'))!;
    expect(JSON.stringify(deployment.Properties.Manifest)).toContain('/ecr-public/docker/library/busybox:1.37.0');
    expect(JSON.stringify(deployment.Properties.Manifest)).not.toContain('public.ecr.aws/docker');
    expect(deployment.DependsOn).toContain(warmupId);
  });

  test('without the workload, no Lambda function, custom resource or nested stack', () => {
    const app = new App();
    const plain = Template.fromStack(new FullyPrivateStack(app, 'Plain', { workload: false }));
    plain.resourceCountIs('AWS::Lambda::Function', 0);
    plain.resourceCountIs('AWS::CloudFormation::Stack', 0);
    expect(Object.values(plain.toJSON().Resources).filter((r: any) => r.Type.startsWith('Custom::'))).toEqual([]);
  });

  test('synth raises no warning of this library', () => {
    const ours = warningsOf(synthesized['fully-private'].assembly).filter(w => w.includes('cdk-private-eks'));
    expect(ours).toEqual([]);
  });
});

describe('seed-workshop (the eksctl study set-up)', () => {
  let t: Template;
  beforeAll(() => { t = synthesized['seed-workshop'].templates.SeedWorkshopEks; });

  test('cluster myeks, Kubernetes 1.24, public endpoint, in 192.168.1.0/24 and 192.168.2.0/24', () => {
    t.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'myeks',
      Version: '1.24',
      ResourcesVpcConfig: { EndpointPrivateAccess: false, EndpointPublicAccess: true },
    });
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '192.168.0.0/16' });
    const cidrs = Object.values(t.findResources('AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock).sort();
    expect(cidrs).toEqual(['192.168.1.0/24', '192.168.2.0/24']);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('nodegroup myeks-nodegroup: 2 x t3.medium, 30 GiB gp3, SSH key', () => {
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      NodegroupName: 'myeks-nodegroup',
      InstanceTypes: ['t3.medium'],
      ScalingConfig: { DesiredSize: 2, MinSize: 2, MaxSize: 2 },
    });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        KeyName: 'myeks-key',
        BlockDeviceMappings: [{ Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true } }],
      },
    });
  });

  test('ExternalDNS permissions on the node role', () => {
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'route53:ChangeResourceRecordSets' })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('EksNodeRole') }],
    });
  });

  test('an SSH bastion in a public subnet, port 22 only from the parameter CIDR', () => {
    t.hasResourceProperties('AWS::EC2::Instance', { KeyName: 'myeks-key', NetworkInterfaces: Match.anyValue() });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'EKS bastion (SSH)',
      SecurityGroupIngress: [{ CidrIp: { Ref: 'SgIngressSshCidr' }, FromPort: 22, ToPort: 22, IpProtocol: 'tcp' }],
    });
  });

  test('warns that EKS no longer creates 1.24 clusters, with an acknowledgeable ID', () => {
    const warnings = warningsOf(synthesized['seed-workshop'].assembly);
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/PEKS-VER-1: Kubernetes 1\.24 is past the end of EKS extended support.*\[ack: cdk-private-eks:PEKS-VER-1\]/),
    ]));
    // The workshop's public subnets with public IPs, its PUBLIC endpoint and SSH bastion pass the join checks.
    expect(warnings.filter(w => /PEKS-/.test(w)).map(w => /PEKS-[A-Z0-9-]+/.exec(w)![0])).toEqual(['PEKS-VER-1']);
  });
});

describe('existing-vpc (a VPC and endpoints built elsewhere)', () => {
  test('the network stack owns the endpoints; the cluster stack creates none and no VPC', () => {
    const network = synthesized['existing-vpc'].templates.SharedNetwork;
    const cluster = synthesized['existing-vpc'].templates.ExistingVpcEks;
    network.resourceCountIs('AWS::EC2::VPCEndpoint', 8); // ec2, ecr.api, ecr.dkr, ssm, ssmmessages, eks-auth, logs, s3
    cluster.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    cluster.resourceCountIs('AWS::EC2::VPC', 0);
    cluster.hasResourceProperties('AWS::EKS::Nodegroup', {
      // Cross-stack references as a new app makes them (Fn::GetStackOutput with the flags `cdk init` sets).
      Subnets: [Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ StackName: 'SharedNetwork' }) }), Match.anyValue()],
    });
  });
});
