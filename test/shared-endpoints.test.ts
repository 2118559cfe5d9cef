import * as fs from 'fs';
import * as path from 'path';
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { endpointServices, quietly, resourcesOfType, warningsOf } from './util';
import { EgressProxy, EndpointHub, HubDnsResolution, PrivateEksCluster, PrivateEksClusterProps, PrivateNetwork, SharedEndpoints } from '../lib';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const TGW = 'tgw-0a1b2c3d4e5f60718';

/** A hub and a spoke cluster in one account and app, joined by a Transit Gateway unless `route` is false. */
function hubAndSpoke(opts: {
  spoke?: Partial<PrivateEksClusterProps>;
  shared?: (s: SharedEndpoints) => SharedEndpoints;
  route?: boolean;
  account?: string;
  services?: string[];
} = {}) {
  const app = new App();
  const hubStack = new Stack(app, 'Hub', { env: ENV });
  const hubNetwork = new PrivateNetwork(hubStack, 'HubNetwork', { cidr: '10.0.0.0/16' });
  const hub = new EndpointHub(hubStack, 'Endpoints', {
    vpc: hubNetwork.vpc,
    spokeCidrs: ['10.20.0.0/16'],
    principalAccounts: ['111111111111'],
    resolution: HubDnsResolution.ROUTE53_PROFILE,
    services: opts.services,
  });
  const shared = { ...hub.sharedEndpoints(), profileId: 'rp-0f1e2d3c4b5a6978' };
  const stack = new Stack(app, 'Spoke', { env: { ...ENV, account: opts.account ?? ENV.account } });
  const cluster = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
    lookupSupportedAzs: false,
    network: { cidr: '10.20.0.0/16' },
    sharedEndpoints: opts.shared ? opts.shared(shared) : shared,
    ...opts.spoke,
  });
  if (opts.route ?? true) cluster.network!.attachToTransitGateway('Hub', TGW, ['10.0.0.0/16']);
  return { app, stack, cluster };
}

const synth = (app: App) => quietly(() => app.synth()).result;

describe('a spoke cluster with sharedEndpoints', () => {
  test('creates no interface endpoint the hub serves, keeps its S3 gateway, associates the profile, and passes the checks', () => {
    const { app, stack } = hubAndSpoke();
    expect(() => synth(app)).not.toThrow();
    const t = Template.fromStack(stack);
    expect(endpointServices(t)).toEqual(['s3']);
    t.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: 'rp-0f1e2d3c4b5a6978' });
    t.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 1);
    t.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: TGW });
  });

  test('a service the hub does not serve gets an endpoint of its own (eks-auth here)', () => {
    const { app, stack } = hubAndSpoke({ services: ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'ssm', 'ssmmessages', 'eks', 'logs', 'lambda'] });
    expect(() => synth(app)).not.toThrow();
    expect(endpointServices(Template.fromStack(stack))).toEqual(['eks-auth', 's3']);
  });

  test('the plan shows the hub as the path of what it serves', () => {
    const { app } = hubAndSpoke();
    const assembly = synth(app);
    const report = fs.readFileSync(path.join(assembly.directory, 'private-eks-report.Spoke-Eks.md'), 'utf8');
    expect(report).toMatch(/ec2, ecr.api, ecr.dkr.* \| hub: the endpoint hub Hub\/Endpoints/);
  });

  test('fails with no route to the hub (PEKS-HUB-1), naming the subnets, the CIDR and the fix', () => {
    const { app } = hubAndSpoke({ route: false });
    expect(() => synth(app)).toThrow(/PEKS-HUB-1: nodegroup Spoke\/Eks\/DefaultNodegroup.*no route to the endpoint hub Hub\/Endpoints's 10.0.0.0\/16.*transitGatewayId/s);
  });

  test('fails when the spoke\'s account is not admitted by the hub\'s policies (PEKS-HUB-8)', () => {
    const { app } = hubAndSpoke({ account: '222222222222' });
    expect(() => synth(app)).toThrow(/PEKS-HUB-8: .*admit the accounts 111111111111, and this stack deploys to 222222222222/);
  });

  test('fails when a secondary CIDR of the spoke is not admitted (PEKS-HUB-7)', () => {
    const { app, cluster } = hubAndSpoke();
    new ec2.CfnVPCCidrBlock(cluster.vpc.node.scope!, 'Secondary', { vpcId: cluster.vpc.vpcId, cidrBlock: '100.64.0.0/16' });
    expect(() => synth(app)).toThrow(/PEKS-HUB-7: .*use 100.64.0.0\/16/);
  });

  test('fails when the spoke also creates a private-DNS endpoint for a name the hub\'s zones answer (PEKS-HUB-5)', () => {
    const { app } = hubAndSpoke({
      spoke: { additionalEndpoints: ['ecr.api'] },
      shared: s => ({ ...s, resolution: HubDnsResolution.PRIVATE_HOSTED_ZONES, profileId: undefined, names: ['api.ecr.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com', '*.dkr.ecr.eu-west-1.amazonaws.com', 'eks-auth.eu-west-1.api.aws', 'sts.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com', 'ssmmessages.eu-west-1.amazonaws.com', 'eks.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com', 'ec2messages.eu-west-1.amazonaws.com'] }),
    });
    expect(() => synth(app)).toThrow(/PEKS-HUB-5: the interface endpoint Spoke\/Eks\/Endpoints\/EcrApi has private DNS on for ecr.api/);
  });

  test('fails when a hub of your own names the ECR API zone after the service (PEKS-HUB-3)', () => {
    const { app } = hubAndSpoke({
      shared: s => ({ ...s, resolution: HubDnsResolution.PRIVATE_HOSTED_ZONES, profileId: undefined, names: ['ecr.api.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com', '*.dkr.ecr.eu-west-1.amazonaws.com', 'eks-auth.eu-west-1.api.aws', 'sts.eu-west-1.amazonaws.com', 'ssm.eu-west-1.amazonaws.com', 'ssmmessages.eu-west-1.amazonaws.com', 'eks.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com', 'ec2messages.eu-west-1.amazonaws.com'] }),
    });
    expect(() => synth(app)).toThrow(/PEKS-HUB-3: .*ecr.api as api.ecr.eu-west-1.amazonaws.com, which the endpoint hub Hub\/Endpoints does not answer/);
  });

  test('fails when the hub\'s zones are in the app and the spoke is not associated with them (PEKS-HUB-11)', () => {
    // Two apps: aspects (the nodegroups' order after the hub's zones) visit a construct once, at its first synth.
    const build = (associate: boolean) => {
      const app = new App();
      const stack = new Stack(app, 'Same', { env: ENV });
      const hubNetwork = new PrivateNetwork(stack, 'HubNetwork', { cidr: '10.0.0.0/16' });
      const hub = new EndpointHub(stack, 'Hub', { vpc: hubNetwork.vpc, spokeCidrs: ['10.20.0.0/16'], principalAccounts: ['111111111111'] });
      const spoke = new PrivateEksCluster(stack, 'Eks', {
        version: eks.KubernetesVersion.V1_33,
        kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
        lookupSupportedAzs: false,
        network: { cidr: '10.20.0.0/16' },
        sharedEndpoints: hub.sharedEndpoints(),
      });
      spoke.network!.attachToTransitGateway('Hub', TGW, ['10.0.0.0/16']);
      if (associate) hub.associateVpc(spoke.vpc);
      return app;
    };
    expect(() => synth(build(false))).toThrow(/PEKS-HUB-11: the endpoint hub Same\/Hub's private hosted zones ec2.eu-west-1.amazonaws.com, .* are in this app and not associated with this VPC/);
    expect(() => synth(build(true))).not.toThrow();
  });

  test('a spoke with a NAT route still needs the route to the hub (its names answer with the hub\'s addresses)', () => {
    const app = new App();
    const stack = new Stack(app, 'Nat', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'), maxAzs: 2, natGateways: 1 });
    new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
      lookupSupportedAzs: false,
      vpc,
      sharedEndpoints: { services: ['ec2', 'ecr.api', 'ecr.dkr'], hubCidrs: ['10.0.0.0/16'], resolution: HubDnsResolution.ROUTE53_PROFILE },
    });
    expect(() => synth(app)).toThrow(/PEKS-HUB-1: nodegroup Nat\/Eks\/DefaultNodegroup.*no route to the hub's 10.0.0.0\/16/s);
  });

  test('attachToTransitGateway attaches once per gateway (a second call adds routes) and refuses a destination in the VPC', () => {
    const { stack, cluster } = hubAndSpoke();
    cluster.network!.attachToTransitGateway('Egress', TGW, ['10.99.0.0/24']);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::TransitGatewayAttachment', 1);
    t.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '10.99.0.0/24', TransitGatewayId: TGW });
    expect(() => cluster.network!.attachToTransitGateway('Self', TGW, ['10.20.0.0/16'])).toThrow(/destination 10.20.0.0\/16 overlaps this VPC's 10.20.0.0\/16/);
  });

  test('fails at construction on s3 in sharedEndpoints (a gateway endpoint is its own VPC\'s)', () => {
    expect(() => hubAndSpoke({ shared: s => ({ ...s, services: [...s.services, 's3'] }) }))
      .toThrow(/\[Spoke\/Eks\] sharedEndpoints: "s3" is served by a gateway endpoint.*the cluster keeps its own s3 gateway endpoint/);
  });

  test('fails at construction on a profileId with private hosted zones', () => {
    expect(() => hubAndSpoke({ shared: s => ({ ...s, resolution: HubDnsResolution.PRIVATE_HOSTED_ZONES }) }))
      .toThrow(/sharedEndpoints: profileId was given with resolution private-hosted-zones/);
  });
});

/** A cluster with a proxy in an egress VPC reached through a Transit Gateway, and a chart and an image from public hosts. */
function proxied(proxy: Partial<EgressProxy> = {}, route = true, extra: Partial<PrivateEksClusterProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Proxied', { env: ENV });
  const cluster = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
    lookupSupportedAzs: false,
    network: { cidr: '10.40.0.0/16' },
    proxy: { url: 'http://proxy.egress.internal:3128', proxyCidrs: ['10.99.0.0/24'], hosts: ['registry.k8s.io', 'kubernetes-sigs.github.io'], ...proxy },
    ...extra,
  });
  if (route) cluster.network!.attachToTransitGateway('Egress', TGW, ['10.99.0.0/24']);
  cluster.addHelmChart('MetricsServer', { chart: 'metrics-server', repository: 'https://kubernetes-sigs.github.io/metrics-server/', version: '3.12.2', namespace: 'kube-system' });
  cluster.addManifest('Pause', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'p', image: 'registry.k8s.io/pause:3.10' }] } });
  return { app, stack, cluster };
}

/** A value CloudFormation fills in at deploy time. */
function cdkToken(): string {
  return Fn.importValue('SomeExport');
}

/** The base64 files a launch template's user data writes, decoded, by path. */
function userDataFiles(t: Template): Record<string, string> {
  const lt = resourcesOfType(t, 'AWS::EC2::LaunchTemplate').find(([id]) => /DefaultNodegroup/.test(id))![1];
  const text = Buffer.from(JSON.stringify(lt.Properties.LaunchTemplateData.UserData['Fn::Base64'] ?? lt.Properties.LaunchTemplateData.UserData), 'utf8').toString();
  const files: Record<string, string> = {};
  for (const m of text.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)' \| base64 -d > ([^ ]+) /g)) files[m[2]] = Buffer.from(m[1], 'base64').toString('utf8');
  return files;
}

describe('a cluster with a proxy', () => {
  test('the nodes get drop-ins for containerd and kubelet with the proxy and a NO_PROXY of the VPC, the service CIDRs, the API server and the endpoints', () => {
    const { app, stack } = proxied();
    expect(() => synth(app)).not.toThrow();
    const files = userDataFiles(Template.fromStack(stack));
    const dropIn = files['/etc/systemd/system/containerd.service.d/http-proxy.conf'];
    expect(files['/etc/systemd/system/kubelet.service.d/http-proxy.conf']).toBe(dropIn);
    expect(files['/etc/systemd/system/nodeadm-run.service.d/http-proxy.conf']).toBe(dropIn);
    expect(dropIn).toMatch(/^\[Service\]\nEnvironment="HTTP_PROXY=http:\/\/proxy.egress.internal:3128"/);
    const noProxy = /Environment="NO_PROXY=([^"]+)"/.exec(dropIn)![1].split(',');
    expect(noProxy).toEqual(expect.arrayContaining(['localhost', '169.254.169.254', '169.254.170.23', '.svc', '.cluster.local', '10.40.0.0/16',
      '10.100.0.0/16', '172.20.0.0/16', '.eks.amazonaws.com', 'ec2.eu-west-1.amazonaws.com', 'api.ecr.eu-west-1.amazonaws.com',
      '.dkr.ecr.eu-west-1.amazonaws.com', 'eks-auth.eu-west-1.api.aws', '.s3.eu-west-1.amazonaws.com']));
  });

  test('the kubectl handler gets the proxy in its environment', () => {
    const { app, stack } = proxied();
    synth(app);
    const handler = resourcesOfType(Template.fromStack(stack), 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.HTTPS_PROXY)!;
    expect(handler[1].Properties.Environment.Variables.HTTPS_PROXY).toBe('http://proxy.egress.internal:3128');
    expect(handler[1].Properties.Environment.Variables.NO_PROXY).toMatch(/\.eks\.amazonaws\.com,10\.40\.0\.0\/16,.*api\.ecr\.eu-west-1\.amazonaws\.com/);
  });

  test('images and charts from hosts the proxy lets through pass; one it does not let through still fails (PEKS-IMG-1)', () => {
    expect(() => synth(proxied().app)).not.toThrow();
    expect(() => synth(proxied({ hosts: ['kubernetes-sigs.github.io'] }).app)).toThrow(/PEKS-IMG-1: .*registry.k8s.io\/pause:3.10/);
    expect(() => synth(proxied({ hosts: ['registry.k8s.io'] }).app)).toThrow(/PEKS-KUBECTL-2: .*kubernetes-sigs.github.io/);
  });

  test('fails with no route to the proxy (PEKS-PROXY-1), for the nodes and the handler', () => {
    expect(() => synth(proxied({}, false).app)).toThrow(/PEKS-PROXY-1: nodegroup Proxied\/Eks\/DefaultNodegroup.*no route to the proxy http:\/\/proxy.egress.internal:3128 \(10.99.0.0\/24\), which serves registry.k8s.io \(images\)/s);
    expect(() => synth(proxied({}, false).app)).toThrow(/PEKS-PROXY-1: kubectl function .*Handler.*kubernetes-sigs.github.io/s);
  });

  test('warns when proxyCidrs is not given (PEKS-PROXY-2), and a proxy inside the VPC needs no route', () => {
    const assembly = synth(proxied({ proxyCidrs: undefined }, false).app);
    expect(warningsOf(assembly).join('\n')).toMatch(/PEKS-PROXY-2/);
    expect(() => synth(proxied({ proxyCidrs: ['10.40.250.0/24'] }, false).app)).not.toThrow();
  });

  test('the preflight probes the proxy from every node subnet, and a hub spoke\'s probe accepts the hub\'s CIDR', () => {
    const { app, stack } = proxied({}, true, { preflight: true });
    synth(app);
    const probes = resourcesOfType(Template.fromStack(stack), 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Environment?.Variables?.PROBE_SERVICES);
    expect(probes).toHaveLength(2);
    for (const [, r] of probes) expect(r.Properties.Environment.Variables.PROBE_PROXY).toBe('proxy.egress.internal:3128');
    const spoke = hubAndSpoke({ spoke: { preflight: true } });
    synth(spoke.app);
    const spokeProbe = resourcesOfType(Template.fromStack(spoke.stack), 'AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.PROBE_SERVICES)!;
    expect(spokeProbe[1].Properties.Environment.Variables.PROBE_VPC_CIDRS).toBe('10.20.0.0/16,10.0.0.0/16');
    expect(spokeProbe[1].Properties.Environment.Variables.PROBE_ANY_ADDRESS).toBe('-');
  });

  test('a Bottlerocket nodegroup gets settings.network instead of drop-ins', () => {
    const { app, stack, cluster } = proxied();
    cluster.addNodegroup('Bottlerocket', { amiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 });
    synth(app);
    const lt = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::LaunchTemplate').find(([id]) => /Bottlerocket/.test(id))![1];
    const ud = lt.Properties.LaunchTemplateData.UserData;
    const toml = typeof ud === 'string' ? Buffer.from(ud, 'base64').toString() : ud['Fn::Base64'];
    expect(toml).toMatch(/^\[settings.network\]\nhttps-proxy = "http:\/\/proxy.egress.internal:3128"\nno-proxy = \["localhost", /);
  });

  test('a nodegroup\'s own noProxy adds to the generated list; declared endpoint services stay off the proxy too', () => {
    const { app, stack, cluster } = proxied({}, true, { existingEndpointServices: ['sts'] });
    cluster.addNodegroup('Extra', { noProxy: ['.corp.example'] });
    synth(app);
    const lt = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::LaunchTemplate').find(([id]) => /Extra/.test(id))![1];
    const text = JSON.stringify(lt.Properties.LaunchTemplateData.UserData);
    const dropIn = [...text.matchAll(/printf '%s' '([A-Za-z0-9+/=]+)'/g)].map(m => Buffer.from(m[1], 'base64').toString()).find(x => x.startsWith('[Service]'))!;
    const noProxy = /NO_PROXY=([^"]+)"/.exec(dropIn)![1].split(',');
    expect(noProxy).toEqual(expect.arrayContaining(['.corp.example', '.eks.amazonaws.com', '10.40.0.0/16', 'api.ecr.eu-west-1.amazonaws.com', 'sts.eu-west-1.amazonaws.com']));
  });

  test('a noProxy entry known only at deploy is refused (it would reach the drop-ins unchecked)', () => {
    const { app, cluster } = proxied();
    cluster.addNodegroup('Tokened', { noProxy: [Stack.of(cluster).resolve('x') as string, cdkToken()] });
    expect(() => synth(app)).toThrow(/noProxy entries must be known at synth/);
  });

  test('fails at construction on a proxy address outside proxyCidrs or a port out of range', () => {
    expect(() => proxied({ url: 'http://10.98.0.10:3128' })).toThrow(/url's address 10.98.0.10 is in none of proxyCidrs \(10.99.0.0\/24\)/);
    expect(() => proxied({ url: 'http://proxy.egress.internal:99999' })).toThrow(/port 99999 is not from 1 to 65535/);
  });

  test('fails at construction on a proxy URL with credentials or a malformed host list', () => {
    expect(() => proxied({ url: 'http://user:pw@proxy:3128' })).toThrow(/\[Proxied\/Eks\] proxy: url "http:\/\/user:pw@proxy:3128" is not http\(s\):\/\/host\[:port\]/);
    expect(() => proxied({ hosts: ['https://quay.io'] })).toThrow(/proxy: hosts: "https:\/\/quay.io" is not a host name/);
  });
});
