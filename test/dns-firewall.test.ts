import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { newStack } from './util';
import { DnsFirewall, DnsFirewallAction, PrivateEksCluster, PrivateEksClusterProps } from '../lib';
import { analyzeDnsFirewall, domainAllows } from '../lib/check/dns-firewall-rules';
import { DNS_FIREWALL_RATES, estimate } from '../lib/plan/network-costs';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
});

function cluster(props: Partial<PrivateEksClusterProps> = {}): { stack: Stack; eksCluster: PrivateEksCluster } {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const eksCluster = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
    lookupSupportedAzs: false,
    ...props,
  });
  return { stack, eksCluster };
}

const allowListOf = (t: Template): string[] => {
  const lists = Object.values(t.findResources('AWS::Route53Resolver::FirewallDomainList')).map((r: any) => r.Properties.Domains);
  return lists.find(l => !(l.length === 1 && l[0] === '*'));
};

describe('DnsFirewall on its own', () => {
  let t: Template;
  beforeAll(() => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new DnsFirewall(stack, 'Dns', { vpc, domains: ['*.eu-west-1.amazonaws.com', 'harbor.corp.example'] });
    t = Template.fromStack(stack);
  });

  test('allows the list (and the CNAME chains of what it allows), then blocks every other name with NXDOMAIN', () => {
    t.hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroup', {
      FirewallRules: [
        { Priority: 100, Action: 'ALLOW', FirewallDomainListId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DnsAllowList'), 'Id'] }, FirewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN' },
        { Priority: 200, Action: 'BLOCK', BlockResponse: 'NXDOMAIN', FirewallDomainListId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DnsEverything'), 'Id'] } },
      ],
    });
    t.hasResourceProperties('AWS::Route53Resolver::FirewallDomainList', { Domains: ['*'] });
    expect(allowListOf(t)).toEqual(['*.eu-west-1.amazonaws.com', 'harbor.corp.example']);
  });

  test('is associated with the VPC between the organisation\'s priorities, fails closed, and logs queries to an encrypted group', () => {
    t.hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroupAssociation', { VpcId: { Ref: Match.stringLikeRegexp('Vpc') }, Priority: 9000 });
    t.hasResourceProperties('AWS::Route53Resolver::FirewallConfig', { ResourceId: { Ref: Match.stringLikeRegexp('Vpc') }, FirewallFailOpen: 'DISABLED' });
    t.hasResourceProperties('AWS::Route53Resolver::ResolverQueryLoggingConfig', { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DnsQueryLogs'), 'Arn'] } });
    t.hasResourceProperties('AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation', { ResourceId: { Ref: Match.stringLikeRegexp('Vpc') } });
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DnsQueryLogsKey'), 'Arn'] }, RetentionInDays: 365 });
  });

  test('fails on a missing list, a domain DNS Firewall refuses, *, and a priority out of range', () => {
    const build = (props: object) => () => {
      const stack = newStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      new DnsFirewall(stack, 'Dns', { vpc, ...props });
    };
    expect(build({})).toThrow(/\[Test\/Dns\] a DnsFirewall needs the domains it allows.*Fix: pass domains/);
    expect(build({ domains: ['bad_name.example'] })).toThrow(/domain "bad_name.example" is not a DNS Firewall domain/);
    expect(build({ domains: ['*'] })).toThrow(/the allow-list holds \*, which allows every name/);
    expect(build({ domains: ['corp.example'], priority: 100 })).toThrow(/priority must be a whole number between 100 and 9900 \(both excluded\), got 100/);
    expect(build({ domains: ['corp.example'], priority: 101, action: DnsFirewallAction.ALERT })).not.toThrow();
  });
});

describe('PrivateEksCluster dnsFirewall: the allow-list derived from what the check proved', () => {
  let t: Template;
  let eksCluster: PrivateEksCluster;
  beforeAll(() => {
    ({ eksCluster } = cluster({ dnsFirewall: {}, existingRegistries: ['harbor.corp.example'] }));
    eksCluster.addManifest('Web', deployment('harbor.corp.example/team/web:1'), deployment('111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1'));
    t = Template.fromStack(Stack.of(eksCluster));
  });

  test('holds the names of the services the clients call, the API server, EC2 host names, S3, and the declared registry', () => {
    const list = allowListOf(t);
    for (const name of ['api.ecr.eu-west-1.amazonaws.com', '*.dkr.ecr.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com',
      'ssmmessages.eu-west-1.amazonaws.com', '*.eu-west-1.eks.amazonaws.com', '*.eu-west-1.compute.internal', '*.s3.eu-west-1.amazonaws.com', 'harbor.corp.example']) {
      expect(list).toContain(name);
    }
    expect(list).not.toContain('*');
    expect(list.filter(d => /amazonaws\.com$/.test(d)).every(d => d.includes('eu-west-1') || /^(\*\.)?s3\.amazonaws\.com$/.test(d))).toBe(true);
  });

  test('passes the check: every registry the cluster resolves is allowed; the query logs use the cluster\'s logs key', () => {
    expect(eksCluster._joinFindings().filter(f => f.ruleId === 'PEKS-DNS-1')).toEqual([]);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('EksLogsKey'), 'Arn'] } });
  });
});

describe('PEKS-DNS-1', () => {
  test('fails when the pinned allow-list leaves out a registry the cluster pulls from', () => {
    const { eksCluster } = cluster({ dnsFirewall: { domains: ['*.eu-west-1.amazonaws.com'] }, existingRegistries: ['harbor.corp.example'] });
    eksCluster.addManifest('Web', deployment('harbor.corp.example/team/web:1'));
    const dns = eksCluster._joinFindings().filter(f => f.ruleId === 'PEKS-DNS-1');
    expect(dns).toHaveLength(1);
    expect(dns[0].message).toMatch(/DNS Firewall \(BLOCK for names not allowed\) does not allow harbor\.corp\.example, which the cluster resolves: image harbor\.corp\.example\/team\/web:1 \(Test\/Eks\/ManifestWeb\)/);
    expect(dns[0].fix).toMatch(/add 'harbor\.corp\.example' to dnsFirewall\.domains/);
    expect(() => Template.fromStack(Stack.of(eksCluster))).toThrow(/PEKS-DNS-1/);
  });

  test('passes once the host is added to the pinned list', () => {
    const { eksCluster } = cluster({ dnsFirewall: { domains: ['*.eu-west-1.amazonaws.com'], additionalDomains: ['harbor.corp.example'] }, existingRegistries: ['harbor.corp.example'] });
    eksCluster.addManifest('Web', deployment('harbor.corp.example/team/web:1'));
    expect(eksCluster._joinFindings().filter(f => f.ruleId === 'PEKS-DNS-1')).toEqual([]);
  });

  test('a wildcard allows the names below it, not a look-alike; ALERT says it alerts', () => {
    expect(domainAllows('*.corp.example', 'harbor.corp.example')).toBe(true);
    expect(domainAllows('*.corp.example', 'evilcorp.example')).toBe(false);
    expect(domainAllows('corp.example', 'harbor.corp.example')).toBe(false);
    const f = analyzeDnsFirewall({ allowed: [], pinned: false, action: 'ALERT', hosts: [{ host: 'quay.io', what: 'image quay.io/x:1 (App/W)' }] });
    expect(f[0].message).toMatch(/every query for it raises an alert/);
    expect(f[0].fix).toMatch(/dnsFirewall\.additionalDomains/);
  });
});

describe('DNS Firewall in the plan\'s cost', () => {
  test('each domain is priced per month; none without a firewall', () => {
    const withFirewall = estimate('us-east-1', 0, 0, 0, 40);
    expect(withFirewall.lines).toEqual([{ item: 'DNS Firewall domain name', count: 40, monthlyUsd: Math.round(40 * DNS_FIREWALL_RATES.domainMonth * 100) / 100 }]);
    expect(estimate('us-east-1', 0, 0).lines).toEqual([]);
  });
});
