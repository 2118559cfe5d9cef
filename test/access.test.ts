/**
 * Reaching a private API (lib/access): the example with a relay and a CI runner synthesizes and passes every check;
 * the relay's port forward cannot reach another host or port (document and grants, at synth, and simulated against
 * the calls `aws ssm start-session` and `aws eks update-kubeconfig` make); the runner is a client the check proves
 * (its endpoints, its access entry).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R4Checks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { clusterFixture, quietly, USER_APP_CONTEXT } from './util';
import { build as buildAccessAndCi } from '../examples/access-and-ci/app';
import { ApiAccessPolicy, ApiRelay, PrivateCiRunner, PrivateEksChecks, PrivateEksCluster } from '../lib';

/**
 * Synthesizes an app with the library's pack (the join analysis runs at synth as well); the findings, and any error.
 * The cdk-nag packs and cfn-guard run over every example in test/compliance.test.ts (about 40 s more here), where this
 * example belongs in EXAMPLES; set PEKS_ACCESS_ALL_TOOLS=1 to run them here too.
 */
function synthWithTools(build: (app: App) => unknown): { threw?: string; findings: string[]; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'peks-access-'));
  const app = new App({ outdir, context: USER_APP_CONTEXT });
  build(app);
  const tools = process.env.PEKS_ACCESS_ALL_TOOLS === '1'
    ? [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app),
      new NIST80053R4Checks(app), new CfnGuardValidator({ controlTowerRulesEnabled: true })]
    : [];
  Validations.of(app).addPlugins(...tools, new PrivateEksChecks());
  let threw: string | undefined;
  try {
    quietly(() => app.synth());
  } catch (e) {
    threw = (e as Error).message;
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  const findings = report.pluginReports.flatMap((p: any) => p.violations.flatMap((v: any) => (v.violatingConstructs ?? v.violatingResources ?? [])
    .filter((c: any) => c.constructPath || c.resourceLogicalId)
    .map((c: any) => `${p.pluginName}: ${v.ruleName} ${c.constructPath ?? c.resourceLogicalId}`)));
  return { threw, findings, outdir };
}

describe('the access-and-ci example', () => {
  let result: ReturnType<typeof synthWithTools>;
  beforeAll(() => { result = synthWithTools(buildAccessAndCi); });

  test('synthesizes and passes every check: the join analysis and the PrivateEksChecks pack (and the compliance tools with PEKS_ACCESS_ALL_TOOLS=1)', () => {
    expect(result.threw).toBeUndefined();
    expect(result.findings).toEqual([]);
  });

  test('the plan draws a path per client: the relay and the runner, what each reaches and through which endpoint', () => {
    const report = fs.readFileSync(path.join(result.outdir, 'private-eks-report.AccessAndCiEks-Eks.md'), 'utf8');
    expect(report).toContain('| access AccessAndCiEks/ApiRelay | ssm (Session Manager (the agent registers the relay)), ssmmessages (Session Manager (the port-forwarding channel)) | PrivateSubnet1 | interface-endpoint: Endpoints/Ssm, Endpoints/Ssmmessages |');
    expect(report).toMatch(/\| access AccessAndCiEks\/CiRunner \| API server \| .* \| private-endpoint: .*443 admitted by the cluster security group \|/);
    // The eks endpoint is there for the runner only: the plan's endpoint table (and its cost) names it as the user.
    expect(report).toMatch(/\| eks \| Interface \| 2 \| AccessAndCiEks\/CiRunner \|/);
    const dot = fs.readFileSync(path.join(result.outdir, 'private-eks-report.AccessAndCiEks-Eks.dot'), 'utf8');
    expect(dot).toMatch(/client_AccessAndCiEks_CiRunner -> eni \[label="443 API"\]/);
    expect(dot).toMatch(/client_AccessAndCiEks_ApiRelay -> ep_AccessAndCiEks_Eks_Endpoints_Ssmmessages/);
  });
});

const ACCOUNT = '123456789012';
const REGION = 'eu-west-2';
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_Platform_0123456789abcdef`;

/** A cluster of aws-eks-v2 in an isolated VPC (test/util's fixture) in a concrete environment, with a relay. */
function relayStack(configure?: (stack: Stack, relay: ApiRelay) => void): { stack: Stack; relay: ApiRelay; app: App } {
  const app = new App();
  const stack = new Stack(app, 'Access', { env: { account: ACCOUNT, region: REGION } });
  const { cluster } = clusterFixture(stack);
  const relay = new ApiRelay(stack, 'ApiRelay', { cluster });
  configure?.(stack, relay);
  return { stack, relay, app };
}

/** The managed policies attached to a role, as the template writes them. */
function policiesOf(template: Template, stack: Stack, role: iam.Role): any[] {
  const cfn = template.toJSON().Resources[stack.getLogicalId(role.node.defaultChild as any)];
  const ids = (cfn.Properties.ManagedPolicyArns ?? []).map((r: any) => r.Ref).filter(Boolean);
  return ids.map((id: string) => template.toJSON().Resources[id]);
}

/** The error synth reports (validations run at synth), or undefined. */
function synthError(app: App): string | undefined {
  try {
    quietly(() => app.synth());
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Resolves the intrinsics of one template to concrete values: Ref of a resource is its logical ID. */
function resolver(template: any) {
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
  const resolve = (v: any): any => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v === null || typeof v !== 'object') return v;
    if ('Ref' in v) return pseudo[v.Ref] ?? (template.Resources[v.Ref]?.Type === 'AWS::EC2::Instance' ? `i-${'0'.repeat(9)}${v.Ref.length.toString(16).padStart(8, '0')}` : v.Ref);
    if ('Fn::Join' in v) return resolve(v['Fn::Join'][1]).join(v['Fn::Join'][0]);
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'];
      if (template.Resources[id]?.Type === 'AWS::EKS::Cluster' && attr === 'Arn') return `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${id}`;
      if (template.Resources[id]?.Type === 'AWS::CodeBuild::Project' && attr === 'Arn') return `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${id}`;
      return `${id}.${attr}`;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  return resolve;
}

describe('ApiRelay', () => {
  const { stack, relay } = relayStack(s => {
    const relayOf = s.node.findChild('ApiRelay') as ApiRelay;
    relayOf.portForwardPolicy('TunnelPolicy', 'private-eks-api-tunnel');
    relayOf.addUser('Platform', { principalArn: SSO_ROLE, accessPolicy: ApiAccessPolicy.EDIT, namespaces: ['apps'] });
  });
  const template = Template.fromStack(stack);
  const resolve = resolver(template.toJSON());

  test('forwards to the API endpoint\'s hostname on 443 only: host and port are fixed, only the local port is a parameter', () => {
    const [doc] = Object.values(template.findResources('AWS::SSM::Document')) as any[];
    expect(doc.Properties.DocumentType).toBe('Session');
    const content = doc.Properties.Content;
    expect(content.sessionType).toBe('Port');
    expect(Object.keys(content.parameters)).toEqual(['localPortNumber']);
    expect(content.properties).toEqual({
      type: 'LocalPortForwarding',
      host: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Endpoint'] }] }] },
      portNumber: '443',
      localPortNumber: '{{ localPortNumber }}',
    });
  });

  test('has no inbound rule, no public address, IMDSv2, and a role with Session Manager only (no EKS permission, no access entry)', () => {
    const sg = template.toJSON().Resources[stack.getLogicalId(relay.securityGroup.node.defaultChild as any)];
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    const instance = (relay.instance.node.defaultChild as any);
    expect(stack.resolve(instance.networkInterfaces)[0].associatePublicIpAddress).toBe(false);
    template.hasResourceProperties('AWS::EC2::Instance', { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } });
    const policies = policiesOf(template, stack, relay.role);
    expect(policies.flatMap(p => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [].concat(st.Action)))).toEqual([
      'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
    ]);
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(entries.map(e => e.Properties.PrincipalArn)).toEqual([SSO_ROLE]);
  });

  test('a person\'s access entry has the policy and scope chosen for them', () => {
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(resolve(entries.map(e => e.Properties))).toEqual([{
      ClusterName: expect.stringMatching(/^Cluster/),
      PrincipalArn: SSO_ROLE,
      AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', AccessScope: { Type: 'namespace', Namespaces: ['apps'] } }],
    }]);
  });

  test('prints the tunnel and kubeconfig commands as outputs', () => {
    const outputs = template.toJSON().Outputs;
    const values = Object.entries(outputs).map(([k, o]: [string, any]) => [k.replace(/[0-9A-F]{8}$/, ''), JSON.stringify(o.Value)]);
    expect(values.map(([k]) => k).sort()).toEqual(['ApiRelayKubeconfigCommand', 'ApiRelayTunnelCommand']);
    expect(values.find(([k]) => k === 'ApiRelayTunnelCommand')![1]).toMatch(/aws ssm start-session --region eu-west-2 --target .*--document-name .*--parameters localPortNumber=8443/);
  });

  describe('the tunnel grant, simulated against the calls the AWS CLI makes', () => {
    // `aws ssm start-session --target <relay> --document-name <doc>` calls ssm:StartSession, authorized on the instance
    // and on the document; with a document named, Session Manager checks the caller's access to it and the request
    // carries ssm:SessionDocumentAccessCheck true; without one (the default shell, SSM-SessionManagerRunShell) the
    // document check is skipped unless a statement requires it (getting-started-specify-session-document.html, read
    // 2026-12-07: "explicit access to a session document must be granted"). `aws eks update-kubeconfig` and the
    // kubeconfig tool call eks:DescribeCluster; `aws eks get-token` presigns sts:GetCallerIdentity locally and calls
    // nothing (GetCallerIdentity needs no permission:
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    const policy = (Object.entries(template.findResources('AWS::IAM::ManagedPolicy')) as Array<[string, any]>)
      .find(([, p]) => p.Properties.ManagedPolicyName === 'private-eks-api-tunnel')![1];
    const document = resolve(policy.Properties.PolicyDocument);
    const instanceArn = resolve(stack.resolve(`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${relay.instance.instanceId}`));
    const docArn = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${stack.getLogicalId(relay.document)}`;
    const clusterArn = resolve(stack.resolve(relay.cluster.clusterArn));
    const who = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Platform_0123456789abcdef/alice`;
    const userid = 'AROAEXAMPLEID:alice';
    const calls: Array<[string, string, string, Record<string, string>, 'Allowed' | 'ImplicitlyDenied']> = [
      ['start-session: the relay', 'ssm:StartSession', instanceArn, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'Allowed'],
      ['start-session: the relay\'s document', 'ssm:StartSession', docArn, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'Allowed'],
      // AWS-owned documents are written `arn:aws:ssm:<region>::document/AWS-...` in IAM policies; the simulator matches
      // resource types only with an account in the ARN, so they are asked with this account's ID (the policy names one
      // document ARN only, so neither form can match it).
      ['start-session with AWS-StartPortForwardingSessionToRemoteHost (any host, any port)', 'ssm:StartSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:document/AWS-StartPortForwardingSessionToRemoteHost`, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'ImplicitlyDenied'],
      ['start-session with AWS-StartPortForwardingSession (a port of the relay)', 'ssm:StartSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:document/AWS-StartPortForwardingSession`, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'ImplicitlyDenied'],
      ['start-session with no document (a shell on the relay)', 'ssm:StartSession', instanceArn, { 'ssm:SessionDocumentAccessCheck': 'false' }, 'ImplicitlyDenied'],
      ['start-session: the default shell document', 'ssm:StartSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:document/SSM-SessionManagerRunShell`, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'ImplicitlyDenied'],
      ['start-session: another instance', 'ssm:StartSession', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0fedcba9876543210`, { 'ssm:SessionDocumentAccessCheck': 'true' }, 'ImplicitlyDenied'],
      ['terminate-session: their own', 'ssm:TerminateSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:session/${userid}-0a1b2c3d4e5f`, { 'aws:userid': userid }, 'Allowed'],
      ['terminate-session: someone else\'s', 'ssm:TerminateSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:session/AROAOTHERID:bob-0a1b2c3d4e5f`, { 'aws:userid': userid }, 'ImplicitlyDenied'],
      ['update-kubeconfig / private-eks-tunnel: this cluster', 'eks:DescribeCluster', clusterArn, {}, 'Allowed'],
      ['update-kubeconfig: another cluster', 'eks:DescribeCluster', `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/other`, {}, 'ImplicitlyDenied'],
    ];
    test.each(calls)('%s: %s on %s is %s', async (_name, action, resource, context, expected) => {
      const response: any = await runSimulation({
        identityPolicies: [{ name: 'private-eks-api-tunnel', policy: document }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: { action, principal: who, resource: { accountId: ACCOUNT, resource }, contextVariables: context },
      }, {});
      expect(response.resultType).not.toBe('error');
      expect(response.overallResult).toBe(expected);
      const analyses: any[] = response.resultType === 'single' ? [response.result] : response.results;
      expect(analyses.flatMap(a => a.ignoredContextKeys ?? [])).toEqual([]);
    });
  });
});

describe('the relay fails when its tunnel could reach another host or port', () => {
  test('fails when an escape hatch points the document at port 22', () => {
    const { app } = relayStack((_s, relay) => relay.document.addPropertyOverride('Content.properties.portNumber', '22'));
    expect(synthError(app)).toMatch(/\[Access\/ApiRelay\] the port-forward document Access\/ApiRelay\/PortForwardDocument forwards to .* port 22, not to the API endpoint .* on 443/);
  });

  test('fails when an escape hatch lets the caller choose the host', () => {
    const { app } = relayStack((_s, relay) => {
      relay.document.addPropertyOverride('Content.parameters.host', { type: 'String' });
      relay.document.addPropertyOverride('Content.properties.host', '{{ host }}');
    });
    const error = synthError(app);
    expect(error).toMatch(/lets the caller choose host/);
    expect(error).toMatch(/forwards to "\{\{ host \}\}"/);
  });

  test('fails when a policy allows AWS-StartPortForwardingSessionToRemoteHost on the relay', () => {
    const { app } = relayStack((s, relay) => {
      new iam.ManagedPolicy(s, 'WideTunnel', {
        statements: [new iam.PolicyStatement({
          actions: ['ssm:StartSession'],
          resources: [
            `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${relay.instance.instanceId}`,
            `arn:aws:ssm:${REGION}::document/AWS-StartPortForwardingSessionToRemoteHost`,
          ],
          conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        })],
      });
    });
    expect(synthError(app)).toMatch(/Access\/WideTunnel\/Resource allows ssm:StartSession on the relay .* with arn:<partition>:ssm:eu-west-2::document\/AWS-StartPortForwardingSessionToRemoteHost, which can forward to any host and port the relay reaches\. Fix: grant the tunnel with relay\.grantPortForward/);
  });

  test('fails when a policy allows a session on the relay without the document check', () => {
    const { app } = relayStack((s, relay) => {
      const role = new iam.Role(s, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:StartSession'], resources: [`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${relay.instance.instanceId}`] }));
    });
    expect(synthError(app)).toMatch(/Access\/Operator\/DefaultPolicy\/Resource allows ssm:StartSession on the relay .* without ssm:SessionDocumentAccessCheck/);
  });

  test('passes with grantPortForward to a role of the app', () => {
    const { app } = relayStack((s, relay) => {
      const role = new iam.Role(s, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
      relay.grantPortForward(role);
    });
    expect(synthError(app)).toBeUndefined();
  });
});

describe('access entries: people, not a shared role', () => {
  const make = (options: any) => {
    const { relay } = relayStack();
    return () => relay.addUser('User', options);
  };
  test('fails for an IAM Identity Center role given without its path (EKS refuses it)', () => {
    expect(make({ principalArn: `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Platform_0123456789abcdef`, accessPolicy: ApiAccessPolicy.VIEW }))
      .toThrow(/is an IAM Identity Center role without its path.*Fix: give the full ARN as IAM shows it: arn:aws:iam::<account>:role\/aws-reserved\/sso\.amazonaws\.com/);
  });
  test('fails for CLUSTER_ADMIN in namespaces', () => {
    expect(make({ principalArn: SSO_ROLE, accessPolicy: ApiAccessPolicy.CLUSTER_ADMIN, namespaces: ['apps'] })).toThrow(/CLUSTER_ADMIN applies to the whole cluster/);
  });
  test('fails for EDIT in kube-system (cluster admin in effect)', () => {
    expect(make({ principalArn: SSO_ROLE, accessPolicy: ApiAccessPolicy.EDIT, namespaces: ['kube-*'] })).toThrow(/"kube-\*" covers kube-system, and AmazonEKSEditPolicy there amounts to cluster admin/);
  });
  test('fails with no access policy: there is no default access', () => {
    expect(make({ principalArn: SSO_ROLE })).toThrow(/accessPolicy is undefined\. Fix: choose one of ApiAccessPolicy\.VIEW/);
  });
  test('passes for VIEW on the whole cluster', () => {
    expect(make({ principalArn: SSO_ROLE, accessPolicy: ApiAccessPolicy.VIEW })).not.toThrow();
  });
});

const BUILD_SPEC = codebuild.BuildSpec.fromObject({
  version: '0.2',
  phases: { build: { commands: ['aws eks update-kubeconfig --name "$CLUSTER_NAME" --region "$AWS_REGION"', 'kubectl get nodes'] } },
});

describe('PrivateCiRunner', () => {
  const app = new App();
  const stack = new Stack(app, 'Ci', { env: { account: ACCOUNT, region: REGION } });
  const { cluster } = clusterFixture(stack);
  const runner = new PrivateCiRunner(stack, 'Runner', {
    cluster,
    buildSpec: BUILD_SPEC,
    accessPolicy: ApiAccessPolicy.EDIT,
    namespaces: ['apps'],
    gitHub: { repository: 'my-org/platform', environments: ['production'] },
  });
  const template = Template.fromStack(stack);
  const resolve = resolver(template.toJSON());

  test('runs in the VPC\'s private subnets with its own security group, HTTPS out only, and no inline policy', () => {
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0] as any;
    expect(project.Properties.VpcConfig.Subnets).toHaveLength(2);
    expect(project.Properties.VpcConfig.SecurityGroupIds).toEqual([stack.resolve(runner.securityGroup.securityGroupId)]);
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toEqual([]);
    // logs always; eks because the build spec runs `aws eks update-kubeconfig`.
    expect(runner.requiredServices).toEqual(['logs', 'eks']);
  });

  test('its role has the access entry and policy chosen (no hidden admin)', () => {
    const entries = Object.values(template.findResources('AWS::EKS::AccessEntry')) as any[];
    expect(entries).toHaveLength(1);
    expect(entries[0].Properties.PrincipalArn).toEqual(stack.resolve(runner.role.roleArn));
    expect(resolve(entries[0].Properties.AccessPolicies)).toEqual([{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', AccessScope: { Type: 'namespace', Namespaces: ['apps'] } }]);
  });

  test('prints the project name and the GitHub role ARN the workflow needs', () => {
    const outputs = Object.keys(template.toJSON().Outputs).map(k => k.replace(/[0-9A-F]{8}$/, '')).sort();
    expect(outputs).toEqual(['RunnerGitHubActionsRoleArn', 'RunnerProjectName']);
  });

  test('GitHub Actions of the production environment of my-org/platform only may assume its role, through OIDC', () => {
    const role = template.toJSON().Resources[stack.getLogicalId(runner.gitHubRole!.node.defaultChild as any)];
    expect(resolve(role.Properties.AssumeRolePolicyDocument.Statement)).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': ['repo:my-org/platform:environment:production'],
        },
      },
    }]);
  });

  // What the documented workflow calls (aws codebuild start-build with no override, batch-get-builds), and what a
  // workflow must not do: another project, another build spec, source, image, privileged mode, role, environment
  // variables (BASH_ENV runs a command in the pinned build's shell) or logs (the override keys are in the request only
  // when a field is overridden). aws-actions/aws-codebuild-run-build always sends a source type and location override
  // and every GITHUB_* variable (code-build.js, inputs2Parameters): refused, as any override is.
  test.each([
    ['codebuild:StartBuild', 'this project', {}, 'Allowed'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:environment.environmentVariables': 'true', 'codebuild:environment.environmentVariables.name': ['BASH_ENV'] }, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:source': 'true', 'codebuild:source.location': 'https://github.com/my-org/platform.git' }, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:logsConfig': 'true' }, 'ImplicitlyDenied'],
    ['codebuild:BatchGetBuilds', 'this project', {}, 'Allowed'],
    ['codebuild:StartBuild', 'another project', {}, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:source.buildspec': 'version: 0.2' }, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:environment.image': 'public.ecr.aws/x/y:1' }, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:environment.privilegedMode': 'true' }, 'ImplicitlyDenied'],
    ['codebuild:StartBuild', 'this project', { 'codebuild:serviceRole': `arn:aws:iam::${ACCOUNT}:role/admin` }, 'ImplicitlyDenied'],
    ['codebuild:UpdateProject', 'this project', {}, 'ImplicitlyDenied'],
  ] as Array<[string, string, Record<string, string | string[]>, string]>)('the GitHub role: %s on %s with %j is %s', async (action, which, context, expected) => {
    const policies = policiesOf(template, stack, runner.gitHubRole!);
    const projectArn = `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${which === 'this project' ? stack.getLogicalId(runner.project.node.defaultChild as any) : 'other'}`;
    const response: any = await runSimulation({
      identityPolicies: policies.map((p, i) => ({ name: `p${i}`, policy: resolve(p.Properties.PolicyDocument) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { action, principal: `arn:aws:sts::${ACCOUNT}:assumed-role/gh/run`, resource: { accountId: ACCOUNT, resource: projectArn }, contextVariables: context },
    }, {});
    expect(response.overallResult).toBe(expected);
    const analyses: any[] = response.resultType === 'single' ? [response.result] : response.results;
    expect(analyses.flatMap(a => a.ignoredContextKeys ?? [])).toEqual([]);
  });

  test('fails without an access policy: a runner with no access entry could not use the cluster', () => {
    const s = new Stack(new App(), 'Bad');
    const { cluster: c } = clusterFixture(s);
    expect(() => new PrivateCiRunner(s, 'Runner', { cluster: c, buildSpec: BUILD_SPEC } as any))
      .toThrow(/\[Bad\/Runner\] the runner has no accessPolicy, so its builds could not use the cluster\. Fix: choose what the pipeline may do/);
  });

  test('fails with a wildcard ref in the GitHub trust', () => {
    const s = new Stack(new App(), 'Bad');
    const { cluster: c } = clusterFixture(s);
    expect(() => new PrivateCiRunner(s, 'Runner', { cluster: c, buildSpec: BUILD_SPEC, accessPolicy: ApiAccessPolicy.VIEW, gitHub: { repository: 'my-org/platform', refs: ['refs/heads/*'] } }))
      .toThrow(/gitHub\.refs: "refs\/heads\/\*" is not a full branch or tag ref/);
  });
});

describe('the check treats the relay and the runner as clients (PEKS-ACCESS-1)', () => {
  const build = (additionalEndpoints?: string[]) => (app: App) => {
    const stack = new Stack(app, 'Private', { env: { account: ACCOUNT, region: REGION } });
    const c = new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
      bastion: false,
      ...(additionalEndpoints ? { additionalEndpoints } : {}),
    });
    new ApiRelay(stack, 'ApiRelay', { cluster: c.cluster });
    new PrivateCiRunner(stack, 'Runner', { cluster: c.cluster, buildSpec: BUILD_SPEC, accessPolicy: ApiAccessPolicy.VIEW });
  };

  test('fails when the relay\'s and the runner\'s subnets have no endpoint for what they call', () => {
    const app = new App({ context: USER_APP_CONTEXT });
    build()(app);
    const error = synthError(app);
    expect(error).toMatch(/PEKS-ACCESS-1: the API relay Private\/ApiRelay: .*ssm.*ssmmessages/);
    expect(error).toMatch(/PEKS-ACCESS-1: the CI runner Private\/Runner: .*logs \(CodeBuild build logs \(CloudWatch Logs\)\)/);
  });

  test('passes when the endpoints they need are added', () => {
    const app = new App({ context: USER_APP_CONTEXT });
    build(['ssm', 'ssmmessages', 'logs', 'eks'])(app);
    expect(synthError(app)).toBeUndefined();
  });
});
