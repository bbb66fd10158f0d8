import { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api/client';
import { t } from '../i18n';

/** The page's heading: sets the document title and takes the focus after a navigation, so a
 *  screen reader announces the new page. */
export function PageTitle({ children, text }: { children?: ComponentChildren; text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} · ${t.app.name}`;
    ref.current?.focus({ preventScroll: false });
  }, [text]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children ?? text}
    </h1>
  );
}

/** Turns any thrown error into a sentence for the user. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0 || e.status >= 500) return t.app.error;
    if (e.status === 403) return t.app.forbidden;
    return e.message || t.app.error;
  }
  if (e instanceof TypeError) return t.app.networkError;
  return t.app.error;
}

export function Alert({ children, kind = 'error' }: { children: ComponentChildren; kind?: 'error' | 'success' | 'info' }) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The list of a form's errors, each linking to its field; focused when it appears. */
export function ErrorSummary({ errors }: { errors: { id: string; text: string }[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) ref.current?.focus();
  }, [errors.map((e) => e.id + e.text).join('|')]);
  if (!errors.length) return null;
  return (
    <div class="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
      <p>{t.app.errorSummary}</p>
      <ul>
        {errors.map((e) => (
          <li key={e.id}>
            <a href={`#${e.id}`}>{e.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput' | 'value' | 'label'> & {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string;
};

export function TextField({ id, label, value, onValue, hint, error, ...rest }: InputProps) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        id={id}
        name={id}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t.app.loading}
    </p>
  );
}

export function formatDate(iso?: string): string {
  return t.dates.format(iso);
}
