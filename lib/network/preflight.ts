import * as fs from 'fs';
import * as path from 'path';
import { CustomResource, Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings } from '../core/acknowledgements';
import { ipv4CidrPrefix } from '../core/cidr';
import { misuse } from '../core/errors';
import { subnetsPendingLookup } from '../core/lookups';
import { writeJsonFileLines } from '../core/user-data';

/** The probe's handler directory: the function's code asset (plain CommonJS, no dependencies). */
const PROBE_DIR = path.join(__dirname, 'preflight-probe');

/**
 * `private-eks-doctor` and the failure texts it shares with the probe, as base64 of zlib-compressed JSON
 * `{ "doctor.py": ..., "failures.json": ... }`. test/preflight.test.ts checks it against the sources and rewrites it
 * with `UPDATE_DOCTOR_BUNDLE=1`.
 */
const DOCTOR_BUNDLE = path.join(__dirname, 'preflight-doctor.bundle');

/** A short VPC endpoint service name: `ec2`, `ecr.api`, `eks-auth`. */
const SHORT_SERVICE_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/**
 * Settings of the network preflight shared by the deploy-time probe and the bastion's `private-eks-doctor`.
 */
export interface PreflightDoctorOptions {
  /**
   * The VPC endpoint services to check, by short name as in `com.amazonaws.<region>.<name>` (`ec2`, `ecr.api`,
   * `ecr.dkr`, `s3`, `sts`, `eks-auth`, ...). Interface services must resolve to addresses inside `vpcCidrs`; gateway
   * services (`s3`, `dynamodb`) resolve to public addresses and are checked with one HTTPS request.
   */
  readonly services: string[];

  /**
   * The CIDR blocks interface endpoint addresses must fall in: the VPC's, plus a hub VPC's when endpoints are shared
   * from one (Transit Gateway or peering, with the hub's private hosted zones associated with this VPC).
   */
  readonly vpcCidrs: string[];

  /**
   * Services among `services` reached by a route this app cannot see (a transit gateway to an egress VPC, a NAT,
   * endpoints elsewhere): they may resolve to any address, and only the connection decides.
   * @default - none: every interface service must resolve inside `vpcCidrs`
   */
  readonly anyAddressServices?: string[];
}

/**
 * Properties of a `NetworkPreflight`.
 */
export interface NetworkPreflightProps {
  /** The VPC the nodes run in. */
  readonly vpc: ec2.IVpc;

  /**
   * The node subnets. One probe function runs in each selected subnet, with only that subnet, so every Availability
   * Zone's route table and network ACL is exercised.
   */
  readonly subnets: ec2.SubnetSelection;

  /**
   * The VPC endpoint services the nodes need, by short name as in `com.amazonaws.<region>.<name>`.
   * Pass only services that should be reached through endpoints: a public answer for an interface service fails.
   */
  readonly services: string[];

  /**
   * The security groups of the probe functions: pass the group the nodes use, so the probe goes through the same rules.
   * @default - a new security group with one rule: HTTPS (443) out to anywhere
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How long CloudFormation waits for the probe's answer before it fails the stack (the custom resource's
   * `ServiceTimeout`). This is what fails the deploy when the probe cannot even answer (no S3 route for the response).
   * Keep it above the probe's 25-second budget plus a cold start in a VPC (about a minute).
   * @default Duration.minutes(2)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
   */
  readonly serviceTimeout?: Duration;

  /**
   * The CIDR blocks interface endpoint addresses must fall in. Add a hub VPC's CIDR when endpoints are shared from one.
   * @default - the VPC's primary CIDR block
   */
  readonly vpcCidrs?: string[];

  /**
   * Services among `services` reached by a route this app cannot see (a transit gateway to an egress VPC, a NAT,
   * endpoints elsewhere; what `existingEndpointServices` declares): they may resolve to any address, and only the
   * connection decides.
   * @default - none: every interface service must resolve inside `vpcCidrs`
   */
  readonly anyAddressServices?: string[];

  /**
   * An HTTP(S) proxy the subnets' clients use (`host:port`): each probe also resolves its name and connects to its port.
   * @default - no proxy
   */
  readonly proxy?: string;

  /**
   * The KMS key that encrypts the probes' log group (its policy must let CloudWatch Logs use it).
   * @default - CloudWatch Logs' default encryption
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * How long the probes' log group is kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Where a client of the API endpoint runs (an API relay), for `NetworkPreflight.addApiEndpointCheck`.
 */
export interface PreflightApiEndpointOptions {
  /** The cluster API endpoint's hostname (the cluster endpoint without `https://`; a deploy-time value is fine). */
  readonly endpointHost: string;

  /** The subnets the client runs in: one probe function runs in each. */
  readonly subnets: ec2.ISubnet[];

  /** The client's security groups: the probe goes through the rules the client gets (its egress, the cluster's ingress). */
  readonly securityGroups: ec2.ISecurityGroup[];

  /**
   * Services the client also calls from these subnets (`ssm`, `ssmmessages` for a Session Manager relay). Only those this
   * preflight probes from the node subnets are probed here, with the same expectations: a service the app reaches by a
   * way the preflight was not told about is never judged from the client's subnets alone.
   * @default - none: the API endpoint only
   */
  readonly services?: string[];
}

/**
 * A deploy-time check of the network that synth cannot see: in each node subnet, a small Lambda function resolves
 * every service's regional name (expecting addresses inside the VPC for interface endpoints), opens TCP 443 to each
 * address, and sends one HTTPS request to S3. CloudFormation invokes it directly (no provider framework, so no
 * `lambda` endpoint is needed) and the stack fails in about a minute with a reason that names the subnet, the
 * service, what failed and the likely fix, instead of a nodegroup failing after half an hour.
 *
 * Make the nodegroups, the bastion and the kubectl provider depend on it (`x.node.addDependency(preflight)`).
 * Without this construct nothing is created.
 */
export class NetworkPreflight extends Construct {
  /**
   * Shell commands for EC2 user data that install `private-eks-doctor` (python3): the same probe, for people on the
   * bastion. It prints one line per service (OK/FAIL, service, name, addresses, reason) and exits 1 on any failure.
   * Amazon Linux 2023 has python3; nothing is downloaded. For the preflight's own settings:
   * `NetworkPreflight.doctorCommands(bastion, { services: preflight.services, vpcCidrs: preflight.vpcCidrs })`.
   */
  public static doctorCommands(scope: IConstruct, options: PreflightDoctorOptions): string[] {
    const stack = Stack.of(scope);
    // The values reach the host as a file written from base64 (lib/core/user-data.ts), never as shell text; literal
    // values are checked first (also those of a list that grows until synth, when it is joined), so a doctor never
    // starts with a config it cannot read. Lists are comma-separated strings; the doctor splits them.
    const serviceName = (v: string) => /^[a-z0-9][a-z0-9.-]*$/.test(v);
    const joined = (prop: string, list: string[], valid: (v: string) => boolean, what: string) => {
      const join = (values: string[]) => {
        for (const v of values) {
          if (!Token.isUnresolved(v) && !valid(v)) throw misuse(scope, `doctor ${prop}: "${v}" is not ${what}`, `pass ${what}`);
        }
        return values.join(',');
      };
      return Token.isUnresolved(list) ? Lazy.string({ produce: () => join(stack.resolve(list) as string[]) }) : join(list);
    };
    const services = joined('services', options.services, serviceName, 'a service short name such as ecr.api');
    const anyAddress = joined('anyAddressServices', options.anyAddressServices ?? [], serviceName, 'a service short name such as ecr.api');
    const vpcCidrs = joined('vpcCidrs', options.vpcCidrs, c => ipv4CidrPrefix(c) !== undefined, 'an IPv4 CIDR block a.b.c.d/n');
    const config = {
      services,
      anyAddress,
      vpcCidrs,
      region: stack.region,
      urlSuffix: stack.urlSuffix,
      account: stack.account,
    };
    const dir = '/usr/local/lib/private-eks-doctor';
    // The doctor and its failure texts, compressed (EC2 user data is limited to 16 KB) and committed, so the user data
    // does not change with the zlib build of the machine that synthesizes (the bastion is replaced when it changes).
    const bundle = fs.readFileSync(DOCTOR_BUNDLE, 'utf8').trim();
    return [
      '# private-eks-doctor: checks DNS and HTTPS to the cluster\'s AWS services from this host (the deploy preflight, for people)',
      `mkdir -p ${dir}`,
      'python3 -c \'import base64,json,os,sys,zlib; [open(os.path.join(sys.argv[1], n), "w", encoding="utf-8").write(t) for n, t in '
        + `json.loads(zlib.decompress(base64.b64decode(sys.argv[2]))).items()]' ${dir} '${bundle}'`,
      ...writeJsonFileLines('/etc/private-eks-doctor.json', config),
      'cat > /usr/local/bin/private-eks-doctor <<\'DOCTOR\'',
      '#!/bin/sh',
      `exec python3 ${dir}/doctor.py "$@"`,
      'DOCTOR',
      'chmod 0755 /usr/local/bin/private-eks-doctor',
    ];
  }

  /** The probe functions, one per subnet, in the order of the selected subnets. */
  public readonly functions: lambda.Function[];
  /** The custom resources (`Custom::PrivateEksNetworkPreflight`), one per function: what dependents wait for. */
  public readonly checks: CustomResource[];
  /** The probe functions' security groups. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The probe functions' role. */
  public readonly role: iam.Role;
  private readonly serviceList: string[];
  private readonly anyAddressList: string[];
  private readonly vpc: ec2.IVpc;
  private readonly logGroup: logs.LogGroup;
  private readonly serviceTimeout: Duration;
  /** The CIDR blocks interface endpoint addresses must fall in. */
  public readonly vpcCidrs: string[];

  constructor(scope: Construct, id: string, props: NetworkPreflightProps) {
    super(scope, id);
    const serviceTimeout = props.serviceTimeout ?? Duration.minutes(2);
    this.validateServiceTimeout(serviceTimeout);
    this.serviceTimeout = serviceTimeout;
    this.vpc = props.vpc;
    this.serviceList = this.validateServices(props.services);
    this.anyAddressList = [];
    for (const s of props.anyAddressServices ?? []) this.addService(s, true);
    this.vpcCidrs = props.vpcCidrs ?? [this.primaryCidr(props.vpc)];
    if (props.proxy !== undefined && (Token.isUnresolved(props.proxy) || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(props.proxy))) {
      throw misuse(this, `proxy "${props.proxy}" is not host:port`, 'pass the proxy as host:port, such as proxy.corp.internal:3128');
    }
    if (this.vpcCidrs.length === 0) {
      throw misuse(this, 'vpcCidrs is empty', 'pass the VPC\'s CIDR blocks (and a hub VPC\'s, when endpoints are shared from one), or leave vpcCidrs out');
    }

    const subnets = props.vpc.selectSubnets(props.subnets).subnets;
    // Vpc.fromLookup's first pass (no recorded answer) has placeholder subnets only: the CLI synthesizes again with
    // the answer, so the selection is judged then.
    if (subnets.length === 0 && !subnetsPendingLookup(props.vpc, props.subnets)) {
      throw misuse(this, 'the subnet selection matches no subnet of the VPC', 'pass `subnets` that select the node subnets');
    }

    this.securityGroups = props.securityGroups ?? [this.defaultSecurityGroup(props.vpc)];
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Network preflight probe: ENIs in the node subnets and its own logs, nothing else',
      // ENI create/describe/delete for a function in a VPC, and CloudWatch Logs: what Lambda in a VPC needs.
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    const logGroup = this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logsEncryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stack = Stack.of(this);
    this.functions = [];
    this.checks = [];
    subnets.forEach((subnet, i) => {
      const fn = new lambda.Function(this, `Probe${i + 1}`, {
        description: `Network preflight: DNS and HTTPS to AWS services from one node subnet (${i + 1} of ${subnets.length})`,
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(PROBE_DIR),
        role: this.role,
        timeout: Duration.seconds(60),
        memorySize: 256,
        vpc: props.vpc,
        vpcSubnets: { subnets: [subnet] },
        // Node subnets may be public (workshop set-ups); the probe needs no public IP either way.
        allowPublicSubnet: true,
        securityGroups: this.securityGroups,
        logGroup,
        environment: {
          PROBE_SERVICES: Lazy.string({ produce: () => this.serviceList.join(',') }),
          PROBE_ANY_ADDRESS: Lazy.string({ produce: () => this.anyAddressList.join(',') || '-' }),
          PROBE_VPC_CIDRS: this.vpcCidrs.join(','),
          PROBE_REGION: stack.region,
          PROBE_URL_SUFFIX: stack.urlSuffix,
          PROBE_ACCOUNT: stack.account,
          PROBE_SUBNET_ID: subnet.subnetId,
          // An imported subnet may have no AZ recorded; the probe then names the subnet only.
          PROBE_AZ: availabilityZoneOf(subnet),
          ...(props.proxy ? { PROBE_PROXY: props.proxy } : {}),
        },
      });
      const check = new CustomResource(this, `Check${i + 1}`, {
        // CloudFormation invokes the function itself: no provider framework, so no `lambda` endpoint is needed.
        serviceToken: fn.functionArn,
        resourceType: 'Custom::PrivateEksNetworkPreflight',
        serviceTimeout,
        // What the probe checks: a change re-runs it.
        properties: {
          SubnetId: subnet.subnetId,
          Services: Lazy.string({ produce: () => this.serviceList.join(',') }),
          AnyAddressServices: Lazy.string({ produce: () => this.anyAddressList.join(',') || '-' }),
          VpcCidrs: this.vpcCidrs.join(','),
          SecurityGroupIds: this.securityGroups.map(sg => sg.securityGroupId).join(','),
          ...(props.proxy ? { Proxy: props.proxy } : {}),
        },
      });
      this.functions.push(fn);
      this.checks.push(check);
    });

    acknowledgeFindings(this, 'preflight');
  }

  /**
   * Proves at deploy that a client of the API endpoint (an `ApiRelay`) reaches it: in each of `options.subnets`, with the
   * client's security groups, a probe function (this preflight's role, log group, CIDR blocks and timeout) resolves the
   * endpoint's hostname to private addresses and connects to each on 443, and probes the `services` given that this
   * preflight probes. The probes are created in `scope` (the client's), not in this construct, so what waits for the node
   * preflight does not wait for the cluster; make the client wait for the returned checks.
   */
  public addApiEndpointCheck(scope: Construct, id: string, options: PreflightApiEndpointOptions): CustomResource[] {
    if (Stack.of(scope) !== Stack.of(this)) {
      throw misuse(scope, `the API endpoint check must be in the preflight's stack ${Stack.of(this).stackName}, not in ${Stack.of(scope).stackName}`,
        'create the client in the cluster\'s stack, or probe it with a NetworkPreflight of its own stack');
    }
    if (options.subnets.length === 0) {
      throw misuse(scope, 'the API endpoint check was given no subnet', 'pass the subnets the client runs in');
    }
    if (options.securityGroups.length === 0) {
      throw misuse(scope, 'the API endpoint check was given no security group', 'pass the client\'s security groups, so the probe goes through its rules');
    }
    const stack = Stack.of(this);
    const container = new Construct(scope, id);
    // The client's services that the node preflight probes, as it probes them (read at synth: services added later count).
    const wanted = options.services ?? [];
    const services = () => this.serviceList.filter(s => wanted.includes(s)).join(',') || '-';
    const anyAddress = () => this.anyAddressList.filter(s => wanted.includes(s)).join(',') || '-';
    const checks = options.subnets.map((subnet, i) => {
      const fn = new lambda.Function(container, `Probe${i + 1}`, {
        description: `Network preflight: the cluster API endpoint on 443 from a client's subnet (${i + 1} of ${options.subnets.length})`,
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(PROBE_DIR),
        role: this.role,
        timeout: Duration.seconds(60),
        memorySize: 256,
        vpc: this.vpc,
        vpcSubnets: { subnets: [subnet] },
        allowPublicSubnet: true,
        securityGroups: options.securityGroups,
        logGroup: this.logGroup,
        environment: {
          PROBE_SERVICES: Lazy.string({ produce: services }),
          PROBE_ANY_ADDRESS: Lazy.string({ produce: anyAddress }),
          PROBE_API_HOST: options.endpointHost,
          PROBE_VPC_CIDRS: this.vpcCidrs.join(','),
          PROBE_REGION: stack.region,
          PROBE_URL_SUFFIX: stack.urlSuffix,
          PROBE_ACCOUNT: stack.account,
          PROBE_SUBNET_ID: subnet.subnetId,
          PROBE_AZ: availabilityZoneOf(subnet),
        },
      });
      return new CustomResource(container, `Check${i + 1}`, {
        serviceToken: fn.functionArn,
        resourceType: 'Custom::PrivateEksNetworkPreflight',
        serviceTimeout: this.serviceTimeout,
        properties: {
          SubnetId: subnet.subnetId,
          ApiEndpointHost: options.endpointHost,
          Services: Lazy.string({ produce: services }),
          AnyAddressServices: Lazy.string({ produce: anyAddress }),
          VpcCidrs: this.vpcCidrs.join(','),
          SecurityGroupIds: options.securityGroups.map(sg => sg.securityGroupId).join(','),
        },
      });
    });
    acknowledgeFindings(container, 'preflightApiProbe');
    return checks;
  }

  /** The services checked. */
  public get services(): string[] {
    return [...this.serviceList];
  }

  /** The services that may resolve to any address (reached by routes this app cannot see). */
  public get anyAddressServices(): string[] {
    return [...this.anyAddressList];
  }

  /**
   * Adds a service to check (the list is read at synth, so services added after construction are probed too).
   * `anyAddress`: the service is reached by a route this app cannot see and may resolve to any address.
   */
  public addService(service: string, anyAddress?: boolean): void {
    const [s] = this.validateServices([service]);
    if (!this.serviceList.includes(s)) this.serviceList.push(s);
    if (anyAddress && !this.anyAddressList.includes(s)) this.anyAddressList.push(s);
  }

  private validateServiceTimeout(timeout: Duration) {
    if (timeout.isUnresolved()) return;
    const seconds = timeout.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
      throw misuse(this, `serviceTimeout must be a whole number of seconds from 1 second to 1 hour, got ${timeout.toHumanString()}`,
        'pass for example `serviceTimeout: Duration.minutes(2)`, or leave it out for the default of 2 minutes');
    }
  }

  private validateServices(services: string[]): string[] {
    if (services.length === 0) {
      throw misuse(this, 'services is empty: there is nothing to check', 'pass the endpoint services the nodes use (for example "ec2", "ecr.api", "ecr.dkr" and "s3"), or do not create the preflight');
    }
    for (const s of services) {
      if (Token.isUnresolved(s) || !SHORT_SERVICE_NAME.test(s) || s.startsWith('com.')) {
        throw misuse(this, `cannot check service "${s}": services are short names as in com.amazonaws.<region>.<name>`,
          'pass short service names such as "ecr.api", "s3" or "eks-auth"');
      }
    }
    return [...new Set(services)];
  }

  private primaryCidr(vpc: ec2.IVpc): string {
    try {
      return vpc.vpcCidrBlock;
    } catch (e) {
      throw misuse(this, `the VPC's CIDR block is not known (${(e as Error).message})`,
        'pass `vpcCidrs` (the VPC\'s CIDR blocks), or import the VPC with its `vpcCidrBlock`');
    }
  }

  private defaultSecurityGroup(vpc: ec2.IVpc): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Network preflight probe: HTTPS out only',
      allowAllOutbound: false,
    });
    // Interface endpoints (VPC addresses) and S3 (public addresses through the gateway endpoint). DNS to the VPC
    // resolver is not filtered by security groups.
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: VPC endpoints and S3');
    return sg;
  }
}

function availabilityZoneOf(subnet: ec2.ISubnet): string {
  try {
    return subnet.availabilityZone;
  } catch {
    return '';
  }
}
