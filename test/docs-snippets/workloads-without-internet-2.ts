// Generated from docs/workloads-without-internet.md (Manifests and charts from CDK) by test/readme.test.ts; UPDATE_DOCS=1 npx jest test/readme.test.ts rewrites it.
// `npx projen test` type-checks it with the test sources (tsc --noEmit -p test/tsconfig.json).
/* eslint-disable */
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster, WorkloadIdentity } from '../../lib';

const app = new App();
const stack = new Stack(app, 'Apps');
const cluster = new PrivateEksCluster(stack, 'Eks', {
  version: eks.KubernetesVersion.V1_36,
  kubectlLayer: new KubectlV36Layer(stack, 'KubectlLayer'),
});

const ns = cluster.addManifest('AppsNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });

// A chart from inside the VPC: an OCI repository in this region's ECR (or `chartAsset`). Every image it deploys
// must come from there too: nodes with no internet route cannot pull from Docker Hub, quay.io or registry.k8s.io.
const registry = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;
cluster.addHelmChart('Web', {
  chart: 'web',
  repository: `oci://${registry}/charts/web`,
  version: '1.0.0',
  namespace: 'apps',
  values: { image: { repository: `${registry}/web`, tag: '1.0.0' } },
});

// Pods of apps/reader get this role through EKS Pod Identity (or identity: WorkloadIdentity.IRSA).
const reader = cluster.addServiceAccount('Reader', { name: 'reader', namespace: 'apps', identity: WorkloadIdentity.POD_IDENTITY });
reader.node.addDependency(ns);
// bucket.grantRead(reader.role);

// More capacity, same node subnets, same node role, covered by the synth-time checks.
cluster.addNodegroup('Arm', {
  instanceTypes: [new ec2.InstanceType('m7g.large')],
  capacityType: eks.CapacityType.SPOT,
  labels: { pool: 'arm' },
});

// People: access entries (the bastion's grant uses the same path).
cluster.grantClusterAdmin('Ops', 'arn:aws:iam::123456789012:role/ops');
cluster.grantAccess('Viewers', 'arn:aws:iam::123456789012:role/viewers', [
  eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', { accessScopeType: eks.AccessScopeType.NAMESPACE, namespaces: ['apps'] }),
]);
export { app, stack, cluster, ns, registry, reader };
