import { useState } from 'preact/hooks';
import { t } from '../i18n';

export interface Option {
  id: string;
  text: string;
  detail?: string;
}

interface Props {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  options: Option[];
  onPick: (o: Option) => void;
  /** Enter with no option highlighted (free text). */
  onEnter?: (text: string) => void;
  hint?: string;
  placeholder?: string;
  /** Said under the field when the text matches nothing. */
  emptyText?: string;
  listLabel?: string;
}

/** An input with a list of suggestions (WAI-ARIA combobox with a listbox popup): arrows move,
 *  Enter picks, Escape closes; the list is announced through aria-activedescendant. */
export function Combobox(p: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = `${p.id}-list`;
  const show = open && p.value.trim() !== '' && p.options.length > 0;
  const pick = (o: Option) => {
    p.onPick(o);
    setOpen(false);
    setActive(-1);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, p.options.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, -1));
    } else if (e.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    } else if (e.key === 'Enter') {
      if (show && active >= 0 && p.options[active]) {
        e.preventDefault();
        pick(p.options[active]);
      } else if (p.onEnter) {
        e.preventDefault();
        p.onEnter(p.value);
        setOpen(false);
      }
    }
  };
  return (
    <div class="field combobox">
      <label for={p.id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <input
        id={p.id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={show ? 'true' : 'false'}
        aria-controls={listId}
        aria-activedescendant={show && active >= 0 ? `${p.id}-opt-${active}` : undefined}
        aria-describedby={p.hint ? `${p.id}-hint` : undefined}
        placeholder={p.placeholder}
        value={p.value}
        onInput={(e) => {
          p.onValue((e.currentTarget as HTMLInputElement).value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
      />
      <ul id={listId} role="listbox" aria-label={p.listLabel ?? t.search.suggestions} class="listbox" hidden={!show}>
        {show &&
          p.options.map((o, i) => (
            <li
              key={o.id}
              id={`${p.id}-opt-${i}`}
              role="option"
              aria-selected={i === active ? 'true' : 'false'}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(o);
              }}
            >
              {o.text}
              {o.detail && <span class="detail"> — {o.detail}</span>}
            </li>
          ))}
      </ul>
      {open && p.value.trim() !== '' && p.options.length === 0 && p.emptyText && (
        <p class="hint" role="status">
          {p.emptyText}
        </p>
      )}
    </div>
  );
}

export const normalize = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
