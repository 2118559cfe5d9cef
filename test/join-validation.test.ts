import { Annotations, App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import {
  addNodegroupWithOwnGroup, cluster, fieldReportStep, importedVpc, isolatedVpc, kubectlFunction, natVpc, RULE_CASES, tinyLayer,
} from './join-cases';
import { NodeEndpoints, PrivateEksCluster } from '../lib';
import { newStack, warningsOf } from './util';
import { Finding } from '../lib/check/join-analysis';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();
const idsOf = (c: PrivateEksCluster) => findingsOf(c).map(f => `${f.ruleId}:${f.severity}`);
const clusterIn = (app: App) => app.node.findAll().find((x): x is PrivateEksCluster => x instanceof PrivateEksCluster)!;

/** The error `app.synth()` throws, or undefined when it synthesizes. */
function synthError(app: App): string | undefined {
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('synth-time join validation: known-good set-ups pass (a false error is as bad as a missed one)', () => {
  test('the default fully private cluster', () => {
    expect(idsOf(cluster(newStack()))).toEqual([]);
  });

  test("eksctl's fully-private endpoint set with IRSA (ec2, ecr.api, ecr.dkr, s3, sts, logs, elasticloadbalancing, autoscaling)", () => {
    const c = cluster(newStack(), { features: { irsa: true, logShipping: true }, additionalEndpoints: ['elasticloadbalancing', 'autoscaling'] });
    void c.cluster.openIdConnectProvider;
    expect(idsOf(c)).toEqual([]);
  });

  test('a VPC with a NAT gateway and no endpoints at all', () => {
    const stack = newStack();
    expect(idsOf(cluster(stack, { vpc: natVpc(stack), createVpcEndpoints: false, bastion: false }))).toEqual([]);
  });

  test('a VPC with a NAT gateway, an SSM bastion and no endpoints', () => {
    const stack = newStack();
    expect(idsOf(cluster(stack, { vpc: natVpc(stack), createVpcEndpoints: false }))).toEqual([]);
  });

  test('an imported VPC with the endpoints created by this construct', () => {
    const stack = newStack();
    expect(idsOf(cluster(stack, { vpc: importedVpc(stack) }))).toEqual([]);
  });

  test('endpoints in another stack of the app (a shared network stack)', () => {
    const app = new App();
    const net = new Stack(app, 'Net');
    const vpc = isolatedVpc(net);
    new NodeEndpoints(net, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const c = cluster(new Stack(app, 'Eks'), { vpc, createVpcEndpoints: false, bastion: false });
    expect(idsOf(c)).toEqual([]);
  });
});

describe('synth-time join validation: the README\'s shared VPC (Vpc.fromLookup) with declared services', () => {
  const build = (existingEndpointServices?: string[]) => {
    const app = new App();
    const stack = new Stack(app, 'SharedVpcEks', { env: { account: '123456789012', region: 'ap-northeast-2' } });
    const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: 'vpc-0123456789abcdef0' });
    return cluster(stack, { vpc, createVpcEndpoints: false, features: { irsa: true }, existingEndpointServices });
  };

  test('fails with "cannot verify" for the node and bastion subnets without the declaration', () => {
    const f = findingsOf(build());
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-6', 'PEKS-BASTION-1']);
    expect(f[0].message).toMatch(/cannot verify node subnets .*: its route table is not in this app \(imported\), and no endpoint in this app serves: ec2, ecr.api, ecr.dkr, s3, sts$/);
  });

  test('passes with it', () => {
    expect(findingsOf(build(['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'ssm', 'ssmmessages', 'ec2messages']))).toEqual([]);
  });
});

describe('synth-time join validation: the field report replayed through app.synth()', () => {
  const steps: Array<[0 | 1 | 2, string]> = [
    [0, 'ec2, ecr.api, ecr.dkr, s3'],
    [1, 'ecr.api, s3'],
    [2, 's3'],
  ];
  test.each(steps)('try %d fails naming exactly the missing services', (step, missing) => {
    const app = new App();
    fieldReportStep(app, step);
    const error = synthError(app);
    expect(error).toContain(`[FieldReport/Eks] PEKS-JOIN-1: node subnets FieldReport/Vpc/PrivateSubnet1, FieldReport/Vpc/PrivateSubnet2 reach neither the internet (no NAT route, no internet gateway with public IPs) nor an endpoint for: ${missing}. Nodes there cannot join. Fix: `);
    expect(error!.match(/PEKS-/g)).toHaveLength(1);
  });

  test('the last try (+ the S3 gateway on the node route tables) synthesizes', () => {
    const app = new App();
    fieldReportStep(app, 3);
    expect(synthError(app)).toBeUndefined();
  });
});

describe('synth-time join validation: each rule fails on its first try, and its neighbour passes', () => {
  test.each(RULE_CASES.map(c => [c.rule, c.title, c] as const))('%s fails: %s', (rule, _title, c) => {
    const app = new App();
    c.build(app);
    const errors = findingsOf(clusterIn(app)).filter(f => f.severity === 'error').map(f => f.ruleId);
    expect(errors).toContain(rule);
  });

  test('PEKS-JOIN-1 names the subnets and every missing service; fix says how to declare them', () => {
    const app = new App();
    fieldReportStep(app, 0);
    const [f] = findingsOf(clusterIn(app));
    expect(f.fix).toMatch(/existingEndpointServices: \['ec2', 'ecr.api', 'ecr.dkr', 's3'\]/);
  });

  test('PEKS-JOIN-2 passes with the S3 gateway on the isolated subnets\' route tables', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack, {
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] } },
    });
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, s3Gateway: false });
    expect(idsOf(cluster(stack, { vpc, createVpcEndpoints: false, bastion: false }))).toEqual([]);
  });

  test('PEKS-JOIN-2 names the subnets whose route tables lack the gateway', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-JOIN-2')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-2']);
    expect(f[0].message).toMatch(/not on the route table of node subnets Join2\/Vpc\/PrivateSubnet1, Join2\/Vpc\/PrivateSubnet2/);
  });

  test('PEKS-JOIN-3 names the endpoint; the same cluster without the override passes (see the default case)', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-JOIN-3')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-3']);
    expect(f[0].message).toMatch(/the ecr.api endpoint Join3\/Eks\/Endpoints\/EcrApi has private DNS off/);
  });

  test('PEKS-JOIN-4 reports the endpoint security group, and passes when it admits the VPC CIDR', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-JOIN-4')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-4', 'PEKS-JOIN-4', 'PEKS-JOIN-4']);
    expect(f[0].message).toMatch(/the endpoint's security groups admit no 443 from the nodes of Join4\/Eks\/DefaultNodegroup\/Nodegroup \(ec2 endpoint Join4\/Endpoints\/Ec2\)/);

    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const sg = new ec2.SecurityGroup(stack, 'EndpointSg', { vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443));
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroup: sg });
    expect(idsOf(cluster(stack, { vpc, createVpcEndpoints: false, bastion: false }))).toEqual([]);
  });

  test('PEKS-JOIN-4 fails when nodes with their own security group may not send 443 out', () => {
    const stack = newStack();
    const c = cluster(stack);
    addNodegroupWithOwnGroup(stack, c, true, false);
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toContain('PEKS-JOIN-4');
    expect(f.find(x => x.ruleId === 'PEKS-JOIN-4')!.message).toMatch(/^the security groups of the nodes of Test\/Eks\/Cluster\/NodegroupExtra allow no 443 out to the endpoint \(ec2 endpoint Test\/Eks\/Endpoints\/Ec2\)/);
  });

  test('PEKS-API-3 passes when the cluster security group admits the added nodegroup\'s group', () => {
    const stack = newStack();
    const c = cluster(stack);
    addNodegroupWithOwnGroup(stack, c, true);
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-JOIN-5 names the attribute', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-JOIN-5')!.build(app);
    const f = findingsOf(clusterIn(app));
    // The public-only endpoint is unreachable from isolated nodes too: both problems, at once.
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-API-1', 'PEKS-JOIN-5']);
    expect(f[1].message).toMatch(/the VPC has enableDnsHostnames off; private API access and the private DNS names of interface endpoints need both on/);
  });

  test('PEKS-JOIN-6 says "cannot verify"; declaring the services passes', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-JOIN-6')!.build(app);
    const [f] = findingsOf(clusterIn(app));
    expect(f.message).toMatch(/cannot verify node subnets subnet-0aaa, subnet-0bbb: its route table is not in this app \(imported\)/);
    expect(f.fix).toMatch(/existingEndpointServices: \['ec2', 'ecr.api', 'ecr.dkr', 's3'\]/);

    const stack = newStack();
    expect(idsOf(cluster(stack, {
      vpc: importedVpc(stack), createVpcEndpoints: false, bastion: false, existingEndpointServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3'],
    }))).toEqual([]);
  });

  test('PEKS-JOIN-6 says "cannot verify" for a default route to a transit gateway', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    vpc.isolatedSubnets.forEach((s, i) => new ec2.CfnRoute(stack, `ToTgw${i}`, {
      routeTableId: s.routeTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', transitGatewayId: 'tgw-0123',
    }));
    const f = findingsOf(cluster(stack, { vpc, createVpcEndpoints: false, bastion: false }));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-6']);
    expect(f[0].message).toMatch(/its default route goes to a transit gateway/);
  });

  test('PEKS-FEAT-1 says which feature and how to declare it; features: { irsa: true } creates sts and passes', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-FEAT-1')!.build(app);
    const [f] = findingsOf(clusterIn(app));
    expect(f.message).toMatch(/for: sts \(IRSA: the cluster has an OIDC provider \(Feat1\/Eks\/Cluster\/(OpenIdConnectProvider|OidcProviderNative)\); declare features: \{ irsa: true \}\)/);

    const c = cluster(newStack(), { features: { irsa: true } });
    void c.cluster.openIdConnectProvider;
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-FEAT-1 fails for Pod Identity found in the tree (eks-pod-identity-agent add-on) without eks-auth', () => {
    const stack = newStack();
    const c = cluster(stack);
    new eks.Addon(stack, 'PodIdentityAgent', { cluster: c.cluster, addonName: 'eks-pod-identity-agent' });
    expect(findingsOf(c)[0].message).toMatch(/eks-auth \(EKS Pod Identity: found Test\/PodIdentityAgent\/Resource; declare features: \{ podIdentity: true \}\)/);
  });

  test('PEKS-API-1 passes with PUBLIC_AND_PRIVATE', () => {
    expect(idsOf(cluster(newStack(), { endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE, bastion: false }))).toEqual([]);
  });

  test('PEKS-API-2 cannot be reached through aws-eks-v2, which refuses a restricted public-only endpoint itself', () => {
    // The rule guards models built from other sources (see the join-analysis tests); the L2 stops it earlier.
    expect(() => eks.EndpointAccess.PUBLIC.onlyFrom('203.0.113.0/24')).toThrow(/Use PUBLIC_AND_PRIVATE.onlyFrom/);
    const stack = newStack();
    expect(idsOf(cluster(stack, {
      vpc: natVpc(stack), createVpcEndpoints: false, bastion: false, endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'),
    }))).toEqual([]);
  });

  test('PEKS-API-3 names the nodegroup that is not admitted', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-API-3')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-API-3']);
    expect(f[0].message).toMatch(/the cluster security group admits no 443 from the nodes of Api3\/Eks\/Cluster\/NodegroupExtra/);
  });

  test('PEKS-BASTION-1 names the removed endpoint\'s service; a PUBLIC-only endpoint is unreachable from an isolated bastion', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-BASTION-1')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-BASTION-1']);
    expect(f[0].message).toMatch(/the bastion Bastion1\/Eks\/Bastion: bastion subnet Bastion1\/Eks\/Network\/Vpc\/PrivateSubnet1 reaches neither .* for: ssm \(SSM Session Manager\)$/);

    const pub = findingsOf(cluster(newStack(), { endpointAccess: eks.EndpointAccess.PUBLIC }));
    expect(pub.map(x => x.ruleId)).toEqual(['PEKS-API-1', 'PEKS-BASTION-1']);
    expect(pub[1].message).toMatch(/API endpoint is PUBLIC only.*it cannot reach the API server/);
  });

  test('PEKS-KUBECTL-1 passes for a kubectl function in the node subnets with the cluster security group', () => {
    const stack = newStack();
    const layer = tinyLayer(stack);
    const c = cluster(stack, { kubectlLayer: layer, bastion: false });
    kubectlFunction(stack, layer, c);
    expect(idsOf(c)).toEqual([]);
  });

  test('PEKS-KUBECTL-1 fails for aws-eks-v2\'s KubectlProvider in isolated subnets without the eks and lambda endpoints, passes with them', () => {
    const build = (additionalEndpoints: string[]) => {
      const stack = newStack();
      const layer = tinyLayer(stack);
      const c = cluster(stack, { kubectlLayer: layer, bastion: false, additionalEndpoints });
      new eks.KubectlProvider(stack, 'Kubectl', { cluster: c.cluster, kubectlLayer: layer, privateSubnets: c.vpc.isolatedSubnets });
      return findingsOf(c);
    };
    const f = build([]);
    expect(f.map(x => x.message)).toEqual([
      expect.stringMatching(/kubectl function Test\/Kubectl\/Handler: .* for: eks \(aws eks update-kubeconfig\)$/),
      expect.stringMatching(/kubectl function Test\/Kubectl\/Provider\/framework-onEvent: .* for: lambda \(invoking the kubectl handler\)$/),
    ]);
    expect(build(['eks', 'lambda'])).toEqual([]);
  });

  test('PEKS-NET-1 passes for the workshop\'s public subnets with public IPs (see the examples test) and names the subnet', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-NET-1')!.build(app);
    const f = findingsOf(clusterIn(app));
    expect(f.map(x => x.ruleId)).toContain('PEKS-NET-1');
    expect(f.find(x => x.ruleId === 'PEKS-NET-1')!.message).toMatch(/node subnet Net1\/Eks\/Network\/Vpc\/PublicSubnet1 routes to an internet gateway but assigns no public IPs/);
  });

  test('PEKS-NET-2 passes with cluster subnets in two AZs (the default case)', () => {
    const app = new App();
    RULE_CASES.find(c => c.rule === 'PEKS-NET-2')!.build(app);
    expect(findingsOf(clusterIn(app)).map(x => x.ruleId)).toEqual(['PEKS-NET-2']);
  });

  test('PEKS-NET-3 warns when /24 node subnets cannot hold 30 t3.medium nodes, not with 20', () => {
    const net = (maxSize: number) => findingsOf(cluster(newStack(), {
      network: { privateSubnetCidrMask: 24 }, bastion: false, defaultNodegroup: { desiredSize: 2, maxSize },
    }));
    const f = net(30);
    expect(f.map(x => `${x.ruleId}:${x.severity}`)).toEqual(['PEKS-NET-3:warning']);
    expect(f[0].message).toMatch(/may need 540 addresses \(.*30 nodes x \(17 pods \+ 1\)\) and the node subnets have 502/);
    expect(net(20)).toEqual([]);
  });

  test('PEKS-VER-1 fails for 1.24 (no longer created), not for 1.36', () => {
    expect(idsOf(cluster(newStack(), { version: eks.KubernetesVersion.of('1.24') }))).toEqual(['PEKS-VER-1:error']);
  });
});

describe('synth-time join validation: how it reports', () => {
  test('app.synth() fails with every problem at once, each as [path] RULE-ID: what. Fix: how.', () => {
    const app = new App();
    const stack = new Stack(app, 'Many');
    const vpc = isolatedVpc(stack, { enableDnsHostnames: false });
    cluster(stack, { vpc, createVpcEndpoints: false, endpointAccess: eks.EndpointAccess.PUBLIC });
    const error = synthError(app)!;
    const lines = error.split('\n').filter(l => l.includes('[Many/Eks]'));
    expect(lines.map(l => /\] (PEKS-[A-Z0-9-]+):/.exec(l)![1])).toEqual(['PEKS-JOIN-1', 'PEKS-API-1', 'PEKS-BASTION-1', 'PEKS-BASTION-1', 'PEKS-JOIN-5']);
    for (const l of lines) expect(l).toMatch(/^\s*\[Many\/Eks\] PEKS-[A-Z0-9-]+: .+\. Fix: .+\.$/);
  });

  test('downgradeRules turns a named error into a warning that carries the reason, and synth passes', () => {
    const app = new App();
    const stack = new Stack(app, 'Downgraded');
    cluster(stack, { vpc: isolatedVpc(stack), createVpcEndpoints: false, bastion: false, downgradeRules: { 'PEKS-JOIN-1': 'a transparent proxy on the isolated subnets serves AWS APIs' } });
    const assembly = app.synth();
    expect(warningsOf(assembly)).toContainEqual(expect.stringMatching(
      /PEKS-JOIN-1: node subnets .* \(Downgraded from an error: a transparent proxy on the isolated subnets serves AWS APIs\) \[ack: cdk-private-eks:PEKS-JOIN-1\]/));
  });

  test('warnings can be acknowledged by their ID', () => {
    const app = new App();
    const stack = new Stack(app, 'Old');
    const old = { version: eks.KubernetesVersion.of('1.24'), bastion: false, preflight: false, downgradeRules: { 'PEKS-VER-1': 'replaying the 2024 study' } };
    const c = cluster(stack, old);
    expect(warningsOf(app.synth())).toContainEqual(expect.stringMatching(/PEKS-VER-1: Kubernetes 1\.24 is past the end/));
    const app2 = new App();
    const c2 = cluster(new Stack(app2, 'Old'), old);
    Annotations.of(c2).acknowledgeWarning('cdk-private-eks:PEKS-VER-1', 'replaying the 2024 study on purpose');
    expect(warningsOf(app2.synth()).filter(w => w.includes('PEKS-VER-1'))).toEqual([]);
    // The form the CDK CLI prints ("Acknowledge with 'Annotation::cdk-private-eks:PEKS-VER-1'") works too.
    const app3 = new App();
    const c3 = cluster(new Stack(app3, 'Old'), old);
    Validations.of(c3).acknowledge({ id: 'Annotation::cdk-private-eks:PEKS-VER-1', reason: 'replaying the 2024 study on purpose' });
    expect(warningsOf(app3.synth()).filter(w => w.includes('PEKS-VER-1'))).toEqual([]);
    expect(c).toBeDefined();
  });

  test('refuses unknown rule IDs and empty reasons in downgradeRules', () => {
    expect(() => cluster(newStack(), { downgradeRules: { 'PEKS-JOIN-99': 'x' } })).toThrow(/\[Test\/Eks\] downgradeRules names an unknown rule "PEKS-JOIN-99"\. Fix: use one of PEKS-JOIN-1, /);
    expect(() => cluster(newStack(), { downgradeRules: { 'PEKS-JOIN-1': ' ' } })).toThrow(/"PEKS-JOIN-1" has no reason/);
  });

  test('refuses full service names in existingEndpointServices', () => {
    expect(() => cluster(newStack(), { existingEndpointServices: ['com.amazonaws.ap-northeast-2.ec2'] }))
      .toThrow(/existingEndpointServices: use the short service name, not the full one: "ec2"/);
  });

  test('declared services are not created by createVpcEndpoints', () => {
    const c = cluster(newStack(), { existingEndpointServices: ['ecr.api', 's3'], bastion: false });
    expect(c.endpoints!.interfaceServices).toEqual(['ec2', 'ecr.dkr']);
    expect(c.endpoints!.s3GatewayEndpoint).toBeUndefined();
  });
});

describe('synth-time join validation: security group rules the app cannot read are unknown, never blocked', () => {
  test('an endpoint security group admitting 443 only from a managed prefix list is not a PEKS-JOIN-4 error', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    const sg = new ec2.SecurityGroup(stack, 'EndpointSg', { vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.prefixList('pl-0123456789abcdef0'), ec2.Port.tcp(443), 'HTTPS from the corporate prefix list');
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroup: sg });
    const c = cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
    expect(idsOf(c)).toEqual([]);
    // Its neighbour: the same group admitting only another network is blocked.
    const other = newStack();
    const vpc2 = isolatedVpc(other);
    const sg2 = new ec2.SecurityGroup(other, 'EndpointSg', { vpc: vpc2, allowAllOutbound: false });
    sg2.addIngressRule(ec2.Peer.ipv4('192.168.0.0/16'), ec2.Port.tcp(443));
    new NodeEndpoints(other, 'Endpoints', { vpc: vpc2, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroup: sg2 });
    expect(idsOf(cluster(other, { vpc: vpc2, createVpcEndpoints: false, bastion: false }))).toContain('PEKS-JOIN-4:error');
  });
});
