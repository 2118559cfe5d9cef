import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { clusterFixture, newStack } from './util';
import { WorkloadIdentity, WorkloadServiceAccount } from '../lib';

/** The rule IDs acknowledged on a construct and its children. */
function acknowledged(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap(m => Object.keys(m.data as Record<string, string>));
}

describe('the CfnJson provider function an IRSA role brings', () => {
  test('an IRSA service account of its own: the provider function is acknowledged for cfn-guard\'s lambda_inside_vpc_check only', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new WorkloadServiceAccount(stack, 'Sa', { cluster, name: 'app', namespace: 'default', identity: WorkloadIdentity.IRSA });
    const provider = Stack.of(cluster).node.tryFindChild('AWSCDKCfnUtilsProviderCustomResourceProvider');
    expect(provider).toBeDefined();
    expect(acknowledged(provider!)).toEqual(['cdk-validator-cfnguard::lambda_inside_vpc_check']);
  });

  test('a Pod Identity service account brings no provider function, and acknowledges nothing of the stack\'s', () => {
    const stack = newStack();
    const { cluster } = clusterFixture(stack);
    new WorkloadServiceAccount(stack, 'Sa', { cluster, name: 'app', namespace: 'default', identity: WorkloadIdentity.POD_IDENTITY });
    expect(Stack.of(cluster).node.tryFindChild('AWSCDKCfnUtilsProviderCustomResourceProvider')).toBeUndefined();
  });
});
