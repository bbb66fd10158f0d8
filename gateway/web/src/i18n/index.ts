import { en } from './en';
import { fr, Catalogue } from './fr';

// Two catalogues with the same keys (en is typed as fr's Catalogue). French first: a first visit
// is in French; the choice made with the header's language switch is kept in localStorage and
// applied at start-up. `t` is a live binding: components read it while rendering, so switching
// re-renders the app (see App) and every page speaks the new language without a reload.
export type Lang = 'fr' | 'en';
const catalogues: Record<Lang, Catalogue> = { fr, en };
const STORAGE_KEY = 'meltingdoc.lang';

function stored(): Lang {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'fr' ? v : 'fr';
  } catch {
    return 'fr'; // storage refused (privacy settings): French
  }
}

export let lang: Lang = stored();
export let t: Catalogue = catalogues[lang];
document.documentElement.lang = lang;

const listeners = new Set<() => void>();
export function onLangChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function setLang(next: Lang): void {
  lang = next;
  t = catalogues[next];
  document.documentElement.lang = next;
  try {
    window.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not kept across reloads; this page still switches.
  }
  listeners.forEach((l) => l());
}
