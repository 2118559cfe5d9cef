/**
 * What the checks and the constructs claim must be true where the user deploys: regions, partitions, architectures,
 * Systems Manager's endpoints, deployment order. Each defect has a failing case and a passing neighbour.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster, isolatedVpc, tinyLayer } from './join-cases';
import { ClusterBastion, EndpointCatalogue, NodeEndpoints, PrivateEksCluster, WorkloadIdentity } from '../lib';
import { endpointServices, newStack, resourcesOfType } from './util';
import { Finding, JOIN_RULES } from '../lib/check/join-analysis';
import { readClusterScope, TreeFacts } from '../lib/check/tree-facts';
import { buildReport } from '../lib/plan/report';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const stackIn = (region: string, app = new App()) => new Stack(app, 'Test', { env: { account: '123456789012', region } });
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } };

describe('regional availability: the EKS API has no PrivateLink in some regions (EKS user guide, vpc-interface-endpoints)', () => {
  test('the catalogue says where eks is not offered, with its source', () => {
    const eksRow = EndpointCatalogue.describe('eks')!;
    expect(eksRow.unavailableIn).toEqual(['ap-southeast-5', 'ap-southeast-7', 'mx-central-1', 'ap-east-2']);
    expect(eksRow.unavailableInSource).toMatch(/vpc-interface-endpoints\.html.*read 2026-11-25/);
    expect(EndpointCatalogue.offeredIn('eks', 'ap-southeast-5')).toBe(false);
    expect(EndpointCatalogue.offeredIn('eks', 'ap-southeast-1')).toBe(true);
    expect(EndpointCatalogue.offeredIn('eks-auth', 'ap-southeast-5')).toBe(true);
  });

  test.each(['ap-southeast-5', 'ap-southeast-7', 'mx-central-1', 'ap-east-2'])(
    'PEKS-REGION-1 fails in %s for the kubectl handler in isolated subnets, and no eks endpoint is created', region => {
      const stack = stackIn(region);
      const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
      c.addManifest('Ns', namespace);
      expect(c.endpoints!.interfaceServices).not.toContain('eks');
      expect(c.endpoints!.interfaceServices).toContain('lambda');
      const f = findingsOf(c);
      expect(f.map(x => x.ruleId)).toEqual(['PEKS-REGION-1']);
      expect(f[0].message).toMatch(new RegExp(`kubectl function Test/Eks/KubectlProvider/Handler: ${region} does not offer eks \\(aws eks update-kubeconfig\\) through AWS PrivateLink \\(https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html`));
      expect(f[0].fix).toMatch(/NAT route or a proxy.*existingEndpointServices: \['eks'\]/);
    });

  test('the same cluster in ap-southeast-1 creates the eks endpoint and passes', () => {
    const stack = stackIn('ap-southeast-1');
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    c.addManifest('Ns', namespace);
    expect(endpointServices(Template.fromStack(stack))).toContain('eks');
    expect(findingsOf(c)).toEqual([]);
  });

  test('a kubectl handler in ap-southeast-5 with a NAT route passes (it reaches the public EKS API)', () => {
    const stack = stackIn('ap-southeast-5');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const c = cluster(stack, { vpc, kubectlLayer: tinyLayer(stack), bastion: false });
    c.addManifest('Ns', namespace);
    expect(findingsOf(c)).toEqual([]);
  });

  test('fails at construction when an eks endpoint is asked for where the region does not offer it', () => {
    expect(() => cluster(stackIn('mx-central-1'), { additionalEndpoints: ['eks'] }))
      .toThrow(/\[Test\/Eks\/Endpoints\] cannot add an interface endpoint for "eks": mx-central-1 does not offer it through AWS PrivateLink .*Fix: reach the service through a NAT route/);
    expect(() => new NodeEndpoints(stackIn('ap-east-2'), 'E', { vpc: isolatedVpc(stackIn('ap-east-2', new App())), services: ['eks'] })).toThrow();
  });
});

describe('Availability Zones: interface endpoints only where the service is offered (lookupSupportedAzs, as eksctl asks DescribeVpcEndpointServices)', () => {
  const key = (service: string) => `endpoint-service-availability-zones:account=123456789012:region=eu-west-1:serviceName=com.amazonaws.eu-west-1.${service}`;
  const recorded = {
    // Pinned as cdk.context.json records them: no AWS call in tests.
    'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a', 'eu-west-1b'],
    [key('ec2')]: ['eu-west-1a', 'eu-west-1b'],
    [key('ecr.api')]: ['eu-west-1a'],
    [key('ecr.dkr')]: ['eu-west-1a', 'eu-west-1b'],
    [key('ssm')]: ['eu-west-1a', 'eu-west-1b'],
    [key('ssmmessages')]: ['eu-west-1a', 'eu-west-1b'],
  };

  test('with a concrete environment, an endpoint goes only to the AZs its service is offered in, and the nodes still join', () => {
    const app = new App({ context: recorded });
    const stack = stackIn('eu-west-1', app);
    const c = cluster(stack);
    const t = Template.fromStack(stack);
    const subnetsOf = (suffix: string) => resourcesOfType(t, 'AWS::EC2::VPCEndpoint')
      .find(([, r]) => r.Properties.ServiceName === `com.amazonaws.eu-west-1.${suffix}`)![1].Properties.SubnetIds;
    expect(subnetsOf('ecr.api')).toHaveLength(1);
    expect(subnetsOf('ec2')).toHaveLength(2);
    expect(c.endpoints!.azsVerified).toBe(true);
    expect(app.synth().manifest.missing).toBeUndefined();
    expect(findingsOf(c)).toEqual([]);
  });

  test('an environment-agnostic stack places endpoints in every node AZ and says the AZs were not verified', () => {
    const stack = newStack();
    const c = cluster(stack);
    expect(c.endpoints!.azsVerified).toBe(false);
    const facts = new TreeFacts(stack.node.root);
    const report = buildReport(facts, readClusterScope(facts, { cluster: c.cluster, vpc: c.vpc }), c._joinModel(facts), [], c.node.path);
    expect(report.verification.join('\n')).toMatch(/Availability Zones of the interface endpoints not verified \(Test\/Eks\/Endpoints\)/);
    expect(report.verification.join('\n')).toMatch(/regional availability not checked \(eks has no PrivateLink in ap-southeast-5/);
  });

  test('fails when lookupSupportedAzs is asked for in an environment-agnostic stack', () => {
    const stack = newStack();
    expect(() => new NodeEndpoints(stack, 'E', { vpc: isolatedVpc(stack), lookupSupportedAzs: true }))
      .toThrow(/\[Test\/E\] lookupSupportedAzs needs the stack's account and region.*Fix: give the stack an `env`/);
  });
});

describe('architecture: the kubectl layers ship amd64 binaries (cdklabs/awscdk-asset-kubectl layer/Dockerfile)', () => {
  test('fails when a Graviton bastion would install the amd64 kubectl', () => {
    const stack = newStack();
    expect(() => cluster(stack, { kubectlLayer: tinyLayer(stack), bastionOptions: { instanceType: new ec2.InstanceType('t4g.micro') } }))
      .toThrow(/\[Test\/Eks\/Bastion\] the bastion's instance type t4g.micro is arm64 \(Graviton\), and the kubectl layer ships amd64 kubectl and helm binaries that fail there with "exec format error". Fix: use an x86_64 instance type/);
  });

  test('a Graviton bastion without a kubectl layer, and an x86_64 one with it, are built', () => {
    const a = newStack();
    expect(() => cluster(a, { bastionOptions: { instanceType: new ec2.InstanceType('t4g.micro') } })).not.toThrow();
    const b = newStack();
    expect(() => cluster(b, { kubectlLayer: tinyLayer(b), bastionOptions: { instanceType: new ec2.InstanceType('t3.small') } })).not.toThrow();
  });
});

describe('Systems Manager: Session Manager needs ssm and ssmmessages; ec2messages only for agents that cannot use ssmmessages', () => {
  test('the default bastion (latest Amazon Linux 2023) gets ssm and ssmmessages, not ec2messages', () => {
    const stack = newStack();
    const c = cluster(stack);
    expect(c.bastion!.requiredServices).toEqual(['ssm', 'ssmmessages']);
    expect(endpointServices(Template.fromStack(stack))).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages']);
    expect(findingsOf(c)).toEqual([]);
  });

  test('a VPC with ssm and ssmmessages but no ec2messages passes for the default bastion (no false error)', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new NodeEndpoints(stack, 'Shared', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: ['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages'] });
    expect(findingsOf(cluster(stack, { vpc, createVpcEndpoints: false }))).toEqual([]);
  });

  test('a bastion on an image of yours (agent version unknown) also needs ec2messages: created, and required by the check', () => {
    const image = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' });
    const stack = newStack();
    const c = cluster(stack, { bastionOptions: { machineImage: image } });
    expect(c.bastion!.requiredServices).toEqual(['ssm', 'ssmmessages', 'ec2messages']);
    expect(endpointServices(Template.fromStack(stack))).toContain('ec2messages');

    const other = newStack();
    const vpc = isolatedVpc(other);
    new NodeEndpoints(other, 'Shared', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, services: ['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages'] });
    const f = findingsOf(cluster(other, { vpc, createVpcEndpoints: false, bastionOptions: { machineImage: image } }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-BASTION-1']);
    expect(f[0].message).toMatch(/for: ec2messages \(SSM Session Manager\)$/);
  });

  test('ClusterBastion.servicesFor: SSH access needs no SSM endpoint', () => {
    expect(ClusterBastion.servicesFor({ access: undefined })).toEqual(['ssm', 'ssmmessages', 'logs']);
    expect(ClusterBastion.servicesFor({ access: 'SSH' as any })).toEqual([]);
  });
});

describe('cross-region: VPC endpoints serve only their own region (ECR user guide, vpc-endpoints)', () => {
  const chartFrom = (region: string, repository: string) => {
    const stack = stackIn(region);
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    c.addHelmChart('App', { chart: 'app', repository, version: '1.0.0', namespace: 'apps', values: { image: { repository: `${c.cluster.stack.account}.dkr.ecr.${region}.amazonaws.com/app`, tag: '1' } } });
    return findingsOf(c);
  };

  test('PEKS-KUBECTL-2 fails for an OCI chart in another region\'s ECR, naming that region', () => {
    const f = chartFrom('eu-west-2', 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/app');
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-KUBECTL-2']);
    expect(f[0].message).toMatch(/Helm chart Test\/Eks\/ChartApp from ECR in eu-west-1 .*VPC endpoints serve only their own region, eu-west-2/);
    expect(f[0].fix).toMatch(/this region's ECR/);
  });

  test('the same chart in this region\'s ECR passes', () => {
    expect(chartFrom('eu-west-1', 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/charts/app')).toEqual([]);
  });
});

describe('ordering: every managed nodegroup of the cluster waits for the endpoints and the CNI and kube-proxy add-ons', () => {
  test('a nodegroup added on the aws-eks-v2 cluster directly', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    c.cluster.addNodegroupCapacity('Direct', { minSize: 1, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const t = Template.fromStack(stack);
    const [[, direct]] = resourcesOfType(t, 'AWS::EKS::Nodegroup').filter(([id]) => id.includes('Direct'));
    const ids = (type: string) => resourcesOfType(t, type).map(([id]) => id);
    const endpointIds = ids('AWS::EC2::VPCEndpoint');
    const addons = resourcesOfType(t, 'AWS::EKS::Addon').filter(([, r]) => r.Properties.AddonName !== 'coredns').map(([id]) => id);
    expect(endpointIds.length).toBeGreaterThan(3);
    expect(direct.DependsOn).toEqual(expect.arrayContaining([...endpointIds, ...addons]));
  });

  test('a CfnNodegroup of the cluster in another stack makes that stack depend on the cluster\'s', () => {
    const app = new App();
    const main = new Stack(app, 'Main');
    const c = cluster(main, { bastion: false });
    const other = new Stack(app, 'Capacity');
    new eks.CfnNodegroup(other, 'Raw', { clusterName: c.cluster.clusterName, nodeRole: c.nodeRole.roleArn, subnets: c.vpc.isolatedSubnets.map(s => s.subnetId) });
    app.synth();
    expect(other.dependencies.map(d => d.stackName)).toContain('Main');
  });
});

describe('IRSA uses the native AWS::IAM::OIDCProvider (no deprecated custom resource, no warning)', () => {
  test('an IRSA service account creates an AWS::IAM::OIDCProvider and no Custom::AWSCDKOpenIdConnectProvider', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    c.addServiceAccount('Sa', { name: 'sa', namespace: 'default', identity: WorkloadIdentity.IRSA });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    t.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    expect(findingsOf(c)).toEqual([]);
  });

  test('an app that sets the flag to false keeps the custom-resource provider of its existing cluster', () => {
    const app = new App({ context: { '@aws-cdk/aws-eks:useNativeOidcProvider': false } });
    const stack = new Stack(app, 'Test');
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    // aws-cdk-lib warns about its deprecated provider: the user chose it.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      c.addServiceAccount('Sa', { name: 'sa', namespace: 'default', identity: WorkloadIdentity.IRSA });
      expect(warn).toHaveBeenCalledWith('[WARNING]', expect.stringMatching(/OpenIdConnectProvider is deprecated/));
    } finally {
      warn.mockRestore();
    }
    Template.fromStack(stack).resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 1);
  });
});

describe('every rule and every catalogue row names its AWS source', () => {
  test('rules', () => {
    for (const rule of JOIN_RULES) expect(rule.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com)\//);
  });

  test('the rule reference (docs/plan-and-checks.md) has a row per rule with a source link from the rule\'s source', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'plan-and-checks.md'), 'utf8');
    for (const rule of JOIN_RULES) {
      const row = readme.split('\n').find(l => l.startsWith(`| \`${rule.id}\` |`));
      expect(row).toBeDefined();
      const firstUrl = /https:\/\/[^\s;)"]+/.exec(rule.source)![0].split('#')[0];
      expect(row).toContain(firstUrl.replace(/\)$/, ''));
    }
  });

  test('catalogue rows', () => {
    for (const row of EndpointCatalogue.all()) expect(row.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com)\//);
  });
});
