import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { misuse } from './private/errors';

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
   * Whether to create public subnets (with an internet gateway) beside the private isolated ones.
   * They hold internet-facing load balancers or an SSH bastion; nodes never need them.
   * @default true
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

  constructor(scope: Construct, id: string, props: PrivateNetworkProps = {}) {
    super(scope, id);

    const maxAzs = props.maxAzs ?? 2;
    if (!Number.isInteger(maxAzs) || maxAzs < 2) {
      throw misuse(this, `maxAzs must be a whole number of at least 2 (EKS needs cluster subnets in two Availability Zones), got ${maxAzs}`,
        'set maxAzs to 2 or more');
    }
    checkMask(this, 'publicSubnetCidrMask', props.publicSubnetCidrMask);
    checkMask(this, 'privateSubnetCidrMask', props.privateSubnetCidrMask);

    const subnetConfiguration: ec2.SubnetConfiguration[] = [];
    if (props.publicSubnets ?? true) {
      subnetConfiguration.push({
        name: PrivateNetwork.PUBLIC_SUBNET_GROUP,
        subnetType: ec2.SubnetType.PUBLIC,
        cidrMask: props.publicSubnetCidrMask ?? 24,
        // Nothing placed here gets a public address unless it asks for one.
        mapPublicIpOnLaunch: false,
      });
    }
    subnetConfiguration.push({
      name: PrivateNetwork.PRIVATE_SUBNET_GROUP,
      subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: props.privateSubnetCidrMask ?? 19,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs,
      natGateways: 0,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetConfiguration,
      // The library adds no rules to the default security group; nothing should use it.
      restrictDefaultSecurityGroup: false,
    });

    // aws-eks-v2 tags public and PRIVATE_WITH_EGRESS subnets only; internal load balancers go to isolated ones.
    for (const subnet of this.vpc.isolatedSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    }
    for (const subnet of this.vpc.publicSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    }
  }
}

function checkMask(scope: Construct, name: string, mask: number | undefined) {
  if (mask === undefined) return;
  if (!Number.isInteger(mask) || mask < 16 || mask > 28) {
    throw misuse(scope, `${name} must be a prefix length from 16 to 28 (the sizes a VPC subnet can have), got ${mask}`,
      `set ${name} to a value such as 24`);
  }
}
