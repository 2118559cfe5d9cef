/**
 * The library's IAM and user data read line by line: acknowledgements cover only what the library wrote, controller
 * policies are narrowed to this cluster, Pod Identity roles trust one service account, and no user value is shell text.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { jsonWritten, quietly, renderedUserData, resourcesOfType, USER_APP_CONTEXT } from './util';
import { ClusterBastion, NetworkPreflight, PrivateEksCluster, Upstream } from '../lib';
import { scopeAlbPolicy } from '../lib/components/alb-policy';

const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';

/** A cluster with every role the library exposes: nodes, bastion, vpc-cni, an add-on, a workload, LBC, Karpenter, a cache. */
function platform(stack: Stack) {
  const c = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_33, kubectlLayer: new KubectlV24Layer(stack, 'Layer') });
  c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
  const addon = c.addAddon('aws-ebs-csi-driver');
  const sa = c.addServiceAccount('App', { name: 'app', namespace: 'default' });
  const lbc = c.addLoadBalancerController({ version: eks.AlbControllerVersion.V2_17_1, chartRepository: `oci://${ECR}/charts/aws-load-balancer-controller`, image: `${ECR}/aws-load-balancer-controller:v2.17.1` });
  const karpenter = c.addKarpenter({ version: '1.14.0', chartRepository: `oci://${ECR}/charts/karpenter`, image: `${ECR}/karpenter/controller:1.14.0` });
  return { c, addon, sa, lbc, karpenter };
}

describe('acknowledgements cover the library\'s own policies only', () => {
  test('a user\'s wildcard grant on any role the library exposes is reported by cdk-nag, not acknowledged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-lp-'));
    const app = new App({ outdir, context: USER_APP_CONTEXT });
    const stack = new Stack(app, 'Lp', { env: { account: '111111111111', region: 'eu-west-1' } });
    const { c, addon, sa, lbc, karpenter } = platform(stack);
    const roles: Record<string, iam.IRole> = {
      node: c.nodeRole,
      bastion: c.bastion!.role,
      vpcCni: c.vpcCniRole!,
      addon: addon.role!,
      workload: sa.role,
      lbc: lbc.role,
      karpenter: karpenter.role,
      karpenterNodes: karpenter.nodeRole,
    };
    for (const role of Object.values(roles)) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*', 'kms:Decrypt', 'iam:*'], resources: ['*'] }));
    }
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => quietly(() => app.synth())).toThrow();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const findings: string[] = report.pluginReports.flatMap((p: any) => p.violations.flatMap((v: any) =>
      (v.violatingConstructs ?? []).map((x: any) => `${v.ruleName} ${x.constructPath}`)));
    for (const [name, role] of Object.entries(roles)) {
      const policyPath = `${(role as iam.Role).node.path}/DefaultPolicy/Resource`;
      expect({ name, wildcard: findings.some(f => f.startsWith('AwsSolutions-IAM5[Resource::*]') && f.endsWith(policyPath)) }).toEqual({ name, wildcard: true });
      expect({ name, action: findings.some(f => f.startsWith('AwsSolutions-IAM5[Action::s3:*]') && f.endsWith(policyPath)) }).toEqual({ name, action: true });
    }
    // And nothing the library wrote is reported.
    expect(findings.filter(f => !f.includes('/DefaultPolicy/') && !f.startsWith('Annotation::'))).toEqual([]);
  });
});

describe('the Load Balancer Controller policy, narrowed', () => {
  const scope = { partition: 'aws', region: 'eu-west-1', account: '111111111111', vpcAccount: '111111111111', vpcId: 'vpc-0abc', clusterName: 'prod', waf: false, wafv2: false, shield: false, listenerRulesTagging: true, untaggedTargetGroups: false };
  const addonsDir = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-eks-v2')), 'lib', 'addons');
  // The versions the library accepts (v2.4.0 and later: LoadBalancerController refuses older ones).
  const versions = fs.readdirSync(addonsDir).filter(f => /^alb-iam_policy-v(2\.([4-9]|\d\d)|[3-9]\.\d+)\.\d+\.json$/.test(f));

  test.each(versions)('%s: every statement is narrowed and classified; no WAF or Shield action with those features off', (file) => {
    const scoped = scopeAlbPolicy(JSON.parse(fs.readFileSync(path.join(addonsDir, file), 'utf8')), scope);
    expect(scoped.filter(s => s.kind === 'unreviewed')).toEqual([]);
    const all = JSON.stringify(scoped);
    expect(all).not.toMatch(/waf-regional:|wafv2:|shield:/);
    // No ARN for another account or region.
    expect(all).not.toMatch(/arn:aws:(ec2|elasticloadbalancing):\*/);
    for (const { statement } of scoped) {
      if (statement.Action.some(a => ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'].includes(a))) {
        expect(statement.Condition?.ArnEquals).toEqual({ 'ec2:Vpc': 'arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0abc' });
        expect(statement.Resource).toEqual(['arn:aws:ec2:eu-west-1:111111111111:security-group/*']);
      }
      if (statement.Action.includes('ec2:CreateSecurityGroup')) expect(statement.Resource).toContain('arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0abc');
      // The cluster tag names this cluster wherever upstream only required it to exist.
      expect(JSON.stringify(statement.Condition ?? {})).not.toMatch(/"Null":\{[^}]*"aws:(Resource|Request)Tag\/elbv2\.k8s\.aws\/cluster":"false"/);
      if (statement.Resource.includes('*')) {
        const global = statement.Action.every(a => a.startsWith('iam:'));
        if (!global) expect(statement.Condition?.StringEquals?.['aws:RequestedRegion']).toBe('eu-west-1');
      }
    }
  });

  test('WAFv2 actions stay when the chart turns WAFv2 on', () => {
    const scoped = scopeAlbPolicy(JSON.parse(fs.readFileSync(path.join(addonsDir, 'alb-iam_policy-v2.17.1.json'), 'utf8')), { ...scope, wafv2: true });
    const all = JSON.stringify(scoped);
    expect(all).toMatch(/wafv2:AssociateWebACL/);
    expect(all).not.toMatch(/waf-regional:|shield:/);
  });

  test('a custom policy statement the library cannot narrow stays unreviewed (and is reported, not acknowledged)', () => {
    const scoped = scopeAlbPolicy({ Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::bucket/*' }] }, scope);
    expect(scoped.map(s => s.kind)).toEqual(['unreviewed']);
  });
});

describe('Karpenter launches only what the cluster would', () => {
  const stack = new Stack(new App(), 'K', { env: { account: '111111111111', region: 'eu-west-1' } });
  const { karpenter } = platform(stack);
  const t = Template.fromStack(stack);
  const statements = resourcesOfType(t, 'AWS::IAM::ManagedPolicy')
    .filter(([id]) => id.startsWith('EksKarpenterRole'))
    .flatMap(([, p]) => stack.resolve(p.Properties.PolicyDocument.Statement) as any[]);
  const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));

  test('split as upstream splits it', () => {
    expect(karpenter.policies.map(p => p.node.id)).toEqual(['NodeLifecyclePolicy', 'IAMIntegrationPolicy', 'EKSIntegrationPolicy', 'InterruptionPolicy', 'ResourceDiscoveryPolicy']);
  });

  test('subnets and security groups are the node subnets and the cluster security group, not any of the region', () => {
    const launch = JSON.stringify(bySid.AllowLaunchIntoClusterSubnetsAndSecurityGroup.Resource);
    expect(launch).toMatch(/subnet\/",\{"Ref":"EksNetworkVpcPrivateSubnet1Subnet[0-9A-F]+"\}/);
    expect(launch).toMatch(/subnet\/",\{"Ref":"EksNetworkVpcPrivateSubnet2Subnet[0-9A-F]+"\}/);
    expect(launch).toMatch(/security-group\/",\{"Fn::GetAtt":\["EksCluster[0-9A-F]+","ClusterSecurityGroupId"\]\}/);
    expect(JSON.stringify(statements)).not.toMatch(/:(subnet|security-group)\/\*"/);
  });

  test('IMDSv2 required and public IPs refused at launch (explicit denies); the retag guard kept', () => {
    expect(bySid.DenyLaunchWithoutIMDSv2).toMatchObject({ Effect: 'Deny', Action: 'ec2:RunInstances', Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } });
    expect(bySid.DenyLaunchWithPublicIp).toMatchObject({ Effect: 'Deny', Action: 'ec2:RunInstances', Condition: { Bool: { 'ec2:AssociatePublicIpAddress': 'true' } } });
    expect(JSON.stringify(bySid.DenyLaunchWithPublicIp.Resource)).toContain(':network-interface/*');
    expect(bySid.AllowScopedResourceTagging.Condition.StringEqualsIfExists).toEqual({ 'aws:RequestTag/eks:eks-cluster-name': { Ref: expect.stringMatching(/^EksCluster/) } });
  });

  test('the default EC2NodeClass asks for no public IP', () => {
    const manifest = JSON.stringify(resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource').map(([, r]) => r.Properties.Manifest));
    expect(manifest).toContain('\\"associatePublicIPAddress\\":false');
  });
});

describe('Pod Identity roles trust one service account of one cluster', () => {
  test('every pods.eks.amazonaws.com trust names the cluster ARN, namespace and service account', () => {
    const stack = new Stack(new App(), 'P');
    platform(stack);
    const trusts = resourcesOfType(Template.fromStack(stack), 'AWS::IAM::Role')
      .map(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0])
      .filter(st => st.Principal?.Service === 'pods.eks.amazonaws.com');
    expect(trusts.length).toBe(4); // vpc-cni, EBS CSI, the workload, Karpenter
    for (const st of trusts) {
      expect(Object.keys(st.Condition.StringEquals).sort()).toEqual(['aws:RequestTag/eks-cluster-arn', 'aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account']);
      expect(st.Condition.StringEquals['aws:RequestTag/eks-cluster-arn']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EksCluster/), 'Arn'] });
    }
  });
});

describe('no user value is shell text in the bastion\'s user data', () => {
  const HOSTILE = ['x\'; touch /tmp/peks-pwned; echo \'', '$(touch /tmp/peks-pwned)', '`touch /tmp/peks-pwned`', 'a\nKUBECONFIG\ntouch /tmp/peks-pwned\nDOCTOR\n'];

  test.each(HOSTILE)('deploy-time values (%j) reach the instance as data, byte for byte', (hostile) => {
    // GIVEN a bastion for an imported cluster whose name, endpoint and VPC CIDR are parameters
    const stack = new Stack(new App(), 'H');
    const name = new CfnParameter(stack, 'ClusterName');
    const cidr = new CfnParameter(stack, 'VpcCidr');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: cidr.valueAsString,
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'C', {
      clusterName: name.valueAsString,
      vpc,
      clusterEndpoint: 'https://x.eks.amazonaws.com',
      clusterCertificateAuthorityData: 'Q0E=',
      clusterSecurityGroupId: 'sg-0123456789abcdef0',
    });
    const bastion = new ClusterBastion(stack, 'Bastion', { cluster, kubectlLayer: new KubectlV24Layer(stack, 'Layer') });
    bastion.instance.addUserData(...NetworkPreflight.doctorCommands(bastion, { services: ['ssm'], vpcCidrs: [cidr.valueAsString] }));
    // WHEN CloudFormation fills the parameters with hostile strings
    const script = renderedUserData(quietly(() => Template.fromStack(stack)).result, { ClusterName: hostile, VpcCidr: hostile });
    // THEN the hostile text appears nowhere in the script as text, and the files hold it exactly
    expect(script).not.toContain('peks-pwned');
    expect(jsonWritten(script, '/etc/skel/.kube/config').users[0].user.exec.args[3]).toBe(hostile);
    expect(jsonWritten(script, '/etc/private-eks-doctor.json').vpcCidrs).toBe(hostile);
    // AND running every line that writes a file (paths moved to a scratch directory) creates no marker
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-ud-'));
    const lines = script.split('\n').filter(l => l.includes('| base64 -d >') || l.includes('python3 -c \'import json'))
      .map(l => l.replace(/\/etc\//g, `${dir}/`));
    execFileSync('bash', ['-euc', lines.join('\n')]);
    expect(fs.existsSync('/tmp/peks-pwned')).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'skel/.kube/config'), 'utf8')).clusters[0].name).toBe(hostile);
  });

  test('fails when a literal VPC CIDR that reaches the doctor is not one', () => {
    const stack = new Stack(new App(), 'H');
    expect(() => NetworkPreflight.doctorCommands(stack, { services: ['ssm'], vpcCidrs: ['10.0.0.0/16"; reboot; "'] }))
      .toThrow(/vpcCidrs: "10\.0\.0\.0\/16"; reboot; "" is not an IPv4 CIDR block/);
  });
});
