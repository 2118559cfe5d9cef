import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster, tinyLayer } from './join-cases';
import { PrivateEksCluster, PrivateEksClusterProps } from '../lib';

// Dedicated system nodes (issue 30 item 1): the library's controllers on a tainted, labelled nodegroup of their own.

const ENV = { account: '111111111111', region: 'eu-west-2' };
const ECR = '111111111111.dkr.ecr.eu-west-2.amazonaws.com';
const LABEL = 'cdk-private-eks.io/system-nodes';
const KARPENTER = { version: '1.14.0', chartRepository: `oci://${ECR}/karpenter`, image: `${ECR}/karpenter/controller:1.14.0`, defaultNodePool: false };
const LBC = { version: eks.AlbControllerVersion.V2_17_1, chartRepository: `oci://${ECR}/aws-load-balancer-controller`, image: `${ECR}/aws-load-balancer-controller:v2.17.1` };

function newCluster(props: Partial<PrivateEksClusterProps> = {}): { s: Stack; c: PrivateEksCluster } {
  const s = new Stack(new App(), 'S', { env: ENV });
  return { s, c: cluster(s, { kubectlLayer: tinyLayer(s), bastion: false, ...props }) };
}

/** The Helm values of the chart whose release is `release`, as the template holds them (a JSON string, maybe joined). */
function chartValues(t: Template, release: string): string {
  const chart = Object.values(t.findResources('Custom::AWSCDK-EKS-HelmChart')).find((r: any) => r.Properties.Release === release) as any;
  return JSON.stringify(chart.Properties.Values);
}

// One synthesized stack with system nodes, Karpenter and the Load Balancer Controller; one without, its neighbour.
const withSystem = newCluster({ systemNodes: { desiredSize: 2 } });
withSystem.c.addKarpenter(KARPENTER);
withSystem.c.addLoadBalancerController(LBC);
const t = Template.fromStack(withSystem.s);
const without = newCluster();
without.c.addKarpenter(KARPENTER);
without.c.addLoadBalancerController(LBC);
const tWithout = Template.fromStack(without.s);

describe('systemNodes', () => {
  test('adds a nodegroup tainted CriticalAddonsOnly=true:NoSchedule and labelled for the controllers, beside the tenants\' one', () => {
    const groups = Object.values(t.findResources('AWS::EKS::Nodegroup')) as any[];
    expect(groups).toHaveLength(2);
    const system = groups.filter(g => g.Properties.Labels?.[LABEL] === 'true');
    expect(system).toHaveLength(1);
    expect(system[0].Properties.Taints).toEqual([{ Key: 'CriticalAddonsOnly', Value: 'true', Effect: 'NO_SCHEDULE' }]);
    expect(system[0].Properties.ScalingConfig).toMatchObject({ DesiredSize: 2, MinSize: 2 });
    // The tenants' nodegroup carries neither, so the controllers' selector never matches it.
    const tenants = groups.find(g => g !== system[0]);
    expect(tenants.Properties.Labels?.[LABEL]).toBeUndefined();
    expect(tenants.Properties.Taints).toBeUndefined();
    expect(withSystem.c.systemNodes).toBeDefined();
  });

  test('the system nodes get the library\'s node settings (a launch template with IMDSv2, hop limit 1)', () => {
    const templates = Object.values(t.findResources('AWS::EC2::LaunchTemplate')) as any[];
    const imds = templates.filter(lt => lt.Properties.LaunchTemplateData?.MetadataOptions?.HttpTokens === 'required'
      && lt.Properties.LaunchTemplateData?.MetadataOptions?.HttpPutResponseHopLimit === 1);
    // One per nodegroup: the tenants' and the system one.
    expect(imds.length).toBe(2);
  });

  test('Karpenter and the Load Balancer Controller select the system nodes and tolerate their taint', () => {
    for (const release of ['karpenter', 'aws-load-balancer-controller']) {
      const values = chartValues(t, release);
      expect(values).toContain('\\"nodeSelector\\":{');
      expect(values).toContain(`\\"${LABEL}\\":\\"true\\"`);
      expect(values).toContain('\\"tolerations\\":[{\\"key\\":\\"CriticalAddonsOnly\\",\\"operator\\":\\"Equal\\",\\"value\\":\\"true\\",\\"effect\\":\\"NoSchedule\\"}]');
    }
    // Karpenter keeps the chart's own Linux selector.
    expect(chartValues(t, 'karpenter')).toContain('\\"kubernetes.io/os\\":\\"linux\\"');
  });

  test('the managed coredns runs there too (configurationValues)', () => {
    const coredns = Object.values(t.findResources('AWS::EKS::Addon')).find((a: any) => a.Properties.AddonName === 'coredns') as any;
    expect(JSON.parse(coredns.Properties.ConfigurationValues)).toEqual({
      nodeSelector: { [LABEL]: 'true' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
  });

  test('without systemNodes: one nodegroup, and no controller or add-on is pinned anywhere', () => {
    tWithout.resourceCountIs('AWS::EKS::Nodegroup', 1);
    for (const release of ['karpenter', 'aws-load-balancer-controller']) expect(chartValues(tWithout, release)).not.toContain(LABEL);
    const coredns = Object.values(tWithout.findResources('AWS::EKS::Addon')).find((a: any) => a.Properties.AddonName === 'coredns') as any;
    expect(coredns.Properties.ConfigurationValues).toBeUndefined();
    expect(without.c.systemNodes).toBeUndefined();
  });

  test('fails when a user\'s values drop the toleration of the Load Balancer Controller', () => {
    const { c } = newCluster({ systemNodes: {} });
    expect(() => c.addLoadBalancerController({ ...LBC, values: { tolerations: [] } }))
      .toThrow(/\[S\/Eks\/.*\] the cluster has systemNodes, and the controller's values would run it on tenants' nodes: tolerations \[\] do not tolerate CriticalAddonsOnly=true:NoSchedule\. Fix: /);
  });

  test('fails when a user\'s values move Karpenter off the system nodes (onto nodes it may manage)', () => {
    const { c } = newCluster({ systemNodes: {} });
    expect(() => c.addKarpenter({ ...KARPENTER, values: { nodeSelector: { [LABEL]: 'false' } } }))
      .toThrow(/the cluster has systemNodes, and Karpenter's values would run it on tenants' nodes \(or nodes it manages\): nodeSelector .* does not name cdk-private-eks.io\/system-nodes: "true"/);
  });

  test('passes when a user\'s values add to the selector and tolerations and keep the library\'s', () => {
    const { c } = newCluster({ systemNodes: {} });
    expect(() => c.addKarpenter({
      ...KARPENTER,
      values: { nodeSelector: { 'topology.kubernetes.io/zone': 'eu-west-2a' }, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { key: 'other', operator: 'Exists' }] },
    })).not.toThrow();
    expect(() => c.addLoadBalancerController({ ...LBC, values: { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }] } })).not.toThrow();
  });

  test('passes the same values on a cluster without systemNodes (no false error)', () => {
    const { c } = newCluster();
    expect(() => c.addLoadBalancerController({ ...LBC, values: { tolerations: [] } })).not.toThrow();
    expect(() => c.addKarpenter({ ...KARPENTER, values: { nodeSelector: { [LABEL]: 'false' } } })).not.toThrow();
  });
});

describe('systemNodes and EKS managed add-ons', () => {
  /** An add-on's configurationValues as CloudFormation gets them (parsed), or undefined. */
  const addonValues = (addon: eks.Addon): any => {
    const raw = Stack.of(addon).resolve((addon.node.defaultChild as eks.CfnAddon).configurationValues);
    return raw === undefined ? undefined : JSON.parse(raw);
  };
  const PLACEMENT = { nodeSelector: { [LABEL]: 'true' }, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] };

  test('the aws-ebs-csi-driver controller is placed on the system nodes, the user\'s other values kept', () => {
    const { c } = newCluster({ systemNodes: {} });
    const addon = c.addAddon('aws-ebs-csi-driver', { configurationValues: { controller: { logLevel: 4 } } });
    expect(addonValues(addon.addon)).toEqual({ controller: { logLevel: 4, ...PLACEMENT } });
  });

  test('fails when the add-on\'s configurationValues drop the controller\'s selector', () => {
    const { c } = newCluster({ systemNodes: {} });
    expect(() => c.addAddon('aws-ebs-csi-driver', { configurationValues: { controller: { tolerations: [] } } }))
      .toThrow(/the cluster has systemNodes, and the aws-ebs-csi-driver add-on's configurationValues\.controller would run its controller on tenants' nodes: tolerations \[\] do not tolerate CriticalAddonsOnly=true:NoSchedule/);
  });

  test('an add-on without a controller to place, and any add-on without systemNodes, keeps its values as given', () => {
    const { c } = newCluster({ systemNodes: {} });
    const agent = c.addAddon('metrics-server');
    expect(addonValues(agent.addon)).toBeUndefined();
    const { c: plain } = newCluster();
    const ebs = plain.addAddon('aws-ebs-csi-driver', { configurationValues: { controller: { tolerations: [] } } });
    expect(addonValues(ebs.addon)).toEqual({ controller: { tolerations: [] } });
  });
});
