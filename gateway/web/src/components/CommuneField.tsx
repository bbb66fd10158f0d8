import { useEffect, useState } from 'preact/hooks';
import { search } from '../api/search';
import { Combobox, Option } from './Combobox';

/** A commune with suggestions from search's Suggest (kind COMMUNE: the communes of the practice
 *  places the index knows, each with its postcode), after 2 characters, debounced. Used for a
 *  practice place in the profile editor (picking fills the postcode too) and for "near" in the
 *  doctor search (which resolves exactly those communes). */
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
  onPick: (commune: string, postcode: string) => void;
}) {
  const [options, setOptions] = useState<Option[]>([]);
  useEffect(() => {
    const q = value.trim();
    if (q.length < 2) {
      setOptions([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      search
        .suggest(q.slice(0, 100), ['SUGGESTION_KIND_COMMUNE'], controller.signal)
        .then((r) => setOptions((r.suggestions ?? []).map((s) => ({ id: `${s.text}|${s.value ?? ''}`, text: s.text, detail: s.value }))))
        .catch(() => setOptions([]));
    }, 250);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [value]);
  return <Combobox id={id} label={label} hint={hint} value={value} onValue={onValue} options={options} onPick={(o) => onPick(o.text, o.detail ?? '')} />;
}
