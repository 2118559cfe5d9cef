/**
 * What an HTTP(S) proxy becomes on a node: systemd drop-ins for containerd and kubelet (Amazon Linux), or
 * `settings.network` (Bottlerocket). Pure functions; the values are checked before they get here (`checkProxyValues`)
 * and reach the host as files written from base64, never as shell text.
 */

/**
 * The drop-in that gives a systemd service the proxy (`[Service]` with `Environment=`), the shape the AWS Knowledge
 * Center gives for containerd nodes ("Set the proxy configuration to containerd, sandbox-image, and kubelet":
 * https://repost.aws/knowledge-center/eks-http-proxy-containerd-automation, read 2026-12-05).
 */
export function systemdProxyDropIn(url: string, noProxy: string): string {
  return [
    '[Service]',
    `Environment="HTTP_PROXY=${url}"`,
    `Environment="HTTPS_PROXY=${url}"`,
    `Environment="NO_PROXY=${noProxy}"`,
    `Environment="http_proxy=${url}"`,
    `Environment="https_proxy=${url}"`,
    `Environment="no_proxy=${noProxy}"`,
    '',
  ].join('\n');
}

/**
 * Bottlerocket's settings for a proxy (`settings.network.https-proxy`, `settings.network.no-proxy`; "On Kubernetes
 * variants proxy settings also affect the kubelet.service", "On all variants proxy settings affect containerd.service":
 * https://bottlerocket.dev/en/os/1.26.x/api/settings/network/, read 2026-12-05), as TOML.
 */
export function bottlerocketProxySettings(url: string, noProxy: string[]): string {
  return [
    '[settings.network]',
    `https-proxy = ${JSON.stringify(url)}`,
    `no-proxy = [${noProxy.map(n => JSON.stringify(n)).join(', ')}]`,
    '',
  ].join('\n');
}

/** What a node always keeps off the proxy: itself, the instance metadata service, the Pod Identity agent, the cluster. */
export const NODE_NO_PROXY = ['localhost', '127.0.0.1', '169.254.169.254', '169.254.170.23', '.svc', '.cluster.local', '.internal'];

/** Problems with a proxy URL or NO_PROXY entries, for a misuse error; undefined when fine. */
export function checkProxyValues(url: string, noProxy: string[]): string | undefined {
  if (!/^(https?):\/\/([A-Za-z0-9.-]+)(:(\d{1,5}))?\/?$/.test(url)) return `url "${url}" is not http(s)://host[:port] (no credentials, no path)`;
  for (const n of noProxy) {
    if (!/^[A-Za-z0-9.:/*,-]+$/.test(n)) return `noProxy: "${n}" is not a host, a .domain or a CIDR`;
  }
  return undefined;
}
