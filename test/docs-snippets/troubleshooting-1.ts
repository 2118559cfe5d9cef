// Generated from docs/troubleshooting.md (Preflight at deploy) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NetworkPreflight } from '../../lib';

const app = new App();
// Vpc.fromLookup needs the stack's account and region.
const stack = new Stack(app, 'Nodes', { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });
const nodeSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'NodeSg', 'sg-0123456789abcdef0');

const preflight = new NetworkPreflight(stack, 'Preflight', {
  vpc,
  subnets: { subnetGroupName: 'Nodes' },
  services: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'],
  anyAddressServices: ['sts'],           // reached through a hub VPC's egress, not an endpoint here
  securityGroups: [nodeSecurityGroup],   // optional: probe through the nodes' own rules
});
// yourNodegroup.node.addDependency(preflight);
export { app, stack, vpc, nodeSecurityGroup, preflight };
