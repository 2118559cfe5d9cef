/**
 * The rule reference of docs/plan-and-checks.md, generated from the rule lists the code registers: every
 * `export const <NAME>_RULES = [...]` under lib/ (JOIN_RULES with HUB_RULES and PROXY_RULES, TEMPLATE_RULES of the
 * `PrivateEksChecks` pack, and any list added later), read by their exports, so a new rule or a new list shows up in
 * the table with no hand edit: test/readme.test.ts fails until `UPDATE_DOCS=1 npx jest test/readme.test.ts` rewrites
 * the block. A rule's fix comes from FIXES below (a few words), or reads "the message names it".
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');

/** A row of the reference. */
export interface RuleRow {
  readonly id: string;
  /** `error` fails synth, `warning` is reported; `pack` is a finding of the `PrivateEksChecks` validation plugin. */
  readonly severity: string;
  readonly reason: string;
  readonly fix: string;
  readonly source: string;
  /** The list that registers it, as `<file>: <NAME>` (relative to lib/). */
  readonly list: string;
}

/**
 * When each rule fires, in more words than its one-line reason (what it reads, what it does not judge); a rule with
 * no entry shows its reason from the code.
 */
const DETAILS: Record<string, string> = {
  'PEKS-HUB-1': 'a subnet of the client has no route (Transit Gateway, peering) to the hub\'s CIDRs (a NAT route does not reach them: the hub\'s names answer with its addresses), or the hub\'s CIDR overlaps the VPC',
  'PEKS-HUB-2': 'the subnets\' route tables are not in the app: the route cannot be proven',
  'PEKS-HUB-3': 'a name the client calls a shared service by is not the hub\'s (`api.ecr.<region>`, `<account>.dkr.ecr.<region>`, `eks-auth.<region>.api.aws`): it resolves publicly',
  'PEKS-HUB-4': 'a zone or rule of the hub holds the name\'s parent but not the name: "no such name" (an `eks.<region>` zone shadows `oidc.eks.<region>`; a `dkr.ecr` zone without `*`)',
  'PEKS-HUB-5': 'the VPC also has a private-DNS endpoint for a name the hub\'s zones answer (EC2 refuses: "conflicting DNS domain")',
  'PEKS-HUB-6': 'the hub is in another region',
  'PEKS-HUB-7': 'the hub\'s endpoint security group does not admit every CIDR of the VPC (secondary ones too)',
  'PEKS-HUB-8': 'the hub\'s endpoint policies admit neither this account nor its organization',
  'PEKS-HUB-10': 'the names cannot be checked: an environment-agnostic stack and no `sharedEndpoints.region`',
  'PEKS-HUB-11': 'the hub\'s private hosted zones are in the app and not associated with this VPC',
  'PEKS-HUB-9': 'a local private-DNS endpoint for a service the hub serves by Resolver rules or a profile: one of the two is paid for and unused',
  'PEKS-PROXY-1': 'a client fetches through the proxy and a subnet of it has no route to `proxyCidrs`',
  'PEKS-PROXY-2': 'the route to the proxy cannot be proven at synth',
  'PEKS-JOIN-1': 'a node subnet reaches neither the internet nor an endpoint for a service nodes need to join (`ec2`, `ecr.api`, `ecr.dkr`, `s3`); names every missing service',
  'PEKS-JOIN-2': 'the VPC has an S3 gateway endpoint, but not on the node subnets\' route tables (image layers come from S3)',
  'PEKS-JOIN-3': 'an interface endpoint that is needed has private DNS off (clients resolve the public name and time out)',
  'PEKS-JOIN-4': 'the endpoint\'s security groups admit no 443 from the nodes, or the nodes\' security groups allow no 443 out to it',
  'PEKS-JOIN-5': 'VPC DNS support or hostnames is off with private API access or interface endpoints',
  'PEKS-JOIN-7': 'an endpoint policy blocks what nodes need to pull images: ECR pull actions on `ecr.api` / `ecr.dkr`, `s3:GetObject` on the regional `prod-<region>-starport-layer-bucket` through the S3 gateway (explicit Deny, or no Allow that covers it; conditions and role-specific statements are not judged)',
  'PEKS-JOIN-6': 'cannot verify: a node subnet\'s routes are not in the app (imported), or its default route goes to a transit/VPN gateway, and no endpoint in the app serves a needed service',
  'PEKS-FEAT-1': 'an enabled or detected feature needs an endpoint the nodes cannot reach: IRSA `sts`, Pod Identity `eks-auth`, log shipping `logs`',
  'PEKS-API-1': 'the API endpoint is PUBLIC only and node subnets have no internet route (kubelet cannot reach it)',
  'PEKS-API-2': 'the public endpoint is CIDR-restricted with no private access: the nodes\' egress IPs must be in the list (aws-eks-v2 already refuses `PUBLIC.onlyFrom`)',
  'PEKS-API-3': 'private access, and the cluster security group does not admit 443 from nodes that run with their own security groups',
  'PEKS-BASTION-1': 'the bastion cannot reach SSM (`ssm`, `ssmmessages`; `ec2messages` too with a `machineImage` of yours), S3 for its kubectl download (including an S3 gateway policy that blocks the asset), or the API server',
  'PEKS-KUBECTL-1': 'a Lambda function running kubectl is outside the VPC with a PRIVATE endpoint, is not admitted by the cluster security group, lacks `eks` (the handler\'s `update-kubeconfig`) / `lambda` + `s3` (the provider framework), or the S3 gateway policy blocks the framework\'s answer to CloudFormation (`cloudformation-custom-resource-response-<region without dashes>`)',
  'PEKS-KUBECTL-2': 'a Helm chart comes from a public repository or from another region\'s ECR (not this region\'s ECR OCI, not a chart asset) and the kubectl handler has no internet route',
  'PEKS-IMG-1': 'a workload\'s image comes from a public registry (Docker Hub, registry.k8s.io, Quay, ghcr.io, ECR Public, ...) and node subnets have no internet route',
  'PEKS-IMG-2': 'a workload\'s image comes from another region\'s ECR, node subnets have no internet route, and the VPC has no cross-Region interface endpoints for that region\'s `ecr.api`, `ecr.dkr` and `s3` (the layers); an endpoint for another region\'s service never counts for this region\'s names',
  'PEKS-IMG-3': 'a workload\'s image comes from a registry the library cannot classify and that is not declared (`existingRegistries`)',
  'PEKS-IMG-4': 'an image cannot be checked: a token, a chart\'s default images, an ECR region in an environment-agnostic stack',
  'PEKS-IMG-6': 'a workload\'s image is pulled through a pull-through cache rule, no warm-up of the app pulls it at deploy, and node subnets have no internet route: ECR\'s first pull through the cache over interface endpoints needs a NAT gateway',
  'PEKS-IMG-5': 'an image reference is malformed',
  'PEKS-REGION-1': 'a client with no internet route needs a service the region does not offer through PrivateLink (the EKS API in ap-southeast-5, ap-southeast-7, mx-central-1, ap-east-2: the kubectl handler\'s `update-kubeconfig`); the endpoint is not created there',
  'PEKS-ADDON-1': 'an EKS add-on or a recognised controller chart (see [Add-ons and controllers](addons-and-controllers.md)) needs a service of its contract that its node subnets reach neither through an endpoint nor the internet, named with the component',
  'PEKS-ADDON-2': 'a recognised chart or add-on lacks a setting it needs without internet: Load Balancer Controller `enableShield`/`enableWaf`/`enableWafv2` false unless the node subnets reach `shield`/`waf-regional`/`wafv2`, and `clusterName`; Karpenter `settings.isolatedVPC` true (unless it reaches the Price List API) and `settings.clusterName`; Cluster Autoscaler `extraArgs.aws-use-static-instance-list` true and `awsRegion` = the stack\'s region',
  'PEKS-ADDON-3': 'an add-on or controller that calls AWS has no Pod Identity association or IRSA role for its service account (vpc-cni is exempt: it has its own role by default, and the node role keeps `AmazonEKS_CNI_Policy` whenever it has none)',
  'PEKS-NET-1': 'nodes in a public subnet that assigns no public IPs and has no NAT (EKS rejects managed nodes there)',
  'PEKS-NET-2': 'the cluster subnets span fewer than 2 Availability Zones',
  'PEKS-NET-3': 'the node subnets have fewer addresses than max nodes x (max pods + 1) (max pods from the ENI limits of common t3/t3a/t4g/m/c/r types; other types are not checked)',
  'PEKS-EGRESS-1': 'control-plane egress is `CUSTOMER_ROUTED` (the prop, or `ResourcesVpcConfig.ControlPlaneEgressMode` through an escape hatch) and a cluster subnet reaches neither the internet nor an endpoint for what the API server calls itself: with IRSA, OIDC discovery at `oidc.eks.<region>` (the `oidc-eks` endpoint serves it with private DNS; that the control plane may use it is inferred from the two pages, not stated); also an external OIDC identity provider (`AWS::EKS::IdentityProviderConfig`), whose issuer the API server fetches from the cluster subnets',
  'PEKS-AUTO-1': 'EKS Auto Mode is on (`ComputeConfig.Enabled` as the template carries it: through aws-eks-v2 or an escape hatch, overrides included): the private-clusters page covers managed and self-managed nodes and does not mention Auto Mode (read 2026-12-07), so the library cannot prove they join',
  'PEKS-VER-1': 'EKS does not create clusters of this version: past its end of extended support, or newer than the newest EKS offers (1.36, read 2026-12-07)',
  'PEKS-VER-2': 'the kubectl layer (`KubectlVNNLayer`) is more than one minor version from the cluster',
};

/** The fix of each rule, in a few words (each message names the fix for the case it found). */
const FIXES: Record<string, string> = {
  'PEKS-HUB-1': '`network.attachToTransitGateway(...)`, a `CfnRoute`; CIDRs that do not overlap',
  'PEKS-HUB-2': 'the preflight probes it; acknowledge',
  'PEKS-HUB-3': 'a zone (or rule) for that name, or the service in the profile; or let the spoke create it',
  'PEKS-HUB-4': 'add the record, or a more specific zone',
  'PEKS-HUB-5': 'keep one of the two',
  'PEKS-HUB-6': 'a hub in this region',
  'PEKS-HUB-7': 'add them to `spokeCidrs`',
  'PEKS-HUB-8': '`principalAccounts` or `organizationId`',
  'PEKS-HUB-10': 'an `env`, or `region`',
  'PEKS-HUB-11': '`hub.associateVpc(cluster.vpc)`; across accounts, a Route 53 Profile',
  'PEKS-HUB-9': 'keep one',
  'PEKS-PROXY-1': 'route them (Transit Gateway, peering)',
  'PEKS-PROXY-2': 'give `proxyCidrs`; the preflight connects to it',
  'PEKS-JOIN-1': 'create the endpoints, or a NAT route, or declare them',
  'PEKS-JOIN-2': 'associate it with those route tables',
  'PEKS-JOIN-3': 'turn `privateDnsEnabled` on',
  'PEKS-JOIN-4': 'allow 443 both ways',
  'PEKS-JOIN-5': '`enableDnsSupport` and `enableDnsHostnames` on',
  'PEKS-JOIN-7': 'allow those in the policy (`NodeEndpoints` does by default)',
  'PEKS-JOIN-6': 'make sure it is reachable, then declare it in `existingEndpointServices`',
  'PEKS-FEAT-1': '`features: {...}` with `createVpcEndpoints`, `additionalEndpoints`, or declare; where only a default needs the service, the message names its switch (`eks-auth`: `vpcCniRole: false`; the bastion\'s `logs`: `bastionOptions: { sessionLogging: false }`)',
  'PEKS-API-1': '`PRIVATE` or `PUBLIC_AND_PRIVATE`, or a NAT route',
  'PEKS-API-2': '`PUBLIC_AND_PRIVATE.onlyFrom(...)`',
  'PEKS-API-3': '`cluster.connections.allowDefaultPortFrom(nodeSg)`',
  'PEKS-BASTION-1': 'create the endpoints, put it where it reaches them, or use private access',
  'PEKS-KUBECTL-1': 'place it in the VPC with the cluster security group; add the endpoints; admit the response bucket',
  'PEKS-KUBECTL-2': 'push the chart to this region\'s ECR (`oci://...`) or use `chartAsset`',
  'PEKS-IMG-1': 'cache it (`addPullThroughCache`, `imageUri`), a NAT route, or declare the registry',
  'PEKS-IMG-2': 'ECR replication, a cross-region pull-through cache rule, or cross-Region PrivateLink (`serviceRegion`) for the three services ([cross-Region enabled services](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html))',
  'PEKS-IMG-3': 'declare it, or copy the image to this region\'s ECR',
  'PEKS-IMG-4': 'make sure it is in this region\'s ECR; set the chart\'s image registry in `values`',
  'PEKS-IMG-6': '`addPullThroughCache` with `warmImages: true` (the default) and the workload added through the cluster, or a `PullThroughCacheWarmup`; or fill the cache from a network with an internet route, then acknowledge; or a NAT route',
  'PEKS-IMG-5': 'write `[registry/]repository[:tag][@digest]`',
  'PEKS-REGION-1': 'a NAT route or a proxy (then declare it), or another region',
  'PEKS-ADDON-1': '`addAddon` / the controller methods create them; `additionalEndpoints`; or declare',
  'PEKS-ADDON-2': 'set the value named in the message, or create the endpoint it names',
  'PEKS-ADDON-3': '`cluster.addAddon(name)`, `podIdentityAssociations`, or an IRSA role',
  'PEKS-NET-1': 'private node subnets, or `mapPublicIpOnLaunch`',
  'PEKS-NET-2': 'subnets in 2+ AZs',
  'PEKS-NET-3': 'larger subnets, lower `maxSize`, or prefix delegation',
  'PEKS-EGRESS-1': '`createVpcEndpoints` (adds `oidc-eks`), `additionalEndpoints`, a NAT route, or declare',
  'PEKS-AUTO-1': 'turn Auto Mode off (the default here), a NAT route, or `downgradeRules` once proven',
  'PEKS-VER-1': 'a version EKS offers and its kubectl layer, or `downgradeRules`',
  'PEKS-VER-2': 'the layer package matching the cluster version',
};

/** Every .ts file under lib/, recursively, in a stable order. */
function libSources(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? libSources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The registered rule lists: file and export name of every `export const <NAME>_RULES` under lib/. */
export function ruleLists(): Array<{ file: string; name: string }> {
  return libSources().flatMap(file => [...fs.readFileSync(file, 'utf8').matchAll(/^export const ([A-Z0-9_]+_RULES)\b/gm)]
    .map(m => ({ file, name: m[1] })));
}

/** Every registered rule, once (JOIN_RULES first: it holds the hub and proxy rules), the pack's last. */
export function ruleRows(): RuleRow[] {
  const lists = ruleLists().sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const rows = new Map<string, RuleRow>();
  for (const { file, name } of lists) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const list = require(file)[name] as Array<Record<string, string>>;
    for (const r of list) {
      if (!/^PEKS-[A-Z]+-\d+$/.test(r.id) || rows.has(r.id)) continue;
      const pack = name === 'TEMPLATE_RULES';
      rows.set(r.id, {
        id: r.id,
        severity: pack ? 'pack' : r.severity ?? '-',
        reason: (DETAILS[r.id] ?? r.reason ?? r.description ?? '').replace(/\.$/, ''),
        fix: (FIXES[r.id] ?? r.fix ?? 'the message names it').replace(/\.$/, ''),
        source: r.source ?? '',
        list: `${path.relative(LIB, file)}: ${name}`,
      });
    }
  }
  return [...rows.values()];
}

function rank(name: string): number {
  return name === 'JOIN_RULES' ? 0 : name === 'TEMPLATE_RULES' ? 2 : 1;
}

/** A table cell: no pipe or line break breaks the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A source as Markdown: each URL a link named after its page, the words around it kept. */
function sourceCell(source: string): string {
  if (!source) return '-';
  return cell(source).replace(/https:\/\/[^\s;)"]+/g, url => {
    const page = url.replace(/[#?].*$/, '').replace(/\/$/, '').split('/').pop()!.replace(/\.(html|md)$/, '');
    return `[${page}](${url})`;
  });
}

/** The rule reference as a Markdown table (what docs/plan-and-checks.md shows between its generated markers). */
export function ruleReferenceTable(): string {
  const lines = ['| rule | severity | fires when | fix | source |', '|---|---|---|---|---|'];
  for (const r of ruleRows()) lines.push(`| \`${r.id}\` | ${r.severity} | ${cell(r.reason)} | ${cell(r.fix)} | ${sourceCell(r.source)} |`);
  return lines.join('\n');
}

if (require.main === module) console.log(ruleReferenceTable());
