import { Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../core/acknowledgements';
import { cidrContains, ipv4CidrNetwork, ipv4CidrPrefix, literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { allow, serviceRole } from '../core/iam';
import { cloudWatchLogsKey } from '../core/logs-key';

/**
 * Properties of a `PrivateNetwork`.
 */
export interface PrivateNetworkProps {
  /**
   * The VPC's IPv4 CIDR block.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * How many Availability Zones to use. EKS needs cluster subnets in at least two.
   * In an environment-agnostic stack CDK knows only two AZs, so at most two are used.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The Availability Zones to place the subnets in, written out (`['eu-west-1a', 'eu-west-1b']`), instead of the
   * first `maxAzs` of the stack's. At least two (EKS needs cluster subnets in two AZs); not with `maxAzs`.
   * @default - the first `maxAzs` Availability Zones of the stack
   */
  readonly availabilityZones?: string[];

  /**
   * Whether to create public subnets (with an internet gateway and default routes to it) beside the private isolated
   * ones. They hold internet-facing load balancers or an SSH bastion; nodes never need them. Off by default: a VPC
   * with no route to the internet at all (NIST 800-53 R5 and HIPAA: VPCNoUnrestrictedRouteToIGW).
   * Earlier versions of this library created them: set `true` to keep an existing VPC's public subnets. Left out,
   * their address space stays reserved (no subnets, no internet gateway), so the private subnets keep the addresses
   * they had; `false` gives the whole block to the private subnets.
   * @default - false, unless `publicSubnetCidrMask` is given
   */
  readonly publicSubnets?: boolean;

  /**
   * Prefix length of each public subnet.
   * @default 24
   */
  readonly publicSubnetCidrMask?: number;

  /**
   * Prefix length of each private isolated subnet. The VPC CNI gives every pod an address from the node's
   * subnet, so these are large by default.
   * @default 19
   */
  readonly privateSubnetCidrMask?: number;

  /**
   * Close the VPC's default security group (no rules), as aws-cdk-lib's `restrictDefaultSecurityGroup` does: with a
   * Lambda-backed custom resource, since CloudFormation cannot change the default group. Off by default so the
   * default cluster deploys no Lambda function of its own; nothing the library creates uses the default group (every
   * network interface gets its own). Turn it on where NIST 800-53 R5 / HIPAA VPCDefaultSecurityGroupClosed must pass
   * without an acknowledgement.
   * @default false
   */
  readonly restrictDefaultSecurityGroup?: boolean;

  /**
   * Record the VPC's traffic (accepted and rejected) as flow logs in a CloudWatch Logs group kept for a year.
   * @default true
   */
  readonly flowLogs?: boolean;
}

/**
 * A VPC for a private EKS cluster: private isolated subnets (only the local route) for the nodes, optional public
 * subnets, no NAT gateway, and DNS support and hostnames on (required by private API access and by the interface
 * endpoints' private DNS).
 *
 * Subnets are tagged for load balancers: `kubernetes.io/role/internal-elb` on the isolated subnets and
 * `kubernetes.io/role/elb` on the public ones.
 */
export class PrivateNetwork extends Construct {
  /** Subnet group name of the private isolated subnets. */
  public static readonly PRIVATE_SUBNET_GROUP = 'Private';
  /** Subnet group name of the public subnets. */
  public static readonly PUBLIC_SUBNET_GROUP = 'Public';

  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** The VPC's flow logs (undefined with `flowLogs: false`). */
  public readonly flowLogs?: VpcFlowLogs;
  private readonly attachments = new Map<string, ec2.CfnTransitGatewayAttachment>();

  constructor(scope: Construct, id: string, props: PrivateNetworkProps = {}) {
    super(scope, id);

    const azs = props.availabilityZones;
    if (azs !== undefined) {
      if (props.maxAzs !== undefined) throw misuse(this, 'availabilityZones and maxAzs were both given', 'keep availabilityZones (the zones written out), or maxAzs (how many of the stack\'s)');
      const bad = azs.find(az => !Token.isUnresolved(az) && !/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/.test(az));
      if (bad !== undefined) throw misuse(this, `availabilityZones: "${bad}" is not an Availability Zone name`, 'write zone names such as \'eu-west-1a\'');
      if (new Set(azs).size < 2) throw misuse(this, `availabilityZones names ${new Set(azs).size} zone(s) (${azs.join(', ')}), and EKS needs cluster subnets in two Availability Zones`, 'name at least two zones, such as [\'eu-west-1a\', \'eu-west-1b\']');
    }
    const maxAzs = azs !== undefined ? new Set(azs).size : props.maxAzs ?? 2;
    if (!Number.isInteger(maxAzs) || maxAzs < 2) {
      throw misuse(this, `maxAzs must be a whole number of at least 2 (EKS needs cluster subnets in two Availability Zones), got ${maxAzs}`,
        'set maxAzs to 2 or more');
    }
    checkMask(this, 'publicSubnetCidrMask', props.publicSubnetCidrMask);
    checkMask(this, 'privateSubnetCidrMask', props.privateSubnetCidrMask);
    const cidr = props.cidr ?? '10.0.0.0/16';
    const withPublic = props.publicSubnets ?? (props.publicSubnetCidrMask !== undefined);
    // Left to the default, the public subnets' address space stays reserved: the private subnets keep the addresses
    // earlier versions (public subnets by default) gave them, so an existing VPC's node subnets are not replaced.
    const reservePublic = !withPublic && props.publicSubnets === undefined;
    checkCidr(this, cidr, maxAzs, [
      ...(withPublic || reservePublic ? [{ name: `publicSubnetCidrMask${reservePublic ? ', reserved' : ''}`, mask: props.publicSubnetCidrMask ?? 24 }] : []),
      { name: 'privateSubnetCidrMask', mask: props.privateSubnetCidrMask ?? 19 },
    ]);

    const subnetConfiguration: ec2.SubnetConfiguration[] = [];
    if (withPublic || reservePublic) {
      subnetConfiguration.push({
        name: PrivateNetwork.PUBLIC_SUBNET_GROUP,
        subnetType: ec2.SubnetType.PUBLIC,
        cidrMask: props.publicSubnetCidrMask ?? 24,
        // Nothing placed here gets a public address unless it asks for one.
        mapPublicIpOnLaunch: false,
        reserved: reservePublic,
      });
    }
    subnetConfiguration.push({
      name: PrivateNetwork.PRIVATE_SUBNET_GROUP,
      subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: props.privateSubnetCidrMask ?? 19,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      ...(azs !== undefined ? { availabilityZones: [...new Set(azs)] } : { maxAzs }),
      natGateways: 0,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetConfiguration,
      restrictDefaultSecurityGroup: props.restrictDefaultSecurityGroup ?? false,
    });
    if (!(props.restrictDefaultSecurityGroup ?? false)) {acknowledgeFindings(this.vpc, 'defaultSecurityGroupOpen');} else {
      // aws-cdk-lib creates the handler once per stack, at the stack's root.
      const handler = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
      if (handler) acknowledgeFindings(handler, 'restrictDefaultSecurityGroupHandler');
    }

    if (props.flowLogs ?? true) {
      this.flowLogs = new VpcFlowLogs(this, 'FlowLogs', { vpc: this.vpc });
    }

    // aws-eks-v2 tags public and PRIVATE_WITH_EGRESS subnets only; internal load balancers go to isolated ones.
    for (const subnet of this.vpc.isolatedSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    }
    for (const subnet of this.vpc.publicSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    }
  }

  /**
   * Attaches the VPC to a Transit Gateway (its private subnets, one per Availability Zone; once per gateway, later
   * calls add routes) and routes `destinations`
   * (a hub's or a proxy's CIDRs) through it from every private subnet: the route the synth-time check looks for when
   * endpoints are shared from a hub (`sharedEndpoints`) or a proxy is used (`proxy`). A gateway of another account must
   * be shared with this one through AWS RAM first (and accept the attachment unless it auto-accepts).
   * @see https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
   */
  public attachToTransitGateway(id: string, transitGatewayId: string, destinations: string[]): ec2.CfnTransitGatewayAttachment {
    if (destinations.length === 0) throw misuse(this, 'attachToTransitGateway needs at least one destination CIDR', 'pass the hub\'s (or proxy\'s) CIDR blocks');
    const own = literalVpcCidr(this.vpc);
    for (const d of destinations) {
      if (Token.isUnresolved(d) || ipv4CidrPrefix(d) === undefined) {
        throw misuse(this, `attachToTransitGateway: destination "${d}" is not a literal IPv4 CIDR`, 'write the CIDR out, such as \'10.0.0.0/16\'');
      }
      if (own !== undefined && (cidrContains(own, d) || cidrContains(d, own))) {
        throw misuse(this, `attachToTransitGateway: destination ${d} overlaps this VPC's ${own}, which its local route takes`, 'give the other network a CIDR that does not overlap this VPC\'s');
      }
    }
    // One attachment per gateway and VPC (EC2 refuses a second): later calls add their routes to it.
    const key = Token.isUnresolved(transitGatewayId) ? transitGatewayId : transitGatewayId.toLowerCase();
    let attachment = this.attachments.get(key);
    if (!attachment) {
      const subnets = this.vpc.selectSubnets({ subnetGroupName: PrivateNetwork.PRIVATE_SUBNET_GROUP, onePerAz: true }).subnets;
      attachment = new ec2.CfnTransitGatewayAttachment(this, id, {
        transitGatewayId,
        vpcId: this.vpc.vpcId,
        subnetIds: subnets.map(s => s.subnetId),
      });
      this.attachments.set(key, attachment);
    }
    const routed = this.vpc.selectSubnets({ subnetGroupName: PrivateNetwork.PRIVATE_SUBNET_GROUP }).subnets;
    routed.forEach((subnet, i) => destinations.forEach((d, j) => {
      const route = new ec2.CfnRoute(this, `${id}Route${i}${j > 0 ? `x${j}` : ''}`, {
        routeTableId: subnet.routeTable.routeTableId,
        destinationCidrBlock: d,
        transitGatewayId,
      });
      route.node.addDependency(attachment!);
    }));
    return attachment;
  }
}

/**
 * Properties of `VpcFlowLogs`.
 */
export interface VpcFlowLogsProps {
  /** The VPC whose traffic is recorded. */
  readonly vpc: ec2.IVpc;

  /**
   * How long the records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;
}

/**
 * Flow logs of all of a VPC's traffic (accepted and rejected) in a CloudWatch Logs group encrypted with its own
 * rotating KMS key, which only CloudWatch Logs of this account and region may use: what an incident review of a
 * private network starts from. `PrivateNetwork` creates one; add it to a VPC of your own the same way.
 */
export class VpcFlowLogs extends Construct {
  /** The log group. */
  public readonly logGroup: logs.LogGroup;
  /** The key that encrypts it. */
  public readonly key: kms.Key;
  /** The flow log. */
  public readonly flowLog: ec2.FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    this.key = cloudWatchLogsKey(this, 'Key', `Encryption of VPC flow logs (${this.node.path})`);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
    });
    // The delivery role's permissions in its own managed policy; aws-cdk-lib's grant to the role is not needed.
    const { role, immutable } = serviceRole(this, 'Role', 'vpc-flow-logs.amazonaws.com', `Delivers the flow logs of ${this.node.path}`);
    allow(role, new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [this.logGroup.logGroupArn],
    }));
    this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(props.vpc),
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup, immutable),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}

function checkMask(scope: Construct, name: string, mask: number | undefined) {
  if (mask === undefined) return;
  if (!Number.isInteger(mask) || mask < 16 || mask > 28) {
    throw misuse(scope, `${name} must be a prefix length from 16 to 28 (the sizes a VPC subnet can have), got ${mask}`,
      `set ${name} to a value such as 24`);
  }
}

/**
 * Refuses a `cidr` that is not an IPv4 CIDR block, is outside the VPC sizes AWS allows (/16 to /28,
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html), or cannot hold the subnets: aws-cdk-lib
 * allocates each subnet group in order, one subnet per AZ, each aligned to its size.
 */
function checkCidr(scope: Construct, cidr: string, azs: number, groups: Array<{ name: string; mask: number }>) {
  if (Token.isUnresolved(cidr)) return;
  const prefix = ipv4CidrPrefix(cidr.trim());
  if (prefix === undefined) {
    throw misuse(scope, `network.cidr "${cidr}" is not an IPv4 CIDR block (four octets from 0 to 255, then a prefix length from 0 to 32)`,
      'pass a block such as \'10.0.0.0/16\'');
  }
  const network = ipv4CidrNetwork(cidr.trim());
  if (network !== cidr.trim()) {
    throw misuse(scope, `network.cidr ${cidr} has host bits set: a /${prefix} block starts at ${network!.split('/')[0]}, and EC2 refuses `
      + 'a VPC CIDR block that is not written with its network address', `use '${network}'`);
  }
  if (prefix < 16 || prefix > 28) {
    throw misuse(scope, `network.cidr ${cidr} is a /${prefix}; a VPC's CIDR block must be from /16 (65,536 addresses) to /28`,
      'use a /16 to /28 block (the default is 10.0.0.0/16)');
  }
  let end = 0;
  for (const g of groups) {
    const size = 2 ** (32 - g.mask);
    for (let i = 0; i < azs; i++) end = Math.ceil(end / size) * size + size;
  }
  const available = 2 ** (32 - prefix);
  if (end > available) {
    const needed = 32 - Math.ceil(Math.log2(end));
    const layout = groups.map(g => `${azs} x /${g.mask} (${g.name})`).join(' + ');
    throw misuse(scope, `network.cidr ${cidr} holds ${available} addresses, and its subnets need ${end}: ${layout}, each aligned to its size`,
      `use a /${needed} or larger block, or smaller subnets (a larger ${groups.map(g => g.name).join(' or ')}), or fewer AZs (maxAzs)`);
  }
}
