import { api, Claims, SessionTokens } from './client';

export interface Account {
  accountId: string;
  email: string;
  civility?: string;
  givenName?: string;
  familyName?: string;
  status?: string;
  role?: string;
}

export interface LoginResponse {
  tokens?: SessionTokens;
  claims?: Claims;
  secondFactorChallenge?: string;
  secondFactorEnrollmentRequired?: boolean;
}

export interface Session {
  sessionId: string;
  createTime?: string;
  lastRefreshTime?: string;
  expireTime?: string;
  clientIp?: string;
  userAgent?: string;
  current?: boolean;
}

export interface SavoirFaire {
  typeCode?: string;
  code?: string;
  label?: string;
}

export interface RegisterEntry {
  identifier?: string;
  identifierType?: string;
  civility?: string;
  familyName?: string;
  givenName?: string;
  professionLabel?: string;
  specialty?: SavoirFaire;
  savoirFaire?: SavoirFaire[];
  practicePlaces?: { postcode?: string; city?: string }[];
}

export interface Verification {
  verificationId: string;
  accountId?: string;
  accountGivenName?: string;
  accountFamilyName?: string;
  accountEmail?: string;
  identifier?: string;
  identifierType?: string;
  state?: string;
  reasons?: string[];
  registerEntry?: RegisterEntry;
  createTime?: string;
  decideTime?: string;
  decisionReason?: string;
}

/** Whether a TOTP second factor protects the caller's account (GetMe). */
export interface SecondFactorStatus {
  active?: boolean;
  activateTime?: string;
  recoveryCodesRemaining?: number;
  enrollmentPending?: boolean;
}

export interface Me {
  account: Account;
  verification?: Verification;
  registerEntry?: RegisterEntry;
  secondFactor?: SecondFactorStatus;
}

export const identity = {
  register: (r: { email: string; password: string; civility: string; givenName: string; familyName: string }) =>
    api<object>('/v1/accounts:register', { body: r }),
  confirmEmail: (email: string, code: string) => api<object>('/v1/accounts:confirmEmail', { body: { email, code } }),
  resendCode: (email: string) => api<object>('/v1/accounts:resendConfirmationCode', { body: { email } }),
  // Browser sessions: the gateway sets the tokens as HttpOnly cookies and answers the claims.
  login: (email: string, password: string) => api<LoginResponse>('/v1/web/sessions:login', { body: { email, password } }),
  verifySecondFactor: (challenge: string, code: string) =>
    api<{ tokens?: SessionTokens; claims?: Claims }>('/v1/web/sessions:verifySecondFactor', {
      body: code.replace(/[\s-]/g, '').length === 6 ? { challenge, totpCode: code.trim() } : { challenge, recoveryCode: code.trim() },
    }),
  logout: () => api<object>('/v1/web/sessions:logout', { body: {} }),
  getAccount: (accountId: string) =>
    api<{ account: Account }>(`/v1/accounts/${encodeURIComponent(accountId)}`),
  listSessions: () => api<{ sessions?: Session[] }>('/v1/sessions', { query: { pageSize: 100 } }),
  revokeSession: (sessionId: string) =>
    api<object>(`/v1/sessions/${encodeURIComponent(sessionId)}:revoke`, { body: {} }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api<{ revokedSessions?: number }>('/v1/accounts:changePassword', { body: { currentPassword, newPassword } }),
  deleteAccount: (accountId: string, password: string, code: string) => {
    const c = code.replace(/[\s-]/g, '');
    const second = !c ? {} : /^[0-9]{6}$/.test(c) ? { totpCode: c } : { recoveryCode: code.trim() };
    return api<object>(`/v1/accounts/${encodeURIComponent(accountId)}:delete`, { body: { password, ...second } });
  },
  enrollTotp: () => api<{ secret: string; otpauthUri: string }>('/v1/totp:enroll', { body: {} }),
  getMe: () => api<Me>('/v1/me'),
  startVerification: (number: { rpps?: string; adeli?: string }) =>
    api<{ verification: Verification }>('/v1/me/verifications', { body: number }),
  listPendingVerifications: () =>
    api<{ verifications?: Verification[] }>('/v1/verifications:pending', { query: { pageSize: 100 } }),
  decideVerification: (verificationId: string, decision: 'DECISION_APPROVE' | 'DECISION_REJECT', reason: string) =>
    api<{ verification: Verification }>(`/v1/verifications/${encodeURIComponent(verificationId)}:decide`, {
      body: { decision, reason },
    }),
  confirmTotp: (totpCode: string) => api<{ recoveryCodes?: string[] }>('/v1/totp:confirm', { body: { totpCode } }),
};
