import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { cluster, tinyLayer } from './join-cases';
import { quietly, resourcesOfType, USER_APP_CONTEXT } from './util';
import { ArgoCdCapabilityOptions, ArgoCdRole, IdentityCenterIdentityType, PrivateEksCluster } from '../lib';
import { ARGOCD_RULES, argoCdFindings, ArgoCdFacts } from '../lib/capabilities/argocd-rules';

// The managed Argo CD capability on a private cluster: one synthesized stack for the assertions, constructed-only
// stacks (no synth) for the neighbours, and the pure rule for the reachability check.

const ENV = { account: '111122223333', region: 'us-east-1' };
const IDC = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const ECR_REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/charts/app';
const CODECOMMIT = 'arn:aws:codecommit:us-east-1:111122223333:gitops';
const CONNECTION = 'arn:aws:codeconnections:us-east-1:111122223333:connection/0123abcd-0000-1111-2222-333344445555';

function options(over: Partial<ArgoCdCapabilityOptions> = {}): ArgoCdCapabilityOptions {
  return {
    identityCenter: {
      instanceArn: IDC,
      roleMappings: [{ role: ArgoCdRole.ADMIN, identities: [{ id: 'g-platform', type: IdentityCenterIdentityType.GROUP }] },
        { role: ArgoCdRole.VIEWER, identities: [{ id: 'u-alice', type: IdentityCenterIdentityType.USER }] }],
    },
    uiAccess: { allowedCidrs: ['10.50.0.0/16'] },
    kubernetesAccess: { namespaces: ['apps', 'team-a'] },
    repositories: { ecrRepositoryArns: [ECR_REPO], codeCommitRepositoryArns: [CODECOMMIT], codeConnectionArns: [CONNECTION] },
    ...over,
  };
}

/** A cluster with the capability, constructed only (no synth). */
function built(over: Partial<ArgoCdCapabilityOptions> = {}): { stack: Stack; eks: PrivateEksCluster } {
  const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
  const eks = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
  eks.addArgoCd(options(over));
  return { stack, eks };
}

let t: Template;
let outdir: string;
let argoPath: string;
let synthError: string | undefined;
let annotations: Annotations;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-argo-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  const stack = new Stack(app, 'Argo', { env: ENV });
  const eks = cluster(stack, { kubectlLayer: tinyLayer(stack) });
  argoPath = eks.addArgoCd(options()).node.path;
  try {
    quietly(() => app.synth());
  } catch (e) {
    synthError = (e as Error).message;
  }
  t = Template.fromStack(stack);
  annotations = Annotations.fromStack(stack);
});

describe('the capability with private UI access (the passing set-up)', () => {
  test('synthesizes and passes every check of the cluster', () => {
    expect(synthError).toBeUndefined();
  });

  test('is an ARGOCD capability with Identity Center, its role mappings, RETAIN and the UI endpoint as its only network access', () => {
    const [[endpointId]] = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('eks-capabilities'));
    t.hasResourceProperties('AWS::EKS::Capability', {
      Type: 'ARGOCD',
      CapabilityName: 'argocd',
      DeletePropagationPolicy: 'RETAIN',
      Configuration: {
        ArgoCd: {
          Namespace: 'argocd',
          AwsIdc: { IdcInstanceArn: IDC, IdcRegion: 'us-east-1' },
          RbacRoleMappings: [
            { Role: 'ADMIN', Identities: [{ Id: 'g-platform', Type: 'SSO_GROUP' }] },
            { Role: 'VIEWER', Identities: [{ Id: 'u-alice', Type: 'SSO_USER' }] },
          ],
          NetworkAccess: { VpceIds: [{ Ref: endpointId }] },
        },
      },
    });
  });

  test('the eks-capabilities endpoint takes no policy and its security group admits only the CIDR named, on 443', () => {
    const endpoints = resourcesOfType(t, 'AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('eks-capabilities'));
    expect(endpoints).toHaveLength(1);
    const [, endpoint] = endpoints[0];
    expect(endpoint.Properties.PolicyDocument).toBeUndefined();
    expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    const [sgRef] = endpoint.Properties.SecurityGroupIds;
    const sgId = sgRef['Fn::GetAtt'][0];
    const ingress = resourcesOfType(t, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === sgId);
    expect(ingress.map(([, r]) => [r.Properties.CidrIp, r.Properties.FromPort, r.Properties.ToPort])).toEqual([['10.50.0.0/16', 443, 443]]);
    // No egress: the endpoint answers, it never opens a connection.
    const egress = resourcesOfType(t, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === sgId);
    expect(egress.map(([, r]) => r.Properties.CidrIp)).toEqual(['255.255.255.255/32']);
  });

  test('the capability role trusts capabilities.eks.amazonaws.com and reads only the repositories named', () => {
    const roles = resourcesOfType(t, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('capabilities.eks.amazonaws.com'));
    expect(roles).toHaveLength(1);
    const [, role] = roles[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow', Principal: { Service: 'capabilities.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
    }]);
    expect(JSON.stringify(role)).not.toMatch(/AdministratorAccess|PowerUserAccess/);
    expect(role.Properties.Policies).toBeUndefined();
    const attached = JSON.stringify(role.Properties.ManagedPolicyArns ?? []);
    const policies = resourcesOfType(t, 'AWS::IAM::ManagedPolicy').filter(([id]) => attached.includes(`"${id}"`));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'CodeCommitPull', Effect: 'Allow', Action: 'codecommit:GitPull', Resource: CODECOMMIT },
      { Sid: 'UseConnections', Effect: 'Allow', Action: 'codeconnections:UseConnection', Resource: CONNECTION },
      { Sid: 'EcrPull', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: ECR_REPO },
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
  });

  test('Kubernetes access: AmazonEKSAdminPolicy on the namespaces named, associated after the capability exists', () => {
    const [[id, association]] = resourcesOfType(t, 'Custom::PrivateEksCapabilityAccessPolicy');
    const create = JSON.stringify(association.Properties.Create);
    expect(create).toContain('associateAccessPolicy');
    expect(create).toContain('cluster-access-policy/AmazonEKSAdminPolicy');
    expect(create).toContain('\\"accessScope\\":{\\"type\\":\\"namespace\\",\\"namespaces\\":[\\"apps\\",\\"team-a\\"]}');
    expect(create).not.toContain('AmazonEKSClusterAdminPolicy');
    expect(JSON.stringify(association.Properties.Delete)).toContain('disassociateAccessPolicy');
    const [[capabilityId]] = resourcesOfType(t, 'AWS::EKS::Capability');
    expect(t.toJSON().Resources[id].DependsOn).toEqual(expect.arrayContaining([capabilityId]));
    // The function may associate and disassociate on the capability role's entry only.
    const grant = resourcesOfType(t, 'AWS::IAM::ManagedPolicy').find(([, p]) => JSON.stringify(p).includes('eks:AssociateAccessPolicy'))!;
    expect(grant[1].Properties.PolicyDocument.Statement).toHaveLength(1);
    expect(JSON.stringify(grant[1].Properties.PolicyDocument.Statement[0].Resource)).toMatch(/access-entry\/.*\/role\/111122223333\/.*\/\*"/);
  });

  test('registers the local cluster by its ARN, watching the namespaces named only, after the capability', () => {
    const manifests = resourcesOfType(t, 'Custom::AWSCDK-EKS-KubernetesResource').filter(([, r]) => JSON.stringify(r.Properties.Manifest).includes('argocd.argoproj.io/secret-type'));
    expect(manifests).toHaveLength(1);
    const text = JSON.stringify(manifests[0][1].Properties.Manifest);
    expect(text).toContain('in-cluster');
    expect(text).toMatch(/namespaces\\+":\\+"apps,team-a\\+",\\+"clusterResources\\+":\\+"false/);
    expect(text).toMatch(/Fn::GetAtt.*Arn/);
    const [[capabilityId]] = resourcesOfType(t, 'AWS::EKS::Capability');
    expect(t.toJSON().Resources[manifests[0][0]].DependsOn).toEqual(expect.arrayContaining([capabilityId]));
  });

  test('says what is outside the synth checks: what Argo CD deploys later, with the cache and its warm-up', () => {
    annotations.hasInfo(`/${argoPath}`, Match.stringLikeRegexp('not in this template.*PEKS-IMG.*addPullThroughCache.*warmImages'));
  });

  test('the plan counts and draws the UI endpoint', () => {
    const base = 'private-eks-report.Argo-Eks';
    const report = fs.readFileSync(path.join(outdir, `${base}.json`), 'utf8');
    const dot = fs.readFileSync(path.join(outdir, `${base}.dot`), 'utf8');
    const json = JSON.parse(report);
    const entry = json.endpoints.find((e: any) => e.service === 'eks-capabilities');
    expect(entry).toEqual(expect.objectContaining({ type: 'Interface', azs: 2, usedBy: ['people: the managed Argo CD UI and API (EKS Capabilities)'] }));
    // Priced per AZ-hour with the other interface endpoints (rates and their source in lib/plan/network-costs.ts).
    const interfaceAzs = json.endpoints.filter((e: any) => e.type === 'Interface').reduce((n: number, e: any) => n + e.azs, 0);
    expect(json.cost.thisDesign.lines[0]).toEqual(expect.objectContaining({ item: 'interface endpoint x AZ', count: interfaceAzs }));
    expect(json.cost.source).toMatch(/privatelink\/pricing/);
    expect(dot).toContain('eks-capabilities');
  });
});

describe('neighbours', () => {
  test('fails when no endpoint is given for the UI (it would be public)', () => {
    expect(() => built({ uiAccess: {} })).toThrow(/Eks\/ArgoCd\] uiAccess names no CIDR block and no endpoint.*public internet.*Fix: give uiAccess.allowedCidrs/);
  });

  test('passes with a hub\'s endpoint ID instead, and creates no endpoint here', () => {
    const { stack } = built({ uiAccess: { vpcEndpointIds: ['vpce-0123456789abcdef0'] } });
    const t2 = Template.fromStack(stack);
    t2.hasResourceProperties('AWS::EKS::Capability', { Configuration: { ArgoCd: { NetworkAccess: { VpceIds: ['vpce-0123456789abcdef0'] } } } });
    expect(JSON.stringify(t2.toJSON())).not.toContain('eks-capabilities');
  });

  test('passes on the public endpoint only with a reason, reported as PEKS-ARGO-5', () => {
    const { stack } = built({ uiAccess: { publicReason: 'a lab account with no VPN yet' } });
    Annotations.fromStack(stack).hasWarning('/S/Eks/ArgoCd', Match.stringLikeRegexp('PEKS-ARGO-5.*public endpoint.*a lab account with no VPN yet'));
  });

  test('fails when the endpoint\'s security group does not admit a UI CIDR on 443 (PEKS-ARGO-2)', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
    const eks = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    const sg = new ec2.SecurityGroup(stack, 'UiSg', { vpc: eks.vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.ipv4('10.50.0.0/24'), ec2.Port.tcp(443));
    const argo = eks.addArgoCd(options({ uiAccess: { allowedCidrs: ['10.50.0.0/16'], securityGroups: [sg] } }));
    expect(argo._findings().map(f => `${f.ruleId}: ${f.message}`)).toEqual([expect.stringMatching(/^PEKS-ARGO-2: .*does not admit 10\.50\.0\.0\/16 on TCP 443 \(its security groups admit 10\.50\.0\.0\/24\)/)]);
  });

  test('passes when that security group admits a block holding the UI CIDR on 443', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
    const eks = cluster(stack, { kubectlLayer: tinyLayer(stack), bastion: false });
    const sg = new ec2.SecurityGroup(stack, 'UiSg', { vpc: eks.vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(443));
    const argo = eks.addArgoCd(options({ uiAccess: { allowedCidrs: ['10.50.0.0/16'], securityGroups: [sg] } }));
    expect(argo._findings()).toEqual([]);
  });

  test('fails when Kubernetes access names no namespace and gives no admin reason', () => {
    expect(() => built({ kubernetesAccess: {} })).toThrow(/kubernetesAccess names no namespace.*Fix: name the namespaces/);
  });

  test('fails when cluster admin is asked without saying why', () => {
    expect(() => built({ kubernetesAccess: { clusterAdminReason: '' } })).toThrow(/clusterAdminReason "" says nothing/);
  });

  test('cluster admin with a reason: AmazonEKSClusterAdminPolicy on the cluster, reported as PEKS-ARGO-4, all resources watched', () => {
    const { stack } = built({ kubernetesAccess: { clusterAdminReason: 'installs CRDs of the platform operators' } });
    const t2 = Template.fromStack(stack);
    const [[, association]] = resourcesOfType(t2, 'Custom::PrivateEksCapabilityAccessPolicy');
    expect(JSON.stringify(association.Properties.Create)).toContain('AmazonEKSClusterAdminPolicy');
    expect(JSON.stringify(association.Properties.Create)).toContain('\\"accessScope\\":{\\"type\\":\\"cluster\\"}');
    Annotations.fromStack(stack).hasWarning('/S/Eks/ArgoCd', Match.stringLikeRegexp('PEKS-ARGO-4.*cluster admin.*installs CRDs'));
  });

  test('fails on a repository wildcard', () => {
    expect(() => built({ repositories: { ecrRepositoryArns: ['arn:aws:ecr:us-east-1:111122223333:repository/*'] } })).toThrow(/not the ARN of one repository/);
  });

  test('no repository named: the role has no policy at all', () => {
    const { stack } = built({ repositories: {} });
    const t2 = Template.fromStack(stack);
    const [[, role]] = resourcesOfType(t2, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('capabilities.eks.amazonaws.com'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('addArgoCd needs the kubectl layer (the local cluster is registered through it)', () => {
    const stack = new Stack(new App({ context: USER_APP_CONTEXT }), 'S', { env: ENV });
    const eks = cluster(stack, { bastion: false });
    expect(() => eks.addArgoCd(options())).toThrow(/addArgoCd needs kubectl/);
  });
});

describe('the reachability rule (pure)', () => {
  const facts: ArgoCdFacts = {
    path: 'S/Eks/ArgoCd',
    allowedCidrs: ['10.50.0.0/16', '192.168.10.0/24'],
    endpointCreated: true,
    endpointIds: [],
    ingress443: ['10.50.0.0/16', '192.168.0.0/16'],
    securityGroupsKnown: true,
  };

  test('passes when every CIDR is inside an admitted block', () => {
    expect(argoCdFindings(facts)).toEqual([]);
  });

  test('fails for the CIDR not admitted, naming it', () => {
    expect(argoCdFindings({ ...facts, ingress443: ['10.50.0.0/16'] })).toEqual([expect.objectContaining({ ruleId: 'PEKS-ARGO-2', message: expect.stringMatching(/does not admit 192\.168\.10\.0\/24/) })]);
  });

  test('fails when no endpoint at all and no reason to stay public (PEKS-ARGO-1)', () => {
    expect(argoCdFindings({ ...facts, endpointCreated: false, ingress443: [] }).map(f => f.ruleId)).toEqual(['PEKS-ARGO-1']);
  });

  test('imported security groups cannot be proven (PEKS-ARGO-3)', () => {
    expect(argoCdFindings({ ...facts, securityGroupsKnown: false }).map(f => f.ruleId)).toEqual(['PEKS-ARGO-3']);
  });

  test('the rule list is pinned', () => {
    expect(ARGOCD_RULES.map(r => r.id)).toEqual(['PEKS-ARGO-1', 'PEKS-ARGO-2', 'PEKS-ARGO-3', 'PEKS-ARGO-4', 'PEKS-ARGO-5']);
  });
});
