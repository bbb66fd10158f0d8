import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/client';
import { identity } from '../api/identity';
import { Alert, errorText, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';

export function Confirm() {
  const { query, route } = useLocation();
  const [email, setEmail] = useState(query.email ?? '');
  const [code, setCode] = useState('');
  const [error, setError] = useState<{ field?: string; text: string } | null>(null);
  const [info, setInfo] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await identity.confirmEmail(email.trim(), code.trim());
      route(`/connexion?confirmed=1&email=${encodeURIComponent(email.trim())}`);
    } catch (err) {
      const fe = err instanceof ApiError ? err.errors[0] : undefined;
      setError({ field: fe?.field, text: fe?.description ?? errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const resend = async () => {
    setError(null);
    try {
      await identity.resendCode(email.trim());
      setInfo(t.confirm.resent);
    } catch (err) {
      setError({ text: errorText(err) });
    }
  };
  return (
    <section class="narrow">
      <PageTitle text={t.confirm.title} />
      <p>{query.email ? t.confirm.intro(query.email) : t.confirm.introNoEmail}</p>
      {info && <Alert kind="info">{info}</Alert>}
      {error && !error.field && <Alert>{error.text}</Alert>}
      <form onSubmit={submit} noValidate>
        <TextField id="confirm-email" type="email" label={t.confirm.email} value={email} onValue={setEmail} autoComplete="email" required error={error?.field === 'email' ? error.text : undefined} />
        <TextField id="confirm-code" label={t.confirm.code} hint={t.confirm.codeHint} value={code} onValue={setCode} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required error={error?.field === 'code' ? error.text : undefined} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t.confirm.submit}
          </button>
          <button type="button" class="secondary" onClick={resend}>
            {t.confirm.resend}
          </button>
        </div>
      </form>
    </section>
  );
}
