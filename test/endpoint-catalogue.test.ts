import { EndpointCatalogue, EndpointKind } from '../lib';

describe('EndpointCatalogue', () => {
  test('nodes always need ec2, ecr.api and ecr.dkr as interface endpoints', () => {
    expect(EndpointCatalogue.interfaceServicesFor({})).toEqual(['ec2', 'ecr.api', 'ecr.dkr']);
  });

  test('each feature adds exactly its services, in a stable order', () => {
    expect(EndpointCatalogue.interfaceServicesFor({ ssmBastion: true }))
      .toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages']);
    expect(EndpointCatalogue.interfaceServicesFor({ ssmBastion: true, ssmLegacyAgent: true }))
      .toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'ssm', 'ssmmessages', 'ec2messages']);
    expect(EndpointCatalogue.interfaceServicesFor({ irsa: true })).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'sts']);
    expect(EndpointCatalogue.interfaceServicesFor({ podIdentity: true })).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'eks-auth']);
    expect(EndpointCatalogue.interfaceServicesFor({ logShipping: true })).toEqual(['ec2', 'ecr.api', 'ecr.dkr', 'logs']);
  });

  test('describes S3 as a gateway endpoint and every required interface service as interface', () => {
    expect(EndpointCatalogue.describe('s3')?.kind).toBe(EndpointKind.GATEWAY);
    for (const name of EndpointCatalogue.interfaceServicesFor({ ssmBastion: true, irsa: true, podIdentity: true, logShipping: true })) {
      expect(EndpointCatalogue.describe(name)?.kind).toBe(EndpointKind.INTERFACE);
    }
    expect(EndpointCatalogue.describe('no-such-service')).toBeUndefined();
  });

  test('every catalogue entry says who uses it and when it is created', () => {
    for (const info of EndpointCatalogue.all()) {
      expect(info.usedBy.length).toBeGreaterThan(10);
      expect(info.createdWhen.length).toBeGreaterThan(5);
    }
    const names = EndpointCatalogue.all().map(i => i.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('accepts short service names, including ones the catalogue does not list', () => {
    for (const name of ['ec2', 'ecr.api', 'eks-auth', 'logs', 'sagemaker.runtime']) {
      expect(EndpointCatalogue.checkServiceName(name)).toBeUndefined();
    }
  });

  test('fails for full service names, malformed names and s3 as an interface endpoint', () => {
    expect(EndpointCatalogue.checkServiceName('com.amazonaws.us-east-1.ecr.api')).toMatch(/short service name.*"ecr.api"/);
    expect(EndpointCatalogue.checkServiceName('ECR API')).toMatch(/not a service name/);
    expect(EndpointCatalogue.checkServiceName('')).toMatch(/not a service name/);
    expect(EndpointCatalogue.checkServiceName('s3')).toMatch(/gateway endpoint/);
  });
});
