#!/usr/bin/env python3
"""private-eks-doctor: the network preflight probe for people, on the bastion.

The python3 twin of preflight-probe/index.cjs (Amazon Linux 2023 has python3, not Node.js): the same service names,
checks and failure texts (failures.json), one line per service: OK/FAIL, service, name, addresses, reason.
Exit status 0 when every service is reachable, 1 otherwise.

Test seam: PRIVATE_EKS_DOCTOR_STUB_DNS='{"name": ["10.0.1.5"], "other": "NXDOMAIN", "slow": "TIMEOUT"}'.
"""
import argparse
import concurrent.futures
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.request

DUAL_STACK_SUFFIX = {
    'amazonaws.com': 'api.aws',
    'amazonaws.com.cn': 'api.amazonwebservices.com.cn',
    'amazonaws.eu': 'api.amazonwebservices.eu',
}
GATEWAY_SERVICES = {'s3', 'dynamodb'}
PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']


def service_host(service, cfg):
    if service == 'ecr.api':
        return 'api.ecr.%s.%s' % (cfg['region'], cfg['urlSuffix'])
    if service == 'ecr.dkr':
        return '%s.dkr.ecr.%s.%s' % (cfg['account'], cfg['region'], cfg['urlSuffix'])
    if service == 'eks-auth':
        return 'eks-auth.%s.%s' % (cfg['region'], DUAL_STACK_SUFFIX.get(cfg['urlSuffix'], cfg['urlSuffix']))
    return '%s.%s.%s' % (service, cfg['region'], cfg['urlSuffix'])


def ip_number(ip):
    n = 0
    for octet in ip.split('.'):
        n = n * 256 + int(octet)
    return n


def in_cidr(ip, cidr):
    base, length = cidr.split('/')
    size = 2 ** (32 - int(length))
    return ip_number(ip) // size == ip_number(base) // size


def classify(ip, cidrs):
    if any(in_cidr(ip, c) for c in cidrs):
        return 'vpc'
    if any(in_cidr(ip, c) for c in PRIVATE_RANGES):
        return 'private'
    return 'public'


def seconds(ms):
    return '%g' % (round(ms / 100) / 10)


class Doctor:
    def __init__(self, cfg, failures, opts):
        self.cfg = cfg
        self.failures = failures
        self.opts = opts
        stub = os.environ.get('PRIVATE_EKS_DOCTOR_STUB_DNS')
        self.stub = json.loads(stub) if stub else None

    def failure(self, kind, base, values):
        v = dict(values, service=base['service'], host=base['host'], subnet=self.cfg['subnet'], region=self.cfg['region'])
        t = self.failures[kind]

        def fill(s):
            for k, val in v.items():
                s = s.replace('{%s}' % k, str(val))
            return s
        return dict(base, ok=False, kind=kind, problem=fill(t['problem']), cause=fill(t['cause']), fix=fill(t['fix']))

    def resolve(self, host):
        if self.stub is not None:
            answer = self.stub.get(host, 'NXDOMAIN')
            if answer == 'TIMEOUT':
                threading.Event().wait()
            if answer == 'NXDOMAIN':
                raise socket.gaierror(socket.EAI_NONAME, 'NXDOMAIN')
            return answer
        infos = socket.getaddrinfo(host, 443, socket.AF_INET, socket.SOCK_STREAM)
        return sorted({i[4][0] for i in infos})

    def connect(self, address):
        start = time.monotonic()
        try:
            socket.create_connection((address, self.opts.port), timeout=self.opts.connect_timeout / 1000).close()
            return {'ok': True, 'ms': int((time.monotonic() - start) * 1000)}
        except socket.timeout:
            return {'ok': False, 'code': 'ETIMEDOUT'}
        except ConnectionRefusedError:
            return {'ok': False, 'code': 'ECONNREFUSED'}
        except OSError as e:
            return {'ok': False, 'code': _errno_name(e)}

    def http_reach(self, host, address):
        timeout = self.opts.https_timeout / 1000
        try:
            sock = socket.create_connection((address, self.opts.port), timeout=timeout)
            if self.opts.s3_protocol == 'https:':
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            sock.sendall(('HEAD / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' % host).encode())
            status_line = sock.makefile('rb').readline().decode('latin-1')
            sock.close()
            parts = status_line.split()
            if len(parts) >= 2 and parts[0].startswith('HTTP/'):
                return {'ok': True, 'status': parts[1]}
            return {'ok': False, 'code': 'no HTTP answer'}
        except socket.timeout:
            return {'ok': False, 'code': 'ETIMEDOUT'}
        except ssl.SSLError as e:
            return {'ok': False, 'code': 'TLS ' + (e.reason or 'error'), 'tls': True}
        except ConnectionRefusedError:
            return {'ok': False, 'code': 'ECONNREFUSED'}
        except OSError as e:
            return {'ok': False, 'code': _errno_name(e)}

    def probe(self, service, pool):
        start = time.monotonic()
        host = service_host(service, self.cfg)
        base = {'service': service, 'host': host, 'addresses': []}
        dns = pool.submit(self.resolve, host)
        try:
            addresses = sorted(dns.result(timeout=self.opts.dns_timeout / 1000))
        except concurrent.futures.TimeoutError:
            return self.failure('DNS_TIMEOUT', base, {'seconds': seconds(self.opts.dns_timeout)})
        except socket.gaierror as e:
            if e.errno == socket.EAI_NONAME:
                return self.failure('DNS_NXDOMAIN', base, {'code': 'NXDOMAIN'})
            if e.errno == getattr(socket, 'EAI_NODATA', -5):
                return self.failure('DNS_NXDOMAIN', base, {'code': 'no IPv4 address'})
            if e.errno == socket.EAI_AGAIN:
                return self.failure('DNS_TIMEOUT', base, {'seconds': seconds(self.opts.dns_timeout)})
            return self.failure('DNS_ERROR', base, {'code': str(e)})
        found = dict(base, addresses=addresses)
        if not addresses:
            return self.failure('DNS_NXDOMAIN', found, {'code': 'no IPv4 address'})

        if service in GATEWAY_SERVICES:
            address = addresses[0]
            r = self.http_reach(host, address)
            if r['ok']:
                return dict(found, ok=True, detail='HTTP %s in %d ms' % (r['status'], (time.monotonic() - start) * 1000))
            if r['code'] == 'ETIMEDOUT':
                return self.failure('HTTPS_TIMEOUT', found, {'address': address, 'seconds': seconds(self.opts.https_timeout)})
            return self.failure('HTTPS_TLS' if r.get('tls') else 'HTTPS_ERROR', found, {'address': address, 'code': r['code']})

        # A service declared reachable by a route the app cannot see may resolve to any address: the connection decides.
        if service not in self.cfg.get('anyAddress', []):
            kinds = [classify(a, self.cfg['vpcCidrs']) for a in addresses]
            public = [a for a, k in zip(addresses, kinds) if k == 'public']
            if public:
                return self.failure('PUBLIC_ADDRESS', found, {'addresses': ', '.join(public)})
            outside = [a for a, k in zip(addresses, kinds) if k == 'private']
            if outside:
                return self.failure('OUTSIDE_CIDRS', found, {'addresses': ', '.join(outside), 'cidrs': ', '.join(self.cfg['vpcCidrs'])})

        connects = list(pool.map(self.connect, addresses))
        for address, c in zip(addresses, connects):
            if not c['ok']:
                values = {'address': address, 'port': self.opts.port, 'code': c['code'], 'seconds': seconds(self.opts.connect_timeout)}
                kind = {'ETIMEDOUT': 'CONNECT_TIMEOUT', 'ECONNREFUSED': 'CONNECT_REFUSED'}.get(c['code'], 'CONNECT_ERROR')
                return self.failure(kind, found, values)
        return dict(found, ok=True, detail='TCP %d connected in %d ms' % (self.opts.port, max(c['ms'] for c in connects)))

    def run(self):
        services = self.cfg['services']
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=8 * len(services) + 8)
        futures = [pool.submit(self.probe, s, pool) for s in services]
        concurrent.futures.wait(futures, timeout=self.opts.budget / 1000)
        results = []
        for service, f in zip(services, futures):
            if f.done() and f.exception() is None:
                results.append(f.result())
            else:
                base = {'service': service, 'host': service_host(service, self.cfg), 'addresses': []}
                results.append(self.failure('NOT_FINISHED', base, {'seconds': seconds(self.opts.budget)}))
        return results


def _errno_name(e):
    import errno
    return errno.errorcode.get(e.errno, str(e)) if e.errno else str(e)


def format_line(r):
    addresses = '[%s]' % (', '.join(r['addresses']) or '-')
    if r['ok']:
        return 'OK   %s %s %s %s' % (r['service'], r['host'], addresses, r['detail'])
    return 'FAIL %s %s %s %s. Likely cause: %s. Fix: %s.' % (r['service'], r['host'], addresses, r['problem'], r['cause'], r['fix'])


def this_subnet():
    """The bastion's subnet ID from IMDSv2, or a description when it cannot be read."""
    try:
        token = urllib.request.urlopen(urllib.request.Request(
            'http://169.254.169.254/latest/api/token', method='PUT',
            headers={'X-aws-ec2-metadata-token-ttl-seconds': '60'}), timeout=1).read().decode()
        get = lambda p: urllib.request.urlopen(urllib.request.Request(
            'http://169.254.169.254/latest/meta-data/' + p, headers={'X-aws-ec2-metadata-token': token}), timeout=1).read().decode()
        mac = get('mac')
        return get('network/interfaces/macs/%s/subnet-id' % mac)
    except Exception:
        return "this host's subnet"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(prog='private-eks-doctor', description='Checks DNS and HTTPS to the AWS services the cluster needs, from this host.')
    p.add_argument('--config', default='/etc/private-eks-doctor.json')
    p.add_argument('--failures', default=None)
    p.add_argument('--subnet', default=None)
    p.add_argument('--port', type=int, default=443)
    p.add_argument('--s3-protocol', default='https:')
    p.add_argument('--dns-timeout', type=int, default=4000, help='milliseconds')
    p.add_argument('--connect-timeout', type=int, default=5000, help='milliseconds')
    p.add_argument('--https-timeout', type=int, default=8000, help='milliseconds')
    p.add_argument('--budget', type=int, default=25000, help='milliseconds')
    opts = p.parse_args()
    failures_path = opts.failures or next(
        f for f in [os.path.join(here, 'failures.json'), os.path.join(here, 'preflight-probe', 'failures.json')] if os.path.exists(f))
    with open(failures_path) as f:
        failures = json.load(f)
    with open(opts.config) as f:
        cfg = json.load(f)
    # Lists may be written comma-separated (the user data joins them at deploy time).
    for k in ('services', 'vpcCidrs', 'anyAddress'):
        if isinstance(cfg.get(k), str):
            cfg[k] = [x.strip() for x in cfg[k].split(',') if x.strip()]
    cfg['subnet'] = opts.subnet or this_subnet()
    results = Doctor(cfg, failures, opts).run()
    for r in results:
        print(format_line(r))
    sys.stdout.flush()
    # Not sys.exit: a resolver thread that never answers must not hold the process.
    os._exit(0 if all(r['ok'] for r in results) else 1)


if __name__ == '__main__':
    main()
