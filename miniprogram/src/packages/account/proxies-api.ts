import {
  PatientProxyListSchema,
  PatientSchema,
  ProxyInvitationSchema,
  ProxyPaths,
  type Patient,
  type PatientProxyList,
  type ProxyInvitation,
} from '@careloop/shared/contracts/patients';
import { API_V1, requestJson } from '../../services/api';

const id = encodeURIComponent;

/** 家人代办 endpoints, typed by the shared contracts: the owner invites, lists and revokes; another account accepts. */
export const proxiesApi = {
  /** A one-time code for the patient, valid 10 minutes (owner only). */
  invite: (patientId: string): Promise<ProxyInvitation> => requestJson('POST', `${API_V1}${ProxyPaths.invitations(id(patientId))}`, ProxyInvitationSchema),
  /** Accepts a code: the patient then appears in this account's list with `access: 'proxy'`. */
  accept: (code: string): Promise<Patient> => requestJson('POST', `${API_V1}${ProxyPaths.accept}`, PatientSchema, { body: { code } }),
  list: (patientId: string): Promise<PatientProxyList> => requestJson('GET', `${API_V1}${ProxyPaths.proxies(id(patientId))}`, PatientProxyListSchema),
  revoke: (patientId: string, accountId: string): Promise<void> => requestJson('DELETE', `${API_V1}${ProxyPaths.proxy(id(patientId), id(accountId))}`, null),
};
