import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { Case, discussions, Space } from '../api/discussions';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { useClaims } from '../session';
import { spacesCached } from './Spaces';
import { useNames } from '../names';

export function authorLabel(
  authorId: string | undefined,
  deleted: boolean | undefined,
  me: string | undefined,
  names?: Map<string, string>,
): string {
  if (deleted) return t.cases.deletedAuthor;
  if (authorId && authorId === me) return t.cases.you;
  return (authorId && names?.get(authorId)) || t.cases.colleague;
}

/** The author as a link to their profile when their name is known. */
export function Author({ id, deleted, me, names }: { id?: string; deleted?: boolean; me?: string; names: Map<string, string> }) {
  const label = authorLabel(id, deleted, me, names);
  return id && !deleted && names.get(id) ? <a href={`/medecins/${id}`}>{label}</a> : <>{label}</>;
}

export function CaseList() {
  const { params } = useRoute();
  const spaceId = params.id;
  const claims = useClaims();
  const [space, setSpace] = useState<Space | null>(null);
  const [cases, setCases] = useState<Case[] | null>(null);
  const [next, setNext] = useState('');
  const [order, setOrder] = useState('CASE_ORDER_NEWEST');
  const [error, setError] = useState('');

  useEffect(() => {
    spacesCached().then((all) => setSpace(all.find((s) => s.spaceId === spaceId) ?? null), () => undefined);
  }, [spaceId]);
  useEffect(() => {
    setCases(null);
    discussions
      .listCases({ spaceId, orderBy: order })
      .then((r) => {
        setCases(r.cases ?? []);
        setNext(r.nextPageToken ?? '');
      })
      .catch((e) => setError(errorText(e)));
  }, [spaceId, order]);
  const more = async () => {
    try {
      const r = await discussions.listCases({ spaceId, orderBy: order, pageToken: next });
      setCases([...(cases ?? []), ...(r.cases ?? [])]);
      setNext(r.nextPageToken ?? '');
    } catch (e) {
      setError(errorText(e));
    }
  };
  const names = useNames((cases ?? []).map((c) => c.authorId));
  const title = space ? t.cases.listTitle(space.title) : t.cases.allTitle;
  return (
    <section>
      <PageTitle text={title} />
      <div class="toolbar">
        <a class="button primary" href={`/cas/nouveau?espace=${encodeURIComponent(spaceId)}`}>
          {t.cases.newCase}
        </a>
        <div class="field inline">
          <label for="case-order">{t.cases.order}</label>
          <select id="case-order" value={order} onChange={(e) => setOrder((e.currentTarget as HTMLSelectElement).value)}>
            <option value="CASE_ORDER_NEWEST">{t.cases.orderNewest}</option>
            <option value="CASE_ORDER_MOST_ACTIVE">{t.cases.orderActive}</option>
          </select>
        </div>
      </div>
      {error && <Alert>{error}</Alert>}
      {cases === null && !error ? (
        <Loading />
      ) : cases && cases.length === 0 ? (
        <p>{t.cases.empty}</p>
      ) : (
        <ul class="case-list">
          {(cases ?? []).map((c) => (
            <li key={c.caseId} class="case-item">
              <h2>
                <a href={`/cas/${c.caseId}`}>{c.title}</a>
              </h2>
              <p class="meta">
                <span class={`status ${c.status === 'CASE_STATUS_RESOLVED' ? 'status-resolved' : 'status-open'}`}>
                  {c.status === 'CASE_STATUS_RESOLVED' ? t.cases.resolved : t.cases.open}
                </span>{' '}
                · {t.cases.replies(c.replyCount ?? 0)} · {t.cases.postedOn} {formatDate(c.createTime)} {t.cases.by}{' '}
                <Author id={c.authorId} deleted={c.authorDeleted} me={claims?.sub} names={names} />
              </p>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" class="secondary" onClick={more}>
          {t.cases.more}
        </button>
      )}
    </section>
  );
}
