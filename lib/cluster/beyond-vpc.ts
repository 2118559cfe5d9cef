import { IResolveContext, Lazy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import { EndpointNeeds } from './endpoint-needs';
import { HubFacts } from '../check/hub-rules';
import { ProxyFacts } from '../check/proxy-rules';
import { locationOf } from '../core/aws-env';
import { literalVpcCidr } from '../core/cidr';
import { misuse } from '../core/errors';
import { writeFileLine } from '../core/user-data';
import { EgressProxy } from '../network/egress-proxy';
import { HubDnsResolution, SharedEndpoints } from '../network/shared-endpoints';
import { noProxyList, secondaryCidrs, serviceCidrOf } from '../nodes/node-proxy';

// The VPC's secondary CIDR blocks, as NO_PROXY and the probe count them (nodes/node-proxy.ts holds the one reading).
export { secondaryCidrs };

// What `PrivateEksCluster` wires for reaching beyond its VPC: the hub's Route 53 Profile associated with the VPC
// (`sharedEndpoints.profileId`), and the proxy's settings with the generated `NO_PROXY` (`proxy`).

/**
 * The association of the hub's Route 53 Profile with the cluster's VPC, in this stack (the VPC's account): created when
 * `profileId` is given. The profile must have been shared with this account through AWS RAM.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpcs.html
 */
export function useSharedEndpoints(scope: Construct, vpc: ec2.IVpc, hub: SharedEndpoints): route53profiles.CfnProfileAssociation | undefined {
  if (hub.resolution !== HubDnsResolution.ROUTE53_PROFILE || hub.profileId === undefined) return undefined;
  return new route53profiles.CfnProfileAssociation(scope, 'SharedEndpointsProfile', {
    name: 'shared-endpoints',
    profileId: hub.profileId,
    resourceId: vpc.vpcId,
  });
}

/**
 * The proxy as the cluster's hosts get it: `noProxy` is one lazily joined entry (the generated list and the user's),
 * complete when the template is written, after every endpoint was added. Used for the cluster's `proxy`, and for a
 * nodegroup given its own `httpsProxy` on a cluster without one (its nodes need the same list).
 */
export function proxyForHosts(scope: Construct, proxy: EgressProxy, vpc: ec2.IVpc, cluster: eks.Cluster, needs: EndpointNeeds,
  hub: { readonly services: string[] } | undefined): EgressProxy {
  const vpcCidr = literalVpcCidr(vpc);
  if (!vpcCidr) {
    throw misuse(scope, 'proxy: the VPC\'s CIDR is not a literal value, and NO_PROXY must name it (or in-VPC traffic goes to the proxy)',
      'import the VPC with its vpcCidrBlock, or create it in this app');
  }
  const location = locationOf(scope);
  const region = location.regionKnown ? location.region : undefined;
  if (!region) {
    throw misuse(scope, 'proxy: the stack is environment-agnostic, and NO_PROXY must name the endpoints\' regional names',
      'give the stack an `env` with account and region');
  }
  // A concrete region: its partition's DNS suffix (amazonaws.com, amazonaws.com.cn).
  const suffix = location.urlSuffix;
  const list = Lazy.string({
    produce: () => {
      const joined = noProxyList({
        vpcCidrs: [vpcCidr, ...secondaryCidrs(vpc)],
        serviceCidr: serviceCidrOf(cluster),
        // Every service reached through an endpoint stays off the proxy: created here, the hub's, or declared
        // (existingEndpointServices: endpoints this app cannot see); credentials and signed URLs never go to the proxy.
        endpointServices: [...(needs.endpoints?.interfaceServices ?? []), ...(hub?.services ?? []), ...needs.declaredServices.filter(s => s !== 's3')],
        s3Gateway: needs.endpoints?.s3GatewayEndpoint !== undefined || needs.declaredServices.includes('s3'),
        region,
        suffix,
        extra: proxy.noProxy,
      }).join(',');
      // Lambda's environment holds 4 KB in all (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
      if (joined.length > 3000) {
        throw new Error(`cdk-private-eks: [${scope.node.path}] proxy: the generated NO_PROXY is ${joined.length} characters, and the kubectl handler's environment holds 4 KB in all. Fix: use .domain entries in proxy.noProxy instead of many names.`);
      }
      return joined;
    },
  });
  return { ...proxy, noProxy: [list] };
}

/** The kubectl handler's environment for the proxy (kubectl, Helm and the AWS CLI read these). */
export function proxyEnvironment(proxy: EgressProxy): { [key: string]: string } {
  const noProxy = (proxy.noProxy ?? []).join(',');
  // Go (kubectl, Helm) and Python (the AWS CLI) read the upper-case names; one copy keeps the 4 KB environment small.
  return { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: noProxy };
}

/** User-data lines for the bastion: a profile script every login shell reads, written as a file (never shell text). */
export function bastionProxyLines(proxy: EgressProxy): string[] {
  const upper = proxyEnvironment(proxy);
  const env = { ...upper, https_proxy: upper.HTTPS_PROXY, http_proxy: upper.HTTP_PROXY, no_proxy: upper.NO_PROXY };
  // The values are the library's validated literals (checkProxy) and generated names and CIDRs.
  const script = Lazy.uncachedString({
    produce: (ctx: IResolveContext) => Object.entries(env).map(([k, v]) => `export ${k}='${String(ctx.resolve(v))}'`).join('\n') + '\n',
  });
  return [writeFileLine('/etc/profile.d/private-eks-proxy.sh', script)];
}

/** The hub as the check reads it. */
export function hubFactsOf(hub: SharedEndpoints): HubFacts {
  return {
    name: hub.hubName ?? 'the hub',
    services: [...hub.services],
    cidrs: [...hub.hubCidrs],
    resolution: hub.resolution,
    names: hub.names ? [...hub.names] : undefined,
    admittedCidrs: hub.admittedCidrs,
    admittedAccounts: hub.admittedAccounts,
    admittedOrganizationId: hub.admittedOrganizationId,
    accountsBoundToCidrs: hub.accountsBoundToCidrs,
    ecrPullOnly: hub.ecrPullOnly,
    region: hub.region !== undefined && !Token.isUnresolved(hub.region) ? hub.region : undefined,
  };
}

/** The proxy as the check reads it. */
export function proxyFactsOf(proxy: EgressProxy): ProxyFacts {
  return { url: proxy.url, hosts: proxy.hosts ?? ['*'], cidrs: proxy.proxyCidrs };
}
