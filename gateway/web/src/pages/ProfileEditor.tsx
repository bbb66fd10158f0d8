import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { Commune, Competence, Education, PracticePlace, Profile, profiles, TaxonomyCompetence } from '../api/profiles';
import { Combobox, normalize, Option } from '../components/Combobox';
import { Alert, ErrorSummary, errorText, Loading, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';
import { CommuneField } from '../components/CommuneField';

const EDITABLE = ['headline', 'bio', 'competences', 'practicePlaces', 'education', 'languages', 'acceptingReferrals', 'contact'];

export function ProfileEditor() {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [taxonomy, setTaxonomy] = useState<TaxonomyCompetence[]>([]);
  const [error, setError] = useState('');
  const [errors, setErrors] = useState<{ id: string; text: string }[]>([]);
  const [saved, setSaved] = useState(false);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    profiles.getMine().then(
      (r) => {
        setProfile(r.profile);
        profiles.competences(r.profile.specialtyCode).then((c) => setTaxonomy(c.competences ?? []), () => undefined);
      },
      (e) => (e instanceof ApiError && e.status === 404 ? setMissing(true) : setError(errorText(e))),
    );
  }, []);
  if (missing)
    return (
      <section>
        <PageTitle text={t.profile.editTitle} />
        <p>{t.profile.notYet}</p>
      </section>
    );
  if (error && !profile) return <Alert>{error}</Alert>;
  if (!profile) return <Loading />;
  const p = profile;
  const set = (patch: Partial<Profile>) => {
    setSaved(false);
    setProfile({ ...p, ...patch });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setErrors([]);
    try {
      const body: Partial<Profile> & { profileId: string } = { profileId: p.profileId };
      for (const k of EDITABLE) (body as Record<string, unknown>)[k] = (p as unknown as Record<string, unknown>)[k];
      const r = await profiles.update(
        body,
        EDITABLE.map((k) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())),
        p.etag,
      );
      setProfile(r.profile);
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setError(t.profile.stale);
      else if (err instanceof ApiError && err.errors.length)
        setErrors(err.errors.map((fe) => ({ id: fieldId(fe.field), text: `${fe.field} : ${fe.description}` })));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle text={t.profile.editTitle} />
      <p>{t.profile.intro}</p>
      <p>
        <a href={`/medecins/${p.profileId}`}>{displayLine(p)}</a>
      </p>
      {saved && <Alert kind="success">{t.profile.saved}</Alert>}
      {error && <Alert>{error}</Alert>}
      <ErrorSummary errors={errors} />
      <form onSubmit={save} noValidate>
        <fieldset>
          <legend>{t.profile.registerTitle}</legend>
          <dl class="facts">
            <dt>{t.profile.rpps}</dt>
            <dd>{p.rpps}</dd>
            <dt>{t.profile.specialty}</dt>
            <dd>{p.specialtyLabel}</dd>
            {p.savoirFaire && p.savoirFaire.length > 0 && (
              <>
                <dt>{t.profile.savoirFaire}</dt>
                <dd>{p.savoirFaire.map((s) => s.label).join(' · ')}</dd>
              </>
            )}
          </dl>
        </fieldset>
        <TextField id="profile-headline" label={t.profile.headline} hint={t.profile.headlineHint} value={p.headline ?? ''} onValue={(v) => set({ headline: v })} maxLength={120} />
        <div class="field">
          <label for="profile-bio">{t.profile.bio}</label>
          <p class="hint" id="profile-bio-hint">
            {t.profile.bioHint}
          </p>
          <textarea id="profile-bio" rows={5} maxLength={2000} aria-describedby="profile-bio-hint" value={p.bio ?? ''} onInput={(e) => set({ bio: (e.currentTarget as HTMLTextAreaElement).value })} />
        </div>
        <CompetencePicker taxonomy={taxonomy} value={p.competences ?? []} onChange={(competences) => set({ competences })} />
        <Places value={p.practicePlaces ?? []} onChange={(practicePlaces) => set({ practicePlaces })} />
        <EducationList value={p.education ?? []} onChange={(education) => set({ education })} />
        <fieldset class="checks-set">
          <legend>{t.profile.languagesTitle}</legend>
          <div class="checks">
            {Object.entries(t.profile.languages).map(([code, label]) => (
              <label key={code} class="checkbox">
                <input
                  type="checkbox"
                  checked={(p.languages ?? []).includes(code)}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    const rest = (p.languages ?? []).filter((l) => l !== code);
                    set({ languages: on ? [...rest, code] : rest });
                  }}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <label class="checkbox">
          <input type="checkbox" id="profile-referrals" checked={!!p.acceptingReferrals} onChange={(e) => set({ acceptingReferrals: (e.currentTarget as HTMLInputElement).checked })} />
          {t.profile.referrals}
        </label>
        <fieldset>
          <legend>{t.profile.contactTitle}</legend>
          <div class="grid-2">
            <TextField id="profile-phone" type="tel" label={t.profile.phone} value={p.contact?.phone ?? ''} onValue={(v) => set({ contact: { ...p.contact, phone: v } })} autoComplete="tel" maxLength={20} />
            <TextField id="profile-email" type="email" label={t.profile.email} value={p.contact?.email ?? ''} onValue={(v) => set({ contact: { ...p.contact, email: v } })} autoComplete="email" maxLength={254} />
          </div>
        </fieldset>
        <button type="submit" class="primary" disabled={busy}>
          {t.profile.save}
        </button>
      </form>
    </section>
  );
}

function fieldId(field: string): string {
  const top = field.split(/[.[]/)[0];
  const ids: Record<string, string> = {
    headline: 'profile-headline',
    bio: 'profile-bio',
    competences: 'profile-competence',
    practice_places: 'place-0-postcode',
    contact: 'profile-phone',
  };
  return ids[top] ?? 'profile-headline';
}

export function displayLine(p: Profile): string {
  return [p.civility === 'Docteur' ? 'Dr' : p.civility, p.givenName, p.familyName].filter(Boolean).join(' ');
}

function CompetencePicker({ taxonomy, value, onChange }: { taxonomy: TaxonomyCompetence[]; value: Competence[]; onChange: (c: Competence[]) => void }) {
  const [text, setText] = useState('');
  const options = useMemo((): Option[] => {
    const q = normalize(text);
    if (!q) return [];
    const chosen = new Set(value.map((c) => c.code).filter(Boolean));
    const out: Option[] = [];
    for (const c of taxonomy) {
      if (chosen.has(c.code)) continue;
      const synonym = (c.synonyms ?? []).find((s) => normalize(s).includes(q));
      if (normalize(c.label).includes(q)) out.push({ id: c.code, text: c.label });
      else if (synonym) out.push({ id: c.code, text: c.label, detail: synonym });
      if (out.length >= 8) break;
    }
    return out;
  }, [text, taxonomy, value]);
  const add = (c: Competence) => {
    onChange([...value, c]);
    setText('');
  };
  return (
    <fieldset>
      <legend>{t.profile.competencesTitle}</legend>
      {value.length > 0 && (
        <ul class="chips" aria-label={t.profile.competencesTitle}>
          {value.map((c, i) => (
            <li key={c.key ?? c.code ?? c.label}>
              {c.label}
              <button type="button" aria-label={t.profile.remove(c.label)} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <Combobox
        id="profile-competence"
        label={t.profile.competenceSearch}
        hint={t.profile.competencesHint}
        value={text}
        onValue={setText}
        options={options}
        emptyText={t.profile.competenceNone}
        onPick={(o) => add({ code: o.id, label: o.text })}
        onEnter={(free) => {
          const label = free.trim();
          if (label && !value.some((c) => normalize(c.label) === normalize(label))) add({ label });
        }}
      />
    </fieldset>
  );
}

function Places({ value, onChange }: { value: PracticePlace[]; onChange: (p: PracticePlace[]) => void }) {
  // For a commune picked with several postcodes and none matching: its postcodes, said under
  // the postcode field (by place index).
  const [choices, setChoices] = useState<Record<number, string>>({});
  const update = (i: number, patch: Partial<PracticePlace>) =>
    onChange(value.map((p, j) => (j === i ? { ...p, ...patch, latitude: undefined, longitude: undefined } : p)));
  // A commune from SearchCommunes: its name, and its postcode when it is known (the one typed or
  // matched, its only one, or the one already in the field if it is one of the commune's).
  const pickCommune = (i: number, c: Commune) => {
    const p = value[i];
    const codes = c.postcodes ?? [];
    const postcode = c.postcode || (p.postcode && codes.includes(p.postcode) ? p.postcode : '');
    update(i, { commune: c.name, postcode });
    setChoices({ ...choices, [i]: postcode ? '' : t.profile.postcodeChoices(c.name, codes.join(', ')) });
  };
  return (
    <fieldset>
      <legend>{t.profile.placesTitle}</legend>
      {value.map((p, i) => (
        <div class="card" key={i}>
          <div class="grid-2">
            <TextField id={`place-${i}-name`} label={t.profile.placeName} value={p.name ?? ''} onValue={(v) => update(i, { name: v })} maxLength={120} />
            <div class="field">
              <label for={`place-${i}-kind`}>{t.profile.placeKind}</label>
              <select id={`place-${i}-kind`} value={p.kind ?? 'PLACE_KIND_PRIVATE_PRACTICE'} onChange={(e) => update(i, { kind: (e.currentTarget as HTMLSelectElement).value })}>
                {Object.entries(t.profile.placeKinds).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <TextField id={`place-${i}-address`} label={t.profile.address} value={p.address ?? ''} onValue={(v) => update(i, { address: v })} autoComplete="street-address" maxLength={200} />
            <TextField
              id={`place-${i}-postcode`}
              label={t.profile.postcode}
              hint={choices[i] || undefined}
              value={p.postcode ?? ''}
              onValue={(v) => update(i, { postcode: v })}
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={5}
            />
            <CommuneField id={`place-${i}-commune`} label={t.profile.commune} hint={t.profile.communeHint} value={p.commune ?? ''} onValue={(v) => update(i, { commune: v })} onPick={(c) => pickCommune(i, c)} />
          </div>
          <button
            type="button"
            class="link"
            onClick={() => {
              onChange(value.filter((_, j) => j !== i));
              setChoices({});
            }}
          >
            {t.profile.removePlace}
          </button>
        </div>
      ))}
      {value.length < 5 && (
        <button type="button" class="secondary" onClick={() => onChange([...value, { kind: 'PLACE_KIND_PRIVATE_PRACTICE' }])}>
          {t.profile.addPlace}
        </button>
      )}
    </fieldset>
  );
}

function EducationList({ value, onChange }: { value: Education[]; onChange: (e: Education[]) => void }) {
  const update = (i: number, patch: Partial<Education>) => onChange(value.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const year = (v: string) => (v.trim() === '' ? 0 : Number.parseInt(v, 10) || 0);
  return (
    <fieldset>
      <legend>{t.profile.educationTitle}</legend>
      {value.map((e, i) => (
        <div class="card" key={i}>
          <div class="grid-2">
            <div class="field">
              <label for={`edu-${i}-kind`}>{t.profile.educationKind}</label>
              <select id={`edu-${i}-kind`} value={e.kind ?? 'EDUCATION_KIND_OTHER'} onChange={(ev) => update(i, { kind: (ev.currentTarget as HTMLSelectElement).value })}>
                {Object.entries(t.profile.educationKinds).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <TextField id={`edu-${i}-title`} label={t.profile.educationTitleField} value={e.title ?? ''} onValue={(v) => update(i, { title: v })} maxLength={150} />
            <TextField id={`edu-${i}-institution`} label={t.profile.institution} value={e.institution ?? ''} onValue={(v) => update(i, { institution: v })} maxLength={150} />
            <TextField id={`edu-${i}-start`} label={t.profile.startYear} value={e.startYear ? String(e.startYear) : ''} onValue={(v) => update(i, { startYear: year(v) })} inputMode="numeric" maxLength={4} />
            <TextField id={`edu-${i}-end`} label={t.profile.endYear} value={e.endYear ? String(e.endYear) : ''} onValue={(v) => update(i, { endYear: year(v) })} inputMode="numeric" maxLength={4} />
          </div>
          <button type="button" class="link" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            {t.profile.removeEducation}
          </button>
        </div>
      ))}
      {value.length < 20 && (
        <button type="button" class="secondary" onClick={() => onChange([...value, { kind: 'EDUCATION_KIND_DU_DIU' }])}>
          {t.profile.addEducation}
        </button>
      )}
    </fieldset>
  );
}
