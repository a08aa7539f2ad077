import { allianceScope } from '@careloop/shared/contracts/staff';
import type { InstitutionListResponse } from '@careloop/shared';

/**
 * The name the staff area shows for an institution id: the directory's name, 全医联体 for the
 * alliance scope, or the id itself while the directory is unavailable.
 */
export function institutionName(institutionId: string, directory: InstitutionListResponse | undefined): string {
  if (institutionId === allianceScope) return '全医联体';
  return directory?.items.find((i) => i.id === institutionId)?.name ?? institutionId;
}
