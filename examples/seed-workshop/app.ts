/**
 * The EKS study workshop set-up (week 1), rebuilt with cdk-private-eks. The workshop ran:
 *
 *   eksctl create cluster --name myeks --region=ap-northeast-2 --nodegroup-name=myeks-nodegroup \
 *     --node-type=t3.medium --node-volume-size=30 --vpc-public-subnets "$PubSubnet1,$PubSubnet2" \
 *     --version 1.24 --ssh-access --external-dns-access
 *
 * in a VPC 192.168.0.0/16 with public subnets 192.168.1.0/24 and 192.168.2.0/24 and an SSH bastion, no NAT gateway
 * (to save its cost): nodes in public subnets with public IPs, and a PUBLIC API endpoint, so kubelet and kube-proxy
 * reach the API server over the internet.
 *
 * EKS no longer creates 1.24 clusters: PEKS-VER-1 is an error, downgraded here to a warning with its reason (the app
 * replays the workshop as written; it synthesizes, it does not deploy). To deploy it, drop the downgrade and move to
 * a current version: change `version` to `eks.KubernetesVersion.V1_36` and the layer to `KubectlV36Layer` from
 * `@aws-cdk/lambda-layer-kubectl-v36`; the default AMI type moves from AL2 to AL2023 by itself.
 *
 *   npx cdk synth -a "npx ts-node --transpile-only -P examples/tsconfig.json examples/seed-workshop/app.ts"
 *   ... deploy -c sshKeyName=<existing key pair> --parameters SgIngressSshCidr=<your IP>/32
 */
import { KubectlV24Layer } from '@aws-cdk/lambda-layer-kubectl-v24';
import { Annotations, App, CfnParameter, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BastionAccess, PrivateEksCluster, VpcFlowLogs } from '../../lib';

export class SeedWorkshopStack extends Stack {
  public readonly eks: PrivateEksCluster;
  public readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The workshop's CloudFormation template asked for the CIDR allowed to SSH; so does this stack.
    const sshCidr = new CfnParameter(this, 'SgIngressSshCidr', {
      type: 'String',
      description: 'The CIDR block allowed to SSH to the bastion (for example your IP/32)',
      // An IPv4 CIDR block with a prefix of /1 or longer: SSH from the whole internet (/0) is refused at deploy.
      allowedPattern: '(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/([1-9]|[12]\\d|3[0-2])',
      constraintDescription: 'an IPv4 CIDR block such as 203.0.113.7/32 (not /0: SSH would be open to the internet)',
    });
    const keyPair = ec2.KeyPair.fromKeyPairName(this, 'KeyPair', this.node.tryGetContext('sshKeyName') ?? 'myeks-key');

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('192.168.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        // Two reserved /25s fill 192.168.0.0/24, so the public /24s land on 192.168.1.0/24 and 192.168.2.0/24
        // as in the workshop.
        { name: 'Reserved', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 25, reserved: true },
        // Nodes here get public IPs: with no NAT gateway, that is their way to ECR, EC2 and the public API endpoint.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: true },
      ],
    });
    // Not in the workshop: encrypted flow logs, as the compliance checks ask of every VPC.
    new VpcFlowLogs(this, 'FlowLogs', { vpc: this.vpc });

    this.eks = new PrivateEksCluster(this, 'Eks', {
      clusterName: 'myeks',
      version: eks.KubernetesVersion.of('1.24'),
      kubectlLayer: new KubectlV24Layer(this, 'KubectlLayer'),
      downgradeRules: { 'PEKS-VER-1': 'replays the 2024 workshop as written: synthesized, not deployed (EKS no longer creates 1.24)' },
      // A downgrade turns the deploy-time probe on by default; this replay is not deployed, so it stays as the workshop had it.
      preflight: false,
      vpc: this.vpc,
      nodeSubnets: { subnetGroupName: 'Public' },
      endpointAccess: eks.EndpointAccess.PUBLIC,
      // Nodes reach AWS over the internet gateway: the workshop had no endpoints, and nothing here needs one.
      createVpcEndpoints: false,
      defaultNodegroup: {
        nodegroupName: 'myeks-nodegroup',
        instanceTypes: [new ec2.InstanceType('t3.medium')],
        desiredSize: 2,
        diskSize: 30,
        sshKeyPair: keyPair,
      },
      bastionOptions: {
        access: BastionAccess.SSH,
        sshKeyPair: keyPair,
        sshAllowedCidrs: [sshCidr.valueAsString],
      },
    });

    // --external-dns-access: what eksctl attaches to the node role for ExternalDNS, as a managed policy of its own.
    const externalDns = new iam.ManagedPolicy(this.eks.nodeRole, 'ExternalDns', {
      roles: [this.eks.nodeRole],
      statements: [
        new iam.PolicyStatement({ actions: ['route53:ChangeResourceRecordSets'], resources: ['arn:aws:route53:::hostedzone/*'] }),
        new iam.PolicyStatement({ actions: ['route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'], resources: ['*'] }),
      ],
    });

    // The workshop's design choices, which the compliance checks report and this app accepts on purpose. They are
    // acknowledged here, in the app that makes the choice, not in the library.
    const publicNodes = 'The workshop runs nodes in public subnets with public IPs instead of paying for a NAT gateway; security groups admit nothing from the internet except SSH to the bastion.';
    Validations.of(this.vpc).acknowledge(
      { id: 'cdk-validator-cfnguard::subnet_auto_assign_public_ip_disabled_check', reason: publicNodes },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled', reason: publicNodes },
      { id: 'HIPAA.Security::HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled', reason: publicNodes },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', reason: publicNodes },
      { id: 'HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW', reason: publicNodes },
      { id: 'PCI.DSS.321::PCI.DSS.321-VPCSubnetAutoAssignPublicIpDisabled', reason: publicNodes },
      { id: 'PCI.DSS.321::PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', reason: publicNodes },
    );
    // A new app's flags turn on aws-cdk-lib's restrictDefaultSecurityGroup: a one-off custom resource removes the
    // default security group's rules. Its Lambda calls only the EC2 API, once per deploy, from outside the VPC.
    Validations.of(this.node.findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'aws-cdk-lib\'s restrictDefaultSecurityGroup handler revokes the VPC default security group\'s rules with one EC2 API call per deploy; it needs no VPC access and holds no data.',
    });
    const publicEndpoint = 'The workshop uses a PUBLIC endpoint so kubelet reaches it over the internet gateway; the study cluster is short-lived. Use PRIVATE (the library default) for real clusters.';
    Validations.of(this.eks.cluster).acknowledge(
      { id: 'cdk-validator-cfnguard::eks_endpoint_no_public_access_check', reason: publicEndpoint },
      { id: 'cdk-private-eks::PEKS-SEC-1', reason: publicEndpoint },
    );
    Annotations.of(this.eks).acknowledgeWarning('cdk-private-eks:publicEndpointOpenToInternet', publicEndpoint);
    const sshFromParameter = 'SSH ingress comes from the SgIngressSshCidr parameter (the operator\'s IP/32 in the workshop; its allowedPattern refuses /0); the rule cannot read a parameter and fails on it.';
    Validations.of(this.eks.bastion!.securityGroup).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-EC23', reason: sshFromParameter },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedSSH', reason: sshFromParameter },
      { id: 'HIPAA.Security::HIPAA.Security-EC2RestrictedSSH', reason: sshFromParameter },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedCommonPorts', reason: sshFromParameter },
      { id: 'HIPAA.Security::HIPAA.Security-EC2RestrictedCommonPorts', reason: sshFromParameter },
      { id: 'PCI.DSS.321::PCI.DSS.321-EC2RestrictedSSH', reason: sshFromParameter },
      { id: 'PCI.DSS.321::PCI.DSS.321-EC2RestrictedCommonPorts', reason: sshFromParameter },
      { id: 'NIST.800.53.R4::NIST.800.53.R4-EC2RestrictedSSH', reason: sshFromParameter },
      { id: 'NIST.800.53.R4::NIST.800.53.R4-EC2RestrictedCommonPorts', reason: sshFromParameter },
    );
    // The workshop's SSH bastion is its design (eksctl's workshop uses SSH); its shells are not logged.
    Validations.of(this.eks.bastion!).acknowledge({
      id: 'Annotation::cdk-private-eks:sshBastionUnlogged',
      reason: 'The workshop reaches its bastion over SSH from the operator\'s IP/32, as the eksctl workshop does; a short-lived study cluster with no production data.',
    });
    // On the policy this app wrote, not on the role: a grant added to the node role later is still reported.
    Validations.of(externalDns).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:route53:::hostedzone/*]',
        reason: 'ExternalDNS (eksctl --external-dns-access) changes records in the hosted zones it is configured for; eksctl grants the same.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'route53:ListHostedZones and the other list calls ExternalDNS makes take no resource ARN; eksctl grants the same.',
      },
    );
  }
}

export function build(app: App): Stack[] {
  return [new SeedWorkshopStack(app, 'SeedWorkshopEks', { env: { region: 'ap-northeast-2' } })];
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
