/**
 * The proxy as the nodes get it, whoever gives it: a nodegroup's own `httpsProxy` on a cluster without `proxy`, and a
 * standalone `PrivateNodegroup`, keep what a node must reach directly (the VPC, the API server, the endpoints the VPC
 * serves privately) off the proxy, as the cluster's `proxy` does.
 */
import { App, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { cluster as privateCluster } from './join-cases';
import { clusterFixture, quietly, resourcesOfType } from './util';
import { PrivateNodegroup } from '../lib';
import { noProxyList } from '../lib/nodes/node-proxy';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const PROXY = 'http://proxy.corp.example:3128';

/** The NO_PROXY of the drop-in (Amazon Linux) or the no-proxy list (Bottlerocket) of a launch template, by construct ID. */
function noProxyOf(t: Template, id: RegExp): string[] {
  const lt = resourcesOfType(t, 'AWS::EC2::LaunchTemplate').find(([logicalId]) => id.test(logicalId));
  if (!lt) throw new Error(`no launch template matches ${id}`);
  const ud = lt[1].Properties.LaunchTemplateData.UserData;
  if (ud === undefined) throw new Error(`no proxy drop-in in ${lt[0]} (no user data)`);
  const text = typeof ud === 'string' ? Buffer.from(ud, 'base64').toString() : JSON.stringify(ud);
  const toml = /no-proxy = \[([^\]]*)\]/.exec(typeof ud['Fn::Base64'] === 'string' ? ud['Fn::Base64'] : text);
  if (toml) return JSON.parse(`[${toml[1]}]`);
  const dropIn = [...text.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)'/g)].map(m => Buffer.from(m[1], 'base64').toString()).find(x => x.startsWith('[Service]'));
  if (!dropIn) throw new Error(`no proxy drop-in in ${lt[0]}`);
  return /Environment="NO_PROXY=([^"]+)"/.exec(dropIn)![1].split(',');
}

/** What a node must reach directly in eu-west-1, in a VPC of 10.40.0.0/16 with the library's endpoints. */
const MUST_BYPASS = ['localhost', '169.254.169.254', '169.254.170.23', '.svc', '.cluster.local', '.internal', '10.40.0.0/16',
  '10.100.0.0/16', '172.20.0.0/16', '.eks.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'api.ecr.eu-west-1.amazonaws.com',
  '.dkr.ecr.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com', '.s3.eu-west-1.amazonaws.com'];

describe('a nodegroup with its own httpsProxy on a cluster without proxy', () => {
  let t: Template;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'OwnProxy', { env: ENV });
    const c = privateCluster(stack, { bastion: false, network: { cidr: '10.40.0.0/16' }, lookupSupportedAzs: false, existingEndpointServices: ['sqs'] });
    c.addNodegroup('Proxied', { httpsProxy: PROXY, noProxy: ['.corp.example'] });
    quietly(() => app.synth());
    t = Template.fromStack(stack);
  });

  test('its NO_PROXY holds the VPC, the service CIDRs, the API server\'s domain and every endpoint\'s names, not only the always-off list', () => {
    expect(noProxyOf(t, /Proxied/)).toEqual(expect.arrayContaining(MUST_BYPASS));
  });

  test('the declared endpoint services and its own entries are kept off too', () => {
    expect(noProxyOf(t, /Proxied/)).toEqual(expect.arrayContaining(['sqs.eu-west-1.amazonaws.com', '.corp.example']));
  });

  test('the default nodegroup, with no proxy, gets no drop-in', () => {
    expect(() => noProxyOf(t, /DefaultNodegroup/)).toThrow(/no proxy drop-in/);
  });
});

describe('a standalone PrivateNodegroup with httpsProxy', () => {
  let t: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'Standalone', { env: ENV });
    const { vpc, cluster } = clusterFixture(stack);
    vpc.addInterfaceEndpoint('EcrApi', { service: ec2.InterfaceVpcEndpointAwsService.ECR });
    vpc.addInterfaceEndpoint('EcrDkr', { service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER });
    vpc.addInterfaceEndpoint('Ec2', { service: ec2.InterfaceVpcEndpointAwsService.EC2 });
    // Without private DNS its names resolve to the public service: through the proxy, not around it.
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS, privateDnsEnabled: false });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    new PrivateNodegroup(stack, 'Nodes', { cluster, httpsProxy: PROXY });
    // An endpoint added after the nodegroup counts too (the list is written with the template).
    vpc.addInterfaceEndpoint('Ssm', { service: ec2.InterfaceVpcEndpointAwsService.SSM });
    new PrivateNodegroup(stack, 'Rocket', { cluster, httpsProxy: PROXY, amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 });
    t = Template.fromStack(stack);
  });

  test('its NO_PROXY holds the VPC\'s CIDR, the API server\'s domain and the names of the endpoints the VPC serves privately', () => {
    const list = noProxyOf(t, /NodesLaunchTemplate/);
    expect(list).toEqual(expect.arrayContaining(['10.0.0.0/16', '10.100.0.0/16', '172.20.0.0/16', '.eks.amazonaws.com',
      'api.ecr.eu-west-1.amazonaws.com', '.dkr.ecr.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com',
      's3.eu-west-1.amazonaws.com', '.s3.eu-west-1.amazonaws.com']));
    expect(list).not.toContain('sts.eu-west-1.amazonaws.com');
    // Not us-east-1: S3's legacy global name is not behind this region's gateway endpoint.
    expect(list).not.toContain('s3.amazonaws.com');
  });

  test('a Bottlerocket nodegroup gets the same list in settings.network', () => {
    expect(noProxyOf(t, /RocketLaunchTemplate/)).toEqual(expect.arrayContaining(['10.0.0.0/16', '.eks.amazonaws.com', 'api.ecr.eu-west-1.amazonaws.com']));
  });
});

describe('fails when NO_PROXY cannot be written', () => {
  test('fails when the stack is environment-agnostic (the regional names are unknown); passes with an env', () => {
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(() => new PrivateNodegroup(agnostic, 'Nodes', { cluster: clusterFixture(agnostic).cluster, httpsProxy: PROXY }))
      .toThrow(/^\[Agnostic\/Nodes\] httpsProxy: the stack is environment-agnostic, and NO_PROXY must name .*env/s);
    const concrete = new Stack(new App(), 'Concrete', { env: ENV });
    expect(() => new PrivateNodegroup(concrete, 'Nodes', { cluster: clusterFixture(concrete).cluster, httpsProxy: PROXY })).not.toThrow();
  });

  test('fails when the cluster\'s VPC has no literal CIDR; passes when it is imported with one', () => {
    const stack = new Stack(new App(), 'Imported', { env: ENV });
    const attrs = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] };
    const blind = eks.Cluster.fromClusterAttributes(stack, 'Blind', { clusterName: 'c', vpc: ec2.Vpc.fromVpcAttributes(stack, 'V1', attrs) });
    expect(() => new PrivateNodegroup(stack, 'Nodes', { cluster: blind, httpsProxy: PROXY }))
      .toThrow(/\[Imported\/Nodes\] httpsProxy: the VPC's CIDR is not a literal value, and NO_PROXY must name it.*vpcCidrBlock/s);
    const seen = eks.Cluster.fromClusterAttributes(stack, 'Seen', { clusterName: 'c', vpc: ec2.Vpc.fromVpcAttributes(stack, 'V2', { ...attrs, vpcCidrBlock: '10.7.0.0/16' }) });
    new PrivateNodegroup(stack, 'Ok', { cluster: seen, httpsProxy: PROXY });
    expect(noProxyOf(Template.fromStack(stack), /OkLaunchTemplate/)).toEqual(expect.arrayContaining(['10.7.0.0/16', '.eks.amazonaws.com']));
  });

  test('a noProxy entry known only at deploy is still refused', () => {
    const stack = new Stack(new App(), 'Tokened', { env: ENV });
    new PrivateNodegroup(stack, 'Nodes', { cluster: clusterFixture(stack).cluster, httpsProxy: PROXY, noProxy: [Fn.importValue('Elsewhere')] });
    expect(() => Template.fromStack(stack)).toThrow(/noProxy entries must be known at synth/);
  });
});

describe('the generated list (noProxyList)', () => {
  const base = { vpcCidrs: ['10.0.0.0/16'], endpointServices: ['ecr.api'], s3Gateway: true };

  test('in us-east-1 with the S3 gateway, S3\'s legacy global names stay off the proxy (the Knowledge Center article\'s s3.amazonaws.com)', () => {
    expect(noProxyList({ ...base, region: 'us-east-1', suffix: 'amazonaws.com' })).toEqual(expect.arrayContaining(['s3.amazonaws.com', '.s3.amazonaws.com', 's3.us-east-1.amazonaws.com']));
  });

  test('elsewhere, or without the gateway, they go to the proxy', () => {
    expect(noProxyList({ ...base, region: 'eu-west-1', suffix: 'amazonaws.com' })).not.toContain('s3.amazonaws.com');
    expect(noProxyList({ ...base, s3Gateway: false, region: 'us-east-1', suffix: 'amazonaws.com' })).not.toContain('s3.amazonaws.com');
  });

  test('the API server\'s domain follows the partition (amazonaws.com.cn in China)', () => {
    expect(noProxyList({ ...base, region: 'cn-north-1', suffix: 'amazonaws.com.cn' })).toEqual(expect.arrayContaining(['.eks.amazonaws.com.cn', 'api.ecr.cn-north-1.amazonaws.com.cn']));
  });
});

describe('the user data stays within EC2\'s 16 KB', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `host-${i}.team.corp.example`);

  test('fails when a long noProxy would make the nodes\' user data larger than EC2 takes, naming the size and the fix', () => {
    const stack = new Stack(new App(), 'Big', { env: ENV });
    new PrivateNodegroup(stack, 'Nodes', { cluster: clusterFixture(stack).cluster, httpsProxy: PROXY, noProxy: many(300) });
    expect(() => quietly(() => (stack.node.root as App).synth())).toThrow(/\[Big\/Nodes\] httpsProxy: the nodes' user data is \d+ bytes and EC2 takes 16384 .*\.domain entries/s);
  });

  test('passes with a list that fits', () => {
    const stack = new Stack(new App(), 'Fits', { env: ENV });
    new PrivateNodegroup(stack, 'Nodes', { cluster: clusterFixture(stack).cluster, httpsProxy: PROXY, noProxy: many(40) });
    expect(() => quietly(() => (stack.node.root as App).synth())).not.toThrow();
  });
});
