import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { misuse } from '../core/errors';
import { cloudWatchLogsKey } from '../core/logs-key';

/**
 * What DNS Firewall does with a query for a name the allow-list does not hold.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-rule-actions.html
 */
export enum DnsFirewallAction {
  /** Refuse it: the client gets NXDOMAIN (the name does not exist). */
  BLOCK = 'BLOCK',
  /** Answer it, and record an alert in the query log: a first deploy that shows what a BLOCK would break. */
  ALERT = 'ALERT',
}

/**
 * Settings of a VPC's DNS Firewall.
 */
export interface DnsFirewallOptions {
  /**
   * What happens to a query for a name the allow-list does not hold.
   * @default DnsFirewallAction.BLOCK
   */
  readonly action?: DnsFirewallAction;

  /**
   * The allow-list, pinned: exactly these domains (`registry.corp.example`, `*.corp.example`; a leading `*` covers the
   * names below). With `PrivateEksCluster` the list is otherwise derived from what the synth-time check proved, and a
   * pinned list that leaves out a registry, chart host or proxy the cluster resolves fails synth (PEKS-DNS-1).
   * @default - with `PrivateEksCluster`, derived; a `DnsFirewall` of its own needs `domains`
   */
  readonly domains?: string[];

  /**
   * Domains allowed besides the pinned or derived ones.
   * @default - none
   */
  readonly additionalDomains?: string[];

  /**
   * Let queries through when DNS Firewall cannot evaluate them (`FirewallFailOpen`), favouring availability over the
   * boundary. This is the VPC's setting: it applies to every rule group associated with it.
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_FirewallConfig.html
   * @default false - closed: a query that cannot be evaluated fails
   */
  readonly failOpen?: boolean;

  /**
   * The rule group's priority among those associated with the VPC: between 100 and 9900, both excluded (lowest first).
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-route53resolver-firewallrulegroupassociation.html
   * @default 9000 - after rule groups an organisation associates with lower numbers
   */
  readonly priority?: number;

  /**
   * Log every query of the VPC (Resolver query logging) to a CloudWatch Logs group encrypted with a KMS key.
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html
   * @default true
   */
  readonly queryLogging?: boolean;

  /**
   * How long query logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The key of the query log group (its policy must let CloudWatch Logs use it).
   * @default - the cluster's logs key with PrivateEksCluster, else a new key
   */
  readonly logKey?: kms.IKey;
}

/**
 * Properties of a `DnsFirewall`.
 */
export interface DnsFirewallProps extends DnsFirewallOptions {
  /** The VPC whose resolver queries are filtered and logged. */
  readonly vpc: ec2.IVpc;
}

/** A domain of a DNS Firewall list: `*`, or labels of A-Z, a-z, 0-9 and -, optionally after `*.`; 1 to 255 characters. */
const DOMAIN = /^(\*|(\*\.)?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+\.?)$/;

/**
 * Route 53 Resolver DNS Firewall for a VPC: one rule group, associated with the VPC, that allows the names of
 * `domains` (and CNAME targets of what it allows) and blocks or alerts on every other name; the VPC's firewall
 * configuration (fail closed unless `failOpen`); and Resolver query logging to an encrypted CloudWatch Logs group.
 * A VPC with no internet route still resolves every public name through its resolver: a pod can send data out in
 * queries for names of a domain it controls, and flow logs do not record traffic to the resolver.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html
 */
export class DnsFirewall extends Construct {
  /**
   * Fails, naming `scope`, when a domain is not one DNS Firewall takes ("It can optionally start with * ... it must only
   * contain the following characters: A-Z, a-z, 0-9, - (hyphen) ... 1-255 characters":
   * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-user-managed-domain-lists.html,
   * read 2026-12-07), or is `*` (an allow-list of every name).
   */
  public static checkDomains(scope: Construct, domains: string[]) {
    for (const d of domains) {
      if (Token.isUnresolved(d)) continue;
      if (d === '*') throw misuse(scope, 'the allow-list holds *, which allows every name', 'name the domains the VPC resolves, or remove the firewall');
      if (!DOMAIN.test(d) || d.length > 255) {
        throw misuse(scope, `domain "${d}" is not a DNS Firewall domain`, 'write a name of letters, digits, hyphens and dots, optionally starting with *. (for example \'*.corp.example\')');
      }
    }
  }

  /** The domains allowed (the template's list; a token when `PrivateEksCluster` derives it). */
  public readonly allowedDomains: string[];
  /** The allow-list. */
  public readonly allowList: route53resolver.CfnFirewallDomainList;
  /** The rule group: allow the list, then block (or alert on) `*`. */
  public readonly ruleGroup: route53resolver.CfnFirewallRuleGroup;
  /** The rule group's association with the VPC. */
  public readonly association: route53resolver.CfnFirewallRuleGroupAssociation;
  /** Where query logs go (undefined with `queryLogging: false`). */
  public readonly queryLogGroup?: logs.LogGroup;
  /** What happens to a name the list does not hold. */
  public readonly action: DnsFirewallAction;

  constructor(scope: Construct, id: string, props: DnsFirewallProps) {
    super(scope, id);
    if (props.domains === undefined) {
      throw misuse(this, 'a DnsFirewall needs the domains it allows, and none were given',
        'pass domains (for example [\'*.us-east-1.amazonaws.com\']), or use PrivateEksCluster\'s dnsFirewall, which derives them');
    }
    // A list token (PrivateEksCluster's derived list, additions included) is taken whole: CloudFormation needs it so.
    const domains = props.additionalDomains?.length ? [...props.domains, ...props.additionalDomains] : props.domains;
    if (!Token.isUnresolved(domains)) DnsFirewall.checkDomains(this, domains);
    const priority = props.priority ?? 9000;
    if (!Token.isUnresolved(priority) && (!Number.isInteger(priority) || priority <= 100 || priority >= 9900)) {
      throw misuse(this, `priority must be a whole number between 100 and 9900 (both excluded), got ${priority}`, 'pass a priority like 9000');
    }
    this.action = props.action ?? DnsFirewallAction.BLOCK;
    this.allowedDomains = domains;

    this.allowList = new route53resolver.CfnFirewallDomainList(this, 'AllowList', { domains });
    const everything = new route53resolver.CfnFirewallDomainList(this, 'Everything', { domains: ['*'] });
    this.ruleGroup = new route53resolver.CfnFirewallRuleGroup(this, 'RuleGroup', {
      firewallRules: [
        {
          priority: 100,
          action: 'ALLOW',
          firewallDomainListId: this.allowList.attrId,
          // An allowed name's CNAME chain (an endpoint's vpce-... names, S3's regional aliases) is trusted with it.
          firewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN',
        },
        {
          priority: 200,
          action: this.action,
          firewallDomainListId: everything.attrId,
          ...(this.action === DnsFirewallAction.BLOCK ? { blockResponse: 'NXDOMAIN' } : {}),
        },
      ],
    });
    this.association = new route53resolver.CfnFirewallRuleGroupAssociation(this, 'Association', {
      firewallRuleGroupId: this.ruleGroup.attrId,
      vpcId: props.vpc.vpcId,
      priority,
    });
    new route53resolver.CfnFirewallConfig(this, 'Config', {
      resourceId: props.vpc.vpcId,
      firewallFailOpen: props.failOpen ? 'ENABLED' : 'DISABLED',
    });

    if (props.queryLogging ?? true) {
      this.queryLogGroup = new logs.LogGroup(this, 'QueryLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.logKey ?? cloudWatchLogsKey(this, 'QueryLogsKey', `Encryption of the Resolver query logs of ${this.node.path}`),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const config = new route53resolver.CfnResolverQueryLoggingConfig(this, 'QueryLogging', { destinationArn: this.queryLogGroup.logGroupArn });
      new route53resolver.CfnResolverQueryLoggingConfigAssociation(this, 'QueryLoggingAssociation', {
        resolverQueryLogConfigId: config.attrId,
        resourceId: props.vpc.vpcId,
      });
    } else if (props.logKey || props.logRetention) {
      throw misuse(this, 'logKey or logRetention was given, and queryLogging is false', 'remove them, or turn query logging on');
    }
  }
}
