import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/client';
import { identity } from '../api/identity';
import { Alert, ErrorSummary, errorText, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';

export function SignUp() {
  const { route } = useLocation();
  const [f, setF] = useState({ email: '', password: '', civility: 'Dr', givenName: '', familyName: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFailure('');
    setErrors({});
    try {
      await identity.register({ ...f, email: f.email.trim() });
      route(`/confirmation?email=${encodeURIComponent(f.email.trim())}`);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const byField: Record<string, string> = {};
        for (const fe of err.errors) byField[snakeToCamel(fe.field)] = fe.description;
        setErrors(byField);
      } else {
        setFailure(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };
  const summary = Object.entries(errors).map(([k, v]) => ({ id: `signup-${k}`, text: v }));
  return (
    <section class="narrow">
      <PageTitle text={t.signup.title} />
      <p>{t.signup.intro}</p>
      {failure && <Alert>{failure}</Alert>}
      <ErrorSummary errors={summary} />
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="signup-civility">{t.signup.civility}</label>
          <select id="signup-civility" value={f.civility} onChange={(e) => set('civility')((e.currentTarget as HTMLSelectElement).value)}>
            {t.signup.civilities.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <TextField id="signup-givenName" label={t.signup.givenName} value={f.givenName} onValue={set('givenName')} autoComplete="given-name" required error={errors.givenName} />
        <TextField id="signup-familyName" label={t.signup.familyName} value={f.familyName} onValue={set('familyName')} autoComplete="family-name" required error={errors.familyName} />
        <TextField id="signup-email" type="email" label={t.signup.email} value={f.email} onValue={set('email')} autoComplete="email" required error={errors.email} />
        <TextField id="signup-password" type="password" label={t.signup.password} hint={t.signup.passwordHint} value={f.password} onValue={set('password')} autoComplete="new-password" required minLength={12} error={errors.password} />
        <button type="submit" class="primary" disabled={busy}>
          {t.signup.submit}
        </button>
      </form>
      <p>
        {t.signup.haveAccount} <a href="/connexion">{t.nav.login}</a>
      </p>
    </section>
  );
}

export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
