import { CfnOutput, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { RELAY_NEEDS } from './access-facts';
import { ApiAccessOptions } from './api-access';
import { apiAccessEntry } from './cluster-access';
import { acknowledgeFindings, acknowledgeWildcards } from '../core/acknowledgements';
import { misuse } from '../core/errors';
import { sessionManagerAgentPolicy } from '../core/iam';
import { defaultPrivateSelection } from '../core/subnets';

/** The port the EKS API server listens on. */
const API_PORT = '443';
/** The local port the tunnel listens on unless told otherwise (unprivileged, clear of 8080 and 6443). */
const DEFAULT_LOCAL_PORT = 8443;

/** A person or a team that reaches the API through the relay. */
export interface ApiUserOptions extends ApiAccessOptions {
  /**
   * The role they use: an IAM Identity Center permission set's role with its path
   * (`arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<suffix>`), or an IAM role.
   * Kubernetes sees each role as its own user, so give each person or team its own.
   */
  readonly principalArn: string;
}

/**
 * Properties of an `ApiRelay`.
 */
export interface ApiRelayProps {
  /** The cluster whose private API endpoint the relay forwards to. Its VPC is the relay's VPC. */
  readonly cluster: eks.ICluster;
  /**
   * Where the relay runs: subnets that reach the `ssm` and `ssmmessages` endpoints (or the internet).
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The relay's instance type. It only relays TCP.
   * @default t4g.nano
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The relay's image: it needs an SSM Agent that forwards to remote hosts (3.1.1374.0 or later).
   * @default - the latest Amazon Linux 2023 for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * The local port the tunnel command listens on.
   * @default 8443
   */
  readonly localPort?: number;
  /**
   * Print the tunnel command and the kubeconfig command as stack outputs (`TunnelCommand`, `KubeconfigCommand`).
   * @default true
   */
  readonly outputs?: boolean;
}

/**
 * A Session Manager relay to a private cluster's API endpoint, for people outside the VPC: an instance with no inbound
 * rule, no public address, IMDSv2 only and no cluster permissions (its role may only talk to Session Manager), and a
 * Session document of its own that forwards to the API endpoint's hostname on 443 and nowhere else. IAM has no
 * condition key on a session's parameters (`host`, `portNumber`), so the host and port are written in the document's
 * properties, and `grantPortForward` allows this document only (`ssm:SessionDocumentAccessCheck`).
 *
 * What is recorded: CloudTrail records each `StartSession` (who, which instance, which document) and the EKS API calls;
 * Session Manager keeps the session history (start, end, who). The bytes forwarded are TLS between kubectl and the
 * API server and are not logged by Session Manager; Kubernetes audit logs (the control plane's `audit` log type) record
 * each request under the user the access entry maps the caller's role to.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html#sessions-remote-port-forwarding
 */
export class ApiRelay extends Construct implements ec2.IConnectable {
  /** The instance. */
  public readonly instance: ec2.Instance;
  /** The instance role: Session Manager only. */
  public readonly role: iam.Role;
  /** The relay's security group: no inbound rule, HTTPS out. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network connections of the relay. */
  public readonly connections: ec2.Connections;
  /** The Session document that forwards to the API endpoint on 443 only. */
  public readonly document: ssm.CfnDocument;
  /** The cluster. */
  public readonly cluster: eks.ICluster;
  /** The API endpoint's hostname (the cluster endpoint without `https://`). */
  public readonly endpointHost: string;
  /** The local port of the tunnel command. */
  public readonly localPort: number;
  /** The AWS services the relay calls from its subnets (`ssm`, `ssmmessages`): the synth-time check reads this. */
  public readonly requiredServices: string[];
  /** The subnet the instance runs in (the first of the selection, as `ec2.Instance` picks it): the preflight probes from it. */
  public readonly subnet: ec2.ISubnet;

  constructor(scope: Construct, id: string, props: ApiRelayProps) {
    super(scope, id);
    this.cluster = props.cluster;
    const vpc = props.cluster.vpc;
    this.localPort = props.localPort ?? DEFAULT_LOCAL_PORT;
    if (!Token.isUnresolved(this.localPort) && (!Number.isInteger(this.localPort) || this.localPort < 1024 || this.localPort > 65535)) {
      throw misuse(this, `localPort is ${this.localPort}`, 'use a port from 1024 to 65535 (a user may listen there without root), for example 8443');
    }
    const subnets = props.subnets ?? defaultPrivateSelection(vpc);
    const selected = vpc.selectSubnets(subnets).subnets;
    if (selected.length === 0) {
      throw misuse(this, 'the relay\'s subnet selection matches no subnet of the VPC', 'give the VPC private subnets, or pass `subnets`');
    }
    this.subnet = selected[0];
    this.requiredServices = RELAY_NEEDS.map(n => n.service);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'EKS API relay: no inbound rule; HTTPS out to the API server and the Session Manager endpoints',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: cluster API, Session Manager endpoints');
    this.connections = this.securityGroup.connections;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'EKS API relay: Session Manager only, no cluster permissions',
    });
    // The Session Manager agent's calls only: no cluster permission.
    const sessions = sessionManagerAgentPolicy(this.role, this.node.path);
    acknowledgeWildcards(sessions, 'relaySessionManager');

    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);
    const machineImage = props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({
      cpuType: instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
    });
    this.instance = new ec2.Instance(this, 'Instance', {
      vpc,
      vpcSubnets: subnets,
      instanceType,
      machineImage,
      securityGroup: this.securityGroup,
      role: this.role,
      // IMDSv2 only, hop limit 1.
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
    });
    acknowledgeFindings(this.instance, 'relayInstance');

    // https://XXXX.gr7.<region>.eks.amazonaws.com -> XXXX.gr7.<region>.eks.amazonaws.com
    this.endpointHost = Fn.select(2, Fn.split('/', props.cluster.clusterEndpoint));
    this.document = new ssm.CfnDocument(this, 'PortForwardDocument', {
      documentType: 'Session',
      content: {
        schemaVersion: '1.0',
        description: `Port forwarding to the API server of ${props.cluster.node.path} on ${API_PORT}, and nowhere else`,
        sessionType: 'Port',
        // Only the local port is a parameter: the host and the remote port are fixed below, and a caller cannot
        // override properties (AWS-StartPortForwardingSessionToRemoteHost makes host and portNumber parameters).
        parameters: {
          localPortNumber: {
            type: 'String',
            description: 'The port on your computer',
            allowedPattern: '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$',
            default: String(this.localPort),
          },
        },
        properties: {
          type: 'LocalPortForwarding',
          host: this.endpointHost,
          portNumber: API_PORT,
          localPortNumber: '{{ localPortNumber }}',
        },
      },
    });

    // The relay reaches the API server through the cluster security group.
    if (props.cluster.connections.defaultPort) props.cluster.connections.allowDefaultPortFrom(this.securityGroup, 'kubectl through the API relay');
    else props.cluster.connections.allowFrom(this.securityGroup, ec2.Port.tcp(443), 'kubectl through the API relay');

    if (props.outputs ?? true) {
      new CfnOutput(this, 'KubeconfigCommand', {
        description: 'From a laptop: writes a kubeconfig that reaches the private API endpoint through this relay (private-eks-tunnel, in cdk-private-eks), and prints the tunnel command',
        value: this.kubeconfigCommand,
      });
      new CfnOutput(this, 'TunnelCommand', {
        description: `Opens the tunnel to the API endpoint on 443: https://127.0.0.1:${this.localPort} then reaches the API server (keep it open while you use kubectl)`,
        value: this.tunnelCommand,
      });
    }

    this.node.addValidation({ validate: () => this.checkForwarding() });
  }

  /**
   * Lets a principal open the tunnel to the API endpoint and nothing else: `ssm:StartSession` on this instance with this
   * relay's document, with `ssm:SessionDocumentAccessCheck` (so no other document, `AWS-StartPortForwardingSessionToRemoteHost`
   * and the default shell included, is allowed by this statement); ending and resuming its own sessions; and
   * `eks:DescribeCluster` on this cluster (for the kubeconfig). It grants nothing in Kubernetes: add an access entry
   * (`addUser`).
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-specify-session-document.html
   */
  public grantPortForward(grantee: iam.IGrantable): iam.Grant {
    return this.portForwardStatements().map(s => iam.Grant.addToPrincipal({
      grantee, actions: s.actions ?? [], resourceArns: s.resources ?? [], conditions: s.conditions,
    })).reduce((a, b) => a.combine(b));
  }

  /**
   * The same permissions as `grantPortForward`, as a customer managed policy with a name of your choice, for an IAM
   * Identity Center permission set (`customerManagedPolicyReferences: [{ name }]`): the set's roles cannot be changed
   * from this account, so the set references the policy by name in each account it is assigned to.
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/howtocmp.html
   */
  public portForwardPolicy(id: string, managedPolicyName: string): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, id, {
      managedPolicyName,
      description: `Port forward to the API of ${this.cluster.node.path} through ${this.node.path}`,
      statements: this.portForwardStatements().map(s => new iam.PolicyStatement(s)),
    });
    acknowledgeWildcards(policy, 'relayTunnelPolicy');
    return policy;
  }

  /**
   * An access entry for a person or a team (their role), with the policy chosen for them. Everyone who reaches the API
   * through the relay acts as their own role: Kubernetes and CloudTrail tell them apart.
   */
  public addUser(id: string, options: ApiUserOptions): eks.AccessEntry {
    return apiAccessEntry(this, id, this.cluster, options.principalArn, options);
  }

  /** The command that opens the tunnel: `https://127.0.0.1:<localPort>` then reaches the API server. */
  public get tunnelCommand(): string {
    const stack = Stack.of(this);
    return `aws ssm start-session --region ${stack.region} --target ${this.instance.instanceId} --document-name ${this.document.ref}`
      + ` --parameters localPortNumber=${this.localPort}`;
  }

  /** The command that writes a kubeconfig for the tunnel (`private-eks-tunnel`, in this package's bin). */
  public get kubeconfigCommand(): string {
    const stack = Stack.of(this);
    return `npx private-eks-tunnel --cluster-name ${this.cluster.clusterName} --region ${stack.region}`
      + ` --relay ${this.instance.instanceId} --document ${this.document.ref} --local-port ${this.localPort}`;
  }

  private portForwardStatements(): iam.PolicyStatementProps[] {
    const stack = Stack.of(this);
    return [
      {
        actions: ['ssm:StartSession'],
        resources: [
          `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:instance/${this.instance.instanceId}`,
          `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:document/${this.document.ref}`,
        ],
        conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
      },
      {
        actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        resources: [`arn:${stack.partition}:ssm:${stack.region}:${stack.account}:session/\${aws:userid}-*`],
      },
      {
        actions: ['eks:DescribeCluster'],
        resources: [this.cluster.clusterArn],
      },
    ];
  }

  /**
   * The tunnel goes to the API endpoint on 443 only, as deployed (escape hatches included): the document's host and
   * port, and every IAM statement of the app that allows StartSession on this instance.
   */
  private checkForwarding(): string[] {
    const stack = Stack.of(this);
    const errors: string[] = [];
    const template = stack.resolve((this.document as any)._toCloudFormation()) as any;
    const rendered = template.Resources?.[stack.resolve(this.document.logicalId)]?.Properties ?? {};
    const content = rendered.Content ?? {};
    const properties = content.properties ?? {};
    const host = JSON.stringify(stack.resolve(this.endpointHost));
    if (content.sessionType !== 'Port' || JSON.stringify(properties.host) !== host || String(properties.portNumber) !== API_PORT) {
      errors.push(`the port-forward document ${this.document.node.path} forwards to ${JSON.stringify(properties.host)} port ${properties.portNumber},`
        + ` not to the API endpoint ${host} on ${API_PORT}. Fix: remove the override of its content: the relay forwards to the API server only`);
    }
    const overridable = Object.keys(content.parameters ?? {}).filter(p => p !== 'localPortNumber');
    if (overridable.length > 0 || /\{\{/.test(JSON.stringify([properties.host, properties.portNumber]))) {
      errors.push(`the port-forward document ${this.document.node.path} lets the caller choose ${overridable.join(', ') || 'the host or port'}.`
        + ' Fix: keep host and portNumber fixed in its properties; only localPortNumber may be a parameter');
    }
    const instanceArn = arnText(stack, stack.resolve(`arn:${stack.partition}:ec2:${stack.region}:${stack.account}:instance/${this.instance.instanceId}`));
    const documentArn = arnText(stack, stack.resolve(`arn:${stack.partition}:ssm:${stack.region}:${stack.account}:document/${this.document.ref}`));
    for (const { path, statement } of startSessionStatements(stack)) {
      const resources = asList(statement.Resource).map(r => arnText(stack, r));
      if (!resources.includes(instanceArn)) continue;
      const documents = resources.filter(r => r !== instanceArn);
      const others = documents.filter(d => d !== documentArn);
      const checked = ['Bool', 'BoolIfExists'].some(op => String(statement.Condition?.[op]?.['ssm:SessionDocumentAccessCheck']) === 'true');
      if (others.length > 0 || !checked) {
        errors.push(`${path} allows ssm:StartSession on the relay ${this.instance.node.path} `
          + (others.length > 0 ? `with ${others.join(', ')}, which can forward to any host and port the relay reaches`
            : 'without ssm:SessionDocumentAccessCheck, which admits any document (a shell, or a forward to any host and port)')
          + '. Fix: grant the tunnel with relay.grantPortForward(principal) (or relay.portForwardPolicy(...)), which allows the relay\'s own document only');
      }
    }
    return errors;
  }
}

interface Statement { Effect?: string; Action?: unknown; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> }

/**
 * An ARN as text, to compare ARNs written in different ways: intrinsics joined, a reference as `{Ref:<id>}`, the
 * partition as `<partition>` (literal or `AWS::Partition`), the stack's region and account as their values when known.
 */
function arnText(stack: Stack, v: unknown): string {
  const pseudo: Record<string, string | undefined> = {
    'AWS::Partition': '<partition>',
    'AWS::Region': Token.isUnresolved(stack.region) ? undefined : stack.region,
    'AWS::AccountId': Token.isUnresolved(stack.account) ? undefined : stack.account,
  };
  const text = (x: unknown): string => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x)) return x.map(text).join(',');
    const o = x as Record<string, any> | undefined;
    if (o?.Ref !== undefined) return pseudo[o.Ref] ?? `{Ref:${o.Ref}}`;
    if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(text).join(o['Fn::Join'][0]);
    return JSON.stringify(x);
  };
  return text(v).replace(/^arn:aws(-[a-z-]+)?:/, 'arn:<partition>:');
}

function asList(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Every Allow statement of the stack's IAM policies (inline, managed, roles' inline) whose actions cover StartSession. */
function startSessionStatements(stack: Stack): Array<{ path: string; statement: Statement }> {
  const out: Array<{ path: string; statement: Statement }> = [];
  const covers = (a: unknown) => typeof a === 'string' && new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test('ssm:StartSession');
  const visit = (c: IConstruct) => {
    const docs: unknown[] = [];
    if (c instanceof iam.CfnPolicy || c instanceof iam.CfnManagedPolicy) docs.push(c.policyDocument);
    if (c instanceof iam.CfnRole) docs.push(...asList(c.policies).map((p: any) => p?.policyDocument));
    for (const doc of docs) {
      const resolved = stack.resolve(doc) as { Statement?: Statement[] } | undefined;
      for (const st of asList(resolved?.Statement) as Statement[]) {
        if (st.Effect === 'Allow' && asList(st.Action).some(covers)) out.push({ path: c.node.path, statement: st });
      }
    }
  };
  for (const c of stack.node.findAll()) visit(c);
  return out;
}
