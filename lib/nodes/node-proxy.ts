/**
 * What an HTTP(S) proxy becomes on a node: systemd drop-ins for containerd and kubelet (Amazon Linux), or
 * `settings.network` (Bottlerocket). Pure functions; the values are checked before they get here (`checkProxyValues`)
 * and reach the host as files written from base64, never as shell text.
 */

import { checkNoProxyEntries, checkProxyUrl } from '../core/proxy-values';

/**
 * The drop-in that gives a systemd service the proxy (`[Service]` with `Environment=`), the shape the AWS Knowledge
 * Center gives for containerd nodes ("Set the proxy configuration to containerd, sandbox-image, and kubelet":
 * https://repost.aws/knowledge-center/eks-http-proxy-containerd-automation, read 2026-12-05).
 */
export function systemdProxyDropIn(url: string, noProxy: string): string {
  // The values are checked (checkProxyValues); a value that is not would end the quoted assignment or be read as a
  // systemd specifier (%): refuse it rather than write it.
  const problem = checkProxyValues(url, noProxy.split(','));
  if (problem) throw new Error(`cdk-private-eks: ${problem}`);
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

/** Problems with a proxy URL or NO_PROXY entries, for a misuse error; undefined when fine. */
export function checkProxyValues(url: string, noProxy: string[]): string | undefined {
  return checkProxyUrl(url) ?? checkNoProxyEntries(noProxy);
}
