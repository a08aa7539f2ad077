/** Staff access to a patient's data (record, export), policy-decided and audited. */
export { createStaffPatientsService, STAFF_PATIENT_RESOURCES, type StaffPatientsService } from './service.js';
export { staffPatientRoutes } from './routes.js';
export type { SeenAtSource } from './facts.js';
