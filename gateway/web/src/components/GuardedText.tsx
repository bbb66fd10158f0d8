import { useEffect, useRef, useState } from 'preact/hooks';
import { discussions, Finding } from '../api/discussions';
import { t } from '../i18n';
import { excerpt, segments } from './guard';

const DEBOUNCE_MS = 350;

interface Props {
  id: string;
  label: string;
  /** The request field the server checks, e.g. "case.body.context". */
  field: string;
  value: string;
  onValue: (v: string) => void;
  /** Called with this field's findings for the current text ([] when clean). */
  onFindings: (field: string, findings: Finding[] | null) => void;
  rows?: number;
  required?: boolean;
  maxLength?: number;
  hint?: string;
  error?: string;
  singleLine?: boolean;
}

/**
 * A textarea checked by the patient-data guard as the doctor types (CheckText, debounced).
 * Each refused span is highlighted in place, by a mirror of the text drawn behind the
 * transparent textarea, and listed below with the guard's suggestion; the list is what
 * assistive technologies read (the mirror is aria-hidden).
 */
export function GuardedText(p: Props) {
  const [checked, setChecked] = useState<{ text: string; findings: Finding[] } | null>(null);
  const [checking, setChecking] = useState(false);
  const backdrop = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const text = p.value;
    if (text.trim() === '') {
      setChecked({ text, findings: [] });
      p.onFindings(p.field, []);
      return;
    }
    p.onFindings(p.field, null);
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setChecking(true);
      discussions
        .checkText(text, p.field, controller.signal)
        .then((r) => {
          const findings = r.findings ?? [];
          setChecked({ text, findings });
          p.onFindings(p.field, findings);
        })
        .catch(() => {
          // Aborted by newer text, or the server is unreachable: the write checks again.
        })
        .finally(() => {
          if (!controller.signal.aborted) setChecking(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [p.value]);

  const current = checked && checked.text === p.value ? checked.findings : null;
  const shown = current ?? [];
  const syncScroll = () => {
    if (backdrop.current && area.current) backdrop.current.scrollTop = area.current.scrollTop;
  };
  const findingsId = `${p.id}-findings`;
  const describedBy = [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : '', findingsId]
    .filter(Boolean)
    .join(' ');

  return (
    <div class={`field guarded-field${shown.length || p.error ? ' field-invalid' : ''}`}>
      <label for={p.id}>
        {p.label}
        {p.required && <span class="required"> ({t.app.required})</span>}
      </label>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.error && (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      )}
      <div class={`guarded${p.singleLine ? ' guarded-single' : ''}`}>
        <div class="guarded-backdrop" aria-hidden="true" ref={backdrop}>
          {segments(p.value, shown).map((s, i) =>
            s.finding ? (
              <mark key={i} class="phi-mark" data-category={s.finding.category}>
                {s.text}
              </mark>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )}
          {'\n\u200b'}
        </div>
        <textarea
          id={p.id}
          name={p.id}
          ref={area}
          class="guarded-input"
          rows={p.rows ?? 4}
          value={p.value}
          required={p.required}
          maxLength={p.maxLength}
          spellcheck={true}
          aria-invalid={shown.length || p.error ? 'true' : undefined}
          aria-describedby={describedBy}
          onInput={(e) => {
            let v = (e.currentTarget as HTMLTextAreaElement).value;
            if (p.singleLine) v = v.replace(/\n/g, ' ');
            p.onValue(v);
          }}
          onKeyDown={(e) => {
            if (p.singleLine && e.key === 'Enter') e.preventDefault();
          }}
          onScroll={syncScroll}
        />
      </div>
      <div id={findingsId} class="findings" aria-live="polite">
        {shown.length > 0 && (
          <ul>
            {shown.map((f, i) => (
              <li key={i} class="finding">
                <strong>
                  {t.editor.finding(t.editor.categories[f.category] ?? f.category, excerpt(p.value, f))}
                </strong>{' '}
                — {f.suggestion}
              </li>
            ))}
          </ul>
        )}
        {checking && current === null && <p class="hint">{t.editor.checking}</p>}
      </div>
    </div>
  );
}
