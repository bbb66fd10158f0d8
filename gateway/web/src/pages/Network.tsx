import { useEffect, useState } from 'preact/hooks';
import { Colleague, displayName, profiles } from '../api/profiles';
import { Alert, errorText, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';

type Data = {
  requests: { colleague: Colleague; message?: string }[];
  connections: { colleague: Colleague }[];
  suggestions: { colleague: Colleague; reasons?: string[] }[];
};

function Who({ c }: { c: Colleague }) {
  return (
    <>
      <a href={`/medecins/${c.profileId}`}>{displayName(c)}</a>
      <span class="meta"> · {c.specialtyLabel}</span>
    </>
  );
}

export function Network() {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    Promise.all([profiles.requests(), profiles.connections(), profiles.suggestions()])
      .then(([r, c, s]) => setData({ requests: r.requests ?? [], connections: c.connections ?? [], suggestions: s.suggestions ?? [] }))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);
  const respond = (id: string, accept: boolean) => async () => {
    try {
      await profiles.respond(id, accept);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <PageTitle text={t.network.title} />
      {error && <Alert>{error}</Alert>}
      {!data ? (
        !error && <Loading />
      ) : (
        <>
          <h2>{t.network.requestsTitle}</h2>
          {data.requests.length === 0 ? (
            <p>{t.network.noRequests}</p>
          ) : (
            <ul class="case-list">
              {data.requests.map((r) => (
                <li key={r.colleague.profileId} class="case-item">
                  <Who c={r.colleague} />
                  {r.message && <p class="pre">{r.message}</p>}
                  <div class="actions">
                    <button type="button" class="primary" onClick={respond(r.colleague.profileId, true)}>
                      {t.network.accept}
                    </button>
                    <button type="button" class="secondary" onClick={respond(r.colleague.profileId, false)}>
                      {t.network.decline}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <h2>{t.network.connectionsTitle}</h2>
          {data.connections.length === 0 ? (
            <p>{t.network.noConnections}</p>
          ) : (
            <ul class="case-list">
              {data.connections.map((c) => (
                <li key={c.colleague.profileId} class="case-item">
                  <Who c={c.colleague} />
                </li>
              ))}
            </ul>
          )}
          <h2>{t.network.suggestionsTitle}</h2>
          {data.suggestions.length === 0 ? (
            <p>{t.network.noSuggestions}</p>
          ) : (
            <ul class="case-list">
              {data.suggestions.map((s) => (
                <li key={s.colleague.profileId} class="case-item">
                  <Who c={s.colleague} />
                  {s.reasons && s.reasons.length > 0 && <p class="meta">{s.reasons.map((r) => t.network.reasons[r] ?? r).join(', ')}</p>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
