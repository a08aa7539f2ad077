import { z } from 'zod';

/**
 * Staff identity contracts: the roles of the staff area, the login request and the session a
 * successful login returns. Patients never see these; the staff area of the app does.
 */

/** Every staff role, least to most privileged within each line of work. */
export const StaffRoleSchema = z.enum([
  'scheduler',
  'doctor',
  'followup_nurse',
  'experience_officer',
  'quality_manager',
  'referral_coordinator',
  'institution_admin',
  'alliance_admin',
]);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** Roles that must present a TOTP code at login (two-factor). */
export const staffAdminRoles: readonly StaffRole[] = ['institution_admin', 'alliance_admin'];

/** True for roles that need a TOTP code to log in. */
export function isStaffAdminRole(role: StaffRole): boolean {
  return staffAdminRoles.includes(role);
}

/** The institution id an `alliance_admin` is scoped to: every member of the alliance. */
export const allianceScope = 'alliance';

/** `POST /staff/auth/login`. `totp` is the 6-digit authenticator code (admins only). */
export const StaffLoginRequestSchema = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
    totp: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .strict();
export type StaffLoginRequest = z.infer<typeof StaffLoginRequestSchema>;

/** A staff member as the staff area shows them (no hashes, no secrets, no counters). */
export const StaffProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRoleSchema,
  /** The institution the account works in, or `alliance` for an alliance admin. */
  institutionId: z.string(),
});
export type StaffProfile = z.infer<typeof StaffProfileSchema>;

/** A successful login: a bearer token for `Authorization: Bearer …` and who it belongs to. */
export const StaffLoginResponseSchema = z.object({
  accessToken: z.string(),
  /** When the token (and the session) expires, ISO-8601. */
  expiresAt: z.string(),
  staff: StaffProfileSchema,
});
export type StaffLoginResponse = z.infer<typeof StaffLoginResponseSchema>;

/** `GET /staff/auth/me`. */
export const StaffMeResponseSchema = z.object({ staff: StaffProfileSchema });
export type StaffMeResponse = z.infer<typeof StaffMeResponseSchema>;

/** Staff auth paths relative to `/api/v1`. */
export const StaffAuthPaths = {
  login: '/staff/auth/login',
  logout: '/staff/auth/logout',
  me: '/staff/auth/me',
} as const;
