// The HTTP client of the gateway's JSON API: one place that adds the session, refreshes it
// when the access token expires, and turns RFC 9457 problem answers into ApiError.
//
// The session (access and refresh tokens) lives in memory only, never in localStorage or
// sessionStorage where any script of the origin could read it: reloading the page signs out.
// (It moves to HttpOnly cookies when the gateway offers them.)

export interface FieldError {
  field: string;
  description: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly reason: string;
  constructor(status: number, code: string, detail: string, errors: FieldError[], reason = '') {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.reason = reason;
  }
  /** The first error about `field` (or a field under it, e.g. "case.title" for "case"). */
  forField(field: string): FieldError | undefined {
    return this.errors.find((e) => e.field === field || e.field.startsWith(field + '.'));
  }
}

export interface SessionTokens {
  accessToken: string;
  accessTokenExpireTime: string;
  refreshToken: string;
  refreshTokenExpireTime: string;
  sessionId: string;
}

export interface Claims {
  sub: string;
  sid: string;
  role: 'doctor' | 'moderator' | 'admin' | string;
  vst: 'pending_email' | 'pending_verification' | 'verified' | 'rejected' | 'suspended' | string;
  exp: number;
}

type Listener = () => void;

let tokens: SessionTokens | null = null;
let claims: Claims | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

function decodeClaims(jwt: string): Claims | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  } catch {
    return null;
  }
}

export function setSession(next: SessionTokens | null): void {
  tokens = next;
  claims = next ? decodeClaims(next.accessToken) : null;
  listeners.forEach((l) => l());
}

export function currentClaims(): Claims | null {
  return claims;
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

async function parseError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): keep the status only.
  }
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  return new ApiError(
    res.status,
    typeof body.code === 'string' ? body.code : '',
    typeof body.detail === 'string' ? body.detail : res.statusText,
    errors,
    typeof body.reason === 'string' ? body.reason : '',
  );
}

/** Exchanges the refresh token for new tokens (rotation); false when the session is over. */
export function refreshSession(): Promise<boolean> {
  if (!tokens) return Promise.resolve(false);
  if (!refreshing) {
    const refreshToken = tokens.refreshToken;
    refreshing = fetch('/v1/sessions:refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ refreshToken }),
      credentials: 'same-origin',
    })
      .then(async (res) => {
        if (!res.ok) {
          setSession(null);
          return false;
        }
        const body = (await res.json()) as { tokens: SessionTokens };
        setSession(body.tokens);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

function expiresSoon(): boolean {
  return claims !== null && claims.exp * 1000 - Date.now() < 30_000;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  if (tokens && expiresSoon()) await refreshSession();
  let url = path;
  if (options.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) {
      if (v !== undefined && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const send = (): Promise<Response> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (tokens) headers.Authorization = `Bearer ${tokens.accessToken}`;
    return fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  };
  let res = await send();
  if (res.status === 401 && tokens && (await refreshSession())) res = await send();
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return {} as T;
  return (await res.json()) as T;
}
