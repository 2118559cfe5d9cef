/**
 * PrivateEksCluster and the deploy-time preflight: on where synth cannot see the network, what waits for it, and the
 * bastion's `private-eks-doctor`.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { cluster, importedVpc, tinyLayer } from './join-cases';
import { jsonWritten, newStack, quietly, renderedUserData, resourcesOfType } from './util';

const SHARED = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages'];

describe('preflight: when it is on', () => {
  test('off for the default cluster (synth sees the whole network): no Lambda function, no custom resource', () => {
    const stack = newStack();
    const c = cluster(stack);
    expect(c.preflight).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.resourceCountIs('Custom::PrivateEksNetworkPreflight', 0);
  });

  test('on for an imported VPC with declared services: one probe per node subnet, nodegroup and bastion wait for it', () => {
    const stack = newStack();
    const c = cluster(stack, { vpc: importedVpc(stack), createVpcEndpoints: false, existingEndpointServices: SHARED });
    expect(c.preflight).toBeDefined();
    // The fixture's subnet IDs are short placeholders; aws-cdk-lib's template validation says so on stderr.
    const template = () => quietly(() => Template.fromStack(stack)).result;
    expect(c.preflight!.services).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'ssm', 'ssmmessages']);
    // Declared: reached by means the app cannot see, so any address may answer; only the connection decides.
    expect(c.preflight!.anyAddressServices).toEqual(SHARED);
    const t = template();
    const fns = resourcesOfType(t, 'AWS::Lambda::Function');
    expect(fns.map(([, f]) => f.Properties.VpcConfig.SubnetIds)).toEqual([['subnet-0aaa'], ['subnet-0bbb']]);
    // The nodes' security group: the EKS cluster security group.
    for (const [, f] of fns) expect(JSON.stringify(f.Properties.VpcConfig.SecurityGroupIds)).toContain('ClusterSecurityGroupId');
    const checks = resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight').map(([id]) => id);
    expect(checks).toHaveLength(2);
    const [[, nodegroup]] = resourcesOfType(t, 'AWS::EKS::Nodegroup');
    const [[, instance]] = resourcesOfType(t, 'AWS::EC2::Instance');
    expect(nodegroup.DependsOn).toEqual(expect.arrayContaining(checks));
    expect(instance.DependsOn).toEqual(expect.arrayContaining(checks));
  });

  test('on for a downgraded rule; off when asked even for an imported VPC', () => {
    const a = newStack();
    expect(cluster(a, { downgradeRules: { 'PEKS-NET-3': 'sized for it' } }).preflight).toBeDefined();
    const b = newStack();
    const off = cluster(b, { vpc: importedVpc(b), createVpcEndpoints: false, existingEndpointServices: SHARED, preflight: false });
    expect(off.preflight).toBeUndefined();
    quietly(() => Template.fromStack(b)).result.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('on when asked: the endpoints this construct creates must answer inside the VPC', () => {
    const stack = newStack();
    const c = cluster(stack, { preflight: true, bastion: false });
    expect(c.preflight!.anyAddressServices).toEqual([]);
    const t = Template.fromStack(stack);
    const endpoints = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').map(([id]) => id);
    for (const [, check] of resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight')) {
      expect(check.DependsOn).toEqual(expect.arrayContaining(endpoints));
    }
  });

  test('the kubectl handler waits for it, and its services (eks, lambda) are probed', () => {
    const stack = newStack();
    const c = cluster(stack, { preflight: true, bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    expect(c.preflight!.services).toEqual(expect.arrayContaining(['eks', 'lambda']));
    const t = Template.fromStack(stack);
    const checks = resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight').map(([id]) => id);
    const [[, check]] = resourcesOfType(t, 'Custom::PrivateEksNetworkPreflight');
    expect(check.Properties.Services).toBe('ec2,ecr.api,ecr.dkr,s3,eks,lambda');
    const handler = resourcesOfType(t, 'AWS::Lambda::Function').filter(([id]) => /KubectlProviderHandler/.test(id));
    expect(handler).toHaveLength(1);
    expect(handler[0][1].DependsOn).toEqual(expect.arrayContaining(checks));
  });
});

describe('private-eks-doctor on the bastion', () => {
  test('the bastion gets the command, configured with what the nodes and the bastion need, also without a preflight', () => {
    const stack = newStack();
    const c = cluster(stack, { kubectlLayer: tinyLayer(stack) });
    c.addServiceAccount('Sa', { name: 'sa', namespace: 'default' });
    const ud = renderedUserData(Template.fromStack(stack));
    expect(ud).toContain('cat > /usr/local/bin/private-eks-doctor');
    expect(jsonWritten(ud, '/etc/private-eks-doctor.json')).toMatchObject({
      services: 'ec2,ecr.api,ecr.dkr,s3,ssm,ssmmessages,eks-auth,eks,lambda', anyAddress: '', vpcCidrs: '10.0.0.0/16',
    });
    // EC2 user data is limited to 16 KB.
    expect(ud.length).toBeLessThan(16 * 1024);
  });
});
