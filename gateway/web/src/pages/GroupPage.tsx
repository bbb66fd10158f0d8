import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError } from '../api/client';
import { discussions, GroupMember, Invitation, Space } from '../api/discussions';
import { Colleague, displayName, profiles } from '../api/profiles';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { useNames } from '../names';
import { useClaims } from '../session';
import { authorLabel } from './CaseList';
import { setGroupsFlash } from './Groups';
import { allSpaces, invalidateSpaces } from './Spaces';

/** One private group: its members (by join time), the owner's pending invitations (with
 *  cancel) and new invitations, leaving it. */
export function GroupPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const spaceId = params.id;
  const claims = useClaims();
  const [group, setGroup] = useState<Space | null>(null);
  const [members, setMembers] = useState<GroupMember[] | null>(null);
  const [error, setError] = useState('');
  const [confirmLeave, setConfirmLeave] = useState(false);
  // The group's pending invitations: read only by the owner (ListGroupInvitations).
  const [pending, setPending] = useState<Invitation[] | null>(null);
  const loadPending = () =>
    discussions.listGroupInvitations(spaceId).then(
      (r) => setPending(r.invitations ?? []),
      (e) => setError(errorText(e)),
    );

  const load = async () => {
    try {
      const [spaces, m] = await Promise.all([allSpaces(), discussions.listMembers(spaceId)]);
      setGroup(spaces.find((s) => s.spaceId === spaceId) ?? null);
      setMembers(m.members ?? []);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t.app.notFoundText : errorText(e));
    }
  };
  useEffect(() => {
    load();
  }, [spaceId]);
  const owner = !!members?.some((m) => m.accountId === claims?.sub && m.role === 'MEMBER_ROLE_OWNER');
  useEffect(() => {
    if (owner) loadPending();
  }, [spaceId, owner]);
  const names = useNames([...(members ?? []).map((m) => m.accountId), ...(pending ?? []).map((i) => i.inviteeId)]);
  if (error && !members) return <Alert>{error}</Alert>;
  if (!members) return <Loading />;
  const title = group?.title ?? t.groups.title;
  const ownerBlocked = owner && members.length > 1;
  const leave = async () => {
    setError('');
    try {
      await discussions.leaveGroup(spaceId);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 400 && e.code === 'FAILED_PRECONDITION' ? t.groups.ownerCannotLeave : errorText(e));
      return;
    }
    invalidateSpaces();
    setGroupsFlash(t.groups.left(title));
    route('/groupes');
  };
  return (
    <section>
      <PageTitle text={title} />
      <p>
        <a class="button primary" href={`/espaces/${spaceId}`}>
          {t.groups.cases}
        </a>
      </p>
      {error && <Alert>{error}</Alert>}
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t.groups.membersTitle(members.length)}</h2>
        <ul class="member-list" id="group-members">
          {members.map((m) => (
            <li key={m.accountId}>
              {names.get(m.accountId) && m.accountId !== claims?.sub ? (
                <a href={`/medecins/${m.accountId}`}>{names.get(m.accountId)}</a>
              ) : (
                authorLabel(m.accountId, false, claims?.sub, names)
              )}{' '}
              <span class="badge">{t.groups.roles[m.role ?? ''] ?? m.role}</span>
              <span class="meta"> · {t.groups.since(formatDate(m.joinTime))}</span>
            </li>
          ))}
        </ul>
      </section>
      {owner && <PendingInvitations invitations={pending} names={names} onChanged={loadPending} />}
      {owner && <Invite spaceId={spaceId} members={members} pending={pending ?? []} onInvited={loadPending} />}
      <section aria-labelledby="leave-title" class="card">
        <h2 id="leave-title">{t.groups.leave}</h2>
        {ownerBlocked ? (
          <p>{t.groups.ownerCannotLeave}</p>
        ) : (
          <>
            <p>{t.groups.leaveExplain}</p>
            {confirmLeave ? (
              <div class="actions">
                <button type="button" class="danger" onClick={leave}>
                  {t.groups.leave}
                </button>
                <button type="button" class="secondary" onClick={() => setConfirmLeave(false)}>
                  {t.casePage.cancel}
                </button>
              </div>
            ) : (
              <button type="button" class="danger" aria-expanded="false" onClick={() => setConfirmLeave(true)}>
                {t.groups.leave}…
              </button>
            )}
          </>
        )}
      </section>
    </section>
  );
}

/** The owner's list of invitations not answered yet, newest first, each with "cancel". */
function PendingInvitations({
  invitations,
  names,
  onChanged,
}: {
  invitations: Invitation[] | null;
  names: Map<string, string>;
  onChanged: () => void;
}) {
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const cancel = async (i: Invitation, who: string) => {
    setError('');
    setInfo('');
    try {
      await discussions.cancelInvitation(i.invitationId);
      setInfo(t.groups.invitationCancelled(who));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 400 && e.code === 'FAILED_PRECONDITION' ? t.groups.invitationAnswered : errorText(e));
    }
    onChanged();
  };
  return (
    <section aria-labelledby="pending-title" class="card">
      <h2 id="pending-title">{t.groups.pendingTitle(invitations?.length ?? 0)}</h2>
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="success">{info}</Alert>}
      {invitations === null ? (
        <Loading />
      ) : (
        invitations.length > 0 && (
          <>
            <p>{t.groups.pendingIntro}</p>
            <ul class="member-list" id="group-invitations">
              {invitations.map((i) => {
                const who = (i.inviteeId && names.get(i.inviteeId)) || t.cases.colleague;
                return (
                  <li key={i.invitationId}>
                    {i.inviteeId && names.get(i.inviteeId) ? <a href={`/medecins/${i.inviteeId}`}>{who}</a> : who}
                    <span class="meta"> · {t.groups.invitedOn(formatDate(i.createTime))}</span>{' '}
                    <button type="button" class="link" aria-label={t.groups.cancelInvitationOf(who)} onClick={() => cancel(i, who)}>
                      {t.groups.cancelInvitation}
                    </button>
                  </li>
                );
              })}
            </ul>
          </>
        )
      )}
    </section>
  );
}

/** The owner invites one of their connections who is neither a member nor invited yet. */
function Invite({
  spaceId,
  members,
  pending,
  onInvited,
}: {
  spaceId: string;
  members: GroupMember[];
  pending: Invitation[];
  onInvited: () => void;
}) {
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  useEffect(() => {
    profiles.connections().then(
      (r) => setColleagues((r.connections ?? []).map((c) => c.colleague)),
      (e) => setError(errorText(e)),
    );
  }, []);
  const candidates = (colleagues ?? []).filter(
    (c) => !members.some((m) => m.accountId === c.profileId) && !pending.some((i) => i.inviteeId === c.profileId),
  );
  const send = async (e: Event) => {
    e.preventDefault();
    setError('');
    setInfo('');
    const who = candidates.find((c) => c.profileId === chosen);
    if (!who) return;
    try {
      await discussions.invite(spaceId, who.profileId);
      setInfo(t.groups.invited(displayName(who)));
      setChosen('');
      onInvited();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? t.groups.alreadyMember
          : err instanceof ApiError && err.status === 403
            ? t.groups.onlyOwnerInvites
            : errorText(err),
      );
    }
  };
  return (
    <section aria-labelledby="invite-title" class="card">
      <h2 id="invite-title">{t.groups.inviteTitle}</h2>
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="success">{info}</Alert>}
      {colleagues === null ? (
        <Loading />
      ) : candidates.length === 0 ? (
        <p>{colleagues.length === 0 ? t.groups.noConnections : t.groups.allInvited}</p>
      ) : (
        <form onSubmit={send} noValidate>
          <div class="field">
            <label for="group-invitee">{t.groups.invitee}</label>
            <p class="hint" id="group-invitee-hint">
              {t.groups.inviteHint}
            </p>
            <select
              id="group-invitee"
              value={chosen}
              aria-describedby="group-invitee-hint"
              onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{t.groups.choose}</option>
              {candidates.map((c) => (
                <option key={c.profileId} value={c.profileId}>
                  {displayName(c)}
                  {c.specialtyLabel ? ` — ${c.specialtyLabel}` : ''}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary" disabled={!chosen}>
            {t.groups.invite}
          </button>
        </form>
      )}
    </section>
  );
}
