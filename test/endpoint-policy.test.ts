import { App, Aws, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cluster, isolatedVpc, tinyLayer } from './join-cases';
import { NodeEndpoints, PrivateEksCluster } from '../lib';
import { newStack, resourcesOfType } from './util';
import { Finding } from '../lib/check/join-analysis';
import { blockedNeed, substitutePseudoParameters } from '../lib/contracts/endpoint-policy';
import { AwsLocation, SAMPLE_LOCATIONS } from '../lib/core/aws-env';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();

describe('endpoint policies', () => {
  test('the ECR endpoints admit only image pulls by this account\'s principals; with restrictEndpointPolicies: false the other endpoints keep full access', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, restrictEndpointPolicies: false });
    const t = Template.fromStack(stack);
    const policies = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').map(([id, r]) => [id, r.Properties.PolicyDocument] as const);
    const ecr = policies.filter(([id]) => /EcrApi|EcrDkr/.test(id));
    expect(ecr).toHaveLength(2);
    for (const [, doc] of ecr) {
      expect(doc.Statement).toEqual([{
        Sid: 'ImagePullsOnly',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        Resource: '*',
      }]);
    }
    expect(policies.filter(([id]) => !/EcrApi|EcrDkr/.test(id)).every(([, doc]) => doc === undefined)).toBe(true);
    expect(findingsOf(c)).toEqual([]);
  });

  test('by default every endpoint whose service takes a policy admits only this account\'s principals (STS: web identity for this account\'s roles, eks included); eks-auth keeps full access', () => {
    // GIVEN the defaults, with IRSA (sts) and the kubectl handler (eks, lambda)
    const stack = newStack();
    const c = cluster(stack, { bastion: false, kubectlLayer: tinyLayer(stack), features: { irsa: true, podIdentity: true } });
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    const t = Template.fromStack(stack);
    const byService = Object.fromEntries(resourcesOfType(t, 'AWS::EC2::VPCEndpoint')
      .map(([, r]) => [JSON.stringify(r.Properties.ServiceName).replace(/.*\.([a-z0-9.-]+)"\]\]\}$/, '$1'), stack.resolve(r.Properties.PolicyDocument)]));
    const account = { Ref: 'AWS::AccountId' };
    for (const service of ['ec2', 'lambda', 'eks']) {
      expect(byService[service].Statement).toEqual([{ Sid: 'ThisAccountsPrincipals', Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': account } } }]);
    }
    expect(byService.sts.Statement[1]).toEqual({ Sid: 'WebIdentityToThisAccountsRoles', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRoleWithWebIdentity', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': account } } });
    // The EKS PrivateLink page is silent on eks-auth: no policy where support is not documented.
    expect(byService['eks-auth']).toBeUndefined();
    expect(byService.s3.Statement.map((st: any) => st.Sid)).toContain('ThisAccountsBucketsByThisAccountsPrincipals');
    // THEN the checks agree: every client still reaches what it needs
    expect(findingsOf(c)).toEqual([]);
  });

  test('NodeEndpoints used on its own gets the same scoped policies by default', () => {
    const stack = newStack();
    const endpoints = new NodeEndpoints(stack, 'Endpoints', { vpc: isolatedVpc(stack), subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    endpoints.addInterfaceEndpoint('eks');
    endpoints.addInterfaceEndpoint('eks-auth');
    const t = Template.fromStack(stack);
    const byService = Object.fromEntries(resourcesOfType(t, 'AWS::EC2::VPCEndpoint')
      .map(([, r]) => [JSON.stringify(r.Properties.ServiceName).replace(/.*\.([a-z0-9.-]+)"\]\]\}$/, '$1'), stack.resolve(r.Properties.PolicyDocument)]));
    expect(byService.ec2.Statement[0].Sid).toBe('ThisAccountsPrincipals');
    expect(byService.eks.Statement[0].Sid).toBe('ThisAccountsPrincipals');
    expect(byService['eks-auth']).toBeUndefined();
    expect(byService.s3.Statement.map((st: any) => st.Sid)).toContain('CdkAssets');
    // The CDK asset statement admits this account's buckets only: the name pattern is no proof of ownership.
    expect(byService.s3.Statement.find((st: any) => st.Sid === 'CdkAssets').Condition).toEqual({ StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  test('restrictS3Policy admits the ECR layer bucket, the CDK asset buckets and CloudFormation responses, and the nodes still join', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, restrictS3Policy: true });
    const c = cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
    const [[, s3]] = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    expect(s3.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(['EcrImageLayers', 'CdkAssets', 'ThisAccountsBucketsByThisAccountsPrincipals', 'CloudFormationCustomResourceResponses']);
    expect(JSON.stringify(s3.Properties.PolicyDocument)).toContain('-starport-layer-bucket/*');
    expect(findingsOf(c)).toEqual([]);
  });

  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html ("region names don't
  // contain dashes. For example, uswest2") and the ECR guide's minimum S3 policy (Principal "*").
  test.each([
    ['us-east-1', 'aws', 'useast1'],
    ['eu-west-2', 'aws', 'euwest2'],
    ['ap-southeast-3', 'aws', 'apsoutheast3'],
    ['cn-north-1', 'aws-cn', 'cnnorth1'],
    ['us-gov-west-1', 'aws-us-gov', 'usgovwest1'],
  ])('restrictS3Policy in %s names the %s buckets of that region, and the nodes, bastion and kubectl handler pass', (region, partition, noDash) => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region } });
    const vpc = isolatedVpc(stack);
    new NodeEndpoints(stack, 'Endpoints', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      restrictS3Policy: true,
      services: ['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages', 'eks', 'lambda'],
    });
    const c = cluster(stack, { vpc, createVpcEndpoints: false, kubectlLayer: tinyLayer(stack), existingEndpointServices: ['ec2messages'] });
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    const [[, s3]] = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    const doc = stack.resolve(s3.Properties.PolicyDocument);
    const bySid = Object.fromEntries(doc.Statement.map((st: any) => [st.Sid, st]));
    expect(bySid.EcrImageLayers).toMatchObject({ Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:${partition}:s3:::prod-${region}-starport-layer-bucket/*` });
    expect(bySid.CloudFormationCustomResourceResponses).toMatchObject({
      Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: `arn:${partition}:s3:::cloudformation-custom-resource-response-${noDash}/*`,
    });
    expect(bySid.CdkAssets.Resource).toBe(`arn:${partition}:s3:::cdk-*-assets-123456789012-${region}/*`);
    expect(findingsOf(c).filter(f => f.severity === 'error')).toEqual([]);
  });

  test('restrictS3Policy in an environment-agnostic stack joins the region without dashes with Fn::Split', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, restrictS3Policy: true });
    const [[, s3]] = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    const cfn = s3.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'CloudFormationCustomResourceResponses');
    expect(JSON.stringify(cfn.Resource)).toContain('{"Fn::Split":["-",{"Ref":"AWS::Region"}]}');
    for (const l of SAMPLE_LOCATIONS) {
      const r = substitutePseudoParameters(cfn.Resource, l);
      expect(r).toBe(`arn:${l.partition}:s3:::cloudformation-custom-resource-response-${l.region.replace(/-/g, '')}/*`);
    }
  });

  test('PEKS-KUBECTL-1 fails when the S3 gateway admits CloudFormation responses only in a bucket named with dashes (the old pattern)', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
    const c = cluster(stack, { restrictEndpointPolicies: false, bastion: false, kubectlLayer: tinyLayer(stack) });
    c.addManifest('Ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::prod-eu-west-2-starport-layer-bucket/*'],
    }));
    c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()], actions: ['s3:PutObject'], resources: ['arn:aws:s3:::cloudformation-custom-resource-response-eu-west-2*/*'],
    }));
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-KUBECTL-1']);
    expect(f[0].message).toMatch(/kubectl function Test\/Eks\/KubectlProvider\/Provider.*the S3 gateway endpoint's policy blocks s3:PutObject on arn:aws:s3:::cloudformation-custom-resource-response-euwest2\/.* \(Test\/Eks\/Endpoints\/S3\) \(the CloudFormation response\)/);
    expect(f[0].fix).toMatch(/region without dashes/);
  });

  test('PEKS-JOIN-7 fails when the ECR layer bucket is admitted only to this account (ECR presigns the layer URLs)', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-2' } });
    const c = cluster(stack, { bastion: false, restrictEndpointPolicies: false });
    c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::prod-eu-west-2-starport-layer-bucket/*'],
    }));
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-7']);
    expect(f[0].message).toMatch(/blocks s3:GetObject on arn:aws:s3:::prod-eu-west-2-starport-layer-bucket\/sha256\/layer/);
    expect(f[0].fix).toMatch(/Principal "\*"/);
  });

  test('a policy naming its region literally is not an error in an environment-agnostic stack, and is in another concrete region', () => {
    const literalPolicy = (stack: Stack, c: PrivateEksCluster) => {
      c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::prod-eu-west-2-starport-layer-bucket/*'],
      }));
      return stack;
    };
    const agnostic = newStack();
    const a = cluster(agnostic, { restrictEndpointPolicies: false, bastion: false });
    literalPolicy(agnostic, a);
    expect(findingsOf(a)).toEqual([]);
    const app = new App();
    const tokyo = new Stack(app, 'Test', { env: { account: '123456789012', region: 'ap-northeast-1' } });
    const t = cluster(tokyo, { restrictEndpointPolicies: false, bastion: false });
    literalPolicy(tokyo, t);
    expect(findingsOf(t).map(x => x.ruleId)).toEqual(['PEKS-JOIN-7']);
  });

  test.each(['eu-central-2', 'cn-northwest-1', 'us-gov-east-1', 'sa-east-1'])('the pull-only ECR policies pass the check in %s', region => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region } });
    const c = cluster(stack, { bastion: false });
    expect(findingsOf(c)).toEqual([]);
  });

  test('PEKS-JOIN-7 fails when a statement added to the ecr.dkr policy denies layer downloads', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    c.endpoints!.interfaceEndpoint('ecr.dkr')!.addToPolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['ecr:GetDownloadUrlForLayer'], resources: ['*'],
    }));
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-7']);
    expect(f[0].message).toMatch(/the policy of the ecr.dkr endpoint Test\/Eks\/Endpoints\/EcrDkr blocks ecr:GetDownloadUrlForLayer on arn:<partition>:ecr:<region>:602401143452:repository\/eks\/pause: nodes cannot pull images/);
  });

  test('PEKS-JOIN-7 fails when the S3 gateway policy admits only the team\'s own bucket', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false, restrictEndpointPolicies: false });
    c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AccountRootPrincipal()], actions: ['s3:*'], resources: ['arn:aws:s3:::team-bucket/*'],
    }));
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-7']);
    expect(f[0].message).toMatch(/the S3 gateway endpoint's policy blocks s3:GetObject on arn:<partition>:s3:::prod-<region>-starport-layer-bucket\/sha256\/layer \(Test\/Eks\/Endpoints\/S3\)/);
  });

  test('the evaluator: wildcards allow, a matching Deny blocks, conditions and specific principals are not judged', () => {
    const allow = (Action: any, Resource: any, extra = {}) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action, Resource, ...extra }] });
    const here: AwsLocation = { region: 'eu-west-2', partition: 'aws', account: '123456789012', urlSuffix: 'amazonaws.com', regionKnown: true };
    expect(blockedNeed(undefined, 'ecr.dkr', here)).toBeUndefined();
    expect(blockedNeed(allow('ecr:*', '*'), 'ecr.dkr', here)).toBeUndefined();
    expect(blockedNeed(allow('ecr:Get*', '*'), 'ecr.dkr', here)).toBe('ecr:BatchGetImage on arn:aws:ecr:eu-west-2:602401143452:repository/eks/pause');
    expect(blockedNeed(allow('s3:GetObject', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] }), 'ecr-layers', here)).toBeUndefined();
    expect(blockedNeed(allow('s3:GetObject', 'arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*'), 'ecr-layers', here)).toMatch(/prod-eu-west-2-starport/);
    expect(blockedNeed(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '1' } } }), 'ecr-layers', here)).toBeUndefined();
    expect(blockedNeed({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }] }, 'ecr-layers', here)).toBeUndefined();
    // The add-on image account of the region: af-south-1 has its own.
    const capeTown = { ...here, region: 'af-south-1' };
    expect(blockedNeed(allow('ecr:*', 'arn:aws:ecr:af-south-1:602401143452:repository/*'), 'ecr.dkr', capeTown)).toMatch(/877085696533/);
    expect(blockedNeed(allow('ecr:*', 'arn:aws:ecr:af-south-1:877085696533:repository/*'), 'ecr.dkr', capeTown)).toBeUndefined();
  });

  test('the evaluator, environment-agnostic: pseudo parameters match every sample location, literals of one region are not judged', () => {
    const agnostic: AwsLocation = { region: '${Token[AWS.Region.1]}', partition: '${Token[AWS.Partition.2]}', account: '${Token[AWS.AccountId.3]}', urlSuffix: 'x', regionKnown: false };
    const pol = (Resource: any, Principal: any = '*') => ({ Statement: [{ Effect: 'Allow', Principal, Action: 's3:GetObject', Resource }] });
    const tokenArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] };
    expect(blockedNeed(pol(tokenArn), 'ecr-layers', agnostic)).toBeUndefined();
    expect(blockedNeed(pol('arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*'), 'ecr-layers', agnostic)).toBeUndefined();
    expect(blockedNeed(pol('arn:aws:s3:::team-bucket/*'), 'ecr-layers', agnostic)).toBe('s3:GetObject on arn:<partition>:s3:::prod-<region>-starport-layer-bucket/sha256/layer');
    const account = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
    expect(blockedNeed(pol(tokenArn, account), 'ecr-layers', agnostic)).toMatch(/^s3:GetObject/);
    expect(blockedNeed(pol('*', account), 'cdk-asset', agnostic)).toBeUndefined();
  });
});

describe('the CDK asset bucket follows the stack\'s synthesizer', () => {
  test('a custom bootstrap qualifier: a policy admitting that qualifier\'s bucket is no false error, another bucket still fails', () => {
    const build = (bucket: string) => {
      const app = new App();
      const stack = new Stack(app, 'Test', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'myqual' }) });
      const c = cluster(stack, { restrictEndpointPolicies: false, kubectlLayer: tinyLayer(stack) });
      c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: [`arn:aws:s3:::prod-${Aws.REGION}-starport-layer-bucket/*`],
      }));
      c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
        principals: [new iam.AccountRootPrincipal()], actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${bucket}/*`],
      }));
      return findingsOf(c).map(f => f.ruleId);
    };
    expect(build(`cdk-myqual-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`)).toEqual([]);
    expect(build(`cdk-hnb659fds-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`)).toEqual(['PEKS-BASTION-1']);
  });
});
