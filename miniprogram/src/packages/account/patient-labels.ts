import type { PatientIdType, PatientRelationship } from '@careloop/shared/contracts/patients';

/** Chinese names of the relationships, in the order the form offers them. */
export const RELATIONSHIP_LABELS: Record<PatientRelationship, string> = {
  self: '本人',
  spouse: '配偶',
  parent: '父母',
  child: '子女',
  other: '其他',
};

/** Chinese names of the identity documents, in the order the form offers them. */
export const ID_TYPE_LABELS: Record<PatientIdType, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
};
