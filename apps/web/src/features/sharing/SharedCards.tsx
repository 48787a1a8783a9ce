// Cards for the two sharing places: albums (and one-photo shares) I share, with how many people
// and whether a public link exists, and what others share with me, from whom and in which role.
// The cover, name and counts are the album cards' own (features/albums/AlbumGrid.tsx); these
// cards add the sharing facts and, for mine, "Manage sharing".
import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { AlbumSummary } from '../../shared/types.ts';
import { AlbumCover, albumName, photoCount, roleLabel } from '../albums/AlbumGrid.tsx';
import { people } from './emails.ts';

export function SharedCardList({ albums, label, action }: {
  albums: readonly AlbumSummary[];
  label: string;
  /** An action under each card (e.g. "Manage sharing"). */
  action?: (a: AlbumSummary) => ReactNode;
}) {
  return (
    <ul className="shared-grid" aria-label={label}>
      {albums.map((a) => <SharedCard key={a.albumId} album={a} {...(action ? { action: action(a) } : {})} />)}
    </ul>
  );
}

function SharedCard({ album, action }: { album: AlbumSummary; action?: ReactNode }) {
  const nameId = useId();
  const factsId = useId();
  const mine = album.myRole === 'owner';
  const name = album.kind === 'photo' && !album.name ? 'Photo' : albumName(album);
  return (
    <li className="shared-card">
      <Link to={`/albums/${album.albumId}`} className="shared-card-link" aria-labelledby={nameId} aria-describedby={factsId}>
        <AlbumCover album={album} />
        <span id={nameId} className="shared-card-name">
          {album.kind === 'photo' && <span className="sr-only">Photo: </span>}{name}
        </span>
      </Link>
      <p id={factsId} className="shared-card-facts">
        {album.kind === 'photo' ? <span className="badge badge-kind">Photo</span> : <span>{photoCount(album.itemCount)}</span>}
        {mine ? (
          <>
            <span>{album.memberCount > 0 ? `Shared with ${people(album.memberCount)}` : 'No people'}</span>
            {album.linkCount > 0 && <span className="badge badge-link">{album.linkCount === 1 ? 'Public link' : `${album.linkCount} public links`}</span>}
          </>
        ) : (
          <>
            <span className="badge">{roleLabel(album.myRole)}</span>
            <span>from {album.owner.displayName}</span>
          </>
        )}
        {album.trust === 'refused' && <span className="badge badge-problem" title={album.problem}>Refused</span>}
        {album.trust === 'awaiting-owner-setup' && <span className="badge badge-problem" title={album.problem}>Read-only</span>}
      </p>
      {action && <div className="shared-card-action">{action}</div>}
    </li>
  );
}
