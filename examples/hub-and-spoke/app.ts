/**
 * Endpoints shared from a hub: one network account holds the interface endpoints (and the Transit Gateway) for every
 * cluster VPC; two teams' accounts run a private cluster each, with no endpoint of their own but the free S3 gateway.
 *
 * - The hub (account 111111111111): a VPC with the interface endpoints a private cluster calls, a Route 53 Profile that
 *   carries them (private DNS on), shared with the spokes' accounts through AWS RAM, and a Transit Gateway shared the
 *   same way, routing the spokes to the hub.
 * - Each spoke (222222222222, 333333333333): PrivateEksCluster with `sharedEndpoints`: it associates the profile with
 *   its VPC, attaches the VPC to the Transit Gateway and routes the hub's CIDR through it; the synth-time check proves
 *   each client's route, each name it calls the services by, and that the hub admits its CIDR and account.
 *
 * The hub's profile and Transit Gateway IDs exist once the hub is deployed: the spokes read them from
 * deployed-hub.json (the hub's outputs, recorded as cdk.context.json records lookups).
 *
 *   npx cdk synth --app 'npx ts-node --transpile-only --swc --prefer-ts-exts -P examples/tsconfig.json examples/hub-and-spoke/app.ts'
 *   npx cdk deploy EndpointHub       # with the network account's credentials; then record its outputs
 *   npx cdk deploy SpokeTeamA        # with team A's credentials (and SpokeTeamB with team B's); accept each attachment
 *   npx cdk deploy EndpointHub       # again, once deployed-spokes.json holds the spokes' attachment IDs
 *
 * The Transit Gateway has no default route table: each spoke's attachment is associated with a table of its own that
 * learns the hub's CIDR only (no spoke reaches another spoke), and the hub's table learns every spoke's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';
import { EndpointHub, HubDnsResolution, PrivateEksCluster, PrivateNetwork, SharedEndpoints } from '../../lib';

const REGION = 'eu-west-1';
const HUB_ACCOUNT = '111111111111';
/** The spokes: their accounts and VPC CIDRs (no overlap with each other or the hub's 10.0.0.0/16). */
export const SPOKES = [
  { name: 'TeamA', account: '222222222222', cidr: '10.20.0.0/16' },
  { name: 'TeamB', account: '333333333333', cidr: '10.30.0.0/16' },
];

/** The hub's deployed IDs (its outputs), recorded beside this file. */
const deployedHub: { profileId: string; transitGatewayId: string } = JSON.parse(fs.readFileSync(path.join(__dirname, 'deployed-hub.json'), 'utf8'));
/** Each spoke's Transit Gateway attachment (its output TransitGatewayAttachmentId), recorded beside this file. */
const deployedSpokes: { [name: string]: { attachmentId?: string } } = JSON.parse(fs.readFileSync(path.join(__dirname, 'deployed-spokes.json'), 'utf8'));

/** The network account: the hub VPC, its endpoints and the Transit Gateway. */
export class HubStack extends Stack {
  public readonly hub: EndpointHub;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const network = new PrivateNetwork(this, 'Network', { cidr: '10.0.0.0/16' });
    const tgw = new ec2.CfnTransitGateway(this, 'TransitGateway', {
      description: 'Spoke VPCs to the shared endpoints',
      // Each spoke's attachment is accepted by the network account (aws ec2 accept-transit-gateway-vpc-attachment):
      // no account the gateway is shared with joins the network on its own (Control Tower CT.EC2.PR.6).
      autoAcceptSharedAttachments: 'disable',
      // No default route table: with one table that every attachment propagates to, a spoke reaches every other spoke,
      // and a spoke that adds a more specific CIDR takes the others' traffic. Each spoke gets its own table below.
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
    });
    // The way back: the hub's subnets route the spokes through the Transit Gateway.
    const hubAttachment = network.attachToTransitGateway('Spokes', tgw.ref, SPOKES.map(s => s.cidr));
    // The hub's table: the hub's attachment uses it, and learns every spoke's CIDR from the spoke's attachment.
    const hubRoutes = new ec2.CfnTransitGatewayRouteTable(this, 'TransitGatewayHubRoutes', { transitGatewayId: tgw.ref });
    new ec2.CfnTransitGatewayRouteTableAssociation(this, 'TransitGatewayHubAssociation', {
      transitGatewayRouteTableId: hubRoutes.ref,
      transitGatewayAttachmentId: hubAttachment.ref,
    });
    for (const spoke of SPOKES) {
      // Each spoke's table learns the hub's CIDR only: a spoke has no route to another spoke.
      const routes = new ec2.CfnTransitGatewayRouteTable(this, `TransitGatewaySpoke${spoke.name}Routes`, { transitGatewayId: tgw.ref });
      new ec2.CfnTransitGatewayRouteTablePropagation(this, `TransitGatewaySpoke${spoke.name}LearnsHub`, {
        transitGatewayRouteTableId: routes.ref,
        transitGatewayAttachmentId: hubAttachment.ref,
      });
      // The spoke's attachment exists once its stack is deployed (in its account) and the network account accepted
      // it: its ID is recorded in deployed-spokes.json, and this stack's next deploy associates it with its table.
      const attachmentId = deployedSpokes[spoke.name]?.attachmentId;
      if (!attachmentId) continue;
      new ec2.CfnTransitGatewayRouteTableAssociation(this, `TransitGatewaySpoke${spoke.name}Association`, {
        transitGatewayRouteTableId: routes.ref,
        transitGatewayAttachmentId: attachmentId,
      });
      new ec2.CfnTransitGatewayRouteTablePropagation(this, `TransitGatewayHubLearnsSpoke${spoke.name}`, {
        transitGatewayRouteTableId: hubRoutes.ref,
        transitGatewayAttachmentId: attachmentId,
      });
    }
    new ram.CfnResourceShare(this, 'TransitGatewayShare', {
      name: 'spoke-transit-gateway',
      resourceArns: [this.formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: tgw.ref })],
      principals: SPOKES.map(s => s.account),
      allowExternalPrincipals: true,
    });
    this.hub = new EndpointHub(this, 'Endpoints', {
      vpc: network.vpc,
      resolution: HubDnsResolution.ROUTE53_PROFILE,
      spokeCidrs: SPOKES.map(s => s.cidr),
      principalAccounts: SPOKES.map(s => s.account),
      // Each team's credentials work through the hub from its own VPC only (aws:PrincipalAccount with aws:VpcSourceIp).
      spokes: SPOKES.map(s => ({ account: s.account, cidrs: [s.cidr] })),
    });
    new CfnOutput(this, 'ProfileId', { value: this.hub.profile!.attrId });
    new CfnOutput(this, 'TransitGatewayId', { value: tgw.ref });
  }
}

export interface SpokeStackProps extends StackProps {
  /** The spoke VPC's CIDR. */
  readonly cidr: string;
  /** The hub, as this account sees it. */
  readonly sharedEndpoints: SharedEndpoints;
  /** The hub's Transit Gateway, shared with this account. */
  readonly transitGatewayId: string;
}

/** A team's account: a private cluster whose interface endpoints are the hub's. */
export class SpokeStack extends Stack {
  public readonly eks: PrivateEksCluster;

  constructor(scope: Construct, id: string, props: SpokeStackProps) {
    super(scope, id, props);
    this.eks = new PrivateEksCluster(this, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(this, 'KubectlLayer'),
      network: { cidr: props.cidr },
      sharedEndpoints: props.sharedEndpoints,
    });
    const attachment = this.eks.network!.attachToTransitGateway('Hub', props.transitGatewayId, props.sharedEndpoints.hubCidrs);
    new CfnOutput(this, 'TransitGatewayAttachmentId', { value: attachment.ref });
  }
}


export function build(app: App): Stack[] {
  const hub = new HubStack(app, 'EndpointHub', { env: { account: HUB_ACCOUNT, region: REGION } });
  // Literal values for the other accounts: the spokes' checks read them at synth, and the profile's ID exists only once
  // the hub is deployed (recorded in deployed-hub.json).
  const shared: SharedEndpoints = { ...hub.hub.sharedEndpoints(), profileId: deployedHub.profileId };
  const spokes = SPOKES.map(s => new SpokeStack(app, `Spoke${s.name}`, {
    env: { account: s.account, region: REGION },
    cidr: s.cidr,
    sharedEndpoints: shared,
    transitGatewayId: deployedHub.transitGatewayId,
  }));
  return [hub, ...spokes];
}

if (require.main === module) {
  // The lookups of the placeholder accounts, recorded beside this file (cdk.context.json): the header's command runs
  // without AWS credentials. Context from the CLI (a real cdk.context.json, -c) takes precedence over these.
  const app = new App({ context: JSON.parse(fs.readFileSync(path.join(__dirname, 'cdk.context.json'), 'utf8')) });
  build(app);
  app.synth();
}
