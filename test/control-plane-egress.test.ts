import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { quietly, resourcesOfType } from './util';
import { ControlPlaneEgressMode, PrivateEksCluster, PrivateEksClusterProps, WorkloadIdentity } from '../lib';

const SHARED = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts', 'ssm', 'ssmmessages', 'logs', 'eks-auth', 'eks', 'lambda'];

function build(props: Partial<PrivateEksClusterProps>, irsa = true) {
  const app = new App();
  const stack = new Stack(app, 'Egress', { env: { account: '111111111111', region: 'eu-west-1' } });
  const c = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33, kubectlLayer: new KubectlV24Layer(stack, 'Layer'), lookupSupportedAzs: false, ...props,
  });
  if (irsa) c.addServiceAccount('App', { name: 'app', namespace: 'default', identity: WorkloadIdentity.IRSA });
  return { app, stack, c };
}

describe('control-plane egress routing', () => {
  test('CUSTOMER_ROUTED is set on the cluster, and with IRSA the oidc-eks endpoint is created (with no endpoint policy)', () => {
    const { app, stack } = build({ controlPlaneEgressMode: ControlPlaneEgressMode.CUSTOMER_ROUTED });
    expect(() => quietly(() => app.synth())).not.toThrow();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::Cluster', { ResourcesVpcConfig: { ControlPlaneEgressMode: 'CUSTOMER_ROUTED' } });
    const oidc = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('oidc-eks'));
    expect(oidc).toHaveLength(1);
    expect(oidc[0][1].Properties.PolicyDocument).toBeUndefined();
  });

  test('CUSTOMER_ROUTED with features.irsa declared up front (and the default vpcCniRole) creates and probes oidc-eks (it once crashed: "reading \'includes\'")', () => {
    const { app, stack } = build({ controlPlaneEgressMode: ControlPlaneEgressMode.CUSTOMER_ROUTED, features: { irsa: true } }, false);
    expect(() => quietly(() => app.synth())).not.toThrow();
    const oidc = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('oidc-eks'));
    expect(oidc).toHaveLength(1);
  });

  test('fails when the cluster subnets reach no oidc-eks endpoint and no internet (PEKS-EGRESS-1), naming the subnets and the fix', () => {
    const { app } = build({
      controlPlaneEgressMode: ControlPlaneEgressMode.CUSTOMER_ROUTED, createVpcEndpoints: false, existingEndpointServices: SHARED,
    });
    expect(() => quietly(() => app.synth())).toThrow(/PEKS-EGRESS-1: .*cluster subnet.*oidc-eks.*OIDC discovery for IRSA/s);
  });

  test('the mode set through an escape hatch on the L1 is checked the same way', () => {
    const { app, c } = build({ createVpcEndpoints: false, existingEndpointServices: SHARED });
    (c.cluster.node.defaultChild as eks.CfnCluster).addPropertyOverride('ResourcesVpcConfig.ControlPlaneEgressMode', 'CUSTOMER_ROUTED');
    expect(() => quietly(() => app.synth())).toThrow(/PEKS-EGRESS-1/);
  });

  test('AWS_MANAGED, or no IRSA, needs nothing of the cluster subnets', () => {
    expect(() => quietly(() => build({ createVpcEndpoints: false, existingEndpointServices: SHARED }).app.synth())).not.toThrow();
    const mode = ControlPlaneEgressMode.CUSTOMER_ROUTED;
    const noIrsa = build({ controlPlaneEgressMode: mode, createVpcEndpoints: false, existingEndpointServices: SHARED }, false);
    expect(() => quietly(() => noIrsa.app.synth())).not.toThrow();
  });
});

describe('the control plane security group (the additional group aws-eks-v2 gives the control plane\'s ENIs)', () => {
  // EKS attaches its own cluster security group, with an all-traffic 0.0.0.0/0 egress rule by default, to the same
  // ENIs (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html, read 2026-12-07): the narrowed egress
  // of the additional group bounds nothing while that rule stands, and the library says so (control-plane.ts).
  let t: Template;
  beforeAll(() => {
    const { app, stack } = build({}, false);
    quietly(() => app.synth());
    t = Template.fromStack(stack);
  });

  test('its egress is the VPC\'s CIDR only, and it is an additional group of the cluster (EKS adds its own cluster security group)', () => {
    const [sgId, sg] = resourcesOfType(t, 'AWS::EC2::SecurityGroup').find(([id]) => /ControlPlaneSecurityGroup/.test(id))!;
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: '-1', CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/Vpc/), 'CidrBlock'] } })]);
    const [, cluster] = resourcesOfType(t, 'AWS::EKS::Cluster')[0];
    expect(cluster.Properties.ResourcesVpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
  });

  test('the library writes no egress rule on EKS\'s cluster security group: nothing claims to bound the control plane\'s egress', () => {
    const onClusterSg = resourcesOfType(t, 'AWS::EC2::SecurityGroupEgress')
      .filter(([, r]) => JSON.stringify(r.Properties.GroupId).includes('ClusterSecurityGroupId'));
    expect(onClusterSg).toEqual([]);
  });
});
