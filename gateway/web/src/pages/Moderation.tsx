import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { discussions, Report } from '../api/discussions';
import { identity, Verification } from '../api/identity';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';

export function Moderation() {
  const [reports, setReports] = useState<Report[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    discussions
      .listReports()
      .then((r) => setReports(r.reports ?? []))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);
  return (
    <section>
      <PageTitle text={t.moderation.title} />
      <VerificationQueue />
      <h2>{t.moderation.reportsTitle}</h2>
      {error && <Alert>{error}</Alert>}
      {reports === null && !error ? (
        <Loading />
      ) : reports && reports.length === 0 ? (
        <p>{t.moderation.noReports}</p>
      ) : (
        <ul class="report-list">
          {(reports ?? []).map((r) => (
            <li key={r.reportId}>
              <ReportItem report={r} onDone={load} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReportItem({ report, onDone }: { report: Report; onDone: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const id = `hide-${report.reportId}`;
  const hide = async (e: Event) => {
    e.preventDefault();
    try {
      await discussions.hide({ caseId: report.caseId || undefined, replyId: report.replyId || undefined, reason });
      await onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="card">
      <p>
        <strong>{report.replyId ? t.moderation.reportedReply : t.moderation.reportedCase}</strong> ·{' '}
        {t.casePage.reportReasons[report.reason] ?? report.reason} · {formatDate(report.createTime)}
      </p>
      {report.details && <p class="pre">{report.details}</p>}
      {report.caseId && (
        <p>
          <a href={`/cas/${report.caseId}`}>{t.notifications.open}</a>
        </p>
      )}
      {error && <Alert>{error}</Alert>}
      <form onSubmit={hide} class="inline-form">
        <div class="field">
          <label for={id}>{t.moderation.hideReason}</label>
          <input id={id} value={reason} required maxLength={500} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="danger">
          {t.moderation.hide}
        </button>
      </form>
    </div>
  );
}

function VerificationQueue() {
  const [items, setItems] = useState<Verification[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    identity
      .listPendingVerifications()
      .then((r) => setItems(r.verifications ?? []))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);
  return (
    <>
      <h2>{t.moderation.verificationsTitle}</h2>
      {error && <Alert>{error}</Alert>}
      {items === null && !error ? (
        <Loading />
      ) : items && items.length === 0 ? (
        <p>{t.moderation.noVerifications}</p>
      ) : (
        <ul class="report-list">
          {(items ?? []).map((v) => (
            <li key={v.verificationId}>
              <VerificationItem v={v} onDone={load} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function VerificationItem({ v, onDone }: { v: Verification; onDone: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const id = `decide-${v.verificationId}`;
  const decide = (decision: 'DECISION_APPROVE' | 'DECISION_REJECT') => async () => {
    setError('');
    try {
      await identity.decideVerification(v.verificationId, decision, reason);
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError && err.errors[0] ? err.errors[0].description : errorText(err));
    }
  };
  const reg = v.registerEntry;
  return (
    <div class="card">
      <dl class="facts">
        <dt>{t.moderation.accountNames}</dt>
        <dd>
          {v.accountGivenName} {v.accountFamilyName} ({v.accountEmail})
        </dd>
        <dt>{t.verification.number}</dt>
        <dd>{v.identifier}</dd>
        <dt>{t.moderation.registerNames}</dt>
        <dd>{reg ? [reg.civility, reg.givenName, reg.familyName, reg.specialty?.label].filter(Boolean).join(' ') : t.moderation.notInRegister}</dd>
        <dt>{t.moderation.requested}</dt>
        <dd>{formatDate(v.createTime)}</dd>
      </dl>
      {v.reasons && v.reasons.length > 0 && (
        <ul>
          {v.reasons.map((r) => (
            <li key={r}>{t.verification.reasons[r] ?? r}</li>
          ))}
        </ul>
      )}
      {error && <Alert>{error}</Alert>}
      <div class="field">
        <label for={id}>{t.moderation.decisionReason}</label>
        <input id={id} value={reason} minLength={3} maxLength={1000} required onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={decide('DECISION_APPROVE')}>
          {t.moderation.approve}
        </button>
        <button type="button" class="danger" onClick={decide('DECISION_REJECT')}>
          {t.moderation.reject}
        </button>
      </div>
    </div>
  );
}
