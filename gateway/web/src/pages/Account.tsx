import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import QRCode from 'qrcode';
import { ApiError, refreshSession, setSession } from '../api/client';
import { identity, Session } from '../api/identity';
import { Alert, errorText, formatDate, Loading, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';
import { useClaims } from '../session';

export function Account() {
  const claims = useClaims();
  const { query } = useLocation();
  if (!claims) return null;
  return (
    <section>
      <PageTitle text={t.account.title} />
      {query.totp === 'requis' && <Alert kind="info">{t.login.enrollmentRequired}</Alert>}
      <dl class="facts">
        <dt>{t.account.status}</dt>
        <dd id="account-status">{t.account.statuses[claims.vst] ?? claims.vst}</dd>
        <dt>{t.account.role}</dt>
        <dd>{t.account.roles[claims.role] ?? claims.role}</dd>
      </dl>
      {claims.vst !== 'verified' && (
        <p>
          {t.account.pendingExplain} <a href="/verification">{t.nav.verification}</a>
        </p>
      )}
      <Totp />
      <Sessions />
    </section>
  );
}

function Totp() {
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
      ) : (
        <>
          <p>{t.account.totpIntro}</p>
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
