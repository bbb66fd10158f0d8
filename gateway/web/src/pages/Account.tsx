import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import QRCode from 'qrcode';
import { ApiError, refreshSession, setSession } from '../api/client';
import { identity, SecondFactorStatus, Session } from '../api/identity';
import { Alert, errorText, formatDate, Loading, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';
import { useClaims } from '../session';

export function Account() {
  const claims = useClaims();
  const { query } = useLocation();
  // A password change closes the other sessions: the list is read again (a new key remounts it).
  const [sessionsKey, setSessionsKey] = useState(0);
  // The second factor's state from GetMe (null until read; undefined when it could not be read,
  // then the forms offer everything as before).
  const [secondFactor, setSecondFactor] = useState<SecondFactorStatus | null | undefined>(null);
  const loadMe = () =>
    identity
      .getMe()
      .then((me) => setSecondFactor(me.secondFactor ?? {}))
      .catch(() => setSecondFactor(undefined));
  useEffect(() => {
    loadMe();
  }, []);
  if (!claims) return null;
  return (
    <section>
      <PageTitle text={t.account.title} />
      {query.totp === 'requis' && <Alert kind="info">{t.login.enrollmentRequired}</Alert>}
      <dl class="facts">
        <dt>{t.account.status}</dt>
        <dd id="account-status">{t.account.statuses[claims.verification] ?? claims.verification}</dd>
        <dt>{t.account.role}</dt>
        <dd>{t.account.roles[claims.role] ?? claims.role}</dd>
      </dl>
      {claims.verification !== 'verified' && (
        <p>
          {t.account.pendingExplain} <a href="/verification">{t.nav.verification}</a>
        </p>
      )}
      <Totp status={secondFactor} onActivated={loadMe} />
      <Sessions key={sessionsKey} />
      <ChangePassword onChanged={() => setSessionsKey((k) => k + 1)} />
      <DeleteAccount accountId={claims.sub} secondFactor={secondFactor} />
    </section>
  );
}

function Totp({ status, onActivated }: { status: SecondFactorStatus | null | undefined; onActivated: () => void }) {
  const [enrollment, setEnrollment] = useState<{ secret: string; qr: string } | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');

  const start = async () => {
    setError('');
    try {
      const r = await identity.enrollTotp();
      const qr = await QRCode.toDataURL(r.otpauthUri, { margin: 2, width: 220, errorCorrectionLevel: 'M' });
      setEnrollment({ secret: r.secret, qr });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.code === 'FAILED_PRECONDITION') setInfo(t.account.totpAlready);
      else setError(errorText(err));
    }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const r = await identity.confirmTotp(code.trim());
      setRecovery(r.recoveryCodes ?? []);
      setEnrollment(null);
      await refreshSession();
      onActivated();
    } catch (err) {
      setError(err instanceof ApiError && err.errors[0] ? err.errors[0].description : errorText(err));
    }
  };
  return (
    <section aria-labelledby="totp-title" class="card">
      <h2 id="totp-title">{t.account.totpTitle}</h2>
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="info">{info}</Alert>}
      {recovery ? (
        <>
          <Alert kind="success">{t.account.totpActive}</Alert>
          <h3>{t.account.recoveryTitle}</h3>
          <p>{t.account.recoveryIntro}</p>
          <ul class="codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </>
      ) : enrollment ? (
        <form onSubmit={confirm} noValidate>
          <p>{t.account.totpScan}</p>
          <img class="qr" src={enrollment.qr} width={220} height={220} alt={t.account.totpQrAlt} />
          <p>
            {t.account.totpSecret} : <code id="totp-secret">{enrollment.secret}</code>
          </p>
          <TextField id="totp-code" label={t.account.totpCode} value={code} onValue={setCode} inputMode="numeric" autoComplete="one-time-code" maxLength={6} required />
          <button type="submit" class="primary">
            {t.account.totpConfirm}
          </button>
        </form>
      ) : status === null ? (
        <Loading />
      ) : status?.active ? (
        <>
          <Alert kind="success">{t.account.totpActive}</Alert>
          <p id="totp-status">{t.account.totpSince(formatDate(status.activateTime), Number(status.recoveryCodesRemaining ?? 0))}</p>
        </>
      ) : (
        <>
          <p>{t.account.totpIntro}</p>
          {status?.enrollmentPending && <p id="totp-status">{t.account.totpPending}</p>}
          <button type="button" class="secondary" onClick={start}>
            {t.account.totpStart}
          </button>
        </>
      )}
    </section>
  );
}

function Sessions() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState('');
  const { route } = useLocation();
  const load = () =>
    identity
      .listSessions()
      .then((r) => setSessions(r.sessions ?? []))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);
  const revoke = async (id: string) => {
    try {
      await identity.revokeSession(id);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const everywhere = async () => {
    try {
      for (const s of sessions ?? []) if (!s.current) await identity.revokeSession(s.sessionId);
      await identity.logout();
    } catch (e) {
      setError(errorText(e));
      return;
    }
    setSession(null);
    route('/connexion');
  };
  return (
    <section aria-labelledby="sessions-title" class="card">
      <h2 id="sessions-title">{t.account.sessionsTitle}</h2>
      {error && <Alert>{error}</Alert>}
      {sessions === null ? (
        <Loading />
      ) : (
        <ul class="sessions">
          {sessions.map((s) => (
            <li key={s.sessionId}>
              <p>
                <strong>{s.userAgent || '—'}</strong>
                {s.current && <span class="badge">{t.account.sessionCurrent}</span>}
              </p>
              <p class="meta">
                {t.account.sessionCreated} {formatDate(s.createTime)} · {t.account.sessionLast} {formatDate(s.lastRefreshTime)} ·{' '}
                {t.account.sessionIp} {s.clientIp || '—'}
              </p>
              {!s.current && (
                <button type="button" class="link" onClick={() => revoke(s.sessionId)}>
                  {t.account.revoke}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="danger" onClick={everywhere}>
        {t.account.logoutEverywhere}
      </button>
    </section>
  );
}

/** The error of a password form's field, in the page's words when the server says "wrong". */
function passwordError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const fe = err.forField(field);
  if (!fe) return undefined;
  return /wrong password/i.test(fe.description) ? t.account.wrongPassword : fe.description;
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [failure, setFailure] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setFailure('');
    setDone('');
    setBusy(true);
    try {
      const r = await identity.changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(t.account.passwordChanged(Number(r.revokedSessions ?? 0)));
      onChanged();
    } catch (err) {
      const fields = { current: passwordError(err, 'current_password'), next: passwordError(err, 'new_password') };
      if (fields.current || fields.next) setErrors(fields);
      else setFailure(err instanceof ApiError && err.status === 429 ? t.login.throttled : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="password-title" class="card">
      <h2 id="password-title">{t.account.passwordTitle}</h2>
      <p id="password-intro">{t.account.passwordIntro}</p>
      {failure && <Alert>{failure}</Alert>}
      {done && <Alert kind="success">{done}</Alert>}
      <form onSubmit={submit} noValidate>
        <TextField id="password-current" type="password" label={t.account.currentPassword} value={current} onValue={setCurrent} autoComplete="current-password" error={errors.current} required />
        <TextField id="password-new" type="password" label={t.account.newPassword} hint={t.signup.passwordHint} value={next} onValue={setNext} autoComplete="new-password" error={errors.next} required />
        <button type="submit" class="primary" disabled={busy} aria-describedby="password-intro">
          {t.account.passwordChange}
        </button>
      </form>
    </section>
  );
}

/** GDPR erasure: says what goes and what stays, then asks for the password (and the second
 *  factor when active) again. */
function DeleteAccount({ accountId, secondFactor }: { accountId: string; secondFactor: SecondFactorStatus | null | undefined }) {
  // The code field only when a second factor is active; offered (optional) when GetMe failed.
  const known = secondFactor !== null && secondFactor !== undefined;
  const askCode = !known || secondFactor?.active === true;
  const { route } = useLocation();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setFailure('');
    setBusy(true);
    try {
      await identity.deleteAccount(accountId, password, code);
    } catch (err) {
      const fields = {
        password: passwordError(err, 'password'),
        code: err instanceof ApiError ? (err.forField('totp_code') ?? err.forField('recovery_code'))?.description : undefined,
      };
      if (fields.password || fields.code) setErrors(fields);
      else setFailure(err instanceof ApiError && err.status === 429 ? t.login.throttled : errorText(err));
      setBusy(false);
      return;
    }
    // Identity revoked every session: the cookies are worthless now; the page forgets the claims.
    route('/connexion?supprime=1');
    setSession(null);
  };
  return (
    <section aria-labelledby="delete-account-title" class="card danger-zone">
      <h2 id="delete-account-title">{t.account.deleteTitle}</h2>
      <p>{t.account.deleteIntro}</p>
      <h3>{t.account.deleteRemovedTitle}</h3>
      <ul>
        {t.account.deleteRemoved.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <h3>{t.account.deleteKeptTitle}</h3>
      <p>{t.account.deleteKept}</p>
      {!open ? (
        <button type="button" class="danger" aria-expanded="false" onClick={() => setOpen(true)}>
          {t.account.deleteStart}
        </button>
      ) : (
        <form onSubmit={submit} noValidate class="confirm-box">
          {failure && <Alert>{failure}</Alert>}
          <TextField id="delete-password" type="password" label={t.account.deletePassword} value={password} onValue={setPassword} autoComplete="current-password" error={errors.password} required />
          {askCode && (
            <TextField
              id="delete-code"
              label={t.account.deleteCode}
              hint={known ? t.account.deleteCodeActive : t.account.deleteCodeHint}
              value={code}
              onValue={setCode}
              autoComplete="one-time-code"
              error={errors.code}
              required={known}
            />
          )}
          <div class="actions">
            <button type="submit" class="danger" disabled={busy}>
              {t.account.deleteConfirm}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              {t.account.cancel}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
