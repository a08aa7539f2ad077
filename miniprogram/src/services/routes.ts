/**
 * Page URLs of the directory flow, in one place so pages and tests agree. Names travel along so
 * the next page can title itself before its data arrives.
 */
const q = (params: Record<string, string>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

export const routes = {
  departments: (institutionId: string, institutionName: string) =>
    `/packages/directory/pages/departments/index?${q({ institutionId, name: institutionName })}`,
  doctors: (departmentId: string, departmentName: string) =>
    `/packages/directory/pages/doctors/index?${q({ departmentId, name: departmentName })}`,
  doctor: (doctorId: string) => `/packages/directory/pages/doctor/index?${q({ doctorId })}`,
} as const;

/** Page URLs of the account subpackage (login, family members) and the staff area. */
export const accountRoutes = {
  me: '/pages/me/index',
  login: '/packages/account/pages/login/index',
  patients: '/packages/account/pages/patients/index',
  patientEdit: (patientId?: string) =>
    patientId ? `/packages/account/pages/patient-edit/index?${q({ patientId })}` : '/packages/account/pages/patient-edit/index',
  staffLogin: '/packages/staff/pages/login/index',
} as const;
