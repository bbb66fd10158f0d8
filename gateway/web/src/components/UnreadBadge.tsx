import { useEffect, useState } from 'preact/hooks';
import { discussions } from '../api/discussions';
import { t } from '../i18n';

const POLL_MS = 60_000;
const listeners = new Set<() => void>();
/** Asks every badge to count again (after marking notifications read). */
export function notifyUnreadChanged(): void {
  listeners.forEach((l) => l());
}

/** The header link to notifications, with the unread count (polled, and on navigation). */
export function UnreadBadge({ path }: { path: string }) {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const count = () =>
      discussions
        .unreadCount()
        .then((r) => live && setUnread(Number(r.unread ?? 0)))
        .catch(() => undefined);
    count();
    listeners.add(count);
    const timer = window.setInterval(count, POLL_MS);
    return () => {
      live = false;
      listeners.delete(count);
      window.clearInterval(timer);
    };
  }, [path]);
  return (
    <a href="/notifications" aria-current={path === '/notifications' ? 'page' : undefined}>
      {t.nav.notifications}
      {unread > 0 && (
        <>
          <span class="count" id="unread-count">
            {unread}
          </span>
          <span class="sr-only">{t.nav.unreadSuffix(unread)}</span>
        </>
      )}
    </a>
  );
}
