import { JoinReport } from './report';

/**
 * The plan as a Graphviz graph: the VPC with the clients (nodegroups, bastion, kubectl functions), their subnets,
 * the endpoints they use, the EKS-owned network interfaces, and outside it the API server and AWS services. Edges
 * are the report's reachability rows, so the picture shows what the checks decided.
 */
/** The font Graphviz measures labels with. */
export const DIAGRAM_FONT = 'Courier';

/** The font families the SVG asks for: monospace ones of the same width as Graphviz's Courier metrics. */
export const SVG_FONT_FAMILY = 'DejaVu Sans Mono, Liberation Mono, Courier New, Menlo, Courier, monospace';

/** The SVG with its font family widened to the monospace fonts found on Linux, macOS and Windows. */
export function withPortableFonts(svg: string): string {
  return svg.replace(new RegExp(`font-family="${DIAGRAM_FONT}[^"]*"`, 'g'), `font-family="${SVG_FONT_FAMILY}"`);
}

export function diagramDot(r: JoinReport): string {
  const id = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  // Graphviz labels: quotes escaped, line breaks as \n.
  const label = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const short = (p: string) => p.split('/').slice(-2).join('/');
  const lines: string[] = [
    'digraph plan {',
    '  rankdir=LR; compound=true; newrank=true;',
    // Courier: Graphviz sizes boxes from its metrics, and every monospace font (DejaVu Sans Mono, Liberation Mono,
    // Courier New, Menlo) has the same 0.6 em advance, so the labels stay inside their boxes on any machine.
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="${DIAGRAM_FONT}", fontsize=10, margin="0.15,0.06"];`,
    `  edge [fontname="${DIAGRAM_FONT}", fontsize=9, color="#555555"];`,
    `  fontname="${DIAGRAM_FONT}";`,
    `  labelloc=t; label="${label(`${r.cluster}: ${r.settings.endpointAccess} API endpoint, Kubernetes ${r.settings.version}`)}";`,
    '  subgraph cluster_aws { label="AWS, outside the VPC"; style="rounded"; color="#999999";',
    '    api [label="EKS API server\\n(control plane)", fillcolor="#fde9c8"];',
    '    aws [label="AWS APIs\\n(EC2, ECR, STS, SSM, ...)", fillcolor="#e8f0fe"];',
    '    s3 [label="Amazon S3\\n(ECR layers, assets)", fillcolor="#e8f0fe"];',
    '  }',
    `  subgraph cluster_vpc { label="${label(`VPC ${r.settings.vpcCidr ?? ''}`)}"; style="rounded"; color="#2e7d32";`,
    '    eni [label="EKS-owned network interfaces\\n(cluster subnets, private DNS of the API)", fillcolor="#fde9c8"];',
  ];
  const endpoints = r.endpoints.filter(e => e.type === 'Interface');
  if (endpoints.length > 0) {
    lines.push('    subgraph cluster_endpoints { label="interface endpoints (443, private DNS)"; style="dashed";');
    for (const e of endpoints) lines.push(`      ${id('ep', e.path)} [label="${label(`${e.service}\n${e.azs} AZ`)}", fillcolor="#e8f5e9"];`);
    lines.push('    }');
  }
  if (r.endpoints.some(e => e.type === 'Gateway' && e.service === 's3')) lines.push('    s3gw [label="S3 gateway endpoint\\n(route tables)", fillcolor="#e8f5e9"];');
  const names = new Map((r.clients ?? []).map(c => [c.path, c.name]));
  const clients = [...new Map(r.reachability.map(x => [x.client, x.kind])).entries()];
  for (const [c, kind] of clients) {
    const fill = kind === 'nodes' ? '#d7ecff' : kind === 'bastion' || kind === 'access' ? '#f3e5f5' : '#fff8e1';
    const subnets = [...new Set(r.reachability.filter(x => x.client === c && !x.subnet.startsWith('(')).map(x => x.subnet.split('/').pop()))];
    lines.push(`    ${id('client', c)} [label="${label(`${kind}: ${names.get(c) ?? short(c)}\nin ${subnets.join(', ')}`)}", fillcolor="${fill}"];`);
  }
  lines.push('  }');

  // One edge per pair of boxes: two edges between the same boxes would put their labels on one spot. An edge to a box
  // that names its service (an endpoint) has no label; every other label names what travels on it.
  const edges = new Set<string>();
  const edge = (from: string, to: string, text?: string, style = '') => {
    const attrs = [...(text ? [`label="${label(text)}"`] : []), ...(style ? [style] : [])];
    edges.add(`  ${from} -> ${to}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  };
  const services = new Map<string, string[]>();
  for (const row of r.reachability) {
    const k = `${row.client}|${row.via}|${row.detail ?? ''}`;
    services.set(k, [...(services.get(k) ?? []), row.service]);
  }
  // What a client cannot reach (or what cannot be seen) points at the box of that service: S3, the API server, or the
  // other AWS APIs.
  const failing = new Map<string, { from: string; to: string; via: string; services: string[] }>();
  const hubEdges = new Map<string, string[]>();
  let hubName = 'endpoint hub';
  const nodesOnEni = new Set(clients.filter(([c, kind]) => kind === 'nodes' && r.reachability.some(x => x.client === c && x.via === 'private-endpoint')).map(([c]) => c));
  for (const [k, list] of services) {
    const [client, via, detail] = k.split('|');
    const c = id('client', client);
    const text = [...new Set(list)].join(', ');
    if (via === 'interface-endpoint') {
      const ep = r.endpoints.find(e => e.path === detail);
      if (ep) edge(c, id('ep', ep.path));
    } else if (via === 'gateway-endpoint') {
      edge(c, 's3gw');
      edges.add('  s3gw -> s3 [style=dashed];');
    } else if (via === 'private-endpoint') {
      // Nodes: the API server also calls the kubelet back on the same path (exec, logs).
      if (nodesOnEni.has(client)) edge(c, 'eni', '443 API\n10250 exec/logs', 'dir=both');
      else edge(c, 'eni', '443 API');
    } else if (via === 'hub') {
      // The services a client takes from the hub: one edge to the hub's box, red when a hub rule failed.
      hubEdges.set(c, [...new Set([...(hubEdges.get(c) ?? []), ...list])]);
      hubName = detail || hubName;
    } else if (via === 'public-endpoint') {
      edge(c, 'internet', 'API 443 (public endpoint)');
    } else if (via === 'nat' || via === 'internet') {
      edge(c, 'internet', `${text} (${via})`);
    } else if (via === 'missing' || via === 'unverifiable') {
      for (const service of new Set(list)) {
        const to = service === 's3' ? 's3' : service === 'API server' ? 'api' : 'aws';
        const f = failing.get(`${c}|${to}|${via}`) ?? { from: c, to, via, services: [] };
        if (!f.services.includes(service)) f.services.push(service);
        failing.set(`${c}|${to}|${via}`, f);
      }
    }
  }
  if (hubEdges.size > 0) {
    // Beyond the VPC: the hub's endpoints, over a Transit Gateway or peering (issue 29: the plan showed no hub).
    const hubFindings = [...new Set(r.findings.filter(f => f.ruleId.startsWith('PEKS-HUB-') && !f.acknowledged).map(f => f.ruleId))];
    lines.push('  subgraph cluster_hub { label="hub VPC (Transit Gateway or peering)"; style="rounded"; color="#1565c0";',
      `    hub [label="${label(`${hubName.replace(/^the endpoint hub /, 'endpoint hub ')}\ninterface endpoints (443)`)}", fillcolor="#e8f5e9"];`, '  }');
    for (const [c, list] of hubEdges) {
      const text = `${list.length > 4 ? `${list.slice(0, 4).join(', ')} +${list.length - 4}` : list.join(', ')}`;
      if (hubFindings.length > 0) edge(c, 'hub', `${text}: ${hubFindings.join(', ')}`, 'color="#c62828", fontcolor="#c62828", style=bold');
      else edge(c, 'hub', text);
    }
    edges.add('  hub -> aws [style=dashed, label="PrivateLink"];');
  }
  const proxied = [...new Set((r.images ?? []).filter(i => i.throughProxy).map(i => i.registry))];
  if (r.proxy && proxied.length > 0) {
    const proxyFindings = [...new Set(r.findings.filter(f => f.ruleId.startsWith('PEKS-PROXY-') && !f.acknowledged).map(f => f.ruleId))];
    lines.push(`  proxy [label="${label(`egress proxy\n${r.proxy}`)}", fillcolor="#fff3e0"];`);
    lines.push('  internet [label="internet\\n(NAT or internet gateway)", shape=ellipse];');
    for (const [c, kind] of clients) {
      if (kind !== 'nodes') continue;
      const text = `images: ${proxied.join(', ')}`;
      if (proxyFindings.length > 0) edge(id('client', c), 'proxy', `${text}: ${proxyFindings.join(', ')}`, 'color="#c62828", fontcolor="#c62828", style=bold');
      else edge(id('client', c), 'proxy', text);
    }
    edges.add('  proxy -> internet [style=dashed];');
  }
  for (const f of failing.values()) {
    edge(f.from, f.to, `${f.services.join(', ')}: ${f.via.toUpperCase()}`, 'color="#c62828", fontcolor="#c62828", style=bold');
  }
  if (endpoints.length > 0) edges.add(`  ${id('ep', endpoints[0].path)} -> aws [ltail=cluster_endpoints, style=dashed, label="PrivateLink"];`);
  edges.add('  eni -> api [dir=both, style=dashed];');
  for (const [c, kind] of clients) {
    if (kind === 'nodes' && !nodesOnEni.has(c)) edges.add(`  eni -> ${id('client', c)} [label="10250 exec/logs", style=dashed];`);
  }
  if (r.reachability.some(x => x.via === 'nat' || x.via === 'internet' || x.via === 'public-endpoint')) {
    if (!lines.some(l => l.startsWith('  internet ['))) lines.push('  internet [label="internet\\n(NAT or internet gateway)", shape=ellipse];');
    edges.add('  internet -> api [style=dashed];');
    edges.add('  internet -> aws [style=dashed];');
  }
  lines.push(...edges, '}');
  return lines.join('\n') + '\n';
}
