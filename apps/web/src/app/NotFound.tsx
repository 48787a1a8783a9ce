import { Link, useLocation } from 'react-router';

/** An address inside the app that names no page (a typo, or an old link). */
export function NotFound() {
  const location = useLocation();
  return (
    <div className="empty not-found">
      <h1>Page not found</h1>
      <p>Nothing in Obscura lives at <code>{location.pathname}</code>. The link may be mistyped, or the page was moved.</p>
      <p className="row not-found-links">
        <Link className="button button-primary" to="/photos">Go to your photos</Link>
        <Link className="button" to="/albums">Your albums</Link>
      </p>
    </div>
  );
}
