import {
  ConsentListSchema,
  ConsentSchema,
  type Consent,
  type ConsentGrant,
  type ConsentList,
  type ConsentWithdraw,
} from '@careloop/shared/contracts/consents';
import { API_V1, requestJson } from '../../services/api';

const base = `${API_V1}/consents`;

/** The consent endpoints of the signed-in account, typed by the shared contracts. */
export const consentsApi = {
  list: (): Promise<ConsentList> => requestJson('GET', base, ConsentListSchema),
  grant: (body: ConsentGrant): Promise<Consent> => requestJson('POST', base, ConsentSchema, { body }),
  /** Returns the records withdrawn (none when nothing was in force). */
  withdraw: (body: ConsentWithdraw): Promise<ConsentList> => requestJson('POST', `${base}/withdraw`, ConsentListSchema, { body }),
};
