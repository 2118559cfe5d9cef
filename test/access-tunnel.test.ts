/**
 * `bin/private-eks-tunnel` offline: the kubeconfig it writes, byte for byte, from a fake DescribeCluster answer; the
 * command it prints; and kubectl's TLS rule for `tls-server-name` honoured through a local stand-in for the tunnel (a
 * TLS server on 127.0.0.1 with a certificate for the endpoint's hostname, signed by the cluster CA of the kubeconfig).
 */
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as tls from 'tls';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tunnel = require('../bin/private-eks-tunnel');

// A test CA and an API server certificate for HOST (P-256, made with openssl for this test, valid until 2126).
const HOST = '0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-2.eks.amazonaws.com';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBkjCCATegAwIBAgIUNqVlkMtbREQJQyLtZ2ELsFh6/k0wCgYIKoZIzj0EAwIw\nFTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjEyMDcyMDAzNTBaGA8yMTI2MTEx\nMzIwMDM1MFowFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG\nSM49AwEHA0IABMryDM7jX5QSM7OGflaaL3zd/b2GNyXKXkUVLN6IPcx0sYCNwvSJ\n+vuWyi4VY0l5x6HVnGZlpcg8nVeYrq9+RJKjYzBhMB0GA1UdDgQWBBT6a8sWd5Ak\nX31Gb23bG0KAmHnWVjAfBgNVHSMEGDAWgBT6a8sWd5AkX31Gb23bG0KAmHnWVjAP\nBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIChDAKBggqhkjOPQQDAgNJADBG\nAiEAnfEGS47ifSvm1fyuPjoQIe1lHsx/lwFAxcM3s2T/viQCIQDjmnda9jq0GRNe\nvaY2DhPqrxgYLo53BSwb0vn75X3MNg==\n-----END CERTIFICATE-----\n';
const SERVER_CERT = '-----BEGIN CERTIFICATE-----\nMIICAjCCAamgAwIBAgIUaBmqi5ALDtcE2lEriDKxVUSnZLgwCgYIKoZIzj0EAwIw\nFTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjEyMDcyMDAzNTBaGA8yMTI2MTEx\nMzIwMDM1MFowGTEXMBUGA1UEAwwOa3ViZS1hcGlzZXJ2ZXIwWTATBgcqhkjOPQIB\nBggqhkjOPQMBBwNCAAR8QOZd9pyKQsOXzjKehDQnOEKNKSQJI42z1tyqFJruc8Fs\nzmgEOp9cKdPpyWhgi1IdXeEsAr6NjLBFZ7q7Xo52o4HQMIHNMGsGA1UdEQRkMGKC\nQDAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5QUJDREVGLmdyNy5ldS13ZXN0LTIu\nZWtzLmFtYXpvbmF3cy5jb22CCmt1YmVybmV0ZXOCEmt1YmVybmV0ZXMuZGVmYXVs\ndDATBgNVHSUEDDAKBggrBgEFBQcDATAJBgNVHRMEAjAAMB0GA1UdDgQWBBTWNVAf\nakxsHszl82qqmvRaQCR1ejAfBgNVHSMEGDAWgBT6a8sWd5AkX31Gb23bG0KAmHnW\nVjAKBggqhkjOPQQDAgNHADBEAiBcQaLgDA8mHkxThvioWXXWlIeqsQC285U4JIjw\nwz0D/AIgfHhigunmp3k0nIz9AVpHFEqkCfdiqp5aCVVKP349PjY=\n-----END CERTIFICATE-----\n';
const SERVER_KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaXDzUphhqpy6mcYn\nmX9gWvH/5IHmO16fha2HzhnzQGuhRANCAAR8QOZd9pyKQsOXzjKehDQnOEKNKSQJ\nI42z1tyqFJruc8FszmgEOp9cKdPpyWhgi1IdXeEsAr6NjLBFZ7q7Xo52\n-----END PRIVATE KEY-----\n';
const CA_DATA = Buffer.from(CA_PEM).toString('base64');

/** A fake DescribeCluster answer, and what the command did. */
function fakeDeps(answer: Record<string, unknown> = {}) {
  const calls: any[] = [];
  const files: Record<string, string> = {};
  const out: string[] = [];
  const err: string[] = [];
  return {
    calls,
    files,
    out,
    err,
    deps: {
      homedir: '/home/dev',
      describeCluster: async (req: unknown) => {
        calls.push(req);
        return { endpoint: `https://${HOST}`, certificateAuthority: CA_DATA, endpointPublicAccess: false, endpointPrivateAccess: true, ...answer };
      },
      writeFile: (file: string, text: string) => { files[file] = text; },
      print: (line: string) => out.push(line),
      printError: (line: string) => err.push(line),
    },
  };
}

const ARGS = ['--cluster-name', 'prod-eks', '--region', 'eu-west-2', '--relay', 'i-0123456789abcdef0', '--document', 'FullyPrivateEks-ApiRelayPortForwardDocument-AbC123'];

describe('private-eks-tunnel', () => {
  test('writes the kubeconfig byte for byte: local server, tls-server-name, the cluster CA, aws eks get-token', async () => {
    // GIVEN a fake DescribeCluster answer
    const f = fakeDeps();

    // WHEN the command runs with the stack output's values
    const code = await tunnel.run(ARGS, f.deps);

    // THEN it asked for this cluster once and wrote this file, exactly
    expect(code).toBe(0);
    expect(f.calls).toEqual([{ name: 'prod-eks', region: 'eu-west-2', profile: undefined }]);
    expect(Object.keys(f.files)).toEqual(['/home/dev/.kube/private-eks-prod-eks.json']);
    expect(f.files['/home/dev/.kube/private-eks-prod-eks.json']).toBe(`{
  "apiVersion": "v1",
  "kind": "Config",
  "clusters": [
    {
      "name": "prod-eks-tunnel",
      "cluster": {
        "server": "https://127.0.0.1:8443",
        "tls-server-name": "${HOST}",
        "certificate-authority-data": "${CA_DATA}"
      }
    }
  ],
  "contexts": [
    {
      "name": "prod-eks-tunnel",
      "context": {
        "cluster": "prod-eks-tunnel",
        "user": "prod-eks-tunnel"
      }
    }
  ],
  "current-context": "prod-eks-tunnel",
  "users": [
    {
      "name": "prod-eks-tunnel",
      "user": {
        "exec": {
          "apiVersion": "client.authentication.k8s.io/v1beta1",
          "command": "aws",
          "args": [
            "eks",
            "get-token",
            "--cluster-name",
            "prod-eks",
            "--region",
            "eu-west-2"
          ],
          "interactiveMode": "Never"
        }
      }
    }
  ]
}
`);
  });

  test('prints the start-session command for the relay\'s own document and the local port, then kubectl', async () => {
    const f = fakeDeps();
    await tunnel.run([...ARGS, '--local-port', '9443', '--kubeconfig', '/tmp/k.json'], f.deps);
    expect(f.out.join('\n')).toBe([
      `Wrote /tmp/k.json (server https://127.0.0.1:9443, tls-server-name ${HOST}).`,
      '1. Open the tunnel and keep it open:',
      '   aws ssm start-session --region eu-west-2 --target i-0123456789abcdef0 --document-name FullyPrivateEks-ApiRelayPortForwardDocument-AbC123 --parameters localPortNumber=9443',
      '2. In another shell:',
      '   export KUBECONFIG=/tmp/k.json',
      '   kubectl get nodes',
    ].join('\n'));
  });

  test('a named profile is used by get-token and start-session', async () => {
    const f = fakeDeps();
    await tunnel.run([...ARGS, '--profile', 'platform-sso'], f.deps);
    const config = JSON.parse(Object.values(f.files)[0]);
    expect(config.users[0].user.exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'platform-sso' }]);
    expect(f.out.join('\n')).toMatch(/localPortNumber=8443 --profile platform-sso$/m);
  });

  test.each([
    ['a relay ID with shell characters', ['--relay', 'i-0123;rm -rf ~'], /--relay "i-0123;rm -rf ~" is not valid/],
    ['a privileged local port', ['--local-port', '443'], /--local-port "443" must be a port from 1024 to 65535/],
    ['an unknown option', ['--host', 'example.com'], /unknown option --host/],
  ])('fails on %s, writing nothing', async (_what, extra, message) => {
    const f = fakeDeps();
    const args = [...ARGS];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]);
      if (at >= 0) args[at + 1] = extra[i + 1]; else args.push(extra[i], extra[i + 1]);
    }
    expect(await tunnel.run(args, f.deps)).toBe(2);
    expect(f.err.join('\n')).toMatch(message);
    expect(f.files).toEqual({});
    expect(f.calls).toEqual([]);
  });

  test('fails for a cluster with no private endpoint: the relay could not reach it', async () => {
    const f = fakeDeps({ endpointPrivateAccess: false, endpointPublicAccess: true });
    expect(await tunnel.run(ARGS, f.deps)).toBe(1);
    expect(f.err.join('\n')).toMatch(/has no private endpoint/);
    expect(f.files).toEqual({});
  });
});

describe('TLS through a local stand-in for the tunnel', () => {
  let server: https.Server;
  let port: number;
  let config: any;
  beforeAll(async () => {
    // The API server behind the tunnel: its certificate names the endpoint's hostname only (and kubernetes*).
    server = https.createServer({ cert: SERVER_CERT + CA_PEM, key: SERVER_KEY }, (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ gitVersion: 'v1.36.0-eks', sni: (req.socket as tls.TLSSocket).servername }));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const f = fakeDeps();
    await tunnel.run([...ARGS, '--local-port', String(port)], f.deps);
    config = JSON.parse(Object.values(f.files)[0]);
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  /** A GET of /version as kubectl makes it from the kubeconfig: server URL, CA data, and servername if given. */
  function get(servername: string | undefined): Promise<any> {
    const cluster = config.clusters[0].cluster;
    const url = new URL(cluster.server);
    return new Promise((resolve, reject) => {
      const req = https.get({
        host: url.hostname,
        port: Number(url.port),
        path: '/version',
        agent: false,
        ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
        ...(servername ? { servername } : {}),
      }, res => {
        let body = '';
        res.on('data', d => { body += d; });
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
    });
  }

  test('with tls-server-name the certificate verifies and the server sees the endpoint hostname as SNI', async () => {
    const cluster = config.clusters[0].cluster;
    expect(cluster.server).toBe(`https://127.0.0.1:${port}`);
    await expect(get(cluster['tls-server-name'])).resolves.toEqual({ gitVersion: 'v1.36.0-eks', sni: HOST });
  });

  test('fails without tls-server-name: 127.0.0.1 is not a name in the API server\'s certificate', async () => {
    await expect(get(undefined)).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  test('fails against another host\'s name: the tunnel cannot be pointed at a different server unnoticed', async () => {
    await expect(get('attacker.example.com')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});
