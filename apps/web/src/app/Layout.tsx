// The logged-in frame: navigation (a side bar on wide screens, a bottom bar on phones), the
// page, and the notices. Screens add their own actions in their page header.
import { useEffect } from 'react';
import { NavLink, Navigate, Outlet, useLocation } from 'react-router';
import { useAuth, insecureFastKdf } from './auth.tsx';
import { Notices } from '../ui/notices.tsx';
import { UploadProvider } from '../features/upload/index.tsx';
import { ToFinishNotice } from '../features/sharing/External.tsx';
import { checkToFinish, resetToFinish } from '../features/sharing/toFinish.ts';

// [Note: phone navigation] At ≤720 px the side bar becomes a bottom bar of five equal tabs
// (icon over a short label: 78 px each at 390 px, tap targets ≥ 56 px tall) above the home
// indicator (safe-area inset). Each link keeps its full name for assistive technology
// ("Shared with me"), which contains the short label shown ("With me"). The name and Log out,
// which do not fit there, are in Settings.
const NAV = [
  { to: '/photos', label: 'Photos', short: 'Photos', icon: 'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v9.6l4.3-4.3a1 1 0 0 1 1.4 0l3.8 3.8 2.3-2.3a1 1 0 0 1 1.4 0L20 15.6V6zm11.5 1.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4z' },
  { to: '/albums', label: 'Albums', short: 'Albums', icon: 'M7 3h13a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm1 2v9.2l3-3 2.5 2.5 2-2 2.5 2.5V5zM3 7h1v13h13v1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z' },
  { to: '/shared', label: 'Shared', short: 'Shared', icon: 'M18 2a3 3 0 1 1-2.8 4.1L8.9 9.3a3 3 0 0 1 0 1.4l6.3 3.2A3 3 0 1 1 15 15.5l-6.3-3.2a3 3 0 1 1 0-4.6L15 4.5A3 3 0 0 1 18 2zm0 2a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM6 9a1 1 0 1 0 0 2 1 1 0 0 0 0-2zm12 6a1 1 0 1 0 0 2 1 1 0 0 0 0-2z' },
  { to: '/shared-with-me', label: 'Shared with me', short: 'With me', icon: 'M12 3a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 8c4.4 0 8 2 8 5v3H4v-3c0-3 3.6-5 8-5zm0 2c-3.4 0-6 1.4-6 3v1h12v-1c0-1.6-2.6-3-6-3z' },
  { to: '/settings', label: 'Settings', short: 'Settings', icon: 'M10.3 2h3.4l.5 2.6a7.5 7.5 0 0 1 1.8 1l2.5-.9 1.7 2.9-2 1.8a7.6 7.6 0 0 1 0 2.1l2 1.8-1.7 2.9-2.5-.9a7.5 7.5 0 0 1-1.8 1l-.5 2.6h-3.4l-.5-2.6a7.5 7.5 0 0 1-1.8-1l-2.5.9-1.7-2.9 2-1.8a7.6 7.6 0 0 1 0-2.1l-2-1.8 1.7-2.9 2.5.9a7.5 7.5 0 0 1 1.8-1zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z' },
] as const;

function NavIcon({ d }: { d: string }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path fill="currentColor" fillRule="evenodd" d={d} />
    </svg>
  );
}

export function DevWarning() {
  if (!insecureFastKdf) return null;
  return <p className="dev-warning" role="note">Test setting on: weak password stretching. Never use this browser profile for a real account.</p>;
}

export function Layout() {
  const auth = useAuth();
  const location = useLocation();
  const userId = auth.status === 'in' ? auth.user?.id : undefined;
  // Once per sign-in (or reload): did people I invited sign up and wait for me to finish sharing?
  useEffect(() => {
    if (!userId) return;
    void checkToFinish();
    return () => resetToFinish();
  }, [userId]);
  if (auth.status === 'loading') return <div className="splash" role="status"><img src="/icon.svg" alt="" width="56" height="56" />Opening Obscura…</div>;
  if (auth.status === 'out') {
    const next = location.pathname + location.search;
    // An invitation mail links to /invitations/<id>?email=<invitee>: log in (or sign up) with that email pre-filled.
    const email = new URLSearchParams(location.search).get('email');
    const query = [next && next !== '/' ? `next=${encodeURIComponent(next)}` : '', email ? `email=${encodeURIComponent(email)}` : ''].filter(Boolean).join('&');
    return <Navigate to={`/login${query ? `?${query}` : ''}`} replace />;
  }
  return (
    <UploadProvider>
      <div className="app">
        <a className="skip-link" href="#main">Skip to content</a>
        <nav className="nav" aria-label="Main">
          <div className="brand" aria-hidden="true"><img src="/icon.svg" alt="" width="28" height="28" />Obscura</div>
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} aria-label={n.label} className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`}>
                  <NavIcon d={n.icon} />
                  <span className="nav-label">{n.label}</span>
                  <span className="nav-label-short" aria-hidden="true">{n.short}</span>
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="nav-user">
            <span className="nav-user-name" title={auth.user?.email}>{auth.user?.displayName}</span>
            <span className="nav-user-email">{auth.user?.email}</span>
            <button type="button" className="link-button" onClick={() => void auth.logout()}>Log out</button>
          </div>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <DevWarning />
          <ToFinishNotice />
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
