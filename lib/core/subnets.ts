import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Where a bastion runs unless told otherwise: an SSH bastion in the public subnets (it needs a public IP), an SSM
 * bastion in the given private selection.
 */
export function defaultBastionSubnets(ssh: boolean, privateSelection: ec2.SubnetSelection): ec2.SubnetSelection {
  return ssh ? { subnetType: ec2.SubnetType.PUBLIC } : privateSelection;
}

/**
 * The VPC's private subnets, isolated or with egress, as one selection (aws-cdk-lib selects one subnet type at a time).
 */
export function defaultPrivateSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnets: [...vpc.isolatedSubnets, ...vpc.privateSubnets] };
}
