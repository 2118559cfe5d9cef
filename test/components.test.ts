import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { contractTable } from './contract-table';
import { cluster, tinyLayer } from './join-cases';
import { endpointServices } from './util';
import { ClusterBastion, ComponentContracts, ComponentKind, EndpointCatalogue, PrivateEksCluster, Upstream, WorkloadIdentity } from '../lib';
import { ACKNOWLEDGEMENTS } from '../lib/core/acknowledgements';

const ENV = { account: '111111111111', region: 'eu-west-2' };
const ECR = '111111111111.dkr.ecr.eu-west-2.amazonaws.com';

function stack(): Stack {
  return new Stack(new App(), 'S', { env: ENV });
}

function withKubectl(s: Stack, props = {}): PrivateEksCluster {
  return cluster(s, { kubectlLayer: tinyLayer(s), ...props });
}

function findings(c: PrivateEksCluster, prefix = 'PEKS-ADDON') {
  return c._joinFindings().filter(f => f.ruleId.startsWith(prefix));
}

describe('the contract registry', () => {
  test('every row, service, identity and setting names the AWS (or upstream) document it comes from', () => {
    // GIVEN every contract
    const all = ComponentContracts.all();
    expect(all.length).toBeGreaterThanOrEqual(17);
    // THEN each fact has a source with a URL
    const url = /https:\/\/\S+/;
    for (const c of all) {
      expect(`${c.name}: ${c.source}`).toMatch(url);
      for (const s of c.services) expect(`${c.name}/${s.service}: ${s.source}`).toMatch(url);
      if (c.identity) expect(`${c.name} identity: ${c.identity.source}`).toMatch(url);
      for (const s of c.settings ?? []) expect(`${c.name}/${s.path}: ${s.source}`).toMatch(url);
    }
    expect(new Set(all.map(c => c.name)).size).toBe(all.length);
  });

  test('the issue\'s components are all in it', () => {
    for (const name of ['aws-ebs-csi-driver', 'aws-efs-csi-driver', 'aws-mountpoint-s3-csi-driver', 'amazon-cloudwatch-observability',
      'aws-guardduty-agent', 'adot', 'snapshot-controller', 'metrics-server', 'eks-node-monitoring-agent']) {
      expect(ComponentContracts.forAddon(name)?.kind).toBe(ComponentKind.EKS_ADDON);
    }
    for (const name of ['aws-load-balancer-controller', 'karpenter', 'cluster-autoscaler', 'external-dns']) {
      expect(ComponentContracts.forChart(name)?.kind).toBe(ComponentKind.HELM_CHART);
    }
  });

  test('the nodes\' and the bastion\'s services come from their contracts', () => {
    const nodes = ComponentContracts.servicesOf('nodes').map(s => s.service);
    expect(nodes.filter(s => s !== 's3')).toEqual(EndpointCatalogue.NODE_INTERFACE_SERVICES);
    expect(ClusterBastion.servicesFor({})).toEqual(['ssm', 'ssmmessages', 'logs']);
    expect(ClusterBastion.servicesFor({ sessionLogging: false })).toEqual(['ssm', 'ssmmessages']);
    expect(ComponentContracts.servicesOf('bastion', ['ssm-access', 'ssm-legacy-agent']).map(s => s.service)).toEqual(['ssm', 'ssmmessages', 'ec2messages']);
  });

  test('every service a contract names is one the endpoint checks accept', () => {
    for (const c of ComponentContracts.all()) {
      for (const s of c.services.filter(x => x.service !== 's3')) expect(`${s.service}: ${EndpointCatalogue.checkServiceName(s.service) ?? 'ok'}`).toBe(`${s.service}: ok`);
    }
  });
});

describe('addAddon', () => {
  test('aws-ebs-csi-driver gets a Pod Identity role with its managed policy, the agent and the eks-auth endpoint', () => {
    // GIVEN a private cluster
    const s = stack();
    const c = cluster(s, { bastion: false });
    // WHEN
    const addon = c.addAddon('aws-ebs-csi-driver');
    // THEN
    const t = Template.fromStack(s);
    expect(addon.identity).toBe(WorkloadIdentity.POD_IDENTITY);
    t.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AddonawsebscsidriverRole'), 'Arn'] } }],
    });
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']] }],
    });
    expect(endpointServices(t)).toContain('eks-auth');
    expect(findings(c)).toEqual([]);
  });

  test('aws-efs-csi-driver adds the elasticfilesystem endpoint', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    c.addAddon('aws-efs-csi-driver');
    expect(endpointServices(Template.fromStack(s))).toEqual(expect.arrayContaining(['elasticfilesystem', 'eks-auth']));
    expect(findings(c)).toEqual([]);
  });

  test('amazon-cloudwatch-observability adds logs and monitoring and passes the checks', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    c.addAddon('amazon-cloudwatch-observability');
    expect(endpointServices(Template.fromStack(s))).toEqual(expect.arrayContaining(['logs', 'monitoring']));
    expect(findings(c)).toEqual([]);
  });

  test('aws-mountpoint-s3-csi-driver uses IRSA (the EKS table says no Pod Identity) with the statements given', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    const addon = c.addAddon('aws-mountpoint-s3-csi-driver', {
      policyStatements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::data'] })],
    });
    const t = Template.fromStack(s);
    expect(addon.identity).toBe(WorkloadIdentity.IRSA);
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-mountpoint-s3-csi-driver', ServiceAccountRoleArn: Match.anyValue() });
    expect(endpointServices(t)).toContain('sts');
    expect(findings(c)).toEqual([]);
  });

  test('fails when aws-mountpoint-s3-csi-driver gets no permissions (no AWS managed policy covers them)', () => {
    const c = cluster(stack(), { bastion: false });
    expect(() => c.addAddon('aws-mountpoint-s3-csi-driver')).toThrow(/no AWS managed policy grants them.*pass policyStatements/s);
  });

  test('fails when Pod Identity is asked of an add-on that does not support it', () => {
    const c = cluster(stack(), { bastion: false });
    expect(() => c.addAddon('aws-mountpoint-s3-csi-driver', { identity: WorkloadIdentity.POD_IDENTITY, managedPolicies: [] }))
      .toThrow(/does not support EKS Pod Identity/);
  });

  test('fails when a core add-on is added again', () => {
    const c = cluster(stack(), { bastion: false });
    expect(() => c.addAddon('vpc-cni')).toThrow(/created by this cluster already \(coreAddons\)/);
  });

  test('an add-on the registry does not know is created as asked and reported as not checked', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    const addon = c.addAddon('some-partner-addon');
    expect(addon.contract).toBeUndefined();
    expect(addon.role).toBeUndefined();
    Template.fromStack(s).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'some-partner-addon' });
    expect(findings(c)).toEqual([]);
  });

  test('an add-on waits for the endpoints and the first nodegroup', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    c.addAddon('aws-ebs-csi-driver');
    const t = Template.fromStack(s);
    const [, addon] = Object.entries(t.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'aws-ebs-csi-driver' } }))[0] as [string, any];
    expect(addon.DependsOn.some((d: string) => /DefaultNodegroup/.test(d))).toBe(true);
    expect(addon.DependsOn.some((d: string) => /Endpoints/.test(d))).toBe(true);
  });
});

describe('add-ons created without addAddon are checked too', () => {
  test('fails (PEKS-ADDON-1) when aws-efs-csi-driver, added with aws-eks-v2 Addon, has no elasticfilesystem endpoint', () => {
    const s = stack();
    const c = cluster(s, { bastion: false });
    new eks.Addon(s, 'Efs', { cluster: c.cluster, addonName: 'aws-efs-csi-driver' });
    const f = findings(c, 'PEKS-ADDON-1');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/EKS add-on aws-efs-csi-driver \(S\/Efs\).*elasticfilesystem/);
    expect(f[0].fix).toMatch(/additionalEndpoints: \['elasticfilesystem'\]/);
  });

  test('passes when the endpoint is there (additionalEndpoints)', () => {
    const s = stack();
    const c = cluster(s, { bastion: false, additionalEndpoints: ['elasticfilesystem'] });
    new eks.Addon(s, 'Efs', { cluster: c.cluster, addonName: 'aws-efs-csi-driver' });
    expect(findings(c, 'PEKS-ADDON-1')).toEqual([]);
  });

  test('fails (PEKS-ADDON-1) for an L1 aws-guardduty-agent without guardduty-data; a declaration passes', () => {
    for (const declared of [false, true]) {
      const s = stack();
      const c = cluster(s, { bastion: false, existingEndpointServices: declared ? ['guardduty-data'] : [] });
      new eks.CfnAddon(s, 'GuardDuty', { clusterName: c.cluster.clusterName, addonName: 'aws-guardduty-agent' });
      expect(findings(c, 'PEKS-ADDON-1').map(f => f.message.includes('guardduty-data'))).toEqual(declared ? [] : [true]);
    }
  });

  test('warns (PEKS-ADDON-3) when an add-on that calls AWS has no identity; a Pod Identity association passes', () => {
    for (const associated of [false, true]) {
      const s = stack();
      const c = cluster(s, { bastion: false });
      new eks.Addon(s, 'Ebs', { cluster: c.cluster, addonName: 'aws-ebs-csi-driver' });
      if (associated) {
        const role = new iam.Role(s, 'EbsRole', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
        new eks.CfnPodIdentityAssociation(s, 'EbsAssociation', {
          clusterName: c.cluster.clusterName, namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa', roleArn: role.roleArn,
        });
      }
      const f = findings(c, 'PEKS-ADDON-3');
      expect(f.map(x => x.severity)).toEqual(associated ? [] : ['warning']);
      if (!associated) expect(f[0].message).toMatch(/kube-system\/ebs-csi-controller-sa has no Pod Identity association or IRSA role/);
    }
  });

  test('vpc-cni without an identity of its own is not reported (the node role carries AmazonEKS_CNI_Policy)', () => {
    const c = cluster(stack(), { bastion: false });
    expect(findings(c)).toEqual([]);
  });

  test('downgradeRules turns PEKS-ADDON-1 into a warning', () => {
    const s = stack();
    const c = cluster(s, { bastion: false, downgradeRules: { 'PEKS-ADDON-1': 'the file systems are reached through a proxy the app cannot see' } });
    new eks.Addon(s, 'Efs', { cluster: c.cluster, addonName: 'aws-efs-csi-driver' });
    expect(() => Template.fromStack(s)).not.toThrow();
  });
});

describe('charts added by hand are checked against their contracts', () => {
  const lbcValues = { clusterName: 'x', enableShield: false, enableWaf: false, enableWafv2: false };

  test('fails (PEKS-ADDON-2) when the Load Balancer Controller chart keeps Shield on; passes with the three flags off', () => {
    for (const values of [{ clusterName: 'x', enableWaf: false, enableWafv2: false }, lbcValues]) {
      const s = stack();
      const c = withKubectl(s, { bastion: false, additionalEndpoints: ['elasticloadbalancing'] });
      c.addHelmChart('Lbc', { chart: 'aws-load-balancer-controller', repository: `oci://${ECR}/aws-load-balancer-controller`, namespace: 'kube-system', values });
      const f = findings(c, 'PEKS-ADDON-2');
      expect(f.map(x => x.message.match(/enableShield is not set/) !== null)).toEqual(values === lbcValues ? [] : [true]);
    }
  });

  test('passes the Load Balancer Controller with enableWafv2 on when the VPC has a wafv2 endpoint; fails without it, naming the endpoint as the other fix', () => {
    for (const wafv2Endpoint of [true, false]) {
      // GIVEN a chart that keeps WAFv2 on (WAF on an internal ALB), with and without a wafv2 endpoint in the app
      const s = stack();
      const c = withKubectl(s, { bastion: false, additionalEndpoints: ['elasticloadbalancing', ...(wafv2Endpoint ? ['wafv2'] : [])] });
      c.addHelmChart('Lbc', { chart: 'aws-load-balancer-controller', repository: `oci://${ECR}/aws-load-balancer-controller`, values: { ...lbcValues, enableWafv2: true } });
      // THEN
      const f = findings(c, 'PEKS-ADDON-2');
      if (wafv2Endpoint) {
        expect(f).toEqual([]);
      } else {
        expect(f.map(x => x.message)).toEqual([expect.stringMatching(/enableWafv2 is true, and it needs false while the node subnets do not reach wafv2/)]);
        expect(f[0].fix).toMatch(/set enableWafv2: false in its values; or, to keep it, create a wafv2 interface endpoint \(additionalEndpoints: \['wafv2'\]\)/);
        expect(f[0].fix).toMatch(/existingEndpointServices: \['wafv2'\]/);
      }
    }
  });

  test('a declared wafv2 or shield passes the matching flag; WAF Classic has no endpoint, so the fix names none', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false, additionalEndpoints: ['elasticloadbalancing'], existingEndpointServices: ['wafv2', 'shield'] });
    c.addHelmChart('Lbc', { chart: 'aws-load-balancer-controller', repository: `oci://${ECR}/aws-load-balancer-controller`, values: { clusterName: 'x', enableShield: true, enableWafv2: true, enableWaf: true } });
    const f = findings(c, 'PEKS-ADDON-2');
    expect(f.map(x => x.message)).toEqual([expect.stringMatching(/enableWaf is true, .*do not reach waf-regional/)]);
    expect(f[0].fix).not.toMatch(/interface endpoint/);
  });

  test('Karpenter keeps settings.isolatedVPC required with a pricing.api endpoint outside Karpenter\'s pricing regions', () => {
    for (const region of ['eu-west-2', 'eu-central-1']) {
      const s = new Stack(new App(), 'S', { env: { account: '111111111111', region } });
      const c = withKubectl(s, { bastion: false, additionalEndpoints: ['ssm', 'pricing.api'] });
      c.addHelmChart('K', { chart: 'controller', repository: `oci://111111111111.dkr.ecr.${region}.amazonaws.com/charts/karpenter`, values: { settings: { clusterName: 'x' } } });
      // eu-west-2 clusters call the Price List API in eu-central-1: the VPC's endpoint does not serve them.
      expect(findings(c, 'PEKS-ADDON-2').map(f => f.message.includes('settings.isolatedVPC'))).toEqual(region === 'eu-west-2' ? [true] : []);
    }
  });

  test('fails (PEKS-ADDON-1) when the Load Balancer Controller has no elasticloadbalancing endpoint', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    c.addHelmChart('Lbc', { chart: 'aws-load-balancer-controller', repository: `oci://${ECR}/aws-load-balancer-controller`, values: lbcValues });
    expect(findings(c, 'PEKS-ADDON-1').map(f => f.message)).toEqual([expect.stringMatching(/Helm chart aws-load-balancer-controller .*elasticloadbalancing/)]);
  });

  test('fails (PEKS-ADDON-2) when a Karpenter chart (recognised from its OCI repository) has no isolatedVPC', () => {
    for (const isolated of [false, true]) {
      const s = stack();
      const c = withKubectl(s, { bastion: false, additionalEndpoints: ['ssm'] });
      c.addHelmChart('K', { chart: 'controller', repository: `oci://${ECR}/charts/karpenter`, values: { settings: { clusterName: 'x', ...(isolated ? { isolatedVPC: true } : {}) } } });
      expect(findings(c, 'PEKS-ADDON-2').map(f => /settings\.isolatedVPC is not set.*set settings\.isolatedVPC: true/.test(`${f.message} ${f.fix}`))).toEqual(isolated ? [] : [true]);
    }
  });

  test('fails (PEKS-ADDON-2) when the Cluster Autoscaler has no static instance list or another region', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false, additionalEndpoints: ['autoscaling'] });
    c.addHelmChart('Ca', { chart: 'cluster-autoscaler', repository: `oci://${ECR}/cluster-autoscaler`, values: { awsRegion: 'us-east-1' } });
    const messages = findings(c, 'PEKS-ADDON-2').map(f => f.message);
    expect(messages).toEqual([expect.stringMatching(/extraArgs.aws-use-static-instance-list is not set/), expect.stringMatching(/awsRegion is "us-east-1", and it needs "eu-west-2"/)]);
  });

  test('passes the Cluster Autoscaler with the static list, this region and the autoscaling endpoint', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false, additionalEndpoints: ['autoscaling'] });
    c.addHelmChart('Ca', { chart: 'cluster-autoscaler', repository: `oci://${ECR}/cluster-autoscaler`, values: { awsRegion: 'eu-west-2', extraArgs: { 'aws-use-static-instance-list': true } } });
    expect(findings(c, 'PEKS-ADDON-1').concat(findings(c, 'PEKS-ADDON-2'))).toEqual([]);
  });

  test('fails (PEKS-ADDON-1) when external-dns has no route53 endpoint; a declaration passes', () => {
    for (const declared of [false, true]) {
      const s = stack();
      const c = withKubectl(s, { bastion: false, existingEndpointServices: declared ? ['route53'] : [] });
      c.addHelmChart('Dns', { chart: 'external-dns', repository: `oci://${ECR}/external-dns`, values: { provider: { name: 'aws' } } });
      expect(findings(c, 'PEKS-ADDON-1').map(f => f.message.includes('route53'))).toEqual(declared ? [] : [true]);
    }
  });
});

describe('addLoadBalancerController', () => {
  test('installs the chart with Shield, WAF and WAFv2 off, an IRSA role and the elasticloadbalancing and sts endpoints', () => {
    // GIVEN / WHEN
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    const lbc = c.addLoadBalancerController({
      version: eks.AlbControllerVersion.V2_17_1,
      chartRepository: `oci://${ECR}/aws-load-balancer-controller`,
      image: `${ECR}/aws-load-balancer-controller:v2.17.1`,
    });
    // THEN
    const t = Template.fromStack(s);
    const [, chart] = Object.entries(t.findResources('Custom::AWSCDK-EKS-HelmChart'))[0] as [string, any];
    const values = JSON.stringify(chart.Properties.Values);
    for (const v of ['\\"enableShield\\":false', '\\"enableWaf\\":false', '\\"enableWafv2\\":false', '\\"region\\":\\"eu-west-2\\"', 'eks.amazonaws.com/role-arn', `${ECR}/aws-load-balancer-controller`]) {
      expect(values).toContain(v);
    }
    expect(chart.Properties.Version).toBe('1.17.1');
    expect(endpointServices(t)).toEqual(expect.arrayContaining(['elasticloadbalancing', 'sts']));
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      // Its own statement: only CreateLoadBalancer takes elasticloadbalancing:Subnet (the VPC's subnets).
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'elasticloadbalancing:CreateLoadBalancer' })]) },
    });
    expect(lbc.role).toBeDefined();
    expect(c._joinFindings().filter(f => f.severity === 'error')).toEqual([]);
  });

  test('fails when the chart has no source the handler can reach', () => {
    const c = withKubectl(stack(), { bastion: false });
    expect(() => c.addLoadBalancerController({ version: eks.AlbControllerVersion.V2_17_1, image: `${ECR}/lbc:v2.17.1` }))
      .toThrow(/https:\/\/aws.github.io\/eks-charts, is on the internet.*chartRepository/s);
  });

  test('fails for an image without a tag, or with a digest (the values take a repository and a tag)', () => {
    const c = withKubectl(stack(), { bastion: false });
    const options = { version: eks.AlbControllerVersion.V2_17_1, chartRepository: `oci://${ECR}/aws-load-balancer-controller` };
    expect(() => c.addLoadBalancerController({ ...options, image: `${ECR}/lbc` })).toThrow(/image ".*\/lbc" has no tag/);
    expect(() => c.addLoadBalancerController({ ...options, image: `${ECR}/lbc@sha256:${'a'.repeat(64)}` })).toThrow(/names a digest, and the chart's values take image.repository and image.tag/);
  });

  test('fails without an image unless a pull-through cache serves ECR Public, which it then uses', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    const options = { version: eks.AlbControllerVersion.V2_17_1, chartRepository: `oci://${ECR}/aws-load-balancer-controller` };
    expect(() => c.addLoadBalancerController(options)).toThrow(/no pull-through cache rule of the cluster serves public.ecr.aws/);
    c.addPullThroughCache('Cache', { rules: [{ upstream: Upstream.ECR_PUBLIC }] });
    c.addLoadBalancerController(options);
    const [, chart] = Object.entries(Template.fromStack(s).findResources('Custom::AWSCDK-EKS-HelmChart'))[0] as [string, any];
    expect(JSON.stringify(chart.Properties.Values)).toMatch(/ecr-public\/eks\/aws-load-balancer-controller/);
  });
});

describe('addKarpenter', () => {
  const options = { version: '1.14.0', chartRepository: `oci://${ECR}/karpenter`, image: `${ECR}/karpenter/controller:1.14.0` };

  test('creates the node role, its access entry and instance profile, the interruption queue and rules, a Pod Identity role, and the endpoints', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    const k = c.addKarpenter(options);
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SQS::Queue', 1);
    // 1.14's getting-started template has five rules (cloudformation.yaml at v1.14.0, line 454: CapacityReservationInterruptionRule).
    t.resourceCountIs('AWS::Events::Rule', 5);
    t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] } });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.ec2'], 'detail-type': ['EC2 Capacity Reservation Instance Interruption Warning'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('InterruptionQueue'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: Match.stringLikeRegexp('KarpenterNodeRole') }] });
    t.hasResourceProperties('AWS::EKS::AccessEntry', { Type: 'EC2_LINUX' });
    t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'karpenter' });
    expect(endpointServices(t)).toEqual(expect.arrayContaining(['ec2', 'ssm', 'sqs', 'eks-auth']));
    const charts = Object.values(t.findResources('Custom::AWSCDK-EKS-HelmChart')) as any[];
    const values = JSON.stringify(charts[0].Properties.Values);
    expect(values).toContain('\\"isolatedVPC\\":true');
    expect(values).toContain('interruptionQueue');
    const manifests = JSON.stringify(Object.values(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')));
    expect(manifests).toMatch(/EC2NodeClass.*instanceProfile/);
    expect(k.interruptionQueue).toBeDefined();
    expect(c._joinFindings().filter(f => f.severity === 'error')).toEqual([]);
  });

  test('without interruption handling there is no queue and no sqs endpoint', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    c.addKarpenter({ ...options, interruptionHandling: false, defaultNodePool: false });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::SQS::Queue', 0);
    expect(endpointServices(t)).not.toContain('sqs');
    expect(findings(c, 'PEKS-ADDON-1')).toEqual([]);
  });

  test('a release before 1.10 (whose controller has no capacity-reservation interruption parser) gets the four rules it reads', () => {
    const s = stack();
    const c = withKubectl(s, { bastion: false });
    c.addKarpenter({ ...options, version: '1.9.2', image: `${ECR}/karpenter/controller:1.9.2`, defaultNodePool: false });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Events::Rule', 4);
    expect(JSON.stringify(t.findResources('AWS::Events::Rule'))).not.toContain('Capacity Reservation');
  });

  test('fails on a version that is not a chart version, and without a reachable chart', () => {
    const c = withKubectl(stack(), { bastion: false });
    expect(() => c.addKarpenter({ ...options, version: 'latest' })).toThrow(/not a Karpenter chart version/);
    expect(() => c.addKarpenter({ version: '1.14.0', image: options.image })).toThrow(/oci:\/\/public.ecr.aws\/karpenter\/karpenter, is on the internet/);
  });
});

describe('addKarpenter with the cluster\'s proxy', () => {
  const options = { version: '1.14.0', chartRepository: `oci://${ECR}/karpenter`, image: `${ECR}/karpenter/controller:1.14.0` };
  // A proxy inside the VPC: the local route reaches it (no Transit Gateway needed for the check).
  const proxy = { url: 'http://10.40.250.10:3128', proxyCidrs: ['10.40.250.0/24'] };

  function proxied(karpenter: Record<string, unknown> = {}, withProxy = true) {
    const app = new App();
    const s = new Stack(app, 'S', { env: ENV });
    const c = withKubectl(s, { bastion: false, network: { cidr: '10.40.0.0/16' }, lookupSupportedAzs: false, ...(withProxy ? { proxy } : {}) });
    const k = c.addKarpenter({ ...options, ...karpenter });
    return { app, s, c, k };
  }

  /** The default EC2NodeClass of the template, parsed. */
  function nodeClass(s: Stack): any {
    const manifests = Object.values(Template.fromStack(s).findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    // The manifest is an Fn::Join around the template's references (the instance profile, the subnets): read as text.
    const asText = (m: any): string => (typeof m === 'string' ? m : (m['Fn::Join'][1] as any[]).map(p => (typeof p === 'string' ? p : 'REF')).join(m['Fn::Join'][0]));
    const text = manifests.map(m => asText(m.Properties.Manifest)).find(m => m.includes('EC2NodeClass'))!;
    return JSON.parse(text).find((o: any) => o.kind === 'EC2NodeClass');
  }

  const warnings = (app: App) => app.synth().stacks.flatMap(st => st.messages).filter(m => m.level === 'warning').map(m => String(m.entry.data));

  test('the default EC2NodeClass gives its nodes the proxy: the containerd, kubelet and nodeadm-run drop-ins with the generated NO_PROXY', () => {
    const { app, s, k } = proxied();
    expect(warnings(app).join('\n')).not.toMatch(/karpenterNodeClassProxy/);
    const userData: string = nodeClass(s).spec.userData;
    expect(userData).toBe(Stack.of(k).resolve(k.nodeProxyUserData));
    expect(userData.startsWith('#!/bin/bash\n')).toBe(true);
    const files: Record<string, string> = {};
    for (const m of userData.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)' \| base64 -d > ([^ ]+) /g)) files[m[2]] = Buffer.from(m[1], 'base64').toString('utf8');
    const dropIn = files['/etc/systemd/system/containerd.service.d/http-proxy.conf'];
    expect(files['/etc/systemd/system/kubelet.service.d/http-proxy.conf']).toBe(dropIn);
    expect(files['/etc/systemd/system/nodeadm-run.service.d/http-proxy.conf']).toBe(dropIn);
    expect(dropIn).toMatch(/Environment="HTTPS_PROXY=http:\/\/10.40.250.10:3128"/);
    const noProxy = /Environment="NO_PROXY=([^"]+)"/.exec(dropIn)![1].split(',');
    expect(noProxy).toEqual(expect.arrayContaining(['10.40.0.0/16', '.eks.amazonaws.com', 'api.ecr.eu-west-2.amazonaws.com', '.dkr.ecr.eu-west-2.amazonaws.com',
      'ec2.eu-west-2.amazonaws.com', '.s3.eu-west-2.amazonaws.com']));
    // No value is shell text: the script is the library's lines and base64.
    expect(userData.replace(/'[A-Za-z0-9+/=]+'/g, "''")).not.toMatch(/10\.40\.250\.10|amazonaws/);
  });

  test('without a proxy, the default EC2NodeClass has no userData and nodeProxyUserData is undefined', () => {
    const { s, k } = proxied({}, false);
    expect(nodeClass(s).spec.userData).toBeUndefined();
    expect(k.nodeProxyUserData).toBeUndefined();
  });

  test('warns when defaultNodePool is false and the app shows no EC2NodeClass (its nodes may pull without the proxy)', () => {
    const { app } = proxied({ defaultNodePool: false });
    expect(warnings(app).join('\n')).toMatch(/with defaultNodePool false this app shows no EC2NodeClass.*Karpenter.nodeProxyUserData.*karpenterNodeClassProxy/s);
  });

  test('names an EC2NodeClass of the user\'s without the proxy; one that carries nodeProxyUserData passes', () => {
    const bare = proxied({ defaultNodePool: false });
    bare.c.addManifest('Gpu', { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'gpu' }, spec: { amiSelectorTerms: [{ alias: 'al2023@latest' }] } });
    expect(warnings(bare.app).join('\n')).toMatch(/EC2NodeClass in S\/Eks\/ManifestGpu gives its nodes no proxy.*karpenterNodeClassProxy/s);
    const carried = proxied({ defaultNodePool: false });
    carried.c.addManifest('Gpu', {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'gpu' },
      spec: { amiSelectorTerms: [{ alias: 'al2023@latest' }], userData: carried.k.nodeProxyUserData },
    });
    expect(warnings(carried.app).join('\n')).not.toMatch(/karpenterNodeClassProxy/);
  });
});

describe('the add-ons guide (docs/addons-and-controllers.md)', () => {
  test('its contract table is the registry\'s', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'addons-and-controllers.md'), 'utf8');
    const block = /<!-- contracts:start -->\n([\s\S]*?)\n<!-- contracts:end -->/.exec(readme)?.[1];
    expect(block).toBe(contractTable());
  });
});

describe('what the library says of its custom resources\' functions', () => {
  // "CloudFormation invokes your Lambda function asynchronously with an event that includes a callback URL"
  // (https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html, read 2026-12-07; aws-cdk #5873).
  test('the dead-letter-queue acknowledgements of the warm-up and the probes say asynchronous, never synchronous', () => {
    const reasons = [...ACKNOWLEDGEMENTS.cacheWarmup, ...ACKNOWLEDGEMENTS.preflight]
      .filter(a => a.ids.some(id => /LambdaDLQ/.test(id))).map(a => a.reason);
    expect(reasons).toHaveLength(2);
    for (const r of reasons) {
      expect(r).toMatch(/asynchronously/);
      expect(r).not.toMatch(/(^|[^a])synchronously/);
    }
  });
});
