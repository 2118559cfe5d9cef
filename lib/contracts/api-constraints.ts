/**
 * What each AWS API accepts for the literal values the library sends through CloudFormation (names, descriptions,
 * paths, tag keys, enums): a CloudFormation property mapped to the API operation's input member, with the member's
 * pattern, length and enum from the service's API model (botocore's `data/<service>/<version>/service-2.json`).
 *
 * CloudFormation's resource schemas are often looser than the API (the Route 53 Profiles `Name` has no pattern in
 * its schema, the API refuses a dot): a template passes synth and cfn-lint and rolls back at the API call. Where they
 * differ, the API wins.
 *
 * Rows are data, read from botocore 1.43.11 on 2026-12-07; the drift test (test/api-constraints.test.ts) compares them
 * with the models when botocore is installed, so the rows are the fallback where it is not. EC2's model carries no
 * pattern for descriptions: those rows take the constraint its member documentation states (`documented`, the
 * sentence the drift test finds in the model), so they are AWS's text read by us, not a machine-checked pattern.
 *
 * Patterns are matched against the whole value (AWS validates the whole string; Smithy's `@pattern` is not anchored by
 * itself, so an unanchored pattern here is anchored as `^(?:...)$`: our reading of how the services apply it).
 */

const READ = '2026-12-07';

/** One CloudFormation property and the API input member its value is sent as. */
export interface ApiConstraint {
  /** The CloudFormation resource type (`AWS::IAM::Role`). */
  readonly cfnType: string;
  /** The property path in the resource's Properties, `[]` for each list item (`Policies[].PolicyName`). */
  readonly property: string;
  /** botocore's service directory (`iam`, `route53profiles`). */
  readonly service: string;
  /** The API operation CloudFormation calls with the value (`CreateRole`). */
  readonly operation: string;
  /** The member path in the operation's input shape, `[]` for each list item (`Tags.[].Key`). */
  readonly member: string;
  /** The model's shape of the member. */
  readonly shape: string;
  /** The member's pattern (`pattern` of the shape, or the charset its documentation states). */
  readonly pattern?: string;
  /** Minimum length. */
  readonly min?: number;
  /** Maximum length. */
  readonly max?: number;
  /** The values the API accepts. */
  readonly enum?: string[];
  /** The row applies only when the resource has this property (a rule with a CIDR or with a group). */
  readonly whenPresent?: string;
  /**
   * The constraint as the member's documentation in the model states it (where the model has no pattern). For a rule
   * that names a group (`UserIdGroupPairs`) the documentation leaves `&` out; EC2's own error message ("Invalid rule
   * description. Valid descriptions are strings less than 256 characters from the following set: a-zA-Z0-9.
   * _-:/()#,@[]+=&;{}!$*", quoted in aws-cloudformation/cfn-lint#173 and hashicorp/terraform-provider-aws#9528, read
   * 2026-12-07) lists it for every rule: the sources disagree, the pattern follows the error message.
   */
  readonly documented?: string;
  /** Where the row comes from. */
  readonly source: string;
  /** The day the source was read. */
  readonly read: string;
}

/** Every mapped property. */
export const API_CONSTRAINTS: ApiConstraint[] = [
  { cfnType: 'AWS::Route53Profiles::Profile', property: 'Name', service: 'route53profiles', operation: 'CreateProfile', member: 'Name', shape: 'Name', pattern: "^(?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)$", min: 0, max: 64, source: 'botocore 1.43.11 data/route53profiles/2018-05-10/service-2.json (.gz), shape Name', read: READ },
  { cfnType: 'AWS::Route53Profiles::ProfileResourceAssociation', property: 'Name', service: 'route53profiles', operation: 'AssociateResourceToProfile', member: 'Name', shape: 'Name', pattern: "^(?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)$", min: 0, max: 64, source: 'botocore 1.43.11 data/route53profiles/2018-05-10/service-2.json (.gz), shape Name', read: READ },
  { cfnType: 'AWS::Route53Profiles::ProfileAssociation', property: 'Name', service: 'route53profiles', operation: 'AssociateProfile', member: 'Name', shape: 'Name', pattern: "^(?!^[0-9]+$)([a-zA-Z0-9\\-_' ']+)$", min: 0, max: 64, source: 'botocore 1.43.11 data/route53profiles/2018-05-10/service-2.json (.gz), shape Name', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroup', property: 'GroupDescription', service: 'ec2', operation: 'CreateSecurityGroup', member: 'Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroup', property: 'SecurityGroupIngress[].Description', service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', member: 'IpPermissions.[].IpRanges.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroup', property: 'SecurityGroupEgress[].Description', service: 'ec2', operation: 'AuthorizeSecurityGroupEgress', member: 'IpPermissions.[].IpRanges.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroupIngress', property: 'Description', service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', member: 'IpPermissions.[].IpRanges.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*', whenPresent: 'CidrIp', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroupIngress', property: 'Description', service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', member: 'IpPermissions.[].UserIdGroupPairs.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*', whenPresent: 'SourceSecurityGroupId', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroupEgress', property: 'Description', service: 'ec2', operation: 'AuthorizeSecurityGroupEgress', member: 'IpPermissions.[].IpRanges.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*', whenPresent: 'CidrIp', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::SecurityGroupEgress', property: 'Description', service: 'ec2', operation: 'AuthorizeSecurityGroupEgress', member: 'IpPermissions.[].UserIdGroupPairs.[].Description', shape: 'String', pattern: '^[a-zA-Z0-9 ._\\-:\\/()#,@\\[\\]+=&;{}!$*]*$', max: 255, documented: 'Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*', whenPresent: 'DestinationSecurityGroupId', source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape String, member documentation', read: READ },
  { cfnType: 'AWS::EC2::LaunchTemplate', property: 'LaunchTemplateName', service: 'ec2', operation: 'CreateLaunchTemplate', member: 'LaunchTemplateName', shape: 'LaunchTemplateName', pattern: '[a-zA-Z0-9\\(\\)\\.\\-/_]+', min: 3, max: 128, source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape LaunchTemplateName', read: READ },
  { cfnType: 'AWS::EC2::LaunchTemplate', property: 'LaunchTemplateData.MetadataOptions.HttpTokens', service: 'ec2', operation: 'CreateLaunchTemplate', member: 'LaunchTemplateData.MetadataOptions.HttpTokens', shape: 'LaunchTemplateHttpTokensState', enum: ['optional', 'required'], source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape LaunchTemplateHttpTokensState', read: READ },
  { cfnType: 'AWS::EC2::Instance', property: 'MetadataOptions.HttpTokens', service: 'ec2', operation: 'RunInstances', member: 'MetadataOptions.HttpTokens', shape: 'HttpTokensState', enum: ['optional', 'required'], source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape HttpTokensState', read: READ },
  { cfnType: 'AWS::EC2::FlowLog', property: 'TrafficType', service: 'ec2', operation: 'CreateFlowLogs', member: 'TrafficType', shape: 'TrafficType', enum: ['ACCEPT', 'REJECT', 'ALL'], source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape TrafficType', read: READ },
  { cfnType: 'AWS::EC2::FlowLog', property: 'LogDestinationType', service: 'ec2', operation: 'CreateFlowLogs', member: 'LogDestinationType', shape: 'LogDestinationType', enum: ['cloud-watch-logs', 's3', 'kinesis-data-firehose'], source: 'botocore 1.43.11 data/ec2/2016-11-15/service-2.json (.gz), shape LogDestinationType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'RoleName', service: 'iam', operation: 'CreateRole', member: 'RoleName', shape: 'roleNameType', pattern: '[\\w+=,.@-]+', min: 1, max: 64, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape roleNameType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'Path', service: 'iam', operation: 'CreateRole', member: 'Path', shape: 'pathType', pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', min: 1, max: 512, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape pathType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'Description', service: 'iam', operation: 'CreateRole', member: 'Description', shape: 'roleDescriptionType', pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*', max: 1000, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape roleDescriptionType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'Policies[].PolicyName', service: 'iam', operation: 'PutRolePolicy', member: 'PolicyName', shape: 'policyNameType', pattern: '[\\w+=,.@-]+', min: 1, max: 128, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape policyNameType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'Tags[].Key', service: 'iam', operation: 'CreateRole', member: 'Tags.[].Key', shape: 'tagKeyType', pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', min: 1, max: 128, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape tagKeyType', read: READ },
  { cfnType: 'AWS::IAM::Role', property: 'Tags[].Value', service: 'iam', operation: 'CreateRole', member: 'Tags.[].Value', shape: 'tagValueType', pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', min: 0, max: 256, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape tagValueType', read: READ },
  { cfnType: 'AWS::IAM::Policy', property: 'PolicyName', service: 'iam', operation: 'PutRolePolicy', member: 'PolicyName', shape: 'policyNameType', pattern: '[\\w+=,.@-]+', min: 1, max: 128, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape policyNameType', read: READ },
  { cfnType: 'AWS::IAM::ManagedPolicy', property: 'ManagedPolicyName', service: 'iam', operation: 'CreatePolicy', member: 'PolicyName', shape: 'policyNameType', pattern: '[\\w+=,.@-]+', min: 1, max: 128, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape policyNameType', read: READ },
  { cfnType: 'AWS::IAM::ManagedPolicy', property: 'Path', service: 'iam', operation: 'CreatePolicy', member: 'Path', shape: 'policyPathType', pattern: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', min: 1, max: 512, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape policyPathType', read: READ },
  { cfnType: 'AWS::IAM::ManagedPolicy', property: 'Description', service: 'iam', operation: 'CreatePolicy', member: 'Description', shape: 'policyDescriptionType', max: 1000, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape policyDescriptionType', read: READ },
  { cfnType: 'AWS::IAM::InstanceProfile', property: 'InstanceProfileName', service: 'iam', operation: 'CreateInstanceProfile', member: 'InstanceProfileName', shape: 'instanceProfileNameType', pattern: '[\\w+=,.@-]+', min: 1, max: 128, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape instanceProfileNameType', read: READ },
  { cfnType: 'AWS::IAM::InstanceProfile', property: 'Path', service: 'iam', operation: 'CreateInstanceProfile', member: 'Path', shape: 'pathType', pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', min: 1, max: 512, source: 'botocore 1.43.11 data/iam/2010-05-08/service-2.json (.gz), shape pathType', read: READ },
  { cfnType: 'AWS::KMS::Key', property: 'Description', service: 'kms', operation: 'CreateKey', member: 'Description', shape: 'DescriptionType', min: 0, max: 8192, source: 'botocore 1.43.11 data/kms/2014-11-01/service-2.json (.gz), shape DescriptionType', read: READ },
  { cfnType: 'AWS::KMS::Alias', property: 'AliasName', service: 'kms', operation: 'CreateAlias', member: 'AliasName', shape: 'AliasNameType', pattern: '^[a-zA-Z0-9:/_-]+$', min: 1, max: 256, source: 'botocore 1.43.11 data/kms/2014-11-01/service-2.json (.gz), shape AliasNameType', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'FunctionName', service: 'lambda', operation: 'CreateFunction', member: 'FunctionName', shape: 'FunctionName', pattern: '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?', min: 1, max: 140, source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape FunctionName', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'Description', service: 'lambda', operation: 'CreateFunction', member: 'Description', shape: 'Description', min: 0, max: 256, source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape Description', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'Handler', service: 'lambda', operation: 'CreateFunction', member: 'Handler', shape: 'Handler', pattern: '[^\\s]+', min: 0, max: 128, source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape Handler', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'Runtime', service: 'lambda', operation: 'CreateFunction', member: 'Runtime', shape: 'Runtime', enum: ['nodejs', 'nodejs4.3', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'java8', 'java8.al2', 'java11', 'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'dotnet8', 'nodejs4.3-edge', 'go1.x', 'ruby2.5', 'ruby2.7', 'provided', 'provided.al2', 'nodejs18.x', 'python3.10', 'java17', 'ruby3.2', 'ruby3.3', 'ruby3.4', 'python3.11', 'nodejs20.x', 'provided.al2023', 'python3.12', 'java21', 'python3.13', 'nodejs22.x', 'nodejs24.x', 'python3.14', 'java25', 'dotnet10', 'ruby4.0'], source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape Runtime', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'LoggingConfig.ApplicationLogLevel', service: 'lambda', operation: 'CreateFunction', member: 'LoggingConfig.ApplicationLogLevel', shape: 'ApplicationLogLevel', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'], source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape ApplicationLogLevel', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'LoggingConfig.SystemLogLevel', service: 'lambda', operation: 'CreateFunction', member: 'LoggingConfig.SystemLogLevel', shape: 'SystemLogLevel', enum: ['DEBUG', 'INFO', 'WARN'], source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape SystemLogLevel', read: READ },
  { cfnType: 'AWS::Lambda::Function', property: 'LoggingConfig.LogFormat', service: 'lambda', operation: 'CreateFunction', member: 'LoggingConfig.LogFormat', shape: 'LogFormat', enum: ['JSON', 'Text'], source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape LogFormat', read: READ },
  { cfnType: 'AWS::Lambda::LayerVersion', property: 'Description', service: 'lambda', operation: 'PublishLayerVersion', member: 'Description', shape: 'Description', min: 0, max: 256, source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape Description', read: READ },
  { cfnType: 'AWS::Lambda::LayerVersion', property: 'LicenseInfo', service: 'lambda', operation: 'PublishLayerVersion', member: 'LicenseInfo', shape: 'LicenseInfo', min: 0, max: 512, source: 'botocore 1.43.11 data/lambda/2015-03-31/service-2.json (.gz), shape LicenseInfo', read: READ },
  { cfnType: 'AWS::Logs::LogGroup', property: 'LogGroupName', service: 'logs', operation: 'CreateLogGroup', member: 'logGroupName', shape: 'LogGroupName', pattern: '[\\.\\-_/#A-Za-z0-9]+', min: 1, max: 512, source: 'botocore 1.43.11 data/logs/2014-03-28/service-2.json (.gz), shape LogGroupName', read: READ },
  { cfnType: 'AWS::ECR::PullThroughCacheRule', property: 'EcrRepositoryPrefix', service: 'ecr', operation: 'CreatePullThroughCacheRule', member: 'ecrRepositoryPrefix', shape: 'PullThroughCacheRuleRepositoryPrefix', pattern: '^([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*\\/?|ROOT)$', min: 2, max: 30, source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape PullThroughCacheRuleRepositoryPrefix', read: READ },
  { cfnType: 'AWS::ECR::PullThroughCacheRule', property: 'UpstreamRegistry', service: 'ecr', operation: 'CreatePullThroughCacheRule', member: 'upstreamRegistry', shape: 'UpstreamRegistry', enum: ['ecr', 'ecr-public', 'quay', 'k8s', 'docker-hub', 'github-container-registry', 'azure-container-registry', 'gitlab-container-registry', 'chainguard'], source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape UpstreamRegistry', read: READ },
  { cfnType: 'AWS::ECR::RepositoryCreationTemplate', property: 'Prefix', service: 'ecr', operation: 'CreateRepositoryCreationTemplate', member: 'prefix', shape: 'Prefix', pattern: '^([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*\\/?|ROOT)$', min: 1, max: 256, source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape Prefix', read: READ },
  { cfnType: 'AWS::ECR::RepositoryCreationTemplate', property: 'Description', service: 'ecr', operation: 'CreateRepositoryCreationTemplate', member: 'description', shape: 'RepositoryTemplateDescription', max: 256, source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape RepositoryTemplateDescription', read: READ },
  { cfnType: 'AWS::ECR::RepositoryCreationTemplate', property: 'ImageTagMutability', service: 'ecr', operation: 'CreateRepositoryCreationTemplate', member: 'imageTagMutability', shape: 'ImageTagMutability', enum: ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'], source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape ImageTagMutability', read: READ },
  { cfnType: 'AWS::ECR::RepositoryCreationTemplate', property: 'AppliedFor[]', service: 'ecr', operation: 'CreateRepositoryCreationTemplate', member: 'appliedFor.[]', shape: 'RCTAppliedFor', enum: ['REPLICATION', 'PULL_THROUGH_CACHE', 'CREATE_ON_PUSH'], source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape RCTAppliedFor', read: READ },
  { cfnType: 'AWS::ECR::RepositoryCreationTemplate', property: 'EncryptionConfiguration.EncryptionType', service: 'ecr', operation: 'CreateRepositoryCreationTemplate', member: 'encryptionConfiguration.encryptionType', shape: 'EncryptionType', enum: ['AES256', 'KMS', 'KMS_DSSE'], source: 'botocore 1.43.11 data/ecr/2015-09-21/service-2.json (.gz), shape EncryptionType', read: READ },
  { cfnType: 'AWS::EKS::Cluster', property: 'Name', service: 'eks', operation: 'CreateCluster', member: 'name', shape: 'ClusterName', pattern: '^[0-9A-Za-z][A-Za-z0-9\\-_]*', min: 1, max: 100, source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape ClusterName', read: READ },
  { cfnType: 'AWS::EKS::Cluster', property: 'AccessConfig.AuthenticationMode', service: 'eks', operation: 'CreateCluster', member: 'accessConfig.authenticationMode', shape: 'AuthenticationMode', enum: ['API', 'API_AND_CONFIG_MAP', 'CONFIG_MAP'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape AuthenticationMode', read: READ },
  { cfnType: 'AWS::EKS::Cluster', property: 'KubernetesNetworkConfig.IpFamily', service: 'eks', operation: 'CreateCluster', member: 'kubernetesNetworkConfig.ipFamily', shape: 'IpFamily', enum: ['ipv4', 'ipv6'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape IpFamily', read: READ },
  { cfnType: 'AWS::EKS::Cluster', property: 'Logging.ClusterLogging.EnabledTypes[].Type', service: 'eks', operation: 'CreateCluster', member: 'logging.clusterLogging.[].types.[]', shape: 'LogType', enum: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape LogType', read: READ },
  { cfnType: 'AWS::EKS::Nodegroup', property: 'AmiType', service: 'eks', operation: 'CreateNodegroup', member: 'amiType', shape: 'AMITypes', enum: ['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64', 'CUSTOM', 'BOTTLEROCKET_ARM_64', 'BOTTLEROCKET_x86_64', 'BOTTLEROCKET_ARM_64_FIPS', 'BOTTLEROCKET_x86_64_FIPS', 'BOTTLEROCKET_ARM_64_NVIDIA', 'BOTTLEROCKET_x86_64_NVIDIA', 'BOTTLEROCKET_ARM_64_NVIDIA_FIPS', 'BOTTLEROCKET_x86_64_NVIDIA_FIPS', 'WINDOWS_CORE_2019_x86_64', 'WINDOWS_FULL_2019_x86_64', 'WINDOWS_CORE_2022_x86_64', 'WINDOWS_FULL_2022_x86_64', 'WINDOWS_CORE_2025_x86_64', 'WINDOWS_FULL_2025_x86_64', 'AL2023_x86_64_STANDARD', 'AL2023_ARM_64_STANDARD', 'AL2023_x86_64_NEURON', 'AL2023_x86_64_NVIDIA', 'AL2023_ARM_64_NVIDIA'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape AMITypes', read: READ },
  { cfnType: 'AWS::EKS::Nodegroup', property: 'CapacityType', service: 'eks', operation: 'CreateNodegroup', member: 'capacityType', shape: 'CapacityTypes', enum: ['ON_DEMAND', 'SPOT', 'CAPACITY_BLOCK'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape CapacityTypes', read: READ },
  { cfnType: 'AWS::EKS::AccessEntry', property: 'AccessPolicies[].AccessScope.Type', service: 'eks', operation: 'AssociateAccessPolicy', member: 'accessScope.type', shape: 'AccessScopeType', enum: ['cluster', 'namespace'], source: 'botocore 1.43.11 data/eks/2017-11-01/service-2.json (.gz), shape AccessScopeType', read: READ },
  { cfnType: 'AWS::Events::Rule', property: 'Name', service: 'events', operation: 'PutRule', member: 'Name', shape: 'RuleName', pattern: '[\\.\\-_A-Za-z0-9]+', min: 1, max: 64, source: 'botocore 1.43.11 data/events/2015-10-07/service-2.json (.gz), shape RuleName', read: READ },
  { cfnType: 'AWS::Events::Rule', property: 'State', service: 'events', operation: 'PutRule', member: 'State', shape: 'RuleState', enum: ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'], source: 'botocore 1.43.11 data/events/2015-10-07/service-2.json (.gz), shape RuleState', read: READ },
  { cfnType: 'AWS::Events::Rule', property: 'Targets[].Id', service: 'events', operation: 'PutTargets', member: 'Targets.[].Id', shape: 'TargetId', pattern: '[\\.\\-_A-Za-z0-9]+', min: 1, max: 64, source: 'botocore 1.43.11 data/events/2015-10-07/service-2.json (.gz), shape TargetId', read: READ },
  { cfnType: 'AWS::SSM::Document', property: 'Name', service: 'ssm', operation: 'CreateDocument', member: 'Name', shape: 'DocumentName', pattern: '^[a-zA-Z0-9_\\-.]{3,128}$', source: 'botocore 1.43.11 data/ssm/2014-11-06/service-2.json (.gz), shape DocumentName', read: READ },
  { cfnType: 'AWS::SSM::Document', property: 'DocumentType', service: 'ssm', operation: 'CreateDocument', member: 'DocumentType', shape: 'DocumentType', enum: ['Command', 'Policy', 'Automation', 'Session', 'Package', 'ApplicationConfiguration', 'ApplicationConfigurationSchema', 'DeploymentStrategy', 'ChangeCalendar', 'Automation.ChangeTemplate', 'ProblemAnalysis', 'ProblemAnalysisTemplate', 'CloudFormation', 'ConformancePackTemplate', 'QuickSetup', 'ManualApprovalPolicy', 'AutoApprovalPolicy'], source: 'botocore 1.43.11 data/ssm/2014-11-06/service-2.json (.gz), shape DocumentType', read: READ },
  { cfnType: 'AWS::SSM::Parameter', property: 'Name', service: 'ssm', operation: 'PutParameter', member: 'Name', shape: 'PSParameterName', min: 1, max: 2048, source: 'botocore 1.43.11 data/ssm/2014-11-06/service-2.json (.gz), shape PSParameterName', read: READ },
  { cfnType: 'AWS::SSM::Parameter', property: 'Type', service: 'ssm', operation: 'PutParameter', member: 'Type', shape: 'ParameterType', enum: ['String', 'StringList', 'SecureString'], source: 'botocore 1.43.11 data/ssm/2014-11-06/service-2.json (.gz), shape ParameterType', read: READ },
  { cfnType: 'AWS::Route53::HostedZone', property: 'Name', service: 'route53', operation: 'CreateHostedZone', member: 'Name', shape: 'DNSName', max: 1024, source: 'botocore 1.43.11 data/route53/2013-04-01/service-2.json (.gz), shape DNSName', read: READ },
];

/** A value an API refuses: where it is and why. */
export interface ApiRefusal {
  /** `<stack>/<logical ID>`. */
  readonly resource: string;
  /** The property path with list indexes (`Policies[0].PolicyName`). */
  readonly path: string;
  /** The value, tokens shown as `${Token}`. */
  readonly value: string;
  /** What the API accepts, and the row's source. */
  readonly reason: string;
}

/** A mapped value that could not be checked, or only in part (tokens), by name. */
export interface ApiUnchecked {
  readonly resource: string;
  readonly path: string;
  readonly reason: string;
}

/** What `checkApiConstraints` found. */
export interface ApiConstraintResult {
  /** Values checked against their API's constraint (literal values, and the literal parts of joined tokens). */
  readonly valuesChecked: number;
  /** Of those, values with tokens, whose literal parts only were checked. */
  readonly partlyChecked: number;
  /** Distinct CloudFormation properties mapped to an API member (rows of `API_CONSTRAINTS`). */
  readonly propertiesMapped: number;
  readonly refused: ApiRefusal[];
  readonly unchecked: ApiUnchecked[];
}

/** The whole-value regular expression of a model pattern (`u` where the pattern allows it: `\p{L}` needs it). */
export function apiPattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return new RegExp(`^(?:${pattern})$`);
  }
}

/**
 * The character class of a pattern that is only a class repeated (`[\w+=,.@-]+`, `^[a-zA-Z0-9_\-.]{3,128}$`, the
 * Route 53 Profiles name with its "not all digits" look-ahead removed): each literal character of a value with
 * tokens can then be checked on its own. Undefined for other patterns.
 */
function characterClass(pattern: string): RegExp | undefined {
  const bare = pattern.replace(/\(\?![^)]*\)/g, '').replace(/^\^/, '').replace(/\$$/, '').replace(/^\((.*)\)$/, '$1');
  const m = /^(\[(?:\\.|[^\]\\])+\])(?:[+*]|\{\d+,\d*\})$/.exec(bare);
  if (!m) return undefined;
  try {
    return new RegExp(`^${m[1]}$`, 'u');
  } catch {
    return new RegExp(`^${m[1]}$`);
  }
}

/** A CloudFormation value as literal parts and tokens (`Fn::Join`, `Fn::Sub`); undefined parts for an opaque token. */
function literalParts(value: unknown): { parts: string[]; tokens: string[] } | undefined {
  if (typeof value === 'string') return { parts: [value], tokens: [] };
  if (typeof value === 'number' || typeof value === 'boolean') return { parts: [String(value)], tokens: [] };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const v = (value as any)[keys[0]];
  if (keys[0] === 'Fn::Join' && Array.isArray(v) && typeof v[0] === 'string' && Array.isArray(v[1])) {
    const parts: string[] = [];
    const tokens: string[] = [];
    v[1].forEach((p: unknown, i: number) => {
      if (i > 0 && v[0] !== '') parts.push(v[0]);
      const inner = literalParts(p);
      if (inner) {
        parts.push(...inner.parts);
        tokens.push(...inner.tokens);
      } else {
        tokens.push(describeToken(p));
      }
    });
    return { parts, tokens };
  }
  if (keys[0] === 'Fn::Sub' && (typeof v === 'string' || (Array.isArray(v) && typeof v[0] === 'string'))) {
    const text: string = typeof v === 'string' ? v : v[0];
    const tokens = [...text.matchAll(/\$\{([^}]+)\}/g)].map(m => `\${${m[1]}}`);
    return { parts: text.split(/\$\{[^}]+\}/), tokens };
  }
  return undefined;
}

function describeToken(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const [k] = Object.keys(v);
    const x = (v as any)[k];
    if (k === 'Ref') return `\${Ref ${x}}`;
    if (k === 'Fn::GetAtt') return `\${${Array.isArray(x) ? x.join('.') : x}}`;
    return `\${${k}}`;
  }
  return '${?}';
}

/** Every value at a row's property path in a resource's Properties, with the path and its list indexes. */
function valuesAt(properties: any, property: string): Array<{ path: string; value: unknown; opaqueList?: boolean }> {
  let current: Array<{ path: string; value: unknown; opaqueList?: boolean }> = [{ path: '', value: properties }];
  for (const seg of property.split('.')) {
    const list = seg.endsWith('[]');
    const name = list ? seg.slice(0, -2) : seg;
    const next: typeof current = [];
    for (const c of current) {
      if (c.opaqueList) { next.push(c); continue; }
      const obj = c.value;
      if (!obj || typeof obj !== 'object' || Array.isArray(obj) || !(name in (obj as object))) continue;
      const v = (obj as any)[name];
      const path = c.path ? `${c.path}.${name}` : name;
      if (!list) { next.push({ path, value: v }); continue; }
      if (Array.isArray(v)) v.forEach((item, i) => next.push({ path: `${path}[${i}]`, value: item }));
      else next.push({ path, value: v, opaqueList: true });
    }
    current = next;
  }
  return current;
}

/**
 * Checks every value of every mapped property of the templates (`{ stackName: template }`) against its API's
 * constraint. Literal values are checked whole; a value joined from literals and tokens has its literal parts checked
 * (their length against the maximum, each character against a character-class pattern) and is listed in `unchecked`
 * for the rest; an opaque token (a `Ref`, an attribute) is listed in `unchecked` by name.
 */
export function checkApiConstraints(templates: { [stackName: string]: any }, rows: ApiConstraint[] = API_CONSTRAINTS): ApiConstraintResult {
  const refused: ApiRefusal[] = [];
  const unchecked: ApiUnchecked[] = [];
  let valuesChecked = 0;
  let partlyChecked = 0;
  for (const [stackName, template] of Object.entries(templates)) {
    for (const [logicalId, r] of Object.entries<any>(template.Resources ?? {})) {
      for (const row of rows.filter(x => x.cfnType === r.Type)) {
        const props = r.Properties ?? {};
        if (row.whenPresent && !(row.whenPresent in props)) continue;
        const resource = `${stackName}/${logicalId}`;
        const api = `${row.service} ${row.operation} ${row.member}`;
        for (const { path, value, opaqueList } of valuesAt(props, row.property)) {
          const lit = opaqueList ? undefined : literalParts(value);
          if (!lit) {
            unchecked.push({ resource, path, reason: `${describeToken(value)} is resolved at deploy time (${api})` });
            continue;
          }
          const text = lit.parts.join('');
          const shown = lit.tokens.length === 0 ? text : `${text} (with ${lit.tokens.join(', ')})`;
          const refuse = (why: string) => refused.push({ resource, path, value: shown, reason: `${why} (${api}; ${row.source}, read ${row.read})` });
          valuesChecked++;
          if (lit.tokens.length === 0) {
            if (row.min !== undefined && text.length < row.min) refuse(`shorter than ${row.min} characters`);
            if (row.max !== undefined && text.length > row.max) refuse(`${text.length} characters, more than ${row.max}`);
            if (row.enum && !row.enum.includes(text)) refuse(`not one of ${row.enum.join(', ')}`);
            if (row.pattern && !apiPattern(row.pattern).test(text)) refuse(`does not match ${row.pattern}`);
            continue;
          }
          partlyChecked++;
          if (row.max !== undefined && text.length > row.max) refuse(`its literal parts alone are ${text.length} characters, more than ${row.max}`);
          const cls = row.pattern ? characterClass(row.pattern) : undefined;
          const bad = cls ? [...text].filter(ch => !cls.test(ch)) : [];
          if (bad.length > 0) refuse(`characters ${JSON.stringify([...new Set(bad)].join(''))} are outside ${row.pattern}`);
          const rest = [
            ...(row.enum ? ['its value against the enum'] : []),
            ...(row.pattern && !cls ? [`the pattern ${row.pattern}`] : []),
            ...(row.min !== undefined || row.max !== undefined ? ['its full length'] : []),
          ];
          if (rest.length > 0) unchecked.push({ resource, path, reason: `${lit.tokens.join(', ')} resolved at deploy time: ${rest.join(', ')} not checked (${api})` });
        }
      }
    }
  }
  const propertiesMapped = new Set(rows.map(r => `${r.cfnType} ${r.property}`)).size;
  return { valuesChecked, partlyChecked, propertiesMapped, refused, unchecked };
}
