import { z } from 'zod';

/**
 * Patient sign-in contracts: WeChat login, token refresh and logout, phone binding, the
 * account's own settings. Paths are relative to `/api/v1`.
 */
export const AuthPaths = {
  config: '/auth/config',
  wechatLogin: '/auth/wechat/login',
  wechatPhone: '/auth/wechat/phone',
  refresh: '/auth/refresh',
  logout: '/auth/logout',
  me: '/auth/me',
} as const;

/** A one-time WeChat code (`wx.login` or the phone button's `code`). */
export const WechatCodeSchema = z.string().trim().min(1).max(256);

/** `POST /auth/wechat/login`: the code `wx.login` returned. */
export const WechatLoginRequestSchema = z.object({ code: WechatCodeSchema }).strict();
export type WechatLoginRequest = z.infer<typeof WechatLoginRequestSchema>;

/** `POST /auth/wechat/phone`: the code of the getPhoneNumber button (needs a tap). */
export const WechatPhoneRequestSchema = z.object({ code: WechatCodeSchema }).strict();
export type WechatPhoneRequest = z.infer<typeof WechatPhoneRequestSchema>;

/** An opaque refresh token (32 random bytes, base64url). */
export const RefreshTokenSchema = z.string().trim().min(1).max(128);

/** `POST /auth/refresh` and `POST /auth/logout`. */
export const RefreshRequestSchema = z.object({ refreshToken: RefreshTokenSchema }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

/** The signed-in patient's account as the app sees it (never the openid or session key). */
export const AccountSchema = z.object({
  id: z.string(),
  nickname: z.string().optional(),
  /** 适老化 large-text mode. */
  largeText: z.boolean(),
  /** The bound phone, masked (`138****5678`); absent until bound. */
  phoneMasked: z.string().optional(),
  /** ISO-8601 instant. */
  createdAt: z.string(),
});
export type Account = z.infer<typeof AccountSchema>;

/** What login and refresh return: a short-lived access token, a rotating refresh token. */
export const AuthTokensResponseSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  account: AccountSchema,
});
export type AuthTokensResponse = z.infer<typeof AuthTokensResponseSchema>;

/** `GET /auth/me`, `PATCH /auth/me`. */
export const AccountResponseSchema = z.object({ account: AccountSchema });
export type AccountResponse = z.infer<typeof AccountResponseSchema>;

/** `POST /auth/wechat/phone`: only the masked phone leaves the server. */
export const PhoneBindingResponseSchema = z.object({ phoneMasked: z.string() });
export type PhoneBindingResponse = z.infer<typeof PhoneBindingResponseSchema>;

/** `PATCH /auth/me`: the settings a patient changes (at least one). */
export const UpdateAccountRequestSchema = z
  .object({
    largeText: z.boolean().optional(),
    nickname: z.string().trim().min(1).max(32).optional(),
  })
  .strict()
  .refine((value) => value.largeText !== undefined || value.nickname !== undefined, { message: 'largeText or nickname is required' });
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequestSchema>;

/** `GET /auth/config`: sandbox mode lets the H5 app offer demo identities (`sandbox:<name>`). */
export const AuthConfigResponseSchema = z.object({ sandbox: z.boolean() });
export type AuthConfigResponse = z.infer<typeof AuthConfigResponseSchema>;
