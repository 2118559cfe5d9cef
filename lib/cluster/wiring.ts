import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { BastionAccess, ClusterBastion } from '../bastion/bastion';

/** Pieces of `PrivateEksCluster`'s wiring that need only what they are given: the control plane's egress, the outputs. */

/**
 * aws-eks-v2 gives the control plane's ENIs a security group open to everything (it has no prop for it). The control
 * plane talks from those ENIs to kubelets, webhooks and aggregated APIs on nodes and pods, all in this VPC (its own
 * traffic to AWS leaves through the EKS-managed VPC): egress to the VPC's CIDR blocks only. Applied to the VPC this
 * construct creates, whose CIDR blocks it knows; with a VPC of yours (secondary CIDRs, hybrid nodes) it is left as is.
 */
export function keepControlPlaneEgressInVpc(cluster: eks.Cluster, vpc: ec2.IVpc): void {
  const sg = cluster.node.tryFindChild('ControlPlaneSecurityGroup');
  const cfn = sg?.node.defaultChild;
  if (!(cfn instanceof ec2.CfnSecurityGroup)) return;
  const cidrs = [vpc.vpcCidrBlock, ...vpc.node.findAll().filter((c): c is ec2.CfnVPCCidrBlock => c instanceof ec2.CfnVPCCidrBlock)
    .map(b => b.cidrBlock).filter((c): c is string => c !== undefined)];
  cfn.securityGroupEgress = cidrs.map(cidrIp => ({
    ipProtocol: '-1', cidrIp, description: 'Control plane to kubelets, webhooks and aggregated APIs in this VPC',
  }));
}

/** The outputs an operator needs after a deploy: the cluster name, the kubeconfig command, how to reach the bastion. */
export function addClusterOutputs(scope: Construct, cluster: eks.Cluster, bastion?: ClusterBastion): void {
  const region = Stack.of(scope).region;
  new CfnOutput(scope, 'ClusterName', {
    description: 'EKS cluster name',
    value: cluster.clusterName,
  });
  new CfnOutput(scope, 'UpdateKubeconfigCommand', {
    description: 'Writes a kubeconfig for this cluster where the EKS API and the cluster endpoint are reachable (the bastion has one already)',
    value: `aws eks update-kubeconfig --name ${cluster.clusterName} --region ${region}`,
  });
  if (bastion) {
    new CfnOutput(scope, 'BastionStartSessionCommand', {
      description: 'Opens a shell on the bastion through SSM Session Manager; kubectl is configured there',
      value: bastion.startSessionCommand,
    });
    if (bastion.access === BastionAccess.SSH) {
      new CfnOutput(scope, 'BastionSshCommand', {
        description: 'SSH to the bastion with the key pair you configured',
        value: `ssh -i <your-key>.pem ec2-user@${bastion.instance.instancePublicIp}`,
      });
    }
  }
}
