import type { Consent, ConsentList } from '@careloop/shared/contracts/consents';
import type { ConsentView } from './service.js';

/** A consent record as the API shows it (instants as ISO-8601). */
export function presentConsent(consent: ConsentView): Consent {
  return {
    id: consent.id,
    kind: consent.kind,
    version: consent.version,
    patientId: consent.patientId,
    grantedAt: consent.grantedAt.toISOString(),
    withdrawnAt: consent.withdrawnAt?.toISOString() ?? null,
    withdrawnHow: consent.withdrawnHow,
    actingAccountId: consent.actingAccountId,
    templateIds: consent.templateIds,
  };
}

/** `GET /consents`, `POST /consents/withdraw`. */
export function presentConsentList(consents: readonly ConsentView[]): ConsentList {
  return { items: consents.map(presentConsent) };
}
