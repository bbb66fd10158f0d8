import { useEffect, useState } from 'preact/hooks';
import { displayName, profiles } from './api/profiles';

// Doctors' names by account id, fetched with BatchGetProfiles (100 at a time) and kept for the
// page's life; an id without a profile maps to "" (shown as "un confrère").
const known = new Map<string, string>();

export function useNames(ids: (string | undefined)[]): Map<string, string> {
  const wanted = Array.from(new Set(ids.filter((i): i is string => !!i)));
  const key = wanted.join(',');
  const [, setVersion] = useState(0);
  useEffect(() => {
    const missing = wanted.filter((i) => !known.has(i));
    if (!missing.length) return;
    let live = true;
    (async () => {
      for (let i = 0; i < missing.length; i += 100) {
        const chunk = missing.slice(i, i + 100);
        try {
          const r = await profiles.batchGet(chunk);
          for (const id of chunk) known.set(id, '');
          for (const p of r.profiles ?? []) known.set(p.profileId, displayName(p));
        } catch {
          return; // names are a nicety: the page works without them
        }
      }
      if (live) setVersion((v) => v + 1);
    })();
    return () => {
      live = false;
    };
  }, [key]);
  return known;
}
