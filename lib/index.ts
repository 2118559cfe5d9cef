export * from './private-eks-cluster';
export * from './network';
export * from './node-endpoints';
export * from './bastion';
export * from './private-nodegroup';
export * from './endpoint-catalogue';
export * from './workload-identity';
export * from './compliance-checks';
