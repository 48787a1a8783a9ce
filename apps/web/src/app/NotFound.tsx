import { Link } from 'react-router';

export function NotFound() {
  return (
    <div className="empty">
      <h1>Nothing here</h1>
      <p>This address does not name a page of Obscura. <Link to="/photos">Go to your photos</Link>.</p>
    </div>
  );
}
