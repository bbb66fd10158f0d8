import { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { setSession } from './api/client';
import { identity } from './api/identity';
import { UnreadBadge } from './components/UnreadBadge';
import { Alert, PageTitle } from './components/ui';
import { lang, onLangChange, setLang, t } from './i18n';
import { Account } from './pages/Account';
import { CaseEditor } from './pages/CaseEditor';
import { CaseList } from './pages/CaseList';
import { CasePage } from './pages/CasePage';
import { Confirm } from './pages/Confirm';
import { Login } from './pages/Login';
import { Moderation } from './pages/Moderation';
import { Notifications } from './pages/Notifications';
import { SignUp } from './pages/SignUp';
import { Spaces } from './pages/Spaces';
import { Verification } from './pages/Verification';
import { ProfileEditor } from './pages/ProfileEditor';
import { ColleagueProfile } from './pages/ColleagueProfile';
import { Network } from './pages/Network';
import { Search } from './pages/Search';
import { Groups } from './pages/Groups';
import { GroupPage } from './pages/GroupPage';
import { isModerator, isVerified, useClaims } from './session';

type Need = 'session' | 'verified' | 'moderator';

/** Renders `page` when the caller may see it; otherwise the way there. */
function guarded(page: ComponentType, need: Need): ComponentType {
  return function Guarded() {
    const claims = useClaims();
    const { route, url } = useLocation();
    useEffect(() => {
      if (!claims) route(`/connexion?suite=${encodeURIComponent(url)}`, true);
    }, [claims]);
    if (!claims) return null;
    if (need === 'verified' && !isVerified(claims)) {
      return (
        <section>
          <PageTitle text={t.app.needVerified} />
          <p>{t.account.pendingExplain}</p>
          <p>
            <a href="/verification">{t.nav.verification}</a>
          </p>
        </section>
      );
    }
    if (need === 'moderator' && !isModerator(claims)) {
      return (
        <section>
          <PageTitle text={t.app.forbidden} />
        </section>
      );
    }
    const Page = page;
    return <Page />;
  };
}

function Home() {
  const claims = useClaims();
  const { route } = useLocation();
  useEffect(() => {
    route(!claims ? '/connexion' : isVerified(claims) ? '/espaces' : '/verification', true);
  }, [claims]);
  return null;
}

function NotFound() {
  return (
    <section>
      <PageTitle text={t.app.notFoundTitle} />
      <p>{t.app.notFoundText}</p>
      <p>
        <a href="/">{t.app.backHome}</a>
      </p>
    </section>
  );
}

/** Offers the other language, named in that language (and marked with its `lang`, so a screen
 *  reader pronounces it right). The choice is kept in localStorage (see i18n). */
function LangSwitch() {
  const other = t.meta.otherLang as 'fr' | 'en';
  return (
    <button type="button" class="lang-switch" lang={other} onClick={() => setLang(other)}>
      {t.meta.otherName}
    </button>
  );
}

function Header() {
  const claims = useClaims();
  const { path, route } = useLocation();
  const current = (p: string) => (path === p || (p !== '/' && path.startsWith(p + '/')) ? 'page' : undefined);
  // On a phone the navigation folds behind a "Menu" button (a disclosure); it closes after
  // each navigation. From 48 rem up it is always shown and the button is hidden.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const logout = async () => {
    try {
      await identity.logout();
    } catch {
      // The session is dropped here whatever the server answered.
    }
    setSession(null);
    route('/connexion');
  };
  return (
    <header class="site-header">
      <a class="skip-link" href="#main">
        {t.app.skip}
      </a>
      <div class="header-inner">
        <a class="brand" href="/">
          {t.app.name}
        </a>
        <LangSwitch />
        <button type="button" class="menu-toggle" aria-expanded={menuOpen ? 'true' : 'false'} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t.nav.menu}
        </button>
        <nav aria-label={t.app.mainNav} id="main-nav" class={menuOpen ? 'open' : ''}>
          <ul>
            {claims ? (
              <>
                {isVerified(claims) && (
                  <>
                    <li>
                      <a href="/espaces" aria-current={current('/espaces')}>
                        {t.nav.spaces}
                      </a>
                    </li>
                    <li>
                      <a href="/recherche" aria-current={current('/recherche')}>
                        {t.nav.search}
                      </a>
                    </li>
                    <li>
                      <a href="/reseau" aria-current={current('/reseau')}>
                        {t.nav.network}
                      </a>
                    </li>
                    <li>
                      <a href="/groupes" aria-current={current('/groupes')}>
                        {t.nav.groups}
                      </a>
                    </li>
                    <li>
                      <UnreadBadge path={path} />
                    </li>
                    <li>
                      <a href="/profil" aria-current={current('/profil')}>
                        {t.nav.profile}
                      </a>
                    </li>
                  </>
                )}
                {!isVerified(claims) && (
                  <li>
                    <a href="/verification" aria-current={current('/verification')}>
                      {t.nav.verification}
                    </a>
                  </li>
                )}
                {isModerator(claims) && (
                  <li>
                    <a href="/moderation" aria-current={current('/moderation')}>
                      {t.nav.moderation}
                    </a>
                  </li>
                )}
                <li>
                  <a href="/compte" aria-current={current('/compte')}>
                    {t.nav.account}
                  </a>
                </li>
                <li>
                  <button type="button" class="link" onClick={logout}>
                    {t.nav.logout}
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <a href="/connexion" aria-current={current('/connexion')}>
                    {t.nav.login}
                  </a>
                </li>
                <li>
                  <a href="/inscription" aria-current={current('/inscription')}>
                    {t.nav.signup}
                  </a>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

const SpacesPage = guarded(Spaces, 'verified');
const CaseListPage = guarded(CaseList, 'verified');
const CaseEditorPage = guarded(CaseEditor, 'verified');
const CaseViewPage = guarded(CasePage, 'verified');
const NotificationsPage = guarded(Notifications, 'verified');
const ModerationPage = guarded(Moderation, 'moderator');
const ProfileEditorPage = guarded(ProfileEditor, 'verified');
const ColleaguePage = guarded(ColleagueProfile, 'verified');
const NetworkPage = guarded(Network, 'verified');
const SearchPage = guarded(Search, 'verified');
const GroupsPage = guarded(Groups, 'verified');
const GroupViewPage = guarded(GroupPage, 'verified');
const AccountPage = guarded(Account, 'session');
const VerificationPage = guarded(Verification, 'session');

export function App() {
  // A language switch re-renders everything from here: every component reads `t` as it renders.
  // The router keeps its rendered page (preact-iso), so the pages are remounted under a new key:
  // they load again in the new language (a form being typed is lost: the switch is in the header,
  // chosen once, not mid-form).
  const [shown, setShown] = useState(lang);
  useEffect(() => onLangChange(() => setShown(lang)), []);
  return (
    <LocationProvider>
      <Header />
      <main id="main" tabIndex={-1}>
        <noscript>
          <Alert>{t.app.error}</Alert>
        </noscript>
        <Router key={shown}>
          <Route path="/" component={Home} />
          <Route path="/inscription" component={SignUp} />
          <Route path="/confirmation" component={Confirm} />
          <Route path="/connexion" component={Login} />
          <Route path="/compte" component={AccountPage} />
          <Route path="/verification" component={VerificationPage} />
          <Route path="/espaces" component={SpacesPage} />
          <Route path="/espaces/:id" component={CaseListPage} />
          <Route path="/cas/nouveau" component={CaseEditorPage} />
          <Route path="/cas/:id/modifier" component={CaseEditorPage} />
          <Route path="/cas/:id" component={CaseViewPage} />
          <Route path="/notifications" component={NotificationsPage} />
          <Route path="/moderation" component={ModerationPage} />
          <Route path="/profil" component={ProfileEditorPage} />
          <Route path="/medecins/:id" component={ColleaguePage} />
          <Route path="/reseau" component={NetworkPage} />
          <Route path="/recherche" component={SearchPage} />
          <Route path="/groupes" component={GroupsPage} />
          <Route path="/groupes/:id" component={GroupViewPage} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </LocationProvider>
  );
}
