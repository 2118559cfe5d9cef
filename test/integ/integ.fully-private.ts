/**
 * Integration test of the default example: deployed, the cluster must have private API access only and an ACTIVE
 * nodegroup of 2 nodes. The assertions run as custom resources of the `DeployAssert` stack, so deploying this app
 * runs them (see the README, "Integration test"); the committed snapshot is checked offline by the test suite.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { FullyPrivateStack } from '../../examples/fully-private/app';

export function build(app: App): IntegTest {
  const stack = new FullyPrivateStack(app, 'IntegFullyPrivateEks');
  const integ = new IntegTest(app, 'FullyPrivateEksInteg', { testCases: [stack], diffAssets: false });
  const eks = stack.eks;

  integ.assertions.awsApiCall('EKS', 'describeCluster', { name: eks.cluster.clusterName })
    .expect(ExpectedResult.objectLike({
      cluster: { status: 'ACTIVE', resourcesVpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false } },
    }));

  integ.assertions.awsApiCall('EKS', 'describeNodegroup', { clusterName: eks.cluster.clusterName, nodegroupName: eks.nodegroup!.nodegroupName })
    .expect(ExpectedResult.objectLike({ nodegroup: { status: 'ACTIVE', scalingConfig: { desiredSize: 2 }, health: { issues: [] } } }))
    .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.minutes(1) });
  return integ;
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
