import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/client';
import { CaseHit, DoctorHit, DoctorQuery, FacetCount, search, Suggestion } from '../api/search';
import { Combobox, Option } from '../components/Combobox';
import { CommuneField } from '../components/CommuneField';
import { utf16Index } from '../components/guard';
import { Alert, errorText, formatDate, PageTitle, TextField } from '../components/ui';
import { t } from '../i18n';

/** Suggestions from Suggest as the doctor types (debounced, the previous call aborted). */
function useSuggestions(prefix: string): Suggestion[] {
  const [list, setList] = useState<Suggestion[]>([]);
  useEffect(() => {
    const q = prefix.trim();
    if (!q) {
      setList([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      search.suggest(q.slice(0, 100), [], controller.signal).then((r) => setList(r.suggestions ?? []), () => undefined);
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [prefix]);
  return list;
}

export function Search() {
  const { query, route } = useLocation();
  const cases = query.type === 'cas';
  return (
    <section>
      <PageTitle text={t.search.title} />
      <nav class="tabs" aria-label={t.search.title}>
        <a href="/recherche" aria-current={!cases ? 'page' : undefined}>
          {t.search.doctorsTab}
        </a>
        <a href="/recherche?type=cas" aria-current={cases ? 'page' : undefined}>
          {t.search.casesTab}
        </a>
      </nav>
      {cases ? <CaseSearch /> : <DoctorSearch go={route} />}
    </section>
  );
}

function DoctorSearch({ go }: { go: (url: string) => void }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState<DoctorQuery | null>(null);
  const [place, setPlace] = useState('');
  // The coordinates of the commune picked from SearchCommunes for "near" (any commune of France);
  // forgotten when the field is typed in, then the text goes as near.place (search resolves the
  // communes of the practice places it knows).
  const [point, setPoint] = useState<{ latitude: number; longitude: number } | null>(null);
  const [radius, setRadius] = useState('');
  const [referrals, setReferrals] = useState(false);
  const [language, setLanguage] = useState('');
  const [specialties, setSpecialties] = useState<string[]>([]);
  const [competences, setCompetences] = useState<string[]>([]);
  const [result, setResult] = useState<{ doctors: DoctorHit[]; next: string; total: number; facets: Facets } | null>(null);
  const [error, setError] = useState('');
  const suggestions = useSuggestions(text);

  const run = async (next: DoctorQuery, append = false) => {
    setError('');
    try {
      const r = await search.doctors(next);
      const doctors = r.doctors ?? [];
      setResult((prev) => ({
        doctors: append && prev ? [...prev.doctors, ...doctors] : doctors,
        next: r.nextPageToken ?? '',
        total: append && prev ? prev.total : Number(r.totalSize ?? doctors.length),
        facets:
          append && prev
            ? prev.facets
            : { specialty: r.specialtyFacets ?? [], competence: r.competenceFacets ?? [], commune: r.communeFacets ?? [] },
      }));
    } catch (e) {
      setError(e instanceof ApiError && e.errors[0] ? `${e.errors[0].field} : ${e.errors[0].description}` : errorText(e));
    }
  };
  const build = (over: Partial<DoctorQuery> = {}): DoctorQuery => ({
    query: text.trim(),
    specialtyCodes: specialties,
    competences,
    languages: language ? [language] : [],
    acceptingReferrals: referrals,
    place: place.trim() || undefined,
    point: place.trim() && point ? point : undefined,
    radiusKm: place.trim() && radius ? Number(radius) : undefined,
    ...over,
  });
  const submit = (e?: Event) => {
    e?.preventDefault();
    const next = build();
    setQ(next);
    run(next);
  };
  const pick = (o: Option) => {
    const s = suggestions.find((x) => `${x.kind}:${x.value}:${x.text}` === o.id);
    if (!s) return;
    if (s.kind === 'SUGGESTION_KIND_DOCTOR' && s.value) return go(`/medecins/${s.value}`);
    let next: DoctorQuery;
    if (s.kind === 'SUGGESTION_KIND_COMMUNE') {
      setPlace(s.text);
      setPoint(null);
      setText('');
      next = build({ query: '', place: s.text, point: undefined });
    } else if (s.kind === 'SUGGESTION_KIND_SPECIALTY' && s.value) {
      setSpecialties([s.value]);
      setText('');
      next = build({ query: '', specialtyCodes: [s.value] });
    } else {
      setText(s.detail || s.text);
      next = build({ query: s.detail || s.text });
    }
    setQ(next);
    run(next);
  };
  const rerun = (over: Partial<DoctorQuery>) => {
    const next = build(over);
    setQ(next);
    run(next);
  };
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((s) => s !== value));
  // A commune facet searches around the commune: SearchDoctors filters by distance from a place
  // (near.place), not by the commune's name; the radius typed is kept, 10 km otherwise.
  const pickCommune = (commune: string) => {
    const r = radius || '10';
    setPlace(commune);
    setPoint(null);
    setRadius(r);
    rerun({ place: commune, point: undefined, radiusKm: Number(r) });
  };
  const options: Option[] = suggestions.map((s) => ({
    id: `${s.kind}:${s.value}:${s.text}`,
    text: s.text,
    detail: [t.search.suggestionKinds[s.kind], s.detail].filter(Boolean).join(', '),
  }));
  return (
    <div class="search-layout">
      <form onSubmit={submit} class="search-filters" role="search" noValidate>
        <Combobox id="search-doctors" label={t.search.query} value={text} onValue={setText} options={options} onPick={pick} onEnter={() => submit()} listLabel={t.search.suggestions} />
        <CommuneField
          id="search-near"
          label={t.search.near}
          hint={t.search.nearHint}
          value={place}
          onValue={(v) => {
            setPlace(v);
            setPoint(null);
          }}
          onPick={(c) => {
            setPlace(c.name);
            setPoint(c.coordinatesSource ? { latitude: Number(c.latitude ?? 0), longitude: Number(c.longitude ?? 0) } : null);
          }}
        />
        <TextField id="search-radius" label={t.search.radius} value={radius} onValue={setRadius} inputMode="numeric" maxLength={4} />
        <div class="field">
          <label for="search-language">{t.search.language}</label>
          <select id="search-language" value={language} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t.search.anyLanguage}</option>
            {Object.entries(t.profile.languages).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <label class="checkbox">
          <input type="checkbox" checked={referrals} onChange={(e) => setReferrals((e.currentTarget as HTMLInputElement).checked)} />
          {t.search.referrals}
        </label>
        {result && result.facets.specialty.length > 0 && (
          <FacetChecks
            legend={t.search.specialtyFacet}
            facets={result.facets.specialty}
            chosen={specialties}
            onToggle={(value, on) => {
              const list = toggle(specialties, value, on);
              setSpecialties(list);
              rerun({ specialtyCodes: list });
            }}
          />
        )}
        {result && result.facets.competence.length > 0 && (
          <FacetChecks
            legend={t.search.competenceFacet}
            facets={result.facets.competence}
            chosen={competences}
            onToggle={(value, on) => {
              const list = toggle(competences, value, on);
              setCompetences(list);
              rerun({ competences: list });
            }}
          />
        )}
        {result && result.facets.commune.length > 0 && (
          <fieldset id="commune-facets">
            <legend>{t.search.communeFacet}</legend>
            <p class="hint">{t.search.communeFacetHint}</p>
            <ul class="facet-list">
              {result.facets.commune.map((f) => (
                <li key={f.value}>
                  <button type="button" class="link" aria-pressed={place === (f.label || f.value) ? 'true' : 'false'} onClick={() => pickCommune(f.label || f.value)}>
                    {t.search.facetCount(f.label || f.value, Number(f.count ?? 0))}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        <button type="submit" class="primary">
          {t.search.submit}
        </button>
      </form>
      <div>
        {error && <Alert>{error}</Alert>}
        {result && (
          <>
            <p role="status" id="search-count">
              {t.search.results(result.total)}
            </p>
            <ul class="case-list" id="doctor-results">
              {result.doctors.map((d) => (
                <li key={d.profileId} class="hit">
                  <h2>
                    <a href={`/medecins/${d.profileId}`}>{d.displayName}</a>
                  </h2>
                  <p class="meta">
                    {[d.specialtyLabel, (d.communes ?? []).join(', '), d.distanceKm !== undefined ? t.search.km(d.distanceKm) : '']
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                  {d.headline && <p>{d.headline}</p>}
                  {d.matchedCompetences && d.matchedCompetences.length > 0 && (
                    <p>
                      {t.search.matched} : {d.matchedCompetences.join(', ')}
                    </p>
                  )}
                </li>
              ))}
            </ul>
            {result.next && q && (
              <button type="button" class="secondary" onClick={() => run({ ...q, pageToken: result.next }, true)}>
                {t.search.more}
              </button>
            )}
          </>
        )}
      </div>
    </div>
  );
}

interface Facets {
  specialty: FacetCount[];
  competence: FacetCount[];
  commune: FacetCount[];
}

/** One facet as checkboxes with the count of matching doctors; a change searches again. */
function FacetChecks({
  legend,
  facets,
  chosen,
  onToggle,
}: {
  legend: string;
  facets: FacetCount[];
  chosen: string[];
  onToggle: (value: string, on: boolean) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {facets.map((f) => (
        <label key={f.value} class="checkbox">
          <input type="checkbox" checked={chosen.includes(f.value)} onChange={(e) => onToggle(f.value, (e.currentTarget as HTMLInputElement).checked)} />
          {t.search.facetCount(f.label || f.value, Number(f.count ?? 0))}
        </label>
      ))}
    </fieldset>
  );
}

function Snippet({ hit }: { hit: CaseHit }) {
  const text = hit.snippet ?? '';
  const parts: preact.JSX.Element[] = [];
  let at = 0;
  const spans = [...(hit.highlights ?? [])].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  spans.forEach((h, i) => {
    const s = utf16Index(text, h.start ?? 0);
    const e = utf16Index(text, h.end ?? 0);
    if (s < at || e <= s) return;
    parts.push(<span key={`t${i}`}>{text.slice(at, s)}</span>);
    parts.push(<mark key={`m${i}`}>{text.slice(s, e)}</mark>);
    at = e;
  });
  parts.push(<span key="end">{text.slice(at)}</span>);
  return <p class="snippet">{parts}</p>;
}

function CaseSearch() {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<CaseHit[] | null>(null);
  const [next, setNext] = useState('');
  const [error, setError] = useState('');
  const run = async (e?: Event, token?: string) => {
    e?.preventDefault();
    setError('');
    try {
      const r = await search.cases(text.trim(), token);
      setHits(token && hits ? [...hits, ...(r.cases ?? [])] : r.cases ?? []);
      setNext(r.nextPageToken ?? '');
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <form onSubmit={run} role="search" class="inline-form" noValidate>
        <TextField id="search-cases" type="search" label={t.search.caseQuery} value={text} onValue={setText} />
        <button type="submit" class="primary">
          {t.search.submit}
        </button>
      </form>
      {error && <Alert>{error}</Alert>}
      {hits && (
        <>
          <p role="status">{t.search.caseResults(hits.length)}</p>
          <ul class="case-list">
            {hits.map((h) => (
              <li key={h.caseId} class="hit">
                <h2>
                  <a href={`/cas/${h.caseId}`}>{h.title}</a>
                </h2>
                <Snippet hit={h} />
                <p class="meta">
                  {h.resolved ? t.cases.resolved : t.cases.open} · {t.cases.replies(h.replyCount ?? 0)} · {formatDate(h.createTime)}
                </p>
              </li>
            ))}
          </ul>
          {next && (
            <button type="button" class="secondary" onClick={() => run(undefined, next)}>
              {t.search.more}
            </button>
          )}
        </>
      )}
    </>
  );
}
