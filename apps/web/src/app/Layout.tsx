// The logged-in frame: navigation (a side bar on wide screens, a bottom bar on phones), the
// page, and the notices. Screens add their own actions in their page header.
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import { useAuth, insecureFastKdf } from './auth.tsx';
import { Notices } from '../ui/notices.tsx';
import { UploadProvider } from '../features/upload/index.tsx';

const NAV = [
  { to: '/photos', label: 'Photos', icon: '▦' },
  { to: '/albums', label: 'Albums', icon: '▣' },
  { to: '/shared', label: 'Shared', icon: '⇪' },
  { to: '/shared-with-me', label: 'Shared with me', icon: '⇩' },
  { to: '/settings', label: 'Settings', icon: '⚙' },
] as const;

export function DevWarning() {
  if (!insecureFastKdf) return null;
  return <p className="dev-warning" role="note">Test setting on: weak password stretching. Never use this browser profile for a real account.</p>;
}

export function Layout() {
  const auth = useAuth();
  const location = useLocation();
  if (auth.status === 'loading') return <div className="splash" role="status">Opening Obscura…</div>;
  if (auth.status === 'out') {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return (
    <UploadProvider>
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <nav className="nav" aria-label="Main">
        <div className="brand" aria-hidden="true">Obscura</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <NavLink to={n.to} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                <span className="nav-icon" aria-hidden="true">{n.icon}</span>
                <span className="nav-label">{n.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="nav-user">
          <span className="nav-user-name" title={auth.user?.email}>{auth.user?.displayName}</span>
          <button type="button" className="link-button" onClick={() => void auth.logout()}>Log out</button>
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <DevWarning />
        <Outlet />
      </main>
      <Notices />
    </div>
    </UploadProvider>
  );
}

/** Screens for people not logged in (log in, sign up, recover). */
export function PublicLayout() {
  return (
    <div className="public">
      <main id="main" className="public-main">
        <DevWarning />
        <Outlet />
      </main>
      <Notices />
    </div>
  );
}
