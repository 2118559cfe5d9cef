import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cluster, isolatedVpc } from './join-cases';
import { NodeEndpoints, PrivateEksCluster } from '../lib';
import { newStack, resourcesOfType } from './util';
import { Finding } from '../lib/join-analysis';
import { blockedNeed, NODE_POLICY_NEEDS } from '../lib/private/endpoint-policy';

const findingsOf = (c: PrivateEksCluster): Finding[] => (c as any)._joinFindings();

describe('endpoint policies', () => {
  test('the ECR endpoints admit only image pulls by this account\'s principals; the other endpoints keep full access', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
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

  test('restrictS3Policy admits the ECR layer bucket, the CDK asset buckets and CloudFormation responses, and the nodes still join', () => {
    const stack = newStack();
    const vpc = isolatedVpc(stack);
    new NodeEndpoints(stack, 'Endpoints', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, restrictS3Policy: true });
    const c = cluster(stack, { vpc, createVpcEndpoints: false, bastion: false });
    const [[, s3]] = resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Gateway');
    expect(s3.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(['EcrImageLayers', 'CdkAssets', 'CloudFormationCustomResourceResponses']);
    expect(JSON.stringify(s3.Properties.PolicyDocument)).toContain('-starport-layer-bucket/*');
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
    expect(f[0].message).toMatch(/the policy of the ecr.dkr endpoint Test\/Eks\/Endpoints\/EcrDkr blocks ecr:GetDownloadUrlForLayer on arn:aws:ecr:<region>:602401143452:repository\/eks\/pause: nodes cannot pull images/);
  });

  test('PEKS-JOIN-7 fails when the S3 gateway policy admits only the team\'s own bucket', () => {
    const stack = newStack();
    const c = cluster(stack, { bastion: false });
    c.endpoints!.s3GatewayEndpoint!.addToPolicy(new iam.PolicyStatement({
      principals: [new iam.AccountRootPrincipal()], actions: ['s3:*'], resources: ['arn:aws:s3:::team-bucket/*'],
    }));
    const f = findingsOf(c);
    expect(f.map(x => x.ruleId)).toEqual(['PEKS-JOIN-7']);
    expect(f[0].message).toMatch(/the S3 gateway endpoint's policy blocks s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket\/sha256\/layer \(Test\/Eks\/Endpoints\/S3\)/);
  });

  test('the evaluator: wildcards allow, a matching Deny blocks, conditions and specific principals are not judged', () => {
    const allow = (Action: any, Resource: any, extra = {}) => ({ Statement: [{ Effect: 'Allow', Principal: '*', Action, Resource, ...extra }] });
    expect(blockedNeed(undefined, NODE_POLICY_NEEDS['ecr.dkr'])).toBeUndefined();
    expect(blockedNeed(allow('ecr:*', '*'), NODE_POLICY_NEEDS['ecr.dkr'])).toBeUndefined();
    expect(blockedNeed(allow('ecr:Get*', '*'), NODE_POLICY_NEEDS['ecr.dkr'])).toMatch(/^ecr:BatchGetImage/);
    expect(blockedNeed(allow('s3:GetObject', { 'Fn::Join': ['', ['arn:aws:s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] }), NODE_POLICY_NEEDS.s3)).toBeUndefined();
    expect(blockedNeed(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '1' } } }), NODE_POLICY_NEEDS.s3)).toBeUndefined();
    expect(blockedNeed({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/x' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }] }, NODE_POLICY_NEEDS.s3)).toBeUndefined();
  });
});
