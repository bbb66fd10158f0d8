import { useEffect, useState } from 'preact/hooks';
import { discussions, Report } from '../api/discussions';
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
