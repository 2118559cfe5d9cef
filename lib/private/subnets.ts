import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The VPC's private subnets, isolated or with egress, as one selection (aws-cdk-lib selects one subnet type at a time).
 */
export function defaultPrivateSelection(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnets: [...vpc.isolatedSubnets, ...vpc.privateSubnets] };
}
