// A grid of album cards (cover, name, count, badges). Used by My albums, Shared and Shared with me.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { worker } from '../../client/worker.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import { Empty } from '../../ui/bits.tsx';
import { notify } from '../../ui/notices.tsx';
import { ShareDialog } from '../sharing/ShareDialog.tsx';
import { LeaveAlbumDialog } from './AlbumDialogs.tsx';
import { MoreMenu, type MenuItem } from './Menu.tsx';
import { albumName, photoCount, roleLabel } from './words.ts';
import './albums.css';

export { albumName, photoCount, roleLabel } from './words.ts';

/**
 * The cover picture of an album, asked for when the card comes near the screen; its blob URL
 * is revoked when the card goes away. `version` changes when the cover may have changed.
 */
export function AlbumCover({ album, size = 'card' }: { album: AlbumSummary; size?: 'card' | 'small' }) {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  const [url, setUrl] = useState<string | null>();
  const version = `${album.albumId}|${album.coverFileId ?? ''}|${album.itemCount}`;

  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === 'undefined') { setNear(true); return; }
    const io = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) setNear(true); }, { rootMargin: '400px' });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);

  useEffect(() => {
    if (!near) return;
    let live = true;
    let made: string | undefined;
    setUrl(undefined);
    worker.albums.cover(album.albumId).then((blob) => {
      if (!live) return;
      made = blob ? URL.createObjectURL(blob) : undefined;
      setUrl(made ?? null);
    }, () => { if (live) setUrl(null); });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [near, version, album.albumId]);

  const loading = url === undefined && album.itemCount > 0 && album.trust !== 'refused';
  return (
    <div ref={ref} className={`album-cover${loading ? ' album-cover-loading' : ''}`}>
      {url
        ? <img src={url} alt={size === 'card' ? `Cover of “${albumName(album)}”` : ''} />
        : !loading && <span aria-hidden="true">▣</span>}
    </div>
  );
}

function AlbumCard({ album, onShare, onLeave }: { album: AlbumSummary; onShare: () => void; onLeave: () => void }) {
  const nameId = useId();
  const metaId = useId();
  const shared = album.myRole !== 'owner';
  // [Note: the card's menu] the seed's "⋮ next to an album": Share album (owner), Leave album (others).
  const menu: MenuItem[] = shared
    ? [{ label: 'Leave album', onSelect: onLeave, danger: true }]
    : album.trust === 'verified' ? [{ label: 'Share album', onSelect: onShare }] : [];
  return (
    <li className="album-card-wrap">
      <Link to={`/albums/${album.albumId}`} className="album-card" aria-labelledby={nameId} aria-describedby={metaId}>
        <AlbumCover album={album} />
        <span id={nameId} className="album-card-name">{albumName(album)}</span>
        <span id={metaId} className="album-card-meta">
          <span>{photoCount(album.itemCount)}</span>
          {album.sharedByMe && <span className="badge badge-shared">Shared</span>}
          {shared && <span className="badge">{roleLabel(album.myRole)}</span>}
          {shared && <span>from {album.owner.displayName}</span>}
          {album.trust === 'refused' && <span className="badge badge-problem">Refused</span>}
          {album.trust === 'awaiting-owner-setup' && <span className="badge badge-problem">Read-only</span>}
        </span>
      </Link>
      <div className="album-card-menu">
        <MoreMenu items={menu} label={`Actions for “${albumName(album)}”`} compact />
      </div>
    </li>
  );
}

/**
 * Album cards. `emptyAction`: what to offer when there is none (e.g. a hint). `onChanged`: called
 * after something done from a card's menu may have changed the list (shared, left).
 */
export function AlbumGrid({ albums, emptyText, emptyAction, onChanged }: {
  albums: readonly AlbumSummary[]; emptyText: string; emptyAction?: ReactNode; onChanged?: () => void;
}) {
  const [sharing, setSharing] = useState<string>();
  const [leaving, setLeaving] = useState<AlbumSummary>();
  if (albums.length === 0) return <Empty title={emptyText}>{emptyAction}</Empty>;
  return (
    <>
      <ul className="album-grid" aria-label="Albums">
        {albums.map((a) => <AlbumCard key={a.albumId} album={a} onShare={() => setSharing(a.albumId)} onLeave={() => setLeaving(a)} />)}
      </ul>
      {sharing && <ShareDialog target={{ kind: 'album', albumId: sharing }} open onClose={() => { setSharing(undefined); onChanged?.(); }} />}
      {leaving && (
        <LeaveAlbumDialog album={leaving} open onClose={() => setLeaving(undefined)}
          onLeft={(saved) => {
            notify(`You left “${albumName(leaving)}”${saved > 0 ? `; ${photoCount(saved)} saved to your library` : ''}`);
            setLeaving(undefined);
            onChanged?.();
          }} />
      )}
    </>
  );
}

/** The grid's loading state: card-shaped placeholders. */
export function AlbumGridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <div className="album-grid album-skeleton" role="status" aria-label="Loading albums">
      {Array.from({ length: count }, (_, i) => <div key={i} className="skeleton-tile" />)}
    </div>
  );
}
