import { api, SessionTokens } from './client';

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

export const identity = {
  register: (r: { email: string; password: string; civility: string; givenName: string; familyName: string }) =>
    api<object>('/v1/accounts:register', { body: r }),
  confirmEmail: (email: string, code: string) => api<object>('/v1/accounts:confirmEmail', { body: { email, code } }),
  resendCode: (email: string) => api<object>('/v1/accounts:resendConfirmationCode', { body: { email } }),
  login: (email: string, password: string) => api<LoginResponse>('/v1/sessions:login', { body: { email, password } }),
  verifySecondFactor: (challenge: string, code: string) =>
    api<{ tokens: SessionTokens }>('/v1/sessions:verifySecondFactor', {
      body: code.replace(/[\s-]/g, '').length === 6 ? { challenge, totpCode: code.trim() } : { challenge, recoveryCode: code.trim() },
    }),
  logout: () => api<object>('/v1/sessions:logout', { body: {} }),
  getAccount: (accountId: string) =>
    api<{ account: Account }>(`/v1/accounts/${encodeURIComponent(accountId)}`),
  listSessions: () => api<{ sessions?: Session[] }>('/v1/sessions', { query: { pageSize: 100 } }),
  revokeSession: (sessionId: string) =>
    api<object>(`/v1/sessions/${encodeURIComponent(sessionId)}:revoke`, { body: {} }),
  enrollTotp: () => api<{ secret: string; otpauthUri: string }>('/v1/totp:enroll', { body: {} }),
  confirmTotp: (totpCode: string) => api<{ recoveryCodes?: string[] }>('/v1/totp:confirm', { body: { totpCode } }),
};
