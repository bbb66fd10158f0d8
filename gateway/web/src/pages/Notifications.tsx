import { useEffect, useState } from 'preact/hooks';
import { discussions, Notification } from '../api/discussions';
import { Alert, errorText, formatDate, Loading, PageTitle } from '../components/ui';
import { t } from '../i18n';
import { notifyUnreadChanged } from '../components/UnreadBadge';

export function Notifications() {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    discussions
      .listNotifications()
      .then((r) => setItems(r.notifications ?? []))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
  }, []);
  const markAll = async () => {
    try {
      await discussions.markRead();
      notifyUnreadChanged();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <PageTitle text={t.notifications.title} />
      {error && <Alert>{error}</Alert>}
      {items === null && !error ? (
        <Loading />
      ) : items && items.length === 0 ? (
        <p>{t.notifications.empty}</p>
      ) : (
        <>
          <button type="button" class="secondary" onClick={markAll}>
            {t.notifications.markAll}
          </button>
          <ul class="notification-list">
            {(items ?? []).map((n) => (
              <li key={n.notificationId} class={n.read ? '' : 'unread'}>
                <p>
                  {!n.read && <span class="badge">{t.notifications.unread}</span>}{' '}
                  {n.kind === 'NOTIFICATION_KIND_REPLY_ACCEPTED' ? t.notifications.accepted : t.notifications.newReply}
                </p>
                <p class="meta">
                  {formatDate(n.createTime)} · <a href={`/cas/${n.caseId}`}>{t.notifications.open}</a>
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
