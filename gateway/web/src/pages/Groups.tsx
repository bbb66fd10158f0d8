import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/client';
import { discussions, Finding, Invitation, Space } from '../api/discussions';
import { GuardedText } from '../components/GuardedText';
import { Alert, errorText, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { useNames } from '../names';
import { allSpaces, invalidateSpaces } from './Spaces';

// A message carried to the next page (e.g. "you left the group" after leaving it).
let flash = '';
export function setGroupsFlash(text: string): void {
  flash = text;
}

/** Private groups: the caller's groups, invitations received (join or decline), and a new group. */
export function Groups() {
  const [groups, setGroups] = useState<Space[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState(() => {
    const f = flash;
    flash = '';
    return f;
  });
  const load = async () => {
    try {
      const [spaces, inv] = await Promise.all([allSpaces(), discussions.listInvitations()]);
      setGroups(spaces.filter((s) => s.kind === 'SPACE_KIND_PRIVATE_GROUP'));
      setInvitations(inv.invitations ?? []);
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    load();
  }, []);
  const names = useNames((invitations ?? []).map((i) => i.inviterId));
  const respond = async (inv: Invitation, accept: boolean) => {
    setError('');
    setInfo('');
    try {
      await discussions.respondToInvitation(inv.invitationId, accept);
      invalidateSpaces();
      setInfo(accept ? t.groups.joined(inv.groupTitle ?? '') : t.groups.declined);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <PageTitle text={t.groups.title} />
      <p>{t.groups.intro}</p>
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="success">{info}</Alert>}
      <section aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t.groups.invitationsTitle}</h2>
        {invitations === null ? (
          <Loading />
        ) : invitations.length === 0 ? (
          <p>{t.groups.noInvitations}</p>
        ) : (
          <ul class="invitation-list">
            {invitations.map((inv) => (
              <li key={inv.invitationId}>
                <p>{t.groups.invitedBy(inv.groupTitle ?? '', (inv.inviterId && names.get(inv.inviterId)) || t.cases.colleague)}</p>
                <div class="actions">
                  <button type="button" class="primary" onClick={() => respond(inv, true)}>
                    {t.groups.accept}
                  </button>
                  <button type="button" class="secondary" onClick={() => respond(inv, false)}>
                    {t.groups.decline}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t.groups.mine}</h2>
        {groups === null ? (
          <Loading />
        ) : groups.length === 0 ? (
          <p>{t.groups.none}</p>
        ) : (
          <ul class="space-list" id="my-groups">
            {groups.map((g) => (
              <li key={g.spaceId}>
                <a href={`/groupes/${g.spaceId}`}>{g.title}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      <CreateGroup />
    </section>
  );
}

function CreateGroup() {
  const { route } = useLocation();
  const [title, setTitle] = useState('');
  const [findings, setFindings] = useState<Finding[] | null>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (findings && findings.length) {
      setError(t.editor.blocked);
      return;
    }
    setBusy(true);
    try {
      const r = await discussions.createGroup(title.trim());
      invalidateSpaces();
      route(`/groupes/${r.space.spaceId}`);
    } catch (err) {
      setError(err instanceof ApiError && err.errors[0] ? err.errors[0].description : errorText(err));
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="create-title" class="card">
      <h2 id="create-title">{t.groups.createTitle}</h2>
      <form onSubmit={submit} noValidate>
        <GuardedText
          id="group-title"
          label={t.groups.groupTitle}
          hint={t.groups.groupTitleHint}
          field="title"
          value={title}
          onValue={setTitle}
          onFindings={(_, l) => setFindings(l)}
          rows={1}
          singleLine
          required
          maxLength={120}
          error={error || undefined}
        />
        <button type="submit" class="primary" disabled={busy}>
          {t.groups.create}
        </button>
      </form>
    </section>
  );
}
