import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, CfnWaitConditionHandle, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerGuard } from './guard-rules';
import { cfnLint, jsonWritten, newStack, renderCfn, resourcesOfType } from './util';
import { NetworkPreflight, NetworkPreflightProps } from '../lib/network/preflight';

const SERVICES = ['ec2', 'ecr.api', 'ecr.dkr', 's3'];

/** A VPC with public and isolated subnets in two Availability Zones; the isolated ones are the node subnets. */
function nodeVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Nodes', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

function preflightIn(stack: Stack, props: Partial<NetworkPreflightProps> = {}): { vpc: ec2.Vpc; preflight: NetworkPreflight } {
  const vpc = nodeVpc(stack);
  const preflight = new NetworkPreflight(stack, 'Preflight', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    services: SERVICES,
    ...props,
  });
  return { vpc, preflight };
}

const idOf = (stack: Stack, c: { node: { defaultChild?: any } }) => stack.resolve((c.node.defaultChild as any).logicalId);

describe('NetworkPreflight', () => {
  test('one function per node subnet, each with that subnet only, invoked by a custom resource with ServiceTimeout', () => {
    // GIVEN a VPC with two node subnets
    const stack = newStack();
    const { vpc, preflight } = preflightIn(stack);

    // THEN each subnet has its own function, in that subnet alone
    const template = Template.fromStack(stack);
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    const subnetIds = vpc.isolatedSubnets.map(s => stack.resolve(s.subnetId));
    expect(functions.map(([, f]) => f.Properties.VpcConfig.SubnetIds)).toEqual(subnetIds.map(id => [id]));
    expect(preflight.functions).toHaveLength(2);

    // AND each function has a custom resource whose ServiceToken is the function itself (no provider framework)
    const checks = resourcesOfType(template, 'Custom::PrivateEksNetworkPreflight');
    expect(checks).toHaveLength(2);
    checks.forEach(([, check], i) => {
      expect(check.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [idOf(stack, preflight.functions[i]), 'Arn'] },
        ServiceTimeout: '120',
        SubnetId: subnetIds[i],
        Services: 'ec2,ecr.api,ecr.dkr,s3',
        AnyAddressServices: '-',
        VpcCidrs: { 'Fn::GetAtt': [idOf(stack, vpc), 'CidrBlock'] },
        SecurityGroupIds: stack.resolve(preflight.securityGroups[0].securityGroupId),
      });
    });
    expect(checks.map(([id]) => id)).toEqual(preflight.checks.map(c => idOf(stack, c)));
    template.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test('the function runs Node.js 22 from the probe directory, with its configuration from the stack', () => {
    const stack = newStack();
    const { vpc } = preflightIn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 60,
      Environment: {
        Variables: {
          PROBE_SERVICES: 'ec2,ecr.api,ecr.dkr,s3',
          PROBE_VPC_CIDRS: { 'Fn::GetAtt': [idOf(stack, vpc), 'CidrBlock'] },
          PROBE_REGION: { Ref: 'AWS::Region' },
          PROBE_URL_SUFFIX: { Ref: 'AWS::URLSuffix' },
          PROBE_ACCOUNT: { Ref: 'AWS::AccountId' },
          PROBE_SUBNET_ID: stack.resolve(vpc.isolatedSubnets[0].subnetId),
          PROBE_AZ: stack.resolve(vpc.isolatedSubnets[0].availabilityZone),
        },
      },
    });
  });

  test('a given serviceTimeout and vpcCidrs (a hub VPC\'s too) reach the custom resources and the functions', () => {
    const stack = newStack();
    preflightIn(stack, { serviceTimeout: Duration.seconds(90), vpcCidrs: ['10.0.0.0/16', '10.100.0.0/16'] });
    const template = Template.fromStack(stack);
    template.allResourcesProperties('Custom::PrivateEksNetworkPreflight', { ServiceTimeout: '90', VpcCidrs: '10.0.0.0/16,10.100.0.0/16' });
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROBE_VPC_CIDRS: '10.0.0.0/16,10.100.0.0/16' }) },
    });
  });

  test('uses the security group given (the nodes\') and creates none', () => {
    const stack = newStack();
    const vpc = nodeVpc(stack);
    const nodeSg = new ec2.SecurityGroup(stack, 'NodeSg', { vpc });
    new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: SERVICES, securityGroups: [nodeSg] });
    const template = Template.fromStack(stack);
    template.allResourcesProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SecurityGroupIds: [{ 'Fn::GetAtt': [idOf(stack, nodeSg), 'GroupId'] }] }),
    });
    expect(resourcesOfType(template, 'AWS::EC2::SecurityGroup').map(([id]) => id)).toEqual([idOf(stack, nodeSg)]);
  });

  test('by default, its own security group with HTTPS out only and nothing in', () => {
    const stack = newStack();
    preflightIn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Network preflight probe: HTTPS out only',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS: VPC endpoints and S3' }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the role is least privilege: only AWSLambdaVPCAccessExecutionRole (ENIs and logs), no inline policy', () => {
    const stack = newStack();
    preflightIn(stack);
    const template = Template.fromStack(stack);
    const roles = resourcesOfType(template, 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0][1].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(roles[0][1].Properties.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] },
    ]);
    expect(roles[0][1].Properties.Policies).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  test('one log group for the probes, kept a year and removed with the stack', () => {
    const stack = newStack();
    preflightIn(stack);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Delete' });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('a construct that depends on the preflight waits for every check', () => {
    // GIVEN something that must not start before the network is proven (a nodegroup, the bastion, kubectl)
    const stack = newStack();
    const { preflight } = preflightIn(stack);
    const nodes = new CfnWaitConditionHandle(stack, 'Nodes');

    // WHEN it depends on the preflight
    nodes.node.addDependency(preflight);

    // THEN CloudFormation creates it after both custom resources
    const dependsOn: string[] = Template.fromStack(stack).toJSON().Resources.Nodes.DependsOn;
    for (const check of preflight.checks) expect(dependsOn).toContain(idOf(stack, check));
  });

  test('works with an imported VPC (fromVpcAttributes), its CIDR given', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2', 'subnet-0ccccccccccccccc3'],
    });
    new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: ['ec2'], vpcCidrs: ['10.20.0.0/16'] });
    const functions = resourcesOfType(Template.fromStack(stack), 'AWS::Lambda::Function');
    expect(functions.map(([, f]) => [f.Properties.VpcConfig.SubnetIds, f.Properties.Environment.Variables.PROBE_AZ])).toEqual([
      [['subnet-0aaaaaaaaaaaaaaa1'], 'eu-west-1a'], [['subnet-0bbbbbbbbbbbbbbb2'], 'eu-west-1b'], [['subnet-0ccccccccccccccc3'], 'eu-west-1c'],
    ]);
  });

  test('fails when an imported VPC has no known CIDR and vpcCidrs is not given', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] });
    expect(() => new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: ['ec2'] }))
      .toThrow(/^\[Test\/Preflight\] the VPC's CIDR block is not known .*\. Fix: pass `vpcCidrs`/);
  });

  test.each([
    [Duration.hours(2), '2 hours'],
    [Duration.millis(500), '500 millis'],
    [Duration.seconds(0), '0 seconds'],
  ])('fails when serviceTimeout is %s, naming the path, the value and the fix', (serviceTimeout, shown) => {
    const stack = newStack();
    expect(() => preflightIn(stack, { serviceTimeout })).toThrow(new RegExp(
      `^\\[Test/Preflight\\] serviceTimeout must be a whole number of seconds from 1 second to 1 hour, got ${shown}\\. `
      + 'Fix: pass for example `serviceTimeout: Duration.minutes\\(2\\)`, or leave it out for the default of 2 minutes\\.$'));
  });

  test('fails when there is nothing to check or a name is not a short service name', () => {
    expect(() => preflightIn(newStack(), { services: [] })).toThrow(/^\[Test\/Preflight\] services is empty: there is nothing to check\. Fix: /);
    expect(() => preflightIn(newStack(), { services: ['com.amazonaws.eu-west-1.ec2'] }))
      .toThrow(/^\[Test\/Preflight\] cannot check service "com\.amazonaws\.eu-west-1\.ec2": services are short names .* Fix: pass short service names/);
  });

  test('fails when the subnet selection matches no subnet', () => {
    const stack = newStack();
    const vpc = nodeVpc(stack);
    expect(() => new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetGroupName: 'Nodes', availabilityZones: ['nowhere-1a'] }, services: ['ec2'] }))
      .toThrow(/^\[Test\/Preflight\] the subnet selection matches no subnet of the VPC\. Fix: /);
  });

  test('the template is cfn-lint clean', () => {
    const stack = newStack();
    preflightIn(stack);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peks-preflight-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const findings = cfnLint([file]);
    // No error and no warning, except W3005 on aws-cdk-lib's own DependsOn from a VPC function to its role (the
    // managed policy must be attached before Lambda creates the network interfaces); redundant, harmless.
    expect(findings.filter(f => f.level === 'Error')).toEqual([]);
    expect(findings.filter(f => !(f.rule === 'W3005' && /^'PreflightRole[0-9A-F]{8}' dependency already enforced/.test(f.message)))).toEqual([]);
  });

  test('cdk-nag AwsSolutions and the Control Tower guard rules find nothing in it (acknowledged with reasons)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-preflight-'));
    const app = new App({ outdir });
    const { preflight } = preflightIn(new Stack(app, 'Test'));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerGuard());
    try {
      app.synth();
    } catch {
      // The test VPC itself has findings (no flow log); only the preflight's matter here.
    }
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((p: any) => p.violations.flatMap((v: any) =>
      (v.violatingConstructs ?? []).map((c: any) => `${v.ruleName} ${c.constructPath}`)));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter(f => f.includes(preflight.node.path))).toEqual([]);
  });
});

describe('private-eks-doctor user data', () => {
  test('installs the doctor, its failure texts, its configuration and the command; small enough for user data', () => {
    const stack = newStack();
    const { preflight } = preflightIn(stack, { vpcCidrs: ['10.0.0.0/16'] });
    const commands = NetworkPreflight.doctorCommands(stack, { services: preflight.services, vpcCidrs: preflight.vpcCidrs });
    // Values travel as base64 files filled in by python3 (no shell text): about 600 bytes more than a heredoc.
    expect(commands.join('\n').length).toBeLessThan(10000);
    expect(commands).toContain('cat > /usr/local/bin/private-eks-doctor <<\'DOCTOR\'');
    expect(commands).toContain('exec python3 /usr/local/lib/private-eks-doctor/doctor.py "$@"');
    expect(JSON.parse(doctorConfig(stack, commands))).toEqual({
      services: 'ec2,ecr.api,ecr.dkr,s3', anyAddress: '', vpcCidrs: '10.0.0.0/16', region: '{AWS::Region}', urlSuffix: '{AWS::URLSuffix}', account: '{AWS::AccountId}',
    });

    // WHEN the unpacking line runs (into a temporary directory instead of /usr/local/lib)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-doctor-ud-'));
    const unpacking = commands.filter(c => c.startsWith('python3 -c'));
    expect(unpacking).toHaveLength(1);
    execFileSync('bash', ['-c', unpacking[0].replace('/usr/local/lib/private-eks-doctor', dir)]);

    // THEN it writes the doctor and the failure texts of this package, byte for byte, and the doctor runs
    const lib = path.join(__dirname, '..', 'lib', 'network');
    expect(fs.readdirSync(dir).sort()).toEqual(['doctor.py', 'failures.json']);
    expect(fs.readFileSync(path.join(dir, 'doctor.py'))).toEqual(fs.readFileSync(path.join(lib, 'preflight-doctor.py')));
    expect(fs.readFileSync(path.join(dir, 'failures.json'))).toEqual(fs.readFileSync(path.join(lib, 'preflight-probe', 'failures.json')));
    const config = path.join(dir, 'config.json');
    // As the user data writes it: lists comma-separated.
    fs.writeFileSync(config, JSON.stringify({ services: 'ecr.api', anyAddress: '', vpcCidrs: '10.0.0.0/16', region: 'eu-west-1', urlSuffix: 'amazonaws.com', account: '1' }));
    let out = '';
    try {
      execFileSync('python3', [path.join(dir, 'doctor.py'), '--config', config, '--subnet', 'subnet-0b'], {
        env: { ...process.env, PRIVATE_EKS_DOCTOR_STUB_DNS: JSON.stringify({ 'api.ecr.eu-west-1.amazonaws.com': ['54.239.0.1'] }) },
        encoding: 'utf8',
      });
    } catch (e: any) {
      out = e.stdout;
      expect(e.status).toBe(1);
    }
    expect(out).toMatch(/^FAIL ecr\.api api\.ecr\.eu-west-1\.amazonaws\.com \[54\.239\.0\.1\] api\.ecr\.eu-west-1\.amazonaws\.com resolves to public address\(es\) 54\.239\.0\.1\. Likely cause: /);
  });

  test('the committed bundle holds the current doctor and failure texts (UPDATE_DOCTOR_BUNDLE=1 rewrites it)', () => {
    // Committed rather than compressed at synth: deflate output differs between zlib builds, and the bastion is
    // replaced whenever its user data changes.
    const lib = path.join(__dirname, '..', 'lib', 'network');
    const sources = {
      'doctor.py': fs.readFileSync(path.join(lib, 'preflight-doctor.py'), 'utf8'),
      'failures.json': fs.readFileSync(path.join(lib, 'preflight-probe', 'failures.json'), 'utf8'),
    };
    const file = path.join(lib, 'preflight-doctor.bundle');
    if (process.env.UPDATE_DOCTOR_BUNDLE) {
      fs.writeFileSync(file, zlib.deflateSync(JSON.stringify(sources), { level: 9 }).toString('base64') + '\n');
    }
    const committed = JSON.parse(zlib.inflateSync(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toString('utf8'));
    expect(committed).toEqual(sources);
  });

  test('serves a bastion without a preflight', () => {
    const stack = newStack();
    const commands = NetworkPreflight.doctorCommands(stack, { services: ['ssm'], vpcCidrs: ['10.1.0.0/16'] });
    expect(JSON.parse(doctorConfig(stack, commands))).toMatchObject({ services: 'ssm', anyAddress: '', vpcCidrs: '10.1.0.0/16' });
  });

  test('a list that grows until synth (a token) is joined at deploy time', () => {
    const stack = newStack();
    const services = ['ec2'];
    const commands = NetworkPreflight.doctorCommands(stack, {
      services: Lazy.list({ produce: () => services }), vpcCidrs: ['10.1.0.0/16'], anyAddressServices: Lazy.list({ produce: () => ['sts'] }),
    });
    services.push('eks');
    expect(JSON.parse(doctorConfig(stack, commands))).toMatchObject({ services: 'ec2,eks', anyAddress: 'sts' });
  });

  test('fails when a literal service or CIDR is not one, naming the value', () => {
    const stack = newStack();
    expect(() => NetworkPreflight.doctorCommands(stack, { services: ['ssm; reboot'], vpcCidrs: ['10.1.0.0/16'] }))
      .toThrow(/doctor services: "ssm; reboot" is not a service short name/);
    expect(() => NetworkPreflight.doctorCommands(stack, { services: ['ssm'], vpcCidrs: ['10.1.0.0/16\nDOCTOR\nreboot'] }))
      .toThrow(/doctor vpcCidrs: "10\.1\.0\.0\/16\nDOCTOR\nreboot" is not an IPv4 CIDR block/);
  });
});

/** The doctor's configuration as the user data writes it, rendered as CloudFormation would. */
function doctorConfig(stack: Stack, commands: string[]): string {
  return JSON.stringify(jsonWritten(renderCfn(stack.resolve(commands.join('\n'))), '/etc/private-eks-doctor.json'));
}

describe('NetworkPreflight on a looked-up VPC', () => {
  const env = { account: '123456789012', region: 'eu-west-1' };
  const build = (context: Record<string, unknown> = {}) => {
    const app = new App({ context });
    const stack = new Stack(app, 'Nodes', { env });
    const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });
    return new NetworkPreflight(stack, 'Preflight', { vpc, subnets: { subnetGroupName: 'Nodes' }, services: ['ec2', 's3'] });
  };

  test('the first pass (no recorded answer) does not fail on the placeholder subnets', () => {
    expect(build().functions).toEqual([]);
  });

  test('fails when the recorded VPC has no subnet the selection matches', () => {
    const key = 'vpc-provider:account=123456789012:filter.vpc-id=vpc-0123456789abcdef0:region=eu-west-1:returnAsymmetricSubnets=true';
    const recorded = {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.20.0.0/16',
      ownerAccountId: env.account,
      availabilityZones: [],
      subnetGroups: [{ name: 'Private', type: 'Isolated', subnets: [{ subnetId: 'subnet-0aaa1111', cidr: '10.20.0.0/19', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0aaa1111' }] }],
    };
    expect(() => build({ [key]: recorded })).toThrow(/There are no subnet groups with name 'Nodes'|matches no subnet/);
  });
});
