import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError } from '../api/client';
import { Case, discussions, Finding, Space } from '../api/discussions';
import { GuardedText } from '../components/GuardedText';
import { Alert, ErrorSummary, errorText, Loading, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';
import { requestId, useClaims } from '../session';
import { spacesCached } from './Spaces';

type Fields = { title: string; context: string; examination: string; investigations: string; question: string };

// A function, not a constant: the labels follow the language chosen (see i18n).
const fields = (): { key: keyof Fields; api: string; label: string; rows: number; required?: boolean; max: number }[] => [
  { key: 'title', api: 'case.title', label: t.editor.caseTitle, rows: 1, required: true, max: 200 },
  { key: 'context', api: 'case.body.context', label: t.editor.context, rows: 5, max: 10000 },
  { key: 'examination', api: 'case.body.examination', label: t.editor.examination, rows: 4, max: 10000 },
  { key: 'investigations', api: 'case.body.investigations', label: t.editor.investigations, rows: 4, max: 10000 },
  { key: 'question', api: 'case.body.question', label: t.editor.question, rows: 3, required: true, max: 3000 },
];

/** The case editor: a new case (/cas/nouveau), or the author's edit of a case (/cas/:id/modifier,
 *  UpdateCase with the version read as precondition). Both check the text with CheckText. */
export function CaseEditor() {
  const { query, route } = useLocation();
  const { params } = useRoute();
  const editId: string | undefined = params.id;
  const [original, setOriginal] = useState<Case | null>(null);
  const claims = useClaims();
  const [spaces, setSpaces] = useState<Space[]>([]);
  const [spaceId, setSpaceId] = useState(query.espace ?? '');
  const [f, setF] = useState<Fields>({ title: '', context: '', examination: '', investigations: '', question: '' });
  const [tags, setTags] = useState('');
  const [findings, setFindings] = useState<Record<string, Finding[] | null>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const key = useRef(requestId());

  useEffect(() => {
    spacesCached().then((all) => {
      setSpaces(all);
      if (!spaceId && !editId) setSpaceId(all.find((s) => s.kind === 'SPACE_KIND_GENERAL')?.spaceId ?? all[0]?.spaceId ?? '');
    }, (e) => setFailure(errorText(e)));
  }, []);
  useEffect(() => {
    if (!editId) return;
    discussions.getCase(editId).then(
      (r) => {
        const c = r.case;
        setOriginal(c);
        setSpaceId(c.spaceId);
        const b = c.body ?? {};
        setF({
          title: c.title ?? '',
          context: b.context ?? '',
          examination: b.examination ?? '',
          investigations: b.investigations ?? '',
          question: b.question ?? '',
        });
        setTags((c.competenceTags ?? []).join(', '));
      },
      (e) => setFailure(e instanceof ApiError && e.status === 404 ? t.app.notFoundText : errorText(e)),
    );
  }, [editId]);

  const onFindings = useMemo(
    () => (field: string, list: Finding[] | null) => setFindings((prev) => ({ ...prev, [field]: list })),
    [],
  );
  const flagged = Object.values(findings).reduce((n, l) => n + (l?.length ?? 0), 0);

  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure('');
    setErrors({});
    if (flagged > 0) {
      setFailure(t.editor.blocked);
      return;
    }
    setBusy(true);
    const body = { context: f.context, examination: f.examination, investigations: f.investigations, question: f.question };
    const competenceTags = tags
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      if (editId) {
        await discussions.updateCase(
          { caseId: editId, title: f.title.trim(), body, competenceTags, version: original?.version },
          ['title', 'body', 'competenceTags'],
        );
        route(`/cas/${editId}?modifie=1`);
      } else {
        const r = await discussions.createCase({ spaceId, title: f.title.trim(), body, competenceTags }, key.current);
        route(`/cas/${r.case.caseId}`);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setFailure(t.editor.stale);
      } else if (err instanceof ApiError && err.errors.length) {
        const byField: Record<string, string> = {};
        for (const fe of err.errors) byField[fe.field] = fe.description;
        setErrors(byField);
      } else {
        setFailure(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const idOf = (api: string) => `case-${api.split('.').pop()}`;
  const summary = Object.entries(errors).map(([field, text]) => ({
    id: field === 'case.space_id' ? 'case-space' : field.startsWith('case.competence_tags') ? 'case-tags' : idOf(field),
    text,
  }));
  if (editId && !original) return failure ? <Alert>{failure}</Alert> : <Loading />;
  // Only the author edits a case (UpdateCase would refuse anyone else); a deleted case has no text.
  if (editId && original && (original.authorId !== claims?.sub || original.deleteTime)) {
    return (
      <section>
        <PageTitle text={t.editor.editTitle} />
        <Alert>{t.app.forbidden}</Alert>
      </section>
    );
  }
  return (
    <section>
      <PageTitle text={editId ? t.editor.editTitle : t.editor.title} />
      <p class="intro">{t.editor.intro}</p>
      {editId && <p class="intro">{t.editor.editIntro}</p>}
      {failure && <Alert>{failure}</Alert>}
      <ErrorSummary errors={summary} />
      <form onSubmit={submit} noValidate class="case-form">
        <div class="field">
          <label for="case-space">{t.editor.space}</label>
          {editId && (
            <p class="hint" id="case-space-hint">
              {t.editor.spaceFixed}
            </p>
          )}
          <select
            id="case-space"
            value={spaceId}
            disabled={!!editId}
            aria-describedby={editId ? 'case-space-hint' : undefined}
            onChange={(e) => setSpaceId((e.currentTarget as HTMLSelectElement).value)}
          >
            {spaces.map((s) => (
              <option key={s.spaceId} value={s.spaceId}>
                {s.title}
              </option>
            ))}
          </select>
        </div>
        {fields().map((d) => (
          <GuardedText
            key={d.key}
            id={idOf(d.api)}
            label={d.label}
            field={d.api}
            value={f[d.key]}
            onValue={(v) => setF((prev) => ({ ...prev, [d.key]: v }))}
            onFindings={onFindings}
            rows={d.rows}
            required={d.required}
            maxLength={d.max}
            singleLine={d.key === 'title'}
            error={errors[d.api]}
          />
        ))}
        <TextField id="case-tags" label={t.editor.tags} hint={t.editor.tagsHint} value={tags} onValue={setTags} autoComplete="off" />
        <div class="publish-bar" role="status">
          {flagged > 0 ? <p class="blocked">{t.editor.findingsTitle(flagged)}</p> : null}
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {editId ? (busy ? t.editor.saving : t.editor.save) : busy ? t.editor.publishing : t.editor.publish}
          </button>
          {editId && (
            <a class="button" href={`/cas/${editId}`}>
              {t.editor.cancel}
            </a>
          )}
        </div>
      </form>
    </section>
  );
}
