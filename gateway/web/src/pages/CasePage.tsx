import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { ApiError } from '../api/client';
import { Case, discussions, Finding, Reply } from '../api/discussions';
import { GuardedText } from '../components/GuardedText';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { requestId, useClaims } from '../session';
import { Author } from './CaseList';
import { useNames } from '../names';

export function CasePage() {
  const { params } = useRoute();
  const caseId = params.id;
  const claims = useClaims();
  const [c, setCase] = useState<Case | null>(null);
  const [replies, setReplies] = useState<Reply[] | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');

  const load = async () => {
    try {
      const [cr, rr] = await Promise.all([discussions.getCase(caseId), discussions.listReplies(caseId)]);
      setCase(cr.case);
      setReplies(rr.replies ?? []);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t.app.notFoundText : errorText(e));
    }
  };
  useEffect(() => {
    load();
  }, [caseId]);

  const names = useNames([c?.authorId, ...(replies ?? []).map((r) => r.authorId)]);
  if (error && !c) return <Alert>{error}</Alert>;
  if (!c || !replies) return <Loading />;
  const mine = c.authorId === claims?.sub;
  const act = (fn: () => Promise<unknown>, ok?: string) => async () => {
    setError('');
    setInfo('');
    try {
      await fn();
      if (ok) setInfo(ok);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const top = replies.filter((r) => !r.parentReplyId);
  const children = (id: string) => replies.filter((r) => r.parentReplyId === id);
  const body = c.body ?? {};
  return (
    <article class="case">
      <PageTitle text={c.title} />
      <p class="meta">
        <span class={`status ${c.status === 'CASE_STATUS_RESOLVED' ? 'status-resolved' : 'status-open'}`}>
          {c.status === 'CASE_STATUS_RESOLVED' ? t.cases.resolved : t.cases.open}
        </span>{' '}
        · {t.cases.postedOn} {formatDate(c.createTime)} {t.cases.by} <Author id={c.authorId} deleted={c.authorDeleted} me={claims?.sub} names={names} />
      </p>
      {c.competenceTags && c.competenceTags.length > 0 && (
        <ul class="tags" aria-label={t.editor.tags}>
          {c.competenceTags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="success">{info}</Alert>}
      {c.status === 'CASE_STATUS_RESOLVED' && <Alert kind="info">{t.casePage.resolvedBanner}</Alert>}
      {body.context && <Section title={t.casePage.context} text={body.context} />}
      {body.examination && <Section title={t.casePage.examination} text={body.examination} />}
      {body.investigations && <Section title={t.casePage.investigations} text={body.investigations} />}
      <Section title={t.casePage.question} text={body.question ?? ''} id="case-question" />
      <div class="actions">
        <button type="button" class="secondary" onClick={act(() => discussions.follow(caseId, true), t.casePage.followed)}>
          {t.casePage.follow}
        </button>
        <button type="button" class="link" onClick={act(() => discussions.follow(caseId, false))}>
          {t.casePage.unfollow}
        </button>
        {!mine && <ReportButton target={{ caseId }} />}
      </div>

      <section aria-labelledby="replies-title" class="replies">
        <h2 id="replies-title">{t.casePage.repliesTitle(replies.length)}</h2>
        {replies.length === 0 && <p>{t.casePage.noReplies}</p>}
        <ol class="reply-list">
          {top.map((r) => (
            <li key={r.replyId}>
              <ReplyView reply={r} me={claims?.sub} caseIsMine={mine} act={act} names={names} />
              {children(r.replyId).length > 0 && (
                <ol class="reply-children">
                  {children(r.replyId).map((ch) => (
                    <li key={ch.replyId}>
                      <ReplyView reply={ch} me={claims?.sub} caseIsMine={mine} act={act} names={names} />
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
        <ReplyForm caseId={caseId} onDone={load} />
      </section>
    </article>
  );
}

function Section({ title, text, id }: { title: string; text: string; id?: string }) {
  return (
    <section class="case-section" id={id}>
      <h2>{title}</h2>
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i} class="pre">
          {para}
        </p>
      ))}
    </section>
  );
}

function ReplyView({
  reply,
  me,
  caseIsMine,
  act,
  names,
}: {
  names: Map<string, string>;
  reply: Reply;
  me?: string;
  caseIsMine: boolean;
  act: (fn: () => Promise<unknown>, ok?: string) => () => Promise<void>;
}) {
  const own = reply.authorId === me;
  const n = reply.helpfulCount ?? 0;
  return (
    <div class={`reply${reply.accepted ? ' reply-accepted' : ''}`} data-reply-id={reply.replyId}>
      {reply.accepted && <p class="badge badge-accepted">✓ {t.casePage.accepted}</p>}
      <p class="meta">
        <Author id={reply.authorId} deleted={reply.authorDeleted} me={me} names={names} /> · {formatDate(reply.createTime)}
      </p>
      {reply.text.split(/\n{2,}/).map((para, i) => (
        <p key={i} class="pre">
          {para}
        </p>
      ))}
      <div class="actions">
        {n > 0 && <span class="meta">{t.casePage.helpfulCount(n)}</span>}
        {!own && (
          <button
            type="button"
            class="secondary"
            aria-pressed={reply.helpfulByCaller ? 'true' : 'false'}
            onClick={act(() => discussions.voteHelpful(reply.replyId, !reply.helpfulByCaller))}
          >
            {t.casePage.helpful}
          </button>
        )}
        {caseIsMine && !reply.accepted && (
          <button type="button" class="primary" onClick={act(() => discussions.accept(reply.replyId))}>
            {t.casePage.accept}
          </button>
        )}
        {!own && <ReportButton target={{ replyId: reply.replyId }} />}
      </div>
    </div>
  );
}

function ReplyForm({ caseId, onDone }: { caseId: string; onDone: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [findings, setFindings] = useState<Finding[] | null>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const key = useRef(requestId());
  const submit = async (e: Event) => {
    e.preventDefault();
    if (findings && findings.length) {
      setError(t.editor.blocked);
      return;
    }
    setBusy(true);
    setError('');
    try {
      await discussions.addReply(caseId, text, key.current);
      key.current = requestId();
      setText('');
      await onDone();
    } catch (err) {
      setError(err instanceof ApiError && err.errors[0] ? err.errors[0].description : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate class="reply-form">
      {error && <Alert>{error}</Alert>}
      <GuardedText id="reply-text" label={t.casePage.reply} field="text" value={text} onValue={setText} onFindings={(_, l) => setFindings(l)} rows={4} required maxLength={10000} />
      <button type="submit" class="primary" disabled={busy}>
        {t.casePage.replySubmit}
      </button>
    </form>
  );
}

function ReportButton({ target }: { target: { caseId?: string; replyId?: string } }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('REPORT_REASON_PATIENT_DATA');
  const [details, setDetails] = useState('');
  const [done, setDone] = useState('');
  const [error, setError] = useState('');
  const id = `report-${target.caseId ?? target.replyId}`;
  if (done) return <span role="status">{done}</span>;
  if (!open)
    return (
      <button type="button" class="link" aria-expanded="false" onClick={() => setOpen(true)}>
        {t.casePage.report}
      </button>
    );
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      await discussions.report({ ...target, reason, details: details || undefined });
      setDone(t.casePage.reported);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="report-form" onSubmit={send}>
      {error && <Alert>{error}</Alert>}
      <div class="field">
        <label for={`${id}-reason`}>{t.casePage.reportReason}</label>
        <select id={`${id}-reason`} value={reason} onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value)}>
          {Object.entries(t.casePage.reportReasons).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-details`}>{t.casePage.reportDetails}</label>
        <textarea id={`${id}-details`} rows={2} maxLength={1000} value={details} onInput={(e) => setDetails((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <button type="submit" class="secondary">
        {t.casePage.reportSend}
      </button>
    </form>
  );
}
