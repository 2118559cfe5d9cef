import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { resourcesOfType } from './util';
import { HubStack, SPOKES as EXAMPLE_SPOKES } from '../examples/hub-and-spoke/app';
import { EcrPullThroughCache, EndpointHub, EndpointHubProps, HubDnsResolution } from '../lib';
import { checkTemplate } from '../lib/check/template-rules';
import { API_CONSTRAINTS, checkApiConstraints } from '../lib/contracts/api-constraints';
import { ECR_FIRST_PULL_ACTIONS, ECR_PULL_ACTIONS } from '../lib/network/endpoint-parts';

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

  test('the profile and its resource associations have names the Route 53 Profiles API accepts (no dot), construct IDs unchanged', () => {
    // GIVEN a hub whose services have dots in their names (ecr.api, ecr.dkr)
    const { stack } = hubStack({ resolution: HubDnsResolution.ROUTE53_PROFILE, services: ['ecr.api', 'ecr.dkr', 'eks-auth'] });
    const t = Template.fromStack(stack);
    // THEN every name matches the API model's Name pattern (botocore route53profiles, shape Name)
    const rows = API_CONSTRAINTS.filter(r => r.service === 'route53profiles');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const result = checkApiConstraints({ Hub: t.toJSON() }, rows);
    expect(result.refused).toEqual([]);
    expect(result.valuesChecked).toBe(4);
    const names = resourcesOfType(t, 'AWS::Route53Profiles::ProfileResourceAssociation').map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.Name]);
    // the logical IDs are those of the first release (renaming one would replace the association)
    expect(names).toEqual([['HubProfileEcrApi', 'endpoint-ecr-api'], ['HubProfileEcrDkr', 'endpoint-ecr-dkr'], ['HubProfileEksAuth', 'endpoint-eks-auth']]);
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

describe('EndpointHub: no wider than a spoke (issue 30)', () => {
  const policyOf = (t: Template, id: RegExp) => resourcesOfType(t, 'AWS::EC2::VPCEndpoint').find(([lid]) => id.test(lid))![1].Properties.PolicyDocument.Statement;
  const SPOKES = [{ account: '222222222222', cidrs: ['10.20.0.0/16'] }, { account: '333333333333', cidrs: ['10.30.0.0/16'] }];

  test('the ECR endpoints admit image pulls and the cache\'s first pull (on the caller\'s own repositories) only, as a cluster\'s own do', () => {
    const t = Template.fromStack(hubStack({ services: ['ecr.api', 'ecr.dkr', 'sts'] }).stack);
    for (const id of [/HubEcrApi/, /HubEcrDkr/]) {
      const st = policyOf(t, id);
      expect(st.map((x: any) => x.Sid)).toEqual(['SpokeAccountsImagePullsOnly', 'SpokeAccountsPullThroughCacheFirstPull']);
      expect(st[0]).toMatchObject({ Action: ECR_PULL_ACTIONS, Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': ['222222222222', '333333333333'] } } });
      expect(st[1].Action).toEqual(ECR_FIRST_PULL_ACTIONS);
      expect(JSON.stringify(st[1].Resource)).toMatch(/:ecr:eu-west-1:222222222222:repository\/\*.*:ecr:eu-west-1:333333333333:repository\/\*/);
      expect(JSON.stringify(st)).not.toMatch(/ecr:PutImage|"ecr:\*"|"\*"\]?,"Effect"/);
    }
  });

  test('pushing through the hub is opt-in (pullOnlyEcrPolicies: false admits every ECR action, as before)', () => {
    const t = Template.fromStack(hubStack({ services: ['ecr.api'], pullOnlyEcrPolicies: false }).stack);
    expect(policyOf(t, /HubEcrApi/)).toEqual([expect.objectContaining({ Sid: 'SpokeAccountsPrincipals', Action: '*' })]);
  });

  test('the pull and first-pull actions are those of the pull-through cache', () => {
    expect(ECR_FIRST_PULL_ACTIONS).toEqual(EcrPullThroughCache.FIRST_PULL_ACTIONS);
    expect(ECR_PULL_ACTIONS.filter(a => a !== 'ecr:GetAuthorizationToken').sort()).toEqual([...EcrPullThroughCache.PULL_ACTIONS].sort());
  });

  test('spokes bind each account to its CIDRs (aws:PrincipalAccount with aws:VpcSourceIp), web identities too', () => {
    const { stack, hub } = hubStack({ services: ['sts', 'ecr.api'], spokes: SPOKES });
    const t = Template.fromStack(stack);
    const sts = policyOf(t, /HubSts/);
    expect(sts.map((x: any) => x.Sid)).toEqual(['Spoke222222222222Principals', 'WebIdentityToSpoke222222222222Roles', 'Spoke333333333333Principals', 'WebIdentityToSpoke333333333333Roles']);
    expect(sts[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalAccount': '222222222222' }, IpAddress: { 'aws:VpcSourceIp': ['10.20.0.0/16'] } });
    expect(sts[1].Condition).toEqual({ StringEquals: { 'aws:ResourceAccount': '222222222222' }, IpAddress: { 'aws:VpcSourceIp': ['10.20.0.0/16'] } });
    const ecr = policyOf(t, /HubEcrApi/);
    expect(ecr.map((x: any) => x.Sid)).toEqual(['Spoke222222222222ImagePullsOnly', 'Spoke222222222222PullThroughCacheFirstPull', 'Spoke333333333333ImagePullsOnly', 'Spoke333333333333PullThroughCacheFirstPull']);
    expect(ecr[2].Condition.IpAddress).toEqual({ 'aws:VpcSourceIp': ['10.30.0.0/16'] });
    expect(hub.sharedEndpoints()).toMatchObject({ accountsBoundToCidrs: true, ecrPullOnly: true });
  });

  test('without spokes the accounts are not bound, and sharedEndpoints() says so', () => {
    expect(hubStack().hub.sharedEndpoints()).toMatchObject({ accountsBoundToCidrs: false, ecrPullOnly: true });
    // An admitted account left out of spokes stays unbound (admitted from every CIDR).
    const { stack, hub } = hubStack({ services: ['sts'], spokes: [SPOKES[0]] });
    expect(policyOf(Template.fromStack(stack), /HubSts/).map((x: any) => x.Sid)).toEqual(['Spoke222222222222Principals', 'WebIdentityToSpoke222222222222Roles', 'SpokeAccountsPrincipals', 'WebIdentityToAdmittedRoles']);
    expect(hub.sharedEndpoints().accountsBoundToCidrs).toBe(false);
  });

  test('a profile hub admitted by spokes alone is shared with the spokes\' accounts', () => {
    const { stack } = hubStack({ resolution: HubDnsResolution.ROUTE53_PROFILE, services: ['ec2'], principalAccounts: undefined, organizationId: 'o-abc123def4', spokes: SPOKES });
    Template.fromStack(stack).hasResourceProperties('AWS::RAM::ResourceShare', { Principals: ['222222222222', '333333333333'] });
  });

  test('fails when a spoke CIDR is outside spokeCidrs, or its account is not admitted', () => {
    expect(() => hubStack({ spokes: [{ account: '222222222222', cidrs: ['10.40.0.0/16'] }] }))
      .toThrow(/\[Hub\/Hub\] spokes: 10\.40\.0\.0\/16 \(account 222222222222\) is inside none of spokeCidrs[\s\S]*add 10\.40\.0\.0\/16 to spokeCidrs/);
    expect(() => hubStack({ spokes: [{ account: '444444444444', cidrs: ['10.20.0.0/16'] }] }))
      .toThrow(/spokes: account 444444444444 is not in principalAccounts/);
  });
});

describe('EndpointHub and PEKS-SEC-5: the spoke exemption is recorded with its reason, and covers private CIDRs only', () => {
  const sec5 = (t: any) => checkTemplate(t).filter(f => f.ruleId === 'PEKS-SEC-5').map(f => f.detail);

  test('the security group records the spoke CIDRs with the reason they are admitted; PEKS-SEC-5 passes them', () => {
    const t = Template.fromStack(hubStack({ services: ['ec2'] }).stack).toJSON();
    const [, sg] = Object.entries<any>(t.Resources).find(([, r]) => r.Type === 'AWS::EC2::SecurityGroup')!;
    expect(sg.Metadata['cdk-private-eks:spokeCidrs']).toEqual(['10.20.0.0/16', '10.30.0.0/16']);
    expect(sg.Metadata['cdk-private-eks:spokeCidrsReason']).toMatch(/^EndpointHub Hub\/Hub serves the spoke VPCs .*spokeCidrs/);
    expect(sec5(t)).toEqual([]);
  });

  test('fails when a spoke CIDR is public (the endpoints would take HTTPS from the internet\'s addresses)', () => {
    expect(() => hubStack({ spokeCidrs: ['10.20.0.0/16', '52.94.0.0/16'] }))
      .toThrow(/\[Hub\/Hub\] spokeCidrs: "52\.94\.0\.0\/16" is not a private range[\s\S]*10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16/);
    expect(() => hubStack({ spokeCidrs: ['100.64.0.0/16'] })).not.toThrow();
  });

  test('PEKS-SEC-5 does not exempt a spoke CIDR recorded without its reason, or a public one', () => {
    const t = Template.fromStack(hubStack({ services: ['ec2'] }).stack).toJSON();
    const [, sg] = Object.entries<any>(t.Resources).find(([, r]) => r.Type === 'AWS::EC2::SecurityGroup')!;
    const noReason = JSON.parse(JSON.stringify(t));
    delete Object.values<any>(noReason.Resources).find((r: any) => r.Type === 'AWS::EC2::SecurityGroup').Metadata['cdk-private-eks:spokeCidrsReason'];
    expect(sec5(noReason)).toEqual([expect.stringMatching(/admits 10\.20\.0\.0\/16, outside the VPC's 10\.0\.0\.0\/16/), expect.stringMatching(/10\.30\.0\.0\/16/)]);
    const publicSpoke = JSON.parse(JSON.stringify(t));
    const g = Object.values<any>(publicSpoke.Resources).find((r: any) => r.Type === 'AWS::EC2::SecurityGroup');
    g.Metadata['cdk-private-eks:spokeCidrs'] = ['10.20.0.0/16', '10.30.0.0/16', '52.94.0.0/16'];
    g.Properties.SecurityGroupIngress.push({ CidrIp: '52.94.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    expect(sec5(publicSpoke)).toEqual([expect.stringMatching(/admits 52\.94\.0\.0\/16, a public range: the hub's spoke exemption covers private CIDRs only/)]);
    expect(sg).toBeDefined();
  });
});

describe('examples/hub-and-spoke: the Transit Gateway routes each spoke to the hub only (issue 30)', () => {
  let t: Template;
  beforeAll(() => {
    t = Template.fromStack(new HubStack(new App(), 'EndpointHub', { env: ENV }));
  });
  const ofType = (type: string) => resourcesOfType(t, type).map(([id, r]) => ({ id, ...r.Properties }));

  test('no default route table: nothing is associated or propagated unless the stack says so', () => {
    t.hasResourceProperties('AWS::EC2::TransitGateway', { DefaultRouteTableAssociation: 'disable', DefaultRouteTablePropagation: 'disable' });
  });

  test('one route table per spoke, holding the hub\'s routes only; the hub\'s table holds every spoke', () => {
    const tables = ofType('AWS::EC2::TransitGatewayRouteTable').map(x => x.id.replace(/[0-9A-F]{8}$/, '')).sort();
    expect(tables).toEqual(['TransitGatewayHubRoutes', ...EXAMPLE_SPOKES.map(s => `TransitGatewaySpoke${s.name}Routes`)].sort());
    const propagations = ofType('AWS::EC2::TransitGatewayRouteTablePropagation');
    const associations = ofType('AWS::EC2::TransitGatewayRouteTableAssociation');
    const tableOf = (x: any) => x.TransitGatewayRouteTableId.Ref.replace(/[0-9A-F]{8}$/, '');
    const attachmentOf = (x: any) => (typeof x.TransitGatewayAttachmentId === 'string' ? x.TransitGatewayAttachmentId : 'hub');
    for (const sp of EXAMPLE_SPOKES) {
      // The spoke's table learns the hub's attachment only: no route to another spoke.
      expect(propagations.filter(p => tableOf(p) === `TransitGatewaySpoke${sp.name}Routes`).map(attachmentOf)).toEqual(['hub']);
    }
    // The hub's table learns every spoke; each spoke's attachment is associated with its own table.
    expect(propagations.filter(p => tableOf(p) === 'TransitGatewayHubRoutes').map(attachmentOf).sort()).toEqual(associations.filter(a => tableOf(a) !== 'TransitGatewayHubRoutes').map(attachmentOf).sort());
    expect(associations.map(a => `${tableOf(a)} ${attachmentOf(a)}`).sort()).toEqual(expect.arrayContaining(['TransitGatewayHubRoutes hub']));
    expect(associations.filter(a => tableOf(a) !== 'TransitGatewayHubRoutes').map(tableOf).sort()).toEqual(EXAMPLE_SPOKES.map(s => `TransitGatewaySpoke${s.name}Routes`).sort());
  });
});
