import {
  PatientListSchema,
  PatientSchema,
  type Patient,
  type PatientCreate,
  type PatientList,
  type PatientUpdate,
} from '@careloop/shared/contracts/patients';
import { API_V1, requestJson } from '../../services/api';

const base = `${API_V1}/patients`;
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** The family-member (就诊人) endpoints of the signed-in account, typed by the shared contracts. */
export const patientsApi = {
  list: (): Promise<PatientList> => requestJson('GET', base, PatientListSchema),
  get: (id: string): Promise<Patient> => requestJson('GET', one(id), PatientSchema),
  create: (body: PatientCreate): Promise<Patient> => requestJson('POST', base, PatientSchema, { body }),
  update: (id: string, body: PatientUpdate): Promise<Patient> => requestJson('PATCH', one(id), PatientSchema, { body }),
  remove: (id: string): Promise<void> => requestJson('DELETE', one(id), null),
};
