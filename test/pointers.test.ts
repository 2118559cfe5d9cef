/**
 * Pointers in messages lead somewhere: sections of the README and the guides that messages cite exist, and the code a fix suggests uses
 * members that exist on the construct the user holds.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PrivateEksCluster } from '../lib';
import { newStack } from './util';

const root = path.join(__dirname, '..');
/** The README and the guides, by path. */
const pages = new Map<string, string>(['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)]
  .map(file => [file === 'README.md' ? 'README' : file, fs.readFileSync(path.join(root, file), 'utf8')]));

/** Every .ts file under lib/, recursively. */
function libSources(dir = path.join(root, 'lib')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? libSources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('sections of the README and the guides cited by messages', () => {
  test('every section a message in lib/ cites (README, "..." or docs/<guide>.md, "...") is a heading of that page', () => {
    // GIVEN each page's headings (outside fences) and the citations in lib/ ("its README" is another project's)
    const headingsOf = (text: string) => new Set([...text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6} (.+)$/gm)].map(m => m[1].trim()));
    const cited = libSources().flatMap(f => [...fs.readFileSync(f, 'utf8').matchAll(/(?<!its )(README|docs\/[a-z-]+\.md), "([^"]+)"/g)]
      .map(m => ({ file: path.relative(root, f), page: m[1], section: m[2] })));

    // THEN there is at least one, and each names an existing heading of an existing page
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter(c => !pages.has(c.page) || !headingsOf(pages.get(c.page)!).has(c.section))).toEqual([]);
  });

  test('the bastion without kubectl cites the bastion section of the operating guide', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36 });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('docs/operating.md, "A shell with kubectl: the bastion"'));
  });
});

describe('PrivateEksCluster.connections', () => {
  test('is the cluster security group\'s connections: allowDefaultPortFrom admits 443 on it', () => {
    // GIVEN a cluster and a security group of the user's
    const stack = newStack();
    const cluster = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36, bastion: false });
    const sg = new ec2.SecurityGroup(stack, 'Ci', { vpc: cluster.vpc });

    // WHEN it is admitted as the messages suggest
    cluster.connections.allowDefaultPortFrom(sg, 'CI runners');

    // THEN the EKS cluster security group admits 443 from it
    expect(cluster.connections).toBe(cluster.cluster.connections);
    expect(cluster.connections.securityGroups).toContain(cluster.cluster.clusterSecurityGroup);
    const clusterId = stack.getLogicalId(cluster.cluster.node.defaultChild as eks.CfnCluster);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::GetAtt': [clusterId, 'ClusterSecurityGroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
    });
  });

  test('is an ec2.IConnectable: a peer can allow traffic to the cluster', () => {
    const stack = newStack();
    const cluster = new PrivateEksCluster(stack, 'Eks', { version: eks.KubernetesVersion.V1_36, bastion: false });
    const sg = new ec2.SecurityGroup(stack, 'Ci', { vpc: cluster.vpc, allowAllOutbound: false });
    const peer: ec2.IConnectable = cluster;
    sg.connections.allowTo(peer, ec2.Port.tcp(443), 'to the API server');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 443, ToPort: 443 });
  });

  test('no message, README or guide line suggests cluster.clusterSecurityGroup, which PrivateEksCluster does not have', () => {
    // `cluster.cluster.clusterSecurityGroup` (the aws-eks-v2 cluster's) exists; `cluster.clusterSecurityGroup` does not.
    expect('clusterSecurityGroup' in PrivateEksCluster.prototype).toBe(false);
    const texts = [...pages.values(), ...libSources().map(f => fs.readFileSync(f, 'utf8'))];
    for (const t of texts) expect(t).not.toMatch(/(?<![.\w])cluster\.clusterSecurityGroup\b/);
    // What they suggest instead exists on PrivateEksCluster.
    for (const t of texts) {
      for (const m of t.matchAll(/(?<![.\w])cluster\.connections\.(\w+)/g)) expect(typeof (ec2.Connections.prototype as any)[m[1]]).toBe('function');
    }
  });

  test('the nodes-SSH warning suggests cluster.connections', () => {
    const stack = newStack();
    new PrivateEksCluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_36,
      bastion: false,
      defaultNodegroup: { sshKeyPair: ec2.KeyPair.fromKeyPairName(stack, 'Ops', 'ops') },
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('cluster\\.connections\\.allowFrom\\(peer, ec2\\.Port\\.tcp\\(22\\)\\)'));
  });
});
