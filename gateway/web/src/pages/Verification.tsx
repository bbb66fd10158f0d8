import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError, refreshSession } from '../api/client';
import { identity, Me, RegisterEntry, Verification as V } from '../api/identity';
import { Alert, errorText, formatDate, Loading, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';

const DONE = ['VERIFICATION_STATE_VERIFIED', 'VERIFICATION_STATE_APPROVED'];

/** Where the doctor's verification stands, what happens next, and the RPPS form. */
export function Verification() {
  const { route } = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState('');
  const [fieldError, setFieldError] = useState<{ field: string; text: string } | null>(null);
  const [adeliMode, setAdeliMode] = useState(false);
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);

  const load = () => identity.getMe().then(setMe, (e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setFieldError(null);
    try {
      const n = number.replace(/\s/g, '');
      const r = await identity.startVerification(adeliMode ? { adeli: n } : { rpps: n });
      // A verified account's token must say so: ask identity for one with the new status.
      if (DONE.includes(r.verification.state ?? '')) await refreshSession();
      await load();
    } catch (err) {
      const fe = err instanceof ApiError ? err.errors[0] : undefined;
      if (fe) setFieldError({ field: fe.field, text: fe.description });
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (error && !me) return <Alert>{error}</Alert>;
  if (!me) return <Loading />;
  const v = me.verification;
  const status = me.account.status;
  const verified = status === 'ACCOUNT_STATUS_VERIFIED';
  const mayAsk = status === 'ACCOUNT_STATUS_PENDING_VERIFICATION' && (!v || !['VERIFICATION_STATE_NEEDS_REVIEW', ...DONE].includes(v.state ?? ''));
  return (
    <section>
      <PageTitle text={t.verification.title} />
      {error && <Alert>{error}</Alert>}
      {status === 'ACCOUNT_STATUS_PENDING_EMAIL' && <Alert kind="info">{t.verification.emailFirst}</Alert>}
      {v && <VerificationStatus v={v} />}
      {verified && (
        <>
          <Alert kind="success">{t.verification.verifiedText}</Alert>
          {me.registerEntry && <RegisterFacts entry={me.registerEntry} />}
          <button
            type="button"
            class="primary"
            onClick={async () => {
              await refreshSession();
              route('/espaces');
            }}
          >
            {t.verification.continue}
          </button>
        </>
      )}
      {mayAsk && (
        <form onSubmit={submit} noValidate class="card">
          <p>{t.verification.intro}</p>
          {adeliMode ? (
            <TextField id="verification-adeli" label={t.verification.adeli} hint={t.verification.adeliHint} value={number} onValue={setNumber} autoComplete="off" maxLength={9} required error={fieldError?.text} />
          ) : (
            <TextField id="verification-rpps" label={t.verification.rpps} hint={t.verification.rppsHint} value={number} onValue={setNumber} inputMode="numeric" autoComplete="off" maxLength={14} required error={fieldError?.text} />
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t.verification.submit}
            </button>
            <button type="button" class="link" onClick={() => setAdeliMode(!adeliMode)} aria-pressed={adeliMode ? 'true' : 'false'}>
              {t.verification.noRpps}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function VerificationStatus({ v }: { v: V }) {
  const state = v.state ?? '';
  return (
    <div class="card" id="verification-status">
      <dl class="facts">
        <dt>{t.verification.stateLabel}</dt>
        <dd>
          <strong>{t.verification.states[state] ?? state}</strong>
        </dd>
        <dt>{t.verification.number}</dt>
        <dd>{v.identifier}</dd>
        <dt>{t.moderation.requested}</dt>
        <dd>{formatDate(v.createTime)}</dd>
      </dl>
      {state === 'VERIFICATION_STATE_NEEDS_REVIEW' && <p>{t.verification.reviewText}</p>}
      {state === 'VERIFICATION_STATE_REJECTED' && <p>{t.verification.rejectedText}</p>}
      {state === 'VERIFICATION_STATE_DENIED' && (
        <p>
          {t.verification.deniedText} {v.decisionReason}
        </p>
      )}
      {v.reasons && v.reasons.length > 0 && !DONE.includes(state) && (
        <>
          <p>{t.verification.reasonsTitle}</p>
          <ul>
            {v.reasons.map((r) => (
              <li key={r}>{t.verification.reasons[r] ?? r}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function RegisterFacts({ entry }: { entry: RegisterEntry }) {
  return (
    <div class="card">
      <h2>{t.verification.registerTitle}</h2>
      <dl class="facts">
        <dt>{t.moderation.registerNames}</dt>
        <dd>
          {[entry.civility, entry.givenName, entry.familyName].filter(Boolean).join(' ')}
        </dd>
        {entry.specialty?.label && (
          <>
            <dt>{t.verification.specialty}</dt>
            <dd>{entry.specialty.label}</dd>
          </>
        )}
        {entry.practicePlaces && entry.practicePlaces.length > 0 && (
          <>
            <dt>{t.verification.places}</dt>
            <dd>{entry.practicePlaces.map((p) => [p.postcode, p.city].filter(Boolean).join(' ')).join(' · ')}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
