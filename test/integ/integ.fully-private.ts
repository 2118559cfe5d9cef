/**
 * Integration test of the default example: deployed, the cluster must have private API access only and an ACTIVE
 * nodegroup of 2 nodes. The assertions run as custom resources of the `DeployAssert` stack, so deploying this app
 * runs them (see docs/plan-and-checks.md, "The integration test"); the committed snapshot is checked offline by the test suite.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { CACHED_IMAGE, FullyPrivateStack } from '../../examples/fully-private/app';

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

  // The warm-up filled the pull-through cache at deploy: ECR holds the public image the example deploys, with no NAT.
  integ.assertions.awsApiCall('ECR', 'describeImages', {
    repositoryName: 'ecr-public/docker/library/busybox',
    imageIds: [{ imageTag: CACHED_IMAGE.split(':').pop() }],
  }).expect(ExpectedResult.objectLike({ imageDetails: [{ repositoryName: 'ecr-public/docker/library/busybox' }] }));
  return integ;
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
