// Pick an album (or create one) and add the given photos of my library to it (from the timeline's selection).
import { useEffect, useState } from 'react';
import { proxy, worker } from '../../client/worker.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { ErrorMessage, ProgressBar } from '../../ui/bits.tsx';
import { notify } from '../../ui/notices.tsx';
import { AlbumCover } from './AlbumGrid.tsx';
import { albumName, photoCount, roleLabel } from './words.ts';
import { NewAlbumForm } from './NewAlbumDialog.tsx';
import './albums.css';

/** Albums I may add to: mine or as an editor, verified (an album awaiting its owner's setup or refused takes nothing). */
const canAddTo = (a: AlbumSummary) => a.kind === 'album' && (a.myRole === 'owner' || a.myRole === 'editor') && a.trust === 'verified';

export function AddToAlbumDialog(props: { fileIds: readonly string[]; open: boolean; onClose: () => void; onDone?: (albumId: string) => void }) {
  const [albums, setAlbums] = useState<AlbumSummary[]>();
  const [error, setError] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState<{ album: AlbumSummary; done: number; total: number }>();

  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setAlbums(undefined); setError(undefined); setAdding(undefined); setCreating(false);
    worker.albums.list().then((l) => { if (live) setAlbums(l.filter(canAddTo)); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [props.open]);

  async function addTo(album: AlbumSummary) {
    const ids = [...props.fileIds];
    setAdding({ album, done: 0, total: ids.length });
    setError(undefined);
    try {
      const added = await worker.albums.addPhotos(album.albumId, ids, proxy((done: number, total: number) => setAdding({ album, done, total })));
      const already = ids.length - added;
      notify(`${photoCount(added)} added to “${albumName(album)}”${already > 0 ? ` (${already} ${already === 1 ? 'was' : 'were'} already in it)` : ''}`);
      props.onDone?.(album.albumId);
      props.onClose();
    } catch (e) {
      setError(e);
      setAdding(undefined);
    }
  }

  const n = props.fileIds.length;
  return (
    <Dialog title={creating ? 'New album' : `Add ${photoCount(n)} to an album`} open={props.open} onClose={props.onClose}>
      {creating && !adding ? (
        <NewAlbumForm submitLabel={`Create and add ${photoCount(n)}`} onCancel={() => setCreating(false)}
          onCreated={(a) => { setCreating(false); void addTo(a); }} />
      ) : adding ? (
        <div role="status">
          <p>Adding to “{albumName(adding.album)}”…</p>
          <ProgressBar value={adding.done} max={adding.total} label="Adding photos" />
          <p className="hint">{adding.done} of {photoCount(adding.total)} (only keys are re-wrapped; nothing is uploaded again)</p>
        </div>
      ) : (
        <>
          <ErrorMessage error={error} />
          {albums === undefined && !error && <p role="status">Loading your albums…</p>}
          {albums !== undefined && albums.length === 0 && <p>You have no album you can add to yet.</p>}
          {albums !== undefined && albums.length > 0 && (
            <ul className="album-choices" aria-label="Albums you can add to">
              {albums.map((a) => (
                <li key={a.albumId}>
                  <button type="button" className="album-choice" onClick={() => void addTo(a)} aria-label={`Add to ${albumName(a)}`}>
                    <AlbumCover album={a} size="small" />
                    <span>
                      {albumName(a)}
                      <small>{photoCount(a.itemCount)}{a.myRole !== 'owner' ? ` · ${roleLabel(a.myRole)}, from ${a.owner.displayName}` : ''}</small>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button" onClick={() => setCreating(true)}>New album…</button>
        </>
      )}
    </Dialog>
  );
}
