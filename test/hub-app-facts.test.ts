/**
 * The proof reads what the app holds (issue 29): a hub built by hand in the spokes' app (interface endpoints with
 * private DNS off, private hosted zones with alias records, a security group) is read as facts; the spoke's
 * declaration stays for what the app does not hold, and the plan says which was which.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { quietly } from './util';
import { HubDnsResolution, PrivateEksCluster, PrivateNetwork } from '../lib';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const HUB_CIDR = '10.0.0.0/16';
const SPOKE_CIDR = '10.20.0.0/16';
const TGW = 'tgw-0a1b2c3d4e5f60718';

interface HandBuilt {
  /** Leave the `*` record out of the dkr.ecr zone. */
  readonly noWildcard?: boolean;
  /** The CIDR the hub's endpoint security group admits on 443. */
  readonly admit?: string;
}

/** A hub of the network team's own making, in the spoke's stack, and a spoke cluster that declares it. */
function build(o: HandBuilt = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-hubapp-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Spoke', { env: ENV });
  const hubNet = new PrivateNetwork(stack, 'HubNetwork', { cidr: HUB_CIDR });
  hubNet.attachToTransitGateway('Spokes', TGW, [SPOKE_CIDR]);
  const sg = new ec2.SecurityGroup(stack, 'HubEndpoints', { vpc: hubNet.vpc, allowAllOutbound: false });
  sg.addIngressRule(ec2.Peer.ipv4(o.admit ?? SPOKE_CIDR), ec2.Port.tcp(443));
  const endpoint = (id: string, service: ec2.InterfaceVpcEndpointAwsService) => new ec2.InterfaceVpcEndpoint(stack, id, {
    vpc: hubNet.vpc, service, privateDnsEnabled: false, securityGroups: [sg], open: false,
  });
  const api = endpoint('EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR);
  const dkr = endpoint('EcrDkr', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER);

  const spoke = new PrivateEksCluster(stack, 'Eks', {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: new KubectlV24Layer(stack, 'Layer'),
    lookupSupportedAzs: false,
    network: { cidr: SPOKE_CIDR },
    sharedEndpoints: {
      services: ['ecr.api', 'ecr.dkr'],
      hubCidrs: [HUB_CIDR],
      resolution: HubDnsResolution.PRIVATE_HOSTED_ZONES,
      // What the network team says the hub holds: the declaration the check used to trust.
      names: ['api.ecr.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com', '*.dkr.ecr.eu-west-1.amazonaws.com'],
      admittedCidrs: [HUB_CIDR, SPOKE_CIDR],
      admittedAccounts: [ENV.account],
    },
  });
  spoke.network!.attachToTransitGateway('Hub', TGW, [HUB_CIDR]);
  const zone = (name: string, target: ec2.InterfaceVpcEndpoint, wildcard: boolean) => {
    const z = new route53.PrivateHostedZone(stack, `Zone-${name}`, { zoneName: name, vpc: hubNet.vpc });
    z.addVpc(spoke.vpc);
    const to = route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(target));
    new route53.ARecord(z, 'Apex', { zone: z, target: to });
    if (wildcard) new route53.ARecord(z, 'Wildcard', { zone: z, recordName: `*.${name}`, target: to });
  };
  zone('api.ecr.eu-west-1.amazonaws.com', api, false);
  zone('dkr.ecr.eu-west-1.amazonaws.com', dkr, !o.noWildcard);
  let error: string | undefined;
  try {
    quietly(() => app.synth());
  } catch (e) {
    error = (e as Error).message;
  }
  const report = () => JSON.parse(fs.readFileSync(path.join(outdir, 'private-eks-report.Spoke-Eks.json'), 'utf8'));
  return { error, report };
}

test('the hand-built hub as declared passes, and the plan says what was read from the app', () => {
  const { error, report } = build();
  expect(error).toBeUndefined();
  const line = report().verification.find((v: string) => /^the shared endpoints|^the endpoint hub|hub/.test(v) && /read from the app/.test(v));
  expect(line).toMatch(/names: the private hosted zones api\.ecr\.eu-west-1\.amazonaws\.com, dkr\.ecr\.eu-west-1\.amazonaws\.com and their records, associated with this VPC in this app \(read from the app\)/);
  expect(line).toMatch(/admitted CIDRs: the security groups of Spoke\/EcrApi, Spoke\/EcrDkr in this app \(443 from 10\.20\.0\.0\/16\) \(read from the app\)/);
});

test('fails when the dkr.ecr zone has no * record, though the declaration lists it (PEKS-HUB-4, read from the app)', () => {
  const { error } = build({ noWildcard: true });
  expect(error).toMatch(/PEKS-HUB-4: .*calls? ecr\.dkr as 111111111111\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(account-specific: a \* record in the zone dkr\.ecr\.eu-west-1\.amazonaws\.com\), and the private hosted zone dkr\.ecr\.eu-west-1\.amazonaws\.com answers that name with "no such name"/);
});

test('fails when the hub\'s endpoint security group admits only the hub\'s CIDR, though the declaration admits the spoke (PEKS-HUB-7, read from the app)', () => {
  const { error } = build({ admit: HUB_CIDR });
  expect(error).toMatch(/PEKS-HUB-7: .*admit 443 from 10\.0\.0\.0\/16, and this VPC's clients use 10\.20\.0\.0\/16/);
});
