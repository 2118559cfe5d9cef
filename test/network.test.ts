import { Match, Template } from 'aws-cdk-lib/assertions';
import { PrivateNetwork } from '../lib';
import { newStack, resourcesOfType } from './util';

describe('PrivateNetwork', () => {
  test('defaults: 2 AZs, public + isolated subnets, no NAT, DNS support and hostnames on', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new PrivateNetwork(stack, 'Net');
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    // Only isolated subnets by default: no internet gateway, no route out (NIST/HIPAA VPCNoUnrestrictedRouteToIGW).
    t.resourceCountIs('AWS::EC2::Subnet', 2);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const isolated = resourcesOfType(t, 'AWS::EC2::Subnet').filter(([id]) => id.includes('Private'));
    expect(isolated).toHaveLength(2);
    for (const [, s] of isolated) {
      expect(s.Properties.CidrBlock).toMatch(/\/19$/);
      expect(s.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'kubernetes.io/role/internal-elb', Value: '1' }]));
    }
    expect(resourcesOfType(t, 'AWS::EC2::Route')).toHaveLength(0);
  });

  test('publicSubnets: true adds public subnets, and only they route to the internet gateway', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Net', { publicSubnets: true });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::Subnet', 4);
    const routes = resourcesOfType(t, 'AWS::EC2::Route');
    expect(routes).toHaveLength(2);
    for (const [id] of routes) expect(id).toMatch(/Public/);
  });

  test('public subnets do not hand out public IPs by default and are tagged for internet-facing load balancers', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Net', { publicSubnets: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::Subnet', {
      MapPublicIpOnLaunch: false,
      Tags: Match.arrayWith([{ Key: 'kubernetes.io/role/elb', Value: '1' }]),
    });
  });

  test('publicSubnets: false leaves only isolated subnets and no internet gateway', () => {
    const stack = newStack();
    new PrivateNetwork(stack, 'Net', { publicSubnets: false, cidr: '10.20.0.0/16' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::Subnet', 2);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
  });

  test('fails when maxAzs is below 2, naming the path and the fix', () => {
    const stack = newStack();
    expect(() => new PrivateNetwork(stack, 'Net', { maxAzs: 1 }))
      .toThrow(/\[Test\/Net\] maxAzs must be a whole number of at least 2 .*got 1\. Fix: set maxAzs to 2 or more/);
  });

  test('fails when a subnet mask is out of range', () => {
    const stack = newStack();
    expect(() => new PrivateNetwork(stack, 'Net', { privateSubnetCidrMask: 30 })).toThrow(/privateSubnetCidrMask must be a prefix length from 16 to 28.*got 30/);
  });
});
