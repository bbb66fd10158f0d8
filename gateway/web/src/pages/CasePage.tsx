import { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError } from '../api/client';
import { Case, discussions, Finding, Reply } from '../api/discussions';
import { GuardedText } from '../components/GuardedText';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { isModerator, requestId, useClaims } from '../session';
import { Author } from './CaseList';
import { useNames } from '../names';

export function CasePage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const caseId = params.id;
  const claims = useClaims();
  const [c, setCase] = useState<Case | null>(null);
  const [replies, setReplies] = useState<Reply[] | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState(query.modifie ? t.casePage.updated : '');
  const [confirmDelete, setConfirmDelete] = useState(false);

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
  if (c.deleteTime) return <Tombstone c={c} replies={replies} me={claims?.sub} names={names} />;
  const mine = c.authorId === claims?.sub;
  const mayDelete = mine || isModerator(claims);
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
  const body = c.body ?? {};
  return (
    <article class="case">
      <PageTitle text={c.title} />
      <p class="meta">
        <span class={`status ${c.status === 'CASE_STATUS_RESOLVED' ? 'status-resolved' : 'status-open'}`}>
          {c.status === 'CASE_STATUS_RESOLVED' ? t.cases.resolved : t.cases.open}
        </span>{' '}
        · {t.cases.postedOn} {formatDate(c.createTime)} {t.cases.by} <Author id={c.authorId} deleted={c.authorDeleted} me={claims?.sub} names={names} />
        {Number(c.version ?? 1) > 1 && <span id="case-edited"> · {t.casePage.edited(formatDate(c.updateTime))}</span>}
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
        {mine && (
          <a class="button" href={`/cas/${caseId}/modifier`}>
            {t.casePage.edit}
          </a>
        )}
        {mayDelete && !confirmDelete && (
          <button type="button" class="danger" aria-expanded="false" onClick={() => setConfirmDelete(true)}>
            {t.casePage.delete}
          </button>
        )}
        {!mine && <ReportButton target={{ caseId }} />}
      </div>
      {confirmDelete && (
        <div class="confirm-box" role="group" aria-labelledby="delete-title">
          <h2 id="delete-title">{t.casePage.deleteTitle}</h2>
          <p>{t.casePage.deleteExplain}</p>
          <div class="actions">
            <button type="button" class="danger" onClick={act(() => discussions.deleteCase(caseId))}>
              {t.casePage.deleteConfirm}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirmDelete(false)}>
              {t.casePage.cancel}
            </button>
          </div>
        </div>
      )}

      <Thread replies={replies} me={claims?.sub} caseIsMine={mine} act={act} names={names}>
        <ReplyForm caseId={caseId} onDone={load} />
      </Thread>
    </article>
  );
}

type Act = (fn: () => Promise<unknown>, ok?: string) => () => Promise<void>;

/** The replies in threads (one level); without `act` they are shown read-only. */
function Thread({
  replies,
  me,
  caseIsMine,
  act,
  names,
  children: after,
}: {
  replies: Reply[];
  me?: string;
  caseIsMine: boolean;
  act?: Act;
  names: Map<string, string>;
  children?: ComponentChildren;
}) {
  const top = replies.filter((r) => !r.parentReplyId);
  const children = (id: string) => replies.filter((r) => r.parentReplyId === id);
  return (
    <section aria-labelledby="replies-title" class="replies">
      <h2 id="replies-title">{t.casePage.repliesTitle(replies.length)}</h2>
      {replies.length === 0 && act && <p>{t.casePage.noReplies}</p>}
      <ol class="reply-list">
        {top.map((r) => (
          <li key={r.replyId}>
            <ReplyView reply={r} me={me} caseIsMine={caseIsMine} act={act} names={names} />
            {children(r.replyId).length > 0 && (
              <ol class="reply-children">
                {children(r.replyId).map((ch) => (
                  <li key={ch.replyId}>
                    <ReplyView reply={ch} me={me} caseIsMine={caseIsMine} act={act} names={names} />
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ol>
      {after}
    </section>
  );
}

/** A deleted case: its text is gone; its replies stay readable (the thread other doctors wrote),
 *  without actions (a deleted case takes no reply, vote or acceptance). */
function Tombstone({ c, replies, me, names }: { c: Case; replies: Reply[]; me?: string; names: Map<string, string> }) {
  return (
    <article class="case">
      <PageTitle text={t.casePage.deletedTitle} />
      <Alert kind="info">{t.casePage.deletedText(formatDate(c.deleteTime))}</Alert>
      <p>
        <a href={`/espaces/${c.spaceId}`}>{t.casePage.backToSpace}</a>
      </p>
      {replies.length > 0 && <Thread replies={replies} me={me} caseIsMine={false} names={names} />}
    </article>
  );
}

/** Plain text in paragraphs (a blank line separates them); never parsed as HTML. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i} class="pre">
          {para}
        </p>
      ))}
    </>
  );
}

function Section({ title, text, id }: { title: string; text: string; id?: string }) {
  return (
    <section class="case-section" id={id}>
      <h2>{title}</h2>
      <Paragraphs text={text} />
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
  act?: Act;
}) {
  const own = reply.authorId === me;
  const n = reply.helpfulCount ?? 0;
  const [editing, setEditing] = useState(false);
  if (!act) {
    return (
      <div class="reply" data-reply-id={reply.replyId}>
        <p class="meta">
          <Author id={reply.authorId} deleted={reply.authorDeleted} me={me} names={names} /> · {formatDate(reply.createTime)}
        </p>
        <Paragraphs text={reply.text} />
        {n > 0 && <p class="meta">{t.casePage.helpfulCount(n)}</p>}
      </div>
    );
  }
  if (editing) return <ReplyEditor reply={reply} onDone={act(async () => setEditing(false))} onCancel={() => setEditing(false)} />;
  return (
    <div class={`reply${reply.accepted ? ' reply-accepted' : ''}`} data-reply-id={reply.replyId}>
      {reply.accepted && <p class="badge badge-accepted">✓ {t.casePage.accepted}</p>}
      <p class="meta">
        <Author id={reply.authorId} deleted={reply.authorDeleted} me={me} names={names} /> · {formatDate(reply.createTime)}
        {Number(reply.version ?? 1) > 1 && <> {t.casePage.replyEdited}</>}
      </p>
      <Paragraphs text={reply.text} />
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
        {own && (
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            {t.casePage.editReply}
          </button>
        )}
        {!own && <ReportButton target={{ replyId: reply.replyId }} />}
      </div>
    </div>
  );
}

/** A reply's text through the patient-data guard, for a new reply and for the author's edit:
 *  sending is refused in the client while a finding is shown (the server checks again). */
function GuardedReplyForm(p: {
  id: string;
  label: string;
  initial: string;
  submitLabel: string;
  send: (text: string) => Promise<void>;
  clearOnDone?: boolean;
  onCancel?: () => void;
  class: string;
}) {
  const [text, setText] = useState(p.initial);
  const [findings, setFindings] = useState<Finding[] | null>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (findings && findings.length) {
      setError(t.editor.blocked);
      return;
    }
    setBusy(true);
    setError('');
    try {
      await p.send(text);
      if (p.clearOnDone) setText('');
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? t.casePage.stale
          : err instanceof ApiError && err.errors[0]
            ? err.errors[0].description
            : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate class={p.class}>
      {error && <Alert>{error}</Alert>}
      <GuardedText id={p.id} label={p.label} field="text" value={text} onValue={setText} onFindings={(_, l) => setFindings(l)} rows={4} required maxLength={10000} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {p.submitLabel}
        </button>
        {p.onCancel && (
          <button type="button" class="secondary" onClick={p.onCancel}>
            {t.casePage.cancel}
          </button>
        )}
      </div>
    </form>
  );
}

/** The author's edit of a reply (EditReply with the version read as precondition). */
function ReplyEditor({ reply, onDone, onCancel }: { reply: Reply; onDone: () => Promise<void>; onCancel: () => void }) {
  return (
    <GuardedReplyForm
      id={`reply-edit-${reply.replyId}`}
      label={t.casePage.editReplyLabel}
      initial={reply.text}
      submitLabel={t.casePage.saveReply}
      class="reply reply-form"
      onCancel={onCancel}
      send={async (text) => {
        await discussions.editReply(reply.replyId, text, reply.version);
        await onDone();
      }}
    />
  );
}

function ReplyForm({ caseId, onDone }: { caseId: string; onDone: () => Promise<void> }) {
  const key = useRef(requestId());
  return (
    <GuardedReplyForm
      id="reply-text"
      label={t.casePage.reply}
      initial=""
      submitLabel={t.casePage.replySubmit}
      class="reply-form"
      clearOnDone
      send={async (text) => {
        await discussions.addReply(caseId, text, key.current);
        key.current = requestId();
        await onDone();
      }}
    />
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
