import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { SUPPORTED } from './search.js';

/**
 * The simulator's CapabilityStatement, generated from the same table the search engine uses so
 * the two cannot disagree.
 */
export function capabilityStatement(baseUrl: string, date: string): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = Object.entries(SUPPORTED).map(([type, support]) => ({
    type: type as CapabilityStatementRestResource['type'],
    interaction: [
      { code: 'read' },
      { code: 'search-type' },
      ...(support.writes ?? []).map((code) => ({ code })),
    ],
    ...(type === 'Appointment' || type === 'Slot' ? { conditionalCreate: true, updateCreate: false } : {}),
    searchParam: Object.entries(support.params).map(([name, p]) => ({ name, type: p.type })),
    ...(support.includes ? { searchInclude: Object.keys(support.includes) } : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'CareLoop',
    kind: 'instance',
    software: { name: 'CareLoop hospital simulator' },
    implementation: { description: '滨江医联体 demo HIS/LIS/PACS (simulated)', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{ mode: 'server', resource }],
  };
}
