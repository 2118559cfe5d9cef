import * as path from 'path';
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { cluster, isolatedVpc, natVpc, tinyLayer } from './join-cases';
import { PrivateEksCluster, WorkloadIdentity } from '../lib';
import { newStack, resourcesOfType, USER_APP_CONTEXT } from './util';
import { Finding } from '../lib/check/join-analysis';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const idsOf = (c: PrivateEksCluster) => findingsOf(c).map(f => `${f.ruleId}:${f.severity}`);
const JOIN = ['ec2', 'ecr.api', 'ecr.dkr', 's3'];
const NGINX = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hello', namespace: 'default' }, data: { a: 'b' } };

describe('a plain cluster runs nothing nobody asked for', () => {
  const stack = newStack();
  cluster(stack, { kubectlLayer: tinyLayer(stack) });
  const t = Template.fromStack(stack);

  test('no Lambda function, custom resource or nested stack', () => {
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.resourceCountIs('AWS::CloudFormation::Stack', 0);
    expect(Object.values(t.toJSON().Resources).filter((r: any) => r.Type.startsWith('Custom::'))).toEqual([]);
  });

  test('vpc-cni, kube-proxy and coredns are managed add-ons at the version EKS pairs with the cluster, and EKS bootstraps none', () => {
    const addons = resourcesOfType(t, 'AWS::EKS::Addon');
    expect(addons.map(([, r]) => r.Properties.AddonName).sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
    for (const [, r] of addons) expect(r.Properties.AddonVersion).toBeUndefined();
    t.hasResourceProperties('AWS::EKS::Cluster', { BootstrapSelfManagedAddons: false });
  });

  test('the nodegroup waits for vpc-cni and kube-proxy; coredns waits for the nodegroup', () => {
    const ids = Object.fromEntries(resourcesOfType(t, 'AWS::EKS::Addon').map(([id, r]) => [r.Properties.AddonName, id]));
    const [[ngId, ng]] = resourcesOfType(t, 'AWS::EKS::Nodegroup');
    expect(ng.DependsOn).toEqual(expect.arrayContaining([ids['vpc-cni'], ids['kube-proxy']]));
    expect(ng.DependsOn).not.toContain(ids.coredns);
    expect(t.toJSON().Resources[ids.coredns].DependsOn).toEqual(expect.arrayContaining([ngId]));
  });

  test('the bastion\'s cluster-admin grant goes through the cluster\'s access entries', () => {
    t.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EksBastionRole'), 'Arn'] },
      AccessPolicies: [Match.objectLike({ AccessScope: { Type: 'cluster' } })],
    });
  });
});

describe('addManifest on a PRIVATE cluster', () => {
  const stack = newStack();
  const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
  c.addManifest('Hello', NGINX);
  const t = Template.fromStack(stack);

  test('creates the kubectl handler in the node subnets with the cluster security group', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'onEvent handler for EKS kubectl resource provider',
      VpcConfig: {
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^EksNetworkVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^EksNetworkVpcPrivateSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^EksCluster'), 'ClusterSecurityGroupId'] }],
      },
    });
    // The EKS cluster security group admits its own members on every port, 443 included.
    expect(c.kubectlProvider).toBeDefined();
  });

  test('grants the handler cluster admin, and the manifest waits for that grant and the endpoints', () => {
    const entries = resourcesOfType(t, 'AWS::EKS::AccessEntry');
    const handlerEntry = entries.find(([id]) => id.startsWith('EksClusterKubectlProviderAdmin'));
    expect(handlerEntry![1].Properties.PrincipalArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EksKubectlProviderHandlerServiceRole/), 'Arn'] });
    const [[, manifest]] = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(manifest.DependsOn).toContain(handlerEntry![0]);
    expect(manifest.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^EksClusterB/), expect.stringMatching(/^EksEndpointsEks/), expect.stringMatching(/^EksEndpointsLambda/)]));
  });

  test('adds the eks and lambda endpoints the handler and its provider framework call, and passes the checks', () => {
    expect(c.endpoints!.interfaceServices).toEqual(expect.arrayContaining(['eks', 'lambda']));
    expect(idsOf(c)).toEqual([]);
  });

  test('creates the handler once for many manifests', () => {
    c.addManifest('Second', { ...NGINX, metadata: { name: 'second', namespace: 'default' } });
    expect(c.node.findAll().filter(x => x instanceof eks.KubectlProvider)).toHaveLength(1);
  });
});

describe('operating the cluster: what fails, and its passing neighbour', () => {
  test('fails when no kubectl layer was given, naming the package to install', () => {
    const c = cluster(newStack(), { bastion: false });
    expect(() => c.addManifest('Hello', NGINX)).toThrow(
      /\[Test\/Eks\] addManifest needs kubectl, and no kubectlLayer was given\. Fix: install @aws-cdk\/lambda-layer-kubectl-v36 and pass kubectlLayer: new KubectlV36Layer/);
  });

  test('PEKS-KUBECTL-1 when the handler in isolated subnets reaches neither eks nor lambda (endpoints declared elsewhere, but not those)', () => {
    const stack = newStack();
    const c = cluster(stack, {
      vpc: isolatedVpc(stack), createVpcEndpoints: false, existingEndpointServices: JOIN, bastion: false, kubectlLayer: tinyLayer(stack),
    });
    c.addManifest('Hello', NGINX);
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-KUBECTL-1', 'PEKS-KUBECTL-1']);
    expect(f[0].message).toMatch(/kubectl function Test\/Eks\/KubectlProvider\/Handler: .* for: eks \(aws eks update-kubeconfig\)$/);
    expect(f[1].message).toMatch(/Test\/Eks\/KubectlProvider\/Provider\/framework-onEvent: .* for: lambda \(invoking the kubectl handler\)$/);
  });

  test('the same handler passes in a VPC with a NAT gateway', () => {
    const stack = newStack();
    const c = cluster(stack, { vpc: natVpc(stack), createVpcEndpoints: false, bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addManifest('Hello', NGINX);
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-KUBECTL-2 for a chart from a public repository with no internet route; ECR OCI charts and chart assets pass', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    c.addHelmChart('Public', { chart: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx' });
    const f = findingsOf(c);
    // The chart's own images cannot be seen either: a warning says so.
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-KUBECTL-2', 'PEKS-IMG-4']);
    expect(f[0].message).toMatch(/^kubectl function Test\/Eks\/KubectlProvider\/Handler: subnets .* have no internet route, and it downloads from the internet: Helm chart Test\/Eks\/ChartPublic from https:\/\/kubernetes.github.io\/ingress-nginx$/);
    expect(f[0].fix).toMatch(/oci:\/\/<account>\.dkr\.ecr\.<this region>\.amazonaws\.com\/<repo>/);

    const ok = newStack();
    const c2 = cluster(ok, { kubectlLayer: tinyLayer(ok), bastion: false });
    c2.addHelmChart('Ecr', { chart: 'ingress-nginx', repository: 'oci://123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/charts/ingress-nginx', version: '4.11.0' });
    c2.addHelmChart('Asset', { chartAsset: new s3assets.Asset(ok, 'ChartZip', { path: path.join(__dirname, 'fixtures', 'tiny-layer') }) });
    // The charts are reachable; what they pull is not in the app, which the image checks say as warnings only.
    expect(idsOf(c2)).toEqual(['PEKS-IMG-4:warning', 'PEKS-IMG-4:warning']);
  });

  test('a chart from a public repository passes where the handler has a NAT route', () => {
    const stack = newStack();
    const c = cluster(stack, { vpc: natVpc(stack), createVpcEndpoints: false, bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addHelmChart('Public', { chart: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx' });
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-VER-2 warns when the kubectl layer is more than one minor version from the cluster', () => {
    const stack = newStack();
    expect(idsOf(cluster(stack, { kubectlLayer: new KubectlV24Layer(stack, 'Old'), bastion: false }))).toEqual(['PEKS-VER-2:warning']);
    const ok = newStack();
    expect(idsOf(cluster(ok, { version: eks.KubernetesVersion.of('1.25'), kubectlLayer: new KubectlV24Layer(ok, 'Near'), bastion: false })))
      .not.toContain('PEKS-VER-2:warning');
  });
});

describe('workload identity', () => {
  test('Pod Identity: role trusted by pods.eks.amazonaws.com, the agent add-on, an association, the eks-auth endpoint, the service account', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    const sa = c.addServiceAccount('Reader', { name: 'reader', namespace: 'default' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }] },
    });
    t.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'default', ServiceAccount: 'reader' });
    expect(c.endpoints!.interfaceServices).toContain('eks-auth');
    expect(sa.identity).toBe(WorkloadIdentity.POD_IDENTITY);
    const [[, manifest]] = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(JSON.stringify(manifest.Properties.Manifest)).toContain('\\"kind\\":\\"ServiceAccount\\"');
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-FEAT-1 for Pod Identity without eks-auth (endpoints made elsewhere, eks-auth not among them)', () => {
    const stack = newStack();
    const c = cluster(stack, {
      vpc: isolatedVpc(stack),
      createVpcEndpoints: false,
      bastion: false,
      kubectlLayer: tinyLayer(stack),
      existingEndpointServices: [...JOIN, 'eks', 'lambda'],
    });
    c.addServiceAccount('Reader', { name: 'reader' });
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-FEAT-1']);
    expect(f[0].message).toMatch(/for: eks-auth \(EKS Pod Identity\)/);
  });

  test('IRSA: role trusted through the OIDC provider for this service account, sts endpoint, annotated service account', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    c.addServiceAccount('Irsa', { name: 'uploader', namespace: 'jobs', identity: WorkloadIdentity.IRSA });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity' })] },
    });
    expect(c.endpoints!.interfaceServices).toContain('sts');
    const manifest = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource').map(([, r]) => JSON.stringify(r.Properties.Manifest)).join();
    expect(manifest).toContain('eks.amazonaws.com/role-arn');
    expect(manifest).toContain('eks.amazonaws.com/sts-regional-endpoints');
    expect(idsOf(c)).toEqual([]);
  });

  test('refuses a service account name that is not a DNS label', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    expect(() => c.addServiceAccount('Bad', { name: 'Bad_Name' })).toThrow(/the service account name "Bad_Name" is not a DNS label/);
  });
});

describe('capacity and access', () => {
  test('addNodegroup adds spot arm64 nodes with labels and taints in the node subnets, with the shared node role', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    c.addNodegroup('Arm', {
      instanceTypes: [new ec2.InstanceType('m7g.large')],
      capacityType: eks.CapacityType.SPOT,
      labels: { pool: 'arm' },
      taints: [{ key: 'arch', value: 'arm64', effect: eks.TaintEffect.NO_SCHEDULE }],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EKS::Nodegroup', 2);
    t.hasResourceProperties('AWS::EKS::Nodegroup', {
      AmiType: 'AL2023_ARM_64_STANDARD',
      CapacityType: 'SPOT',
      Labels: { pool: 'arm' },
      Taints: [{ Key: 'arch', Value: 'arm64', Effect: 'NO_SCHEDULE' }],
      NodeRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EksNodeRole'), 'Arn'] },
      Subnets: [{ Ref: Match.stringLikeRegexp('^EksNetworkVpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^EksNetworkVpcPrivateSubnet2') }],
    });
    // One node role for both nodegroups.
    expect(new Set(resourcesOfType(t, 'AWS::EKS::Nodegroup').map(([, r]) => JSON.stringify(r.Properties.NodeRole))).size).toBe(1);
  });

  test('an added nodegroup is covered by the join checks (public subnets with no public IPs fail PEKS-NET-1)', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, network: { publicSubnets: true } });
    c.addNodegroup('Public', { subnets: { subnetGroupName: 'Public' } });
    expect(findingsOf(c).map(f => f.ruleId)).toContain('PEKS-NET-1');
  });

  test('createDefaultNodegroup: false creates no nodegroup; defaultNodegroup settings with it are refused', () => {
    const stack = newStack();
    const c = cluster(stack, { createDefaultNodegroup: false, bastion: false });
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Nodegroup', 0);
    expect(c.nodegroup).toBeUndefined();
    expect(() => cluster(newStack(), { createDefaultNodegroup: false, defaultNodegroup: { desiredSize: 3 } }))
      .toThrow(/`defaultNodegroup` settings were given with createDefaultNodegroup: false/);
  });

  test('grantClusterAdmin and grantAccess create access entries', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    c.grantClusterAdmin('Ops', 'arn:aws:iam::123456789012:role/ops');
    c.grantAccess('Viewer', 'arn:aws:iam::123456789012:role/viewer', [
      eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: ['apps'] }),
    ]);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::123456789012:role/ops',
      AccessPolicies: [Match.objectLike({ AccessScope: { Type: 'cluster' }, PolicyArn: Match.objectLike({}) })],
    });
    t.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: 'arn:aws:iam::123456789012:role/viewer',
      AccessPolicies: [{ AccessScope: { Namespaces: ['apps'], Type: 'namespace' }, PolicyArn: Match.anyValue() }],
    });
  });
});


test('the README\'s "Manifests and charts from CDK" set-up passes the synth-time checks', () => {
  const stack = newStack();
  const c = cluster(stack, { kubectlLayer: tinyLayer(stack) });
  const ns = c.addManifest('AppsNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  // As the README writes it: the chart and its image in this account's ECR of the stack's region.
  const registry = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
  c.addHelmChart('Web', {
    chart: 'web',
    repository: `oci://${registry}/charts/web`,
    version: '1.0.0',
    namespace: 'apps',
    values: { image: { repository: `${registry}/web`, tag: '1.0.0' } },
  });
  c.addServiceAccount('Reader', { name: 'reader', namespace: 'apps' }).node.addDependency(ns);
  c.addNodegroup('Arm', { instanceTypes: [new ec2.InstanceType('m7g.large')], capacityType: eks.CapacityType.SPOT });
  c.grantClusterAdmin('Ops', 'arn:aws:iam::123456789012:role/ops');
  expect(idsOf(c)).toEqual([]);
  // The service account manifest waits for the namespace manifest.
  const t = Template.fromStack(stack);
  const manifests = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource');
  const nsId = manifests.find(([, r]) => JSON.stringify(r.Properties.Manifest).includes('Namespace'))![0];
  const sa = manifests.find(([, r]) => JSON.stringify(r.Properties.Manifest).includes('ServiceAccount'))![1];
  expect(sa.DependsOn).toContain(nsId);
});

test('the kubectl functions\' log groups (a new app\'s flags create them) are kept a year and encrypted with the cluster\'s logs key', () => {
  const app = new App({ context: USER_APP_CONTEXT });
  const stack = new Stack(app, 'Test');
  const c = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false, preflight: true });
  c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  const t = Template.fromStack(stack);
  const groups = resourcesOfType(t, 'AWS::Logs::LogGroup').filter(([id]) => /KubectlProvider|Preflight/.test(id));
  expect(groups.length).toBeGreaterThanOrEqual(3);
  const keyId = resourcesOfType(t, 'AWS::KMS::Key').find(([id]) => id.startsWith('EksLogsKey'))![0];
  for (const [, g] of groups) {
    expect(g.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(g.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
  }
});
