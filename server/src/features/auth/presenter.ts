import type { Account, AccountResponse, AuthConfigResponse, AuthTokensResponse, PhoneBindingResponse } from '@careloop/shared';
import type { PatientAccount, SignedIn } from './service.js';

/** An account as the API shows it: contract fields only, instants as ISO-8601. */
export function presentAccount(account: PatientAccount): Account {
  const presented: Account = { id: account.id, largeText: account.largeText, createdAt: account.createdAt.toISOString() };
  if (account.nickname !== undefined) presented.nickname = account.nickname;
  if (account.phoneMasked !== undefined) presented.phoneMasked = account.phoneMasked;
  return presented;
}

/** Login and refresh. */
export function presentSignedIn(signedIn: SignedIn): AuthTokensResponse {
  return { accessToken: signedIn.accessToken, refreshToken: signedIn.refreshToken, account: presentAccount(signedIn.account) };
}

/** `GET /auth/me`, `PATCH /auth/me`. */
export function presentAccountResponse(account: PatientAccount): AccountResponse {
  return { account: presentAccount(account) };
}

/** `POST /auth/wechat/phone`. */
export function presentPhoneBinding(result: { phoneMasked: string }): PhoneBindingResponse {
  return { phoneMasked: result.phoneMasked };
}

/** `GET /auth/config`. */
export function presentAuthConfig(sandbox: boolean): AuthConfigResponse {
  return { sandbox };
}
