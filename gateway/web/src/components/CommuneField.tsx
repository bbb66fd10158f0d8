import { useEffect, useState } from 'preact/hooks';
import { Commune, profiles } from '../api/profiles';
import { t } from '../i18n';
import { Combobox, Option } from './Combobox';

/** What a suggestion says beside the commune's name: the La Poste name that matched, the
 *  département and the postcode(s). */
function detail(c: Commune): string {
  const codes = c.postcode ? [c.postcode] : (c.postcodes ?? []);
  const postcodes = codes.length > 3 ? `${codes[0]} … ${codes[codes.length - 1]}` : codes.join(', ');
  return [c.matchedAlias, t.profile.departement(c.departement ?? ''), postcodes].filter(Boolean).join(' · ');
}

/** A commune field with suggestions from profiles' SearchCommunes — every French commune (name
 *  prefix, accents and "St" ignored, or postcode prefix) — after 2 characters, debounced. Used for
 *  a practice place in the profile editor (picking fills the postcode when it is known) and for
 *  "near" in the doctor search (picking searches around the commune's coordinates). */
export function CommuneField({
  id,
  label,
  hint,
  value,
  onValue,
  onPick,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onValue: (v: string) => void;
  onPick: (commune: Commune) => void;
}) {
  const [found, setFound] = useState<Commune[]>([]);
  useEffect(() => {
    const q = value.trim();
    if (q.length < 2) {
      setFound([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      profiles
        .searchCommunes(q.slice(0, 100), 8, controller.signal)
        .then((r) => setFound(r.communes ?? []))
        .catch(() => setFound([]));
    }, 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [value]);
  const options: Option[] = found.map((c) => ({ id: `${c.inseeCode}|${c.postcode ?? ''}`, text: c.name, detail: detail(c) }));
  return (
    <Combobox
      id={id}
      label={label}
      hint={hint}
      value={value}
      onValue={onValue}
      options={options}
      listLabel={t.profile.communeSuggestions}
      onPick={(o) => {
        const c = found.find((x) => `${x.inseeCode}|${x.postcode ?? ''}` === o.id);
        if (c) onPick(c);
      }}
    />
  );
}
