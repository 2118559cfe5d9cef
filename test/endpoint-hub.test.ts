import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointHub, EndpointHubProps, HubDnsResolution } from '../lib';
import { resourcesOfType } from './util';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function hubStack(props: Partial<EndpointHubProps> = {}, env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Hub', { env });
  const vpc = new ec2.Vpc(stack, 'HubVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const hub = new EndpointHub(stack, 'Hub', { vpc, spokeCidrs: ['10.20.0.0/16', '10.30.0.0/16'], principalAccounts: ['222222222222', '333333333333'], ...props });
  return { stack, vpc, hub };
}

describe('EndpointHub: private hosted zones (the whitepaper pattern)', () => {
  test('endpoints with private DNS off, one zone per name the services are called by, a * record for account registries', () => {
    const { stack, hub } = hubStack({ services: ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth'] });
    const t = Template.fromStack(stack);
    for (const [, r] of resourcesOfType(t, 'AWS::EC2::VPCEndpoint')) expect(r.Properties.PrivateDnsEnabled).toBe(false);
    const zones = resourcesOfType(t, 'AWS::Route53::HostedZone').map(([, r]) => r.Properties.Name).sort();
    expect(zones).toEqual(['api.ecr.eu-west-1.amazonaws.com.', 'dkr.ecr.eu-west-1.amazonaws.com.', 'ec2.eu-west-1.amazonaws.com.', 'eks-auth.eu-west-1.api.aws.']);
    const records = resourcesOfType(t, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties.Name).sort();
    expect(records).toEqual(['*.dkr.ecr.eu-west-1.amazonaws.com.', 'api.ecr.eu-west-1.amazonaws.com.', 'dkr.ecr.eu-west-1.amazonaws.com.',
      'ec2.eu-west-1.amazonaws.com.', 'eks-auth.eu-west-1.api.aws.']);
    t.allResourcesProperties('AWS::Route53::RecordSet', { Type: 'A', AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }) });
    expect(hub.sharedEndpoints()).toMatchObject({
      services: ['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth'],
      hubCidrs: ['10.0.0.0/16'],
      resolution: HubDnsResolution.PRIVATE_HOSTED_ZONES,
      names: ['ec2.eu-west-1.amazonaws.com', 'api.ecr.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com', '*.dkr.ecr.eu-west-1.amazonaws.com', 'eks-auth.eu-west-1.api.aws'],
      admittedCidrs: ['10.0.0.0/16', '10.20.0.0/16', '10.30.0.0/16'],
      admittedAccounts: ['222222222222', '333333333333'],
      region: 'eu-west-1',
    });
  });

  test('the security group admits 443 from the hub and every spoke CIDR, and sends nothing out', () => {
    const t = Template.fromStack(hubStack().stack);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: ['10.0.0.0/16', '10.20.0.0/16', '10.30.0.0/16'].map(c => Match.objectLike({ CidrIp: c, FromPort: 443, ToPort: 443 })),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('endpoint policies admit the listed accounts only; STS web identity by the role\'s account', () => {
    const t = Template.fromStack(hubStack().stack);
    const sts = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').find(([id]) => /Sts/.test(id))![1];
    expect(sts.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Sid: 'SpokeAccountsPrincipals', Condition: { StringEquals: { 'aws:PrincipalAccount': ['222222222222', '333333333333'] } } }),
      expect.objectContaining({ Sid: 'WebIdentityToAdmittedRoles', Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'aws:ResourceAccount': ['222222222222', '333333333333'] } } }),
    ]);
  });

  test('an organization scopes the policies with aws:PrincipalOrgID (and aws:ResourceOrgID for web identity)', () => {
    const t = Template.fromStack(hubStack({ principalAccounts: undefined, organizationId: 'o-abc123def4' }).stack);
    const ec2Endpoint = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').find(([id]) => /HubEc2/.test(id))![1];
    expect(ec2Endpoint.Properties.PolicyDocument.Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } });
  });

  test('associateVpc adds a spoke VPC of the same account to every zone', () => {
    const { stack, hub } = hubStack({ services: ['ec2'] });
    const spoke = new ec2.Vpc(stack, 'Spoke', { ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'), natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'P', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    hub.associateVpc(spoke);
    const zone = resourcesOfType(Template.fromStack(stack), 'AWS::Route53::HostedZone')[0][1];
    expect(zone.Properties.VPCs).toHaveLength(2);
  });
});

describe('EndpointHub: a Route 53 Profile shared with AWS RAM (spokes in other accounts)', () => {
  test('endpoints with private DNS on, each associated with the profile, the profile shared with the spokes\' accounts', () => {
    const { stack, hub } = hubStack({ resolution: HubDnsResolution.ROUTE53_PROFILE, services: ['ec2', 'ecr.api'] });
    const t = Template.fromStack(stack);
    for (const [, r] of resourcesOfType(t, 'AWS::EC2::VPCEndpoint')) expect(r.Properties.PrivateDnsEnabled).toBe(true);
    t.resourceCountIs('AWS::Route53Profiles::Profile', 1);
    t.resourceCountIs('AWS::Route53Profiles::ProfileResourceAssociation', 2);
    t.resourceCountIs('AWS::Route53::HostedZone', 0);
    t.hasResourceProperties('AWS::RAM::ResourceShare', { Principals: ['222222222222', '333333333333'], AllowExternalPrincipals: true });
    expect(hub.sharedEndpoints().names).toBeUndefined();
  });
});

describe('EndpointHub: scoping', () => {
  test('organizationId and principalAccounts together: both conditions hold (the accounts, in the organization)', () => {
    const t = Template.fromStack(hubStack({ organizationId: 'o-abc123def4' }).stack);
    const sts = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').find(([id]) => /Sts/.test(id))![1];
    expect(sts.Properties.PolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4', 'aws:PrincipalAccount': ['222222222222', '333333333333'] },
    });
    expect(sts.Properties.PolicyDocument.Statement[1].Condition).toEqual({
      StringEquals: { 'aws:ResourceOrgID': 'o-abc123def4', 'aws:ResourceAccount': ['222222222222', '333333333333'] },
    });
  });

  test('eks-auth takes no endpoint policy: its endpoint is guarded by the security group alone', () => {
    const t = Template.fromStack(hubStack().stack);
    const eksAuth = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').find(([id]) => /EksAuth/.test(id))![1];
    expect(eksAuth.Properties.PolicyDocument).toBeUndefined();
  });
});

describe('EndpointHub: bad input', () => {
  test('fails on a profile scoped by organization with no one to share it with', () => {
    expect(() => hubStack({ resolution: HubDnsResolution.ROUTE53_PROFILE, principalAccounts: undefined, organizationId: 'o-abc123def4' }))
      .toThrow(/shared with nobody[\s\S]*shareWith/);
  });

  test('fails on a malformed organization ID or account, and on a spoke CIDR wider than a /8', () => {
    expect(() => hubStack({ principalAccounts: undefined, organizationId: 'o-abc' })).toThrow(/organizationId "o-abc" is not an organization ID/);
    expect(() => hubStack({ principalAccounts: ['2222'] })).toThrow(/principalAccounts: "2222" is not a 12-digit account ID/);
    expect(() => hubStack({ spokeCidrs: ['0.0.0.0/1'] })).toThrow(/spokeCidrs: "0.0.0.0\/1" admits more than a \/8/);
    expect(() => hubStack({ spokeCidrs: ['10.20.0.999/16'] })).toThrow(/is not a literal IPv4 CIDR/);
  });

  test('fails with neither organizationId nor principalAccounts (the endpoints would admit any account)', () => {
    expect(() => hubStack({ principalAccounts: undefined })).toThrow(/\[Hub\/Hub\] neither organizationId nor principalAccounts/);
  });

  test('fails on s3: a gateway endpoint is used by its own VPC only', () => {
    expect(() => hubStack({ services: ['ec2', 's3'] })).toThrow(/"s3" is served by a gateway endpoint[\s\S]*every spoke keeps its own s3 gateway endpoint/);
  });

  test('fails in an environment-agnostic stack (the names need the region)', () => {
    expect(() => hubStack({}, {})).toThrow(/environment-agnostic/);
  });

  test('fails on a spoke CIDR that is not a literal IPv4 CIDR', () => {
    expect(() => hubStack({ spokeCidrs: ['10.20.0.0'] })).toThrow(/spokeCidrs: "10.20.0.0" is not a literal IPv4 CIDR/);
  });

  test('fails on RESOLVER_RULES, which it does not build, naming what to do instead', () => {
    expect(() => hubStack({ resolution: HubDnsResolution.RESOLVER_RULES })).toThrow(/describe a hub you built with Resolver rules/);
  });
});

describe('EndpointHub in another partition', () => {
  test('in China the zones carry amazonaws.com.cn, and eks-auth the partition\'s dual-stack suffix', () => {
    const { stack } = hubStack({ services: ['ecr.api', 'eks-auth'] }, { account: '111111111111', region: 'cn-north-1' });
    const zones = resourcesOfType(Template.fromStack(stack), 'AWS::Route53::HostedZone').map(([, r]) => r.Properties.Name).sort();
    expect(zones).toEqual(['api.ecr.cn-north-1.amazonaws.com.cn.', 'eks-auth.cn-north-1.api.amazonwebservices.com.cn.']);
  });
});
