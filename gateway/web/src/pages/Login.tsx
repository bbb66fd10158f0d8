import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, setSession } from '../api/client';
import { identity } from '../api/identity';
import { Alert, errorText, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';

export function Login() {
  const { query, route } = useLocation();
  const [email, setEmail] = useState(query.email ?? '');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  // Back to the page that asked for a session (a local path only: never an open redirect).
  const next = query.suite && /^\/(?!\/)/.test(query.suite) ? query.suite : '/';
  const done = (enrollmentRequired: boolean) => route(enrollmentRequired ? '/compte?totp=requis' : next);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await identity.login(email.trim(), password);
      if (r.claims) {
        setSession(r.claims);
        done(!!r.secondFactorEnrollmentRequired);
      } else if (r.secondFactorChallenge) {
        setChallenge(r.secondFactorChallenge);
      }
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t.login.wrong
          : err instanceof ApiError && err.status === 429
            ? t.login.throttled
            : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };
  const verify = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const r = await identity.verifySecondFactor(challenge, code);
      setSession(r.claims ?? null);
      done(false);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t.login.wrongCode : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    return (
      <section class="narrow">
        <PageTitle text={t.login.secondFactorTitle} />
        <p>{t.login.secondFactorIntro}</p>
        {error && <Alert>{error}</Alert>}
        <form onSubmit={verify} noValidate>
          <TextField id="login-code" label={t.login.code} value={code} onValue={setCode} autoComplete="one-time-code" inputMode="text" required />
          <button type="submit" class="primary" disabled={busy}>
            {t.login.verify}
          </button>
        </form>
      </section>
    );
  }
  return (
    <section class="narrow">
      <PageTitle text={t.login.title} />
      {query.confirmed && <Alert kind="success">{t.confirm.done}</Alert>}
      {query.supprime && <Alert kind="success">{t.login.accountDeleted}</Alert>}
      {error && <Alert>{error}</Alert>}
      <form onSubmit={submit} noValidate>
        <TextField id="login-email" type="email" label={t.login.email} value={email} onValue={setEmail} autoComplete="username" required />
        <TextField id="login-password" type="password" label={t.login.password} value={password} onValue={setPassword} autoComplete="current-password" required />
        <button type="submit" class="primary" disabled={busy}>
          {t.login.submit}
        </button>
      </form>
      <p>
        {t.login.noAccount} <a href="/inscription">{t.nav.signup}</a>
      </p>
    </section>
  );
}
