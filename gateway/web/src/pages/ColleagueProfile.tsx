import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { ApiError } from '../api/client';
import { Profile, profiles } from '../api/profiles';
import { Alert, errorText, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { useClaims } from '../session';
import { displayLine } from './ProfileEditor';

export function ColleagueProfile() {
  const { params } = useRoute();
  const claims = useClaims();
  const [p, setP] = useState<Profile | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const load = () =>
    profiles.get(params.id).then(
      (r) => setP(r.profile),
      (e) => setError(e instanceof ApiError && e.status === 404 ? t.app.notFoundText : errorText(e)),
    );
  useEffect(() => {
    load();
  }, [params.id]);
  if (error && !p) return <Alert>{error}</Alert>;
  if (!p) return <Loading />;
  const mine = p.profileId === claims?.sub;
  const endorse = (key: string, on: boolean) => async () => {
    setError('');
    try {
      if (on) await profiles.endorse(p.profileId, key);
      else await profiles.retract(p.profileId, key);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const connect = async () => {
    setError('');
    try {
      await profiles.requestConnection(p.profileId);
      setInfo(t.profile.requested);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <article>
      <PageTitle text={displayLine(p)} />
      {p.headline && <p class="lead">{p.headline}</p>}
      <p class="meta">
        {p.specialtyLabel} · {t.profile.connections(p.connectionCount ?? 0)}
      </p>
      {error && <Alert>{error}</Alert>}
      {info && <Alert kind="success">{info}</Alert>}
      {!mine && (
        <div class="actions">
          <button type="button" class="primary" onClick={connect}>
            {t.profile.connect}
          </button>
        </div>
      )}
      {mine && (
        <p>
          <a href="/profil">{t.profile.editTitle}</a>
        </p>
      )}
      {p.bio && <p class="pre">{p.bio}</p>}
      <section aria-labelledby="competences-title">
        <h2 id="competences-title">{t.profile.competencesTitle}</h2>
        <ul class="competence-list">
          {(p.competences ?? []).map((c) => (
            <li key={c.key}>
              <span class="competence-label">{c.label}</span>
              <span class="meta">{t.profile.endorsements(c.endorsementCount ?? 0)}</span>
              {!mine && c.key && (
                <button
                  type="button"
                  class="secondary"
                  aria-pressed={c.endorsedByCaller ? 'true' : 'false'}
                  onClick={endorse(c.key, !c.endorsedByCaller)}
                >
                  {c.endorsedByCaller ? t.profile.endorsed : t.profile.endorse}
                  <span class="sr-only">{t.profile.endorseWhat(c.label)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {p.practicePlaces && p.practicePlaces.length > 0 && (
        <section aria-labelledby="places-title">
          <h2 id="places-title">{t.profile.places}</h2>
          <ul>
            {p.practicePlaces.map((pl, i) => (
              <li key={i}>
                {[pl.name, pl.address, [pl.postcode, pl.commune].filter(Boolean).join(' ')].filter(Boolean).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>{p.acceptingReferrals ? t.profile.referralsYes : t.profile.referralsNo}</p>
      {p.languages && p.languages.length > 0 && (
        <p>
          {t.profile.languagesTitle} : {p.languages.map((l) => t.profile.languages[l] ?? l).join(', ')}
        </p>
      )}
      {p.education && p.education.length > 0 && (
        <section aria-labelledby="education-title">
          <h2 id="education-title">{t.profile.educationTitle}</h2>
          <ul>
            {p.education.map((e, i) => (
              <li key={i}>
                {[e.title, e.institution, e.startYear ? `${e.startYear}–${e.endYear || ''}` : ''].filter(Boolean).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      )}
      {p.contact && (p.contact.phone || p.contact.email) && (
        <p>
          {t.profile.contact} : {[p.contact.phone, p.contact.email].filter(Boolean).join(' · ')}
        </p>
      )}
    </article>
  );
}
