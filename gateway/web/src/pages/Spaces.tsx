import { useEffect, useState } from 'preact/hooks';
import { discussions, Space } from '../api/discussions';
import { Alert, errorText, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';

/** Every space the caller may read (all pages). */
export async function allSpaces(): Promise<Space[]> {
  const out: Space[] = [];
  let token: string | undefined;
  do {
    const r = await discussions.listSpaces(token);
    out.push(...(r.spaces ?? []));
    token = r.nextPageToken || undefined;
  } while (token);
  return out;
}

let cache: Promise<Space[]> | null = null;
export function spacesCached(): Promise<Space[]> {
  if (!cache) cache = allSpaces().catch((e) => {
    cache = null;
    throw e;
  });
  return cache;
}

/** After a group is created, joined or left: the next read asks the server again. */
export function invalidateSpaces(): void {
  cache = null;
}

export function Spaces() {
  const [spaces, setSpaces] = useState<Space[] | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [invitations, setInvitations] = useState(0);
  useEffect(() => {
    spacesCached().then(setSpaces, (e) => setError(errorText(e)));
    discussions.listInvitations().then((r) => setInvitations(r.invitations?.length ?? 0), () => undefined);
  }, []);
  const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const specialties = (spaces ?? []).filter((s) => s.kind === 'SPACE_KIND_SPECIALTY' && norm(s.title).includes(norm(filter)));
  const general = (spaces ?? []).filter((s) => s.kind === 'SPACE_KIND_GENERAL');
  const groups = (spaces ?? []).filter((s) => s.kind === 'SPACE_KIND_PRIVATE_GROUP');
  return (
    <section>
      <PageTitle text={t.spaces.title} />
      <p>{t.spaces.intro}</p>
      <p>
        <a class="button primary" href="/cas/nouveau">
          {t.cases.newCase}
        </a>
      </p>
      {error && <Alert>{error}</Alert>}
      {invitations > 0 && (
        <Alert kind="info">
          <a href="/groupes">{t.spaces.invitations(invitations)}</a>
        </Alert>
      )}
      {spaces === null && !error ? (
        <Loading />
      ) : (
        <>
          <ul class="space-list">
            {general.map((s) => (
              <li key={s.spaceId}>
                <a href={`/espaces/${s.spaceId}`}>{s.title || t.spaces.general}</a>
              </li>
            ))}
          </ul>
          <h2>{t.spaces.groups}</h2>
          {groups.length > 0 && (
            <ul class="space-list">
              {groups.map((s) => (
                <li key={s.spaceId}>
                  <a href={`/espaces/${s.spaceId}`}>{s.title}</a>
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href="/groupes">{t.spaces.manageGroups}</a>
          </p>
          <h2>{t.spaces.specialties}</h2>
          <div class="field">
            <label for="space-filter">{t.spaces.filter}</label>
            <input id="space-filter" type="search" value={filter} onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <ul class="space-list columns">
            {specialties.map((s) => (
              <li key={s.spaceId}>
                <a href={`/espaces/${s.spaceId}`}>{s.title}</a>
              </li>
            ))}
          </ul>
          {specialties.length === 0 && <p>{t.spaces.none}</p>}
        </>
      )}
    </section>
  );
}
