/**
 * Every dated fact of the library's AWS data: catalogue rows, endpoint-policy facts, endpoint claims, contract rows
 * and their settings and services. Pure data, for the date test and the bench's "oldest fact" line.
 */
import { ComponentContracts } from './component-contracts';
import { EndpointCatalogue } from './endpoint-catalogue';

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
  return facts;
}

/** The fact read longest ago (the first such row when several share the day). */
export function oldestFact(): DatedFact {
  return factDates().reduce((a, b) => ((b.read ?? '') < (a.read ?? '') ? b : a));
}
