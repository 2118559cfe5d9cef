// Runs before each test file (jest setupFiles). aws-cdk-lib's built-in CloudFormation validation costs about 3 s per
// synth and checks aws-cdk-lib's own output; unit tests skip it. Files that synthesize as a user does (the examples,
// the CLI) delete this at their top: `delete process.env.CDK_VALIDATION`.
process.env.CDK_VALIDATION = 'false';
