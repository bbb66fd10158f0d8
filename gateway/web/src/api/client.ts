// The HTTP client of the gateway's JSON API: one place that carries the session, refreshes it
// when the access token expires, and turns RFC 9457 problem answers into ApiError.
//
// The session is the gateway's browser session (/v1/web/sessions:*): the access and refresh
// tokens live in HttpOnly cookies the page cannot read; the page keeps only the claims the
// gateway answers (who, role, verification status, expiry) and repeats the readable
// __Host-md_csrf cookie as X-CSRF-Token on every write (double submit).

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
  accessTokenExpireTime?: string;
  refreshTokenExpireTime?: string;
  sessionId?: string;
}

export interface Claims {
  sub: string;
  sid: string;
  role: 'doctor' | 'moderator' | 'admin' | string;
  verification: 'pending_email' | 'pending_verification' | 'verified' | 'rejected' | 'suspended' | string;
  exp: number;
}

type Listener = () => void;

let claims: Claims | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

export function setSession(next: Claims | null): void {
  claims = next;
  listeners.forEach((l) => l());
}

export function currentClaims(): Claims | null {
  return claims;
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function csrfToken(): string {
  const m = /(?:^|;\s*)__Host-md_csrf=([^;]+)/.exec(document.cookie);
  return m ? m[1] : '';
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

/** Asks the gateway for new session cookies (refresh rotation); false when the session is over. */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = fetch('/v1/web/sessions:refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
      body: '{}',
      credentials: 'same-origin',
    })
      .then(async (res) => {
        if (!res.ok) {
          setSession(null);
          return false;
        }
        const body = (await res.json()) as { claims?: Claims };
        setSession(body.claims ?? null);
        return !!body.claims;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** At start-up (a reload, a new tab): resumes the browser session when its cookies are there. */
export async function resumeSession(): Promise<void> {
  if (csrfToken()) await refreshSession();
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
  if (claims && expiresSoon()) await refreshSession();
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
    const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const csrf = csrfToken();
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    return fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  };
  let res = await send();
  if (res.status === 401 && claims && (await refreshSession())) res = await send();
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return {} as T;
  return (await res.json()) as T;
}
