/**
 * Every dated fact of the library's AWS data: catalogue rows, endpoint-policy facts, endpoint claims, contract rows
 * and their settings and services, component version defects, the EKS version calendar and the newest kubectl layer. Pure data, for the date test and the bench's "oldest fact" line.
 */
import { ComponentContracts } from './component-contracts';
import { EndpointCatalogue } from './endpoint-catalogue';
import { calendarFacts, EKS_NEWEST_OFFERED, KUBECTL_LAYER_NEWEST } from './kubernetes-versions';

/** One fact row and the day its source was read (undefined: no date). */
export interface DatedFact {
  /** Where the row lives (`catalogue eks`, `contract karpenter setting settings.isolatedVPC`). */
  readonly row: string;
  readonly read?: string;
}

/** Every fact row with its date; a setting or service without its own date takes its contract's. */
export function factDates(): DatedFact[] {
  const facts: DatedFact[] = [];
  for (const i of EndpointCatalogue.all()) facts.push({ row: `catalogue ${i.name}`, read: i.read });
  for (const p of EndpointCatalogue.ENDPOINT_POLICY_FACTS) facts.push({ row: `endpoint policy ${p.service}`, read: p.read });
  for (const c of EndpointCatalogue.ENDPOINT_CLAIMS) facts.push({ row: `endpoint claim ${c.service}`, read: c.read });
  for (const c of ComponentContracts.all()) {
    facts.push({ row: `contract ${c.name}`, read: c.read });
    for (const s of c.settings ?? []) facts.push({ row: `contract ${c.name} setting ${s.path}`, read: s.read ?? c.read });
  }
  for (const d of ComponentContracts.versionDefects()) facts.push({ row: `contract ${d.component} defect ${d.from} to ${d.fixedIn}`, read: d.read });
  for (const v of calendarFacts()) facts.push({ row: `kubernetes calendar ${v.version}`, read: v.read });
  facts.push({ row: `kubernetes newest offered ${EKS_NEWEST_OFFERED.version}`, read: EKS_NEWEST_OFFERED.read });
  facts.push({ row: `kubectl layer newest v${KUBECTL_LAYER_NEWEST.minor}`, read: KUBECTL_LAYER_NEWEST.read });
  return facts;
}

/** The fact read longest ago (the first such row when several share the day). */
export function oldestFact(): DatedFact {
  return factDates().reduce((a, b) => ((b.read ?? '') < (a.read ?? '') ? b : a));
}
