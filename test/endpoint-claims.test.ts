import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { cluster } from './join-cases';
import { AwsCdkListing, ComponentContracts, EndpointCatalogue } from '../lib';
import { factDates, oldestFact } from '../lib/contracts/fact-dates';

/** aws-cdk-lib's interface endpoint services, read from the installed version's static members at test time. */
function awsCdkList(): Map<string, AwsCdkListing> {
  const C = ec2.InterfaceVpcEndpointAwsService as any;
  const listed = new Map<string, AwsCdkListing>();
  for (const key of Object.getOwnPropertyNames(C)) {
    const v = C[key];
    if (!(v instanceof ec2.InterfaceVpcEndpointAwsService)) continue;
    // A regional name has the region token between the prefix and the short name; a global one (com.amazonaws.iam) has not.
    listed.set(v.shortName, v.name.startsWith(`com.amazonaws.${v.shortName}`) ? AwsCdkListing.GLOBAL : AwsCdkListing.REGIONAL);
  }
  return listed;
}

const cdkVersion: string = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;

describe('endpoint claims against aws-cdk-lib\'s InterfaceVpcEndpointAwsService list (runs on every aws-cdk-lib upgrade)', () => {
  const list = awsCdkList();

  test('the list is read (sanity: wafv2, shield, acm, pricing.api regional; iam global)', () => {
    expect(list.size).toBeGreaterThan(300);
    expect(['wafv2', 'shield', 'acm', 'pricing.api'].map(s => list.get(s))).toEqual(Array(4).fill(AwsCdkListing.REGIONAL));
    expect(list.get('iam')).toBe(AwsCdkListing.GLOBAL);
  });

  test.each(EndpointCatalogue.ENDPOINT_CLAIMS.map(c => [c.service, c] as const))('the claim about %s agrees with aws-cdk-lib', (_, claim) => {
    const listing = list.get(claim.service) ?? AwsCdkListing.ABSENT;
    // What aws-cdk-lib said when the claim was read is what it says now: a change means the claim must be read again.
    expect(`${claim.service}: aws-cdk-lib ${cdkVersion} lists it as ${listing}`)
      .toBe(`${claim.service}: aws-cdk-lib ${cdkVersion} lists it as ${claim.awsCdkLib}`);
    // "No interface endpoint" and an aws-cdk-lib member cannot both be true; an endpoint aws-cdk-lib lacks is a written disagreement.
    if (!claim.hasInterfaceEndpoint) expect(listing).toBe(AwsCdkListing.ABSENT);
    if (claim.hasInterfaceEndpoint && listing === AwsCdkListing.ABSENT) expect(claim.disagreement).toMatch(/aws-cdk-lib/);
    if (listing !== AwsCdkListing.ABSENT) expect(claim.disagreement).toBeUndefined();
    expect(claim.source).toMatch(/https:\/\/|aws-cdk-lib/);
  });

  test('every contract setting or description that rests on a service being unreachable names its claim', () => {
    const claims = new Map(EndpointCatalogue.ENDPOINT_CLAIMS.map(c => [c.service, c]));
    const unreachable = /cannot reach|can't reach|no (VPC |interface )?endpoint|do(es)? not reach|has no .*endpoint/i;
    for (const c of ComponentContracts.all()) {
      for (const s of c.settings ?? []) {
        if (s.requiredUnlessReachable) {
          expect(`${c.name}/${s.path} -> ${s.requiredUnlessReachable}: ${claims.has(s.requiredUnlessReachable)}`).toBe(`${c.name}/${s.path} -> ${s.requiredUnlessReachable}: true`);
        } else {
          // A setting whose reason is an unreachable service must say which (requiredUnlessReachable).
          expect(`${c.name}/${s.path}: ${unreachable.test(s.why) && !/internet/.test(s.why) ? 'unlinked claim' : 'ok'}`).toBe(`${c.name}/${s.path}: ok`);
        }
      }
      if (/no [A-Za-z0-9 ]*endpoint|has no interface endpoint|endpoint service/i.test(c.description)) {
        expect(`${c.name}: ${(c.endpointClaims ?? []).length > 0}`).toBe(`${c.name}: true`);
      }
      for (const service of c.endpointClaims ?? []) expect(claims.has(service)).toBe(true);
    }
  });

  test('the catalogue\'s interface rows are endpoints aws-cdk-lib lists, or claims that say why not', () => {
    const claims = new Map(EndpointCatalogue.ENDPOINT_CLAIMS.map(c => [c.service, c]));
    for (const row of EndpointCatalogue.all().filter(r => r.kind === 'Interface')) {
      const listed = list.has(row.name);
      expect(`${row.name}: ${listed || claims.get(row.name)?.disagreement !== undefined}`).toBe(`${row.name}: true`);
    }
    for (const [service, name] of Object.entries(EndpointCatalogue.GLOBAL_SERVICE_NAMES)) {
      expect(`${service} ${name}: ${claims.get(service)?.hasInterfaceEndpoint}`).toBe(`${service} ${name}: true`);
    }
  });
});

describe('the EKS interface-endpoint services', () => {
  test('oidc-eks, eks-fips, eks-proxy and eks-capabilities are catalogue rows with their page and date', () => {
    for (const name of ['oidc-eks', 'eks-fips', 'eks-proxy', 'eks-capabilities']) {
      const row = EndpointCatalogue.describe(name)!;
      expect(row.source).toMatch(/https:\/\/docs\.aws\.amazon\.com\/eks\/latest\/userguide\/(vpc-interface-endpoints|argocd-private-access)\.html/);
      expect(row.read).toBe('2026-12-05');
      expect(EndpointCatalogue.checkServiceName(name)).toBeUndefined();
    }
    expect(EndpointCatalogue.describe('oidc-eks')!.availability).toMatch(/most AWS Regions/);
  });

  test('eks-auth is offered in ap-southeast-5, where the EKS API is not', () => {
    expect(EndpointCatalogue.offeredIn('eks-auth', 'ap-southeast-5')).toBe(true);
    expect(EndpointCatalogue.offeredIn('eks', 'ap-southeast-5')).toBe(false);
    expect(EndpointCatalogue.describe('eks-auth')!.availability).toMatch(/ap-southeast-5/);
  });

  test('no endpoint policy on a service whose page says it takes none (oidc-eks, eks-capabilities)', () => {
    const none = EndpointCatalogue.ENDPOINT_POLICY_FACTS.filter(f => !f.takesPolicy).map(f => f.service);
    expect(none).toEqual(['oidc-eks', 'eks-capabilities']);
    for (const s of none) expect(EndpointCatalogue.ENDPOINT_POLICY_SUPPORT[s]).toBeUndefined();
    // WHEN the endpoints are created with account-scoped policies on (the default)
    const s = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-2' } });
    cluster(s, { bastion: false, additionalEndpoints: ['oidc-eks', 'eks-capabilities', 'sts'] });
    const endpoints = Object.values(Template.fromStack(s).findResources('AWS::EC2::VPCEndpoint')) as any[];
    const policyOf = (short: string) => endpoints.find(e => JSON.stringify(e.Properties.ServiceName).includes(`.${short}"`))?.Properties.PolicyDocument;
    // THEN those two keep the default policy, and a service that takes one gets it
    expect(policyOf('oidc-eks')).toBeUndefined();
    expect(policyOf('eks-capabilities')).toBeUndefined();
    expect(policyOf('sts')).toBeDefined();
  });
});

describe('dates', () => {
  test('fails when a fact row has no date (catalogue, endpoint policies, claims, contracts and their settings)', () => {
    const facts = factDates();
    expect(facts.length).toBeGreaterThan(60);
    const day = /^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
    expect(facts.filter(f => !day.test(f.read ?? '')).map(f => f.row)).toEqual([]);
  });

  test('the oldest fact is reported with its row', () => {
    const oldest = oldestFact();
    expect(factDates().every(f => (f.read ?? '') >= (oldest.read ?? ''))).toBe(true);
    expect(oldest.row).toMatch(/^(catalogue|endpoint|contract) /);
  });
});
