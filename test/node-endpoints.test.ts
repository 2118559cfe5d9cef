import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NodeEndpoints } from '../lib';
import { endpointServices, newStack, resourcesOfType } from './util';

function vpcIn(stack: ReturnType<typeof newStack>) {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

describe('NodeEndpoints', () => {
  test('defaults: ec2, ecr.api, ecr.dkr with private DNS in the private subnets, and the S3 gateway on their route tables', () => {
    // GIVEN
    const stack = newStack();
    const vpc = vpcIn(stack);
    // WHEN
    const endpoints = new NodeEndpoints(stack, 'Endpoints', { vpc });
    // THEN
    const t = Template.fromStack(stack);
    expect(endpointServices(t)).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 's3']);
    t.allResourcesProperties('AWS::EC2::VPCEndpoint', Match.objectLike({ VpcId: { Ref: Match.stringLikeRegexp('Vpc') } }));
    for (const [, r] of resourcesOfType(t, 'AWS::EC2::VPCEndpoint')) {
      if (r.Properties.VpcEndpointType === 'Interface') {
        expect(r.Properties.PrivateDnsEnabled).toBe(true);
        expect(r.Properties.SubnetIds).toEqual([{ Ref: expect.stringMatching(/PrivateSubnet1/) }, { Ref: expect.stringMatching(/PrivateSubnet2/) }]);
      } else {
        expect(r.Properties.RouteTableIds).toEqual([{ Ref: expect.stringMatching(/PrivateSubnet1RouteTable/) }, { Ref: expect.stringMatching(/PrivateSubnet2RouteTable/) }]);
      }
    }
    expect(endpoints.interfaceServices).toEqual(['ec2', 'ecr.api', 'ecr.dkr']);
    expect(endpoints.interfaceEndpoint('ecr.dkr')).toBeDefined();
    expect(endpoints.interfaceEndpoint('sts')).toBeUndefined();
  });

  test('the endpoint security group admits 443 from the VPC CIDR only (written out when the VPC is in the app) and sends nothing out', () => {
    const stack = newStack();
    const vpc = vpcIn(stack);
    new NodeEndpoints(stack, 'Endpoints', { vpc });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'VPC interface endpoints: HTTPS from inside the VPC',
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('addInterfaceEndpoint adds a service once and returns the same endpoint again', () => {
    const stack = newStack();
    const endpoints = new NodeEndpoints(stack, 'Endpoints', { vpc: vpcIn(stack) });
    const first = endpoints.addInterfaceEndpoint('logs');
    expect(endpoints.addInterfaceEndpoint('logs')).toBe(first);
    expect(first.node.id).toBe('Logs');
    expect(endpointServices(Template.fromStack(stack))).toContain('logs');
  });

  test('services and s3Gateway are configurable', () => {
    const stack = newStack();
    new NodeEndpoints(stack, 'Endpoints', { vpc: vpcIn(stack), services: ['sts', 'eks-auth'], s3Gateway: false });
    expect(endpointServices(Template.fromStack(stack))).toEqual(['eks-auth', 'sts']);
  });

  test('fails when a service name is malformed or s3 is asked for as an interface endpoint', () => {
    const stack = newStack();
    const vpc = vpcIn(stack);
    expect(() => new NodeEndpoints(stack, 'A', { vpc, services: ['com.amazonaws.eu-west-1.ec2'] }))
      .toThrow(/\[Test\/A\] cannot add an interface endpoint: use the short service name.*"ec2"/);
    expect(() => new NodeEndpoints(stack, 'B', { vpc, services: ['s3'] })).toThrow(/gateway endpoint/);
  });

  test('fails when the subnet selection matches no subnet', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new NodeEndpoints(stack, 'Endpoints', { vpc })).toThrow(/matches no subnet of the VPC/);
  });
});
