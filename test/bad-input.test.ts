/**
 * Every bad input gets the library's message: the construct path, the value received, and the fix; never an
 * aws-cdk-lib error without a path, and never a template that fails at deploy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, CfnParameter, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster, isolatedVpc } from './join-cases';
import { EndpointCatalogue, NodeEndpoints, PrivateNetwork } from '../lib';
import { newStack, quietly, warningsOf } from './util';
import { checkInstanceTypeName, INSTANCE_SIZE_SHAPE, KNOWN_INSTANCE_FAMILIES, KNOWN_INSTANCE_SIZES, validateInstanceType } from '../lib/contracts/instance-types';

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

describe('typos that synthesize and fail at deploy (issue 20)', () => {
  describe('instance types: aws-cdk-lib\'s ec2.InstanceClass and ec2.InstanceSize are the list', () => {
    test.each([
      ['t3.mediun', /\[Test\/Eks\/DefaultNodegroup\] instanceTypes: "t3.mediun" is not an EC2 instance type .*Fix: did you mean t3.medium\? use a type from https:\/\/docs.aws.amazon.com\/ec2\/latest\/instancetypes\/instance-types.html/],
      ['m5.lage', /instanceTypes: "m5.lage" is not an EC2 instance type.*did you mean m5.large\?/],
      ['m5.2xlrage', /instanceTypes: "m5.2xlrage" is not an EC2 instance type.*did you mean m5.2xlarge\?/],
      ['t3medium', /instanceTypes: "t3medium" is not an EC2 instance type/],
      ['t5.meduim', /instanceTypes: "t5.meduim" is not an EC2 instance type.*did you mean [a-z0-9]+\.medium\?/],
    ])('fails when the default nodegroup has %s', (type, message) => {
      expect(() => cluster(newStack(), { defaultNodegroup: { instanceTypes: [new ec2.InstanceType(type)] } })).toThrow(message);
    });

    test('fails when addNodegroup gets a typo, naming that nodegroup', () => {
      const c = cluster(newStack());
      expect(() => c.addNodegroup('Arm', { instanceTypes: [new ec2.InstanceType('m7g.larg')] }))
        .toThrow(/\[Test\/Eks\/Arm\] instanceTypes: "m7g.larg" is not an EC2 instance type.*did you mean m7g.large\?/);
    });

    test('fails when the bastion\'s instance type is a typo', () => {
      expect(() => cluster(newStack(), { bastionOptions: { instanceType: new ec2.InstanceType('t3.mirco') } }))
        .toThrow(/\[Test\/Eks\] bastionOptions.instanceType: "t3.mirco" is not an EC2 instance type.*did you mean t3.micro\?/);
    });

    test('real types pass with no warning, from every family and size aws-cdk-lib names; tokens are not checked', () => {
      const stack = newStack();
      const c = cluster(stack, { defaultNodegroup: { instanceTypes: [new ec2.InstanceType('t3.medium'), new ec2.InstanceType('t3a.medium')] } });
      c.addNodegroup('Arm', { instanceTypes: ['c6gn.16xlarge', 'm8g.2xlarge'].map(t => new ec2.InstanceType(t)) });
      // A token is not checked (aws-eks-v2's Nodegroup cannot take one either, so the check is called directly).
      expect(() => validateInstanceType(c, 'instanceTypes', new ec2.InstanceType(Token.asString(new CfnParameter(stack, 'Type'))))).not.toThrow();
      expect(warningsOf(quietly(() => (stack.node.root as App).synth()).result).filter(w => /instanceTypeNotVerified/.test(w))).toEqual([]);
      // Hyphenated families (aws-eks-v2's Nodegroup cannot parse their architecture, so only the names here).
      for (const t of ['m7i-flex.large', 'u-6tb1.56xlarge', 'mac2-m2pro.metal', 'm8g.metal-24xl']) expect(checkInstanceTypeName(t).verdict).toBe('ok');
      for (const family of KNOWN_INSTANCE_FAMILIES) expect(checkInstanceTypeName(`${family}.large`).verdict).toBe('ok');
      for (const size of KNOWN_INSTANCE_SIZES) expect(size).toMatch(INSTANCE_SIZE_SHAPE);
      expect(KNOWN_INSTANCE_FAMILIES.has('parallel5-extended')).toBe(false);
    });

    test('a type aws-cdk-lib does not name, with a real size shape, warns (acknowledgeable) instead of failing', () => {
      expect(checkInstanceTypeName('p6-b200.48xlarge').verdict).toBe('warn');
      expect(checkInstanceTypeName('t3.192xlarge').verdict).toBe('warn');
      const stack = newStack();
      cluster(stack, { defaultNodegroup: { instanceTypes: [new ec2.InstanceType('g6f.large')] } });
      expect(warningsOf(quietly(() => (stack.node.root as App).synth()).result))
        .toEqual(expect.arrayContaining([expect.stringMatching(/^\/Test\/Eks\/DefaultNodegroup: instanceTypes: "g6f.large" is not among aws-cdk-lib's instance types.*Fix: .*aws ec2 describe-instance-types --instance-types g6f.large.*\[ack: cdk-private-eks:instanceTypeNotVerified\]/)]));
    });
  });

  describe('network.cidr with host bits', () => {
    test('fails when network.cidr is 10.0.1.0/16, naming the network address', () => {
      expect(() => cluster(newStack(), { network: { cidr: '10.0.1.0/16' } }))
        .toThrow(/\[Test\/Eks\/Network\] network.cidr 10.0.1.0\/16 has host bits set: a \/16 block starts at 10.0.0.0.*Fix: use '10.0.0.0\/16'/);
      expect(() => new PrivateNetwork(newStack(), 'Net', { cidr: '172.16.5.7/20' })).toThrow(/Fix: use '172.16.0.0\/20'/);
    });

    test('a block written with its network address passes', () => {
      expect(() => cluster(newStack(), { network: { cidr: '10.1.0.0/16' } })).not.toThrow();
      expect(() => new PrivateNetwork(newStack(), 'Net', { cidr: '172.16.16.0/20', publicSubnets: false, privateSubnetCidrMask: 22 })).not.toThrow();
    });
  });

  describe('a public API endpoint with no CIDR list', () => {
    const warnings = (endpointAccess: eks.EndpointAccess) => {
      const stack = newStack();
      cluster(stack, { endpointAccess, bastion: false });
      return warningsOf(quietly(() => (stack.node.root as App).synth()).result).filter(w => w.includes('[ack: cdk-private-eks:publicEndpointOpenToInternet]'));
    };

    test('fails the review when endpointAccess is PUBLIC_AND_PRIVATE without onlyFrom: an acknowledgeable warning with the fix', () => {
      expect(warnings(eks.EndpointAccess.PUBLIC_AND_PRIVATE)).toEqual([expect.stringMatching(
        /^\/Test\/Eks: endpointAccess is PUBLIC_AND_PRIVATE with no CIDR list \(EKS admits 0.0.0.0\/0\): the Kubernetes API endpoint is open to the whole internet. Fix: endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom\('203.0.113.0\/24'\).*or eks.EndpointAccess.PRIVATE/)]);
      // PUBLIC alone also fails PEKS-API-1 here (nodes with no internet route): the warning is read from the construct.
      const stack = newStack();
      const c = cluster(stack, { endpointAccess: eks.EndpointAccess.PUBLIC, bastion: false });
      expect(c.node.metadata.filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data)))
        .toContainEqual(expect.stringMatching(/endpointAccess is PUBLIC with no CIDR list .*\[ack: cdk-private-eks:publicEndpointOpenToInternet\]/));
      expect(warnings(eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('0.0.0.0/0'))).toEqual([expect.stringMatching(/endpointAccess is public CIDRs 0.0.0.0\/0/)]);
    });

    test('PRIVATE and PUBLIC_AND_PRIVATE.onlyFrom(CIDRs) do not warn; the warning can be acknowledged', () => {
      expect(warnings(eks.EndpointAccess.PRIVATE)).toEqual([]);
      expect(warnings(eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom('203.0.113.0/24'))).toEqual([]);
      const stack = newStack();
      const c = cluster(stack, { endpointAccess: eks.EndpointAccess.PUBLIC_AND_PRIVATE, bastion: false });
      Annotations.of(c).acknowledgeWarning('cdk-private-eks:publicEndpointOpenToInternet', 'a lab cluster');
      expect(warningsOf(quietly(() => (stack.node.root as App).synth()).result).filter(w => /publicEndpointOpenToInternet/.test(w))).toEqual([]);
    });
  });

  test('the guide to the checks (docs/plan-and-checks.md) lists the new warning IDs', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'plan-and-checks.md'), 'utf8');
    for (const id of ['cdk-private-eks:instanceTypeNotVerified', 'cdk-private-eks:publicEndpointOpenToInternet']) expect(readme).toContain(`| \`${id}\` | warning |`);
  });
});
