/**
 * Every bad input gets the library's message: the construct path, the value received, and the fix; never an
 * aws-cdk-lib error without a path, and never a template that fails at deploy.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster, isolatedVpc } from './join-cases';
import { EndpointCatalogue, NodeEndpoints, PrivateNetwork } from '../lib';
import { newStack } from './util';

describe('network.cidr', () => {
  test.each([
    ['10.0.0.0/33', /\[Test\/Eks\/Network\] network.cidr "10.0.0.0\/33" is not an IPv4 CIDR block .*Fix: pass a block such as '10.0.0.0\/16'/],
    ['10.0.0/16', /\[Test\/Eks\/Network\] network.cidr "10.0.0\/16" is not an IPv4 CIDR block/],
    ['10.0.300.0/16', /network.cidr "10.0.300.0\/16" is not an IPv4 CIDR block/],
    ['10.0.0.0/12', /\[Test\/Eks\/Network\] network.cidr 10.0.0.0\/12 is a \/12; a VPC's CIDR block must be from \/16 .*Fix: use a \/16 to \/28 block/],
    ['10.0.0.0/24', /\[Test\/Eks\/Network\] network.cidr 10.0.0.0\/24 holds 256 addresses, and its subnets need 24576: 2 x \/24 \(publicSubnetCidrMask, reserved\) \+ 2 x \/19 \(privateSubnetCidrMask\), each aligned to its size. Fix: use a \/17 or larger block/],
  ])('fails for %s', (cidr, message) => {
    expect(() => cluster(newStack(), { network: { cidr } })).toThrow(message);
  });

  test('fails for a block too small for public and private subnets, naming both', () => {
    expect(() => cluster(newStack(), { network: { cidr: '10.0.0.0/24', publicSubnets: true } }))
      .toThrow(/network.cidr 10.0.0.0\/24 holds 256 addresses, and its subnets need 24576: 2 x \/24 \(publicSubnetCidrMask\) \+ 2 x \/19 \(privateSubnetCidrMask\), each aligned to its size. Fix: use a \/17 or larger block/);
  });

  test('the smallest block that fits passes (a /17 for the default masks, the public space reserved; a /18 with publicSubnets: false), and a /24 with /26 subnets', () => {
    expect(() => cluster(newStack(), { network: { cidr: '10.0.0.0/17' } })).not.toThrow();
    expect(() => cluster(newStack(), { network: { cidr: '10.0.0.0/18', publicSubnets: false } })).not.toThrow();
    expect(() => new PrivateNetwork(newStack(), 'Net', { cidr: '10.1.0.0/24', publicSubnetCidrMask: 27, privateSubnetCidrMask: 26 })).not.toThrow();
    expect(() => new PrivateNetwork(newStack(), 'Net', { cidr: '10.1.0.0/24', publicSubnetCidrMask: 25, privateSubnetCidrMask: 26 }))
      .toThrow(/holds 256 addresses, and its subnets need 384/);
  });
});

describe('subnets that a private-only cluster cannot use', () => {
  test('fails when nodeSubnets selects only public subnets with a PRIVATE endpoint, naming them and the two ways out', () => {
    expect(() => cluster(newStack(), { network: { publicSubnets: true }, nodeSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/\[Test\/Eks\] nodeSubnets \(also the cluster subnets: no clusterSubnets given\) selects only public subnets \(Test\/Eks\/Network\/Vpc\/PublicSubnet1, Test\/Eks\/Network\/Vpc\/PublicSubnet2\), and the API endpoint is PRIVATE.*Fix: select private subnets .*give the control plane private subnets with clusterSubnets, or use endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE/);
  });

  test('fails for clusterSubnets the same way; public node subnets with PUBLIC_AND_PRIVATE are built', () => {
    expect(() => cluster(newStack(), { network: { publicSubnets: true }, clusterSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/\[Test\/Eks\] clusterSubnets selects only public subnets/);
    expect(() => cluster(newStack(), {
      network: { publicSubnets: true },
      nodeSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE,
      bastion: false,
    })).not.toThrow();
  });
});

describe('endpoint service names', () => {
  test.each([
    ['cloudwatch-logs', 'logs'],
    ['elb', 'elasticloadbalancing'],
    ['ecr', 'ecr.api'],
    ['ssm-messages', 'ssmmessages'],
    ['stss', 'sts'],
    ['secretsmanger', 'secretsmanager'],
  ])('fails for "%s", suggesting "%s"', (name, closest) => {
    const stack = newStack();
    const endpoints = new NodeEndpoints(stack, 'Endpoints', { vpc: isolatedVpc(stack) });
    expect(() => endpoints.addInterfaceEndpoint(name))
      .toThrow(new RegExp(`\\[Test/Endpoints\\] cannot add an interface endpoint: "${name}" is not an AWS endpoint service aws-cdk-lib knows: did you mean "${closest.replace('.', '\\.')}"\\?`));
  });

  test('known names pass, also ones the catalogue does not describe; additionalEndpoints and existingEndpointServices are checked too', () => {
    for (const name of ['logs', 'sagemaker.runtime', 'guardduty-data', 'elasticfilesystem']) expect(EndpointCatalogue.checkServiceName(name)).toBeUndefined();
    expect(EndpointCatalogue.knownServiceNames().length).toBeGreaterThan(300);
    expect(() => cluster(newStack(), { additionalEndpoints: ['cloudwatch-logs'] })).toThrow(/did you mean "logs"/);
    expect(() => cluster(newStack(), { existingEndpointServices: ['ecr-dkr'] })).toThrow(/\[Test\/Eks\] existingEndpointServices: "ecr-dkr" is not an AWS endpoint service aws-cdk-lib knows: did you mean "ecr.dkr"/);
  });
});

describe('cluster name', () => {
  test.each(['my cluster', '-leading-dash', 'a'.repeat(101), 'dots.not.allowed'])('fails for "%s"', name => {
    expect(() => cluster(newStack(), { clusterName: name })).toThrow(/\[Test\/Eks\] clusterName ".*" is not a valid EKS cluster name. Fix: use up to 100 letters, digits, hyphens and underscores/);
  });

  test('a valid name passes', () => {
    expect(() => cluster(newStack(), { clusterName: 'platform_prod-1' })).not.toThrow();
  });
});

describe('errors read as messages', () => {
  test('a misuse error is a ValidationError whose trace starts at the caller of the library construct', () => {
    let error: any;
    try {
      cluster(newStack(), { bastion: false, bastionOptions: {} });
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('CdkPrivateEksMisuse');
    expect(error.message).toMatch(/^\[Test\/Eks\] `bastionOptions` were given with bastion: false\. Fix: /);
    const firstFrame = (error.stack as string).split('\n').find(l => /^\s+at /.test(l))!;
    expect(firstFrame).toMatch(/join-cases\.ts/);
    expect(error.stack).not.toMatch(/private[\\/]errors\.ts/);
  });
});
