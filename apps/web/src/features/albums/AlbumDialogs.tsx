// The album page's dialogs: rename, delete (naming what is lost), leave (save first), remove
// photos, and the picker that adds photos of my timeline.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { proxy, worker } from '../../client/worker.ts';
import type { AlbumSummary, PhotoItem } from '../../shared/types.ts';
import type { AlbumDeletion, AlbumPhotoItem } from '../../worker/albums.ts';
import { errorText } from '../../shared/rpc.ts';
import { ConfirmDialog, Dialog } from '../../ui/Dialog.tsx';
import { Empty, ErrorMessage, ProgressBar, Skeleton } from '../../ui/bits.tsx';
import { Field } from '../account/forms.tsx';
import { albumName, photoCount } from './words.ts';
import { PhotoGrid } from '../photos/PhotoGrid.tsx';

const they = (n: number) => (n === 1 ? 'it' : 'they');
const them = (n: number) => (n === 1 ? 'it' : 'them');
const isAre = (n: number) => (n === 1 ? 'is' : 'are');
const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;
const links = (n: number) => `${n} public ${n === 1 ? 'link' : 'links'}`;

export function RenameAlbumDialog(props: { album: AlbumSummary; open: boolean; onClose: () => void; onRenamed: (a: AlbumSummary) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (props.open) { setName(props.album.name ?? ''); setError(undefined); setBusy(false); } }, [props.open, props.album.name]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) { setError('Give the album a name'); return; }
    setBusy(true);
    try {
      props.onRenamed(await worker.albums.rename(props.album.albumId, name.trim()));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Rename album" open={props.open} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Album name" value={name} autoFocus maxLength={200} error={error}
          onChange={(e) => { setName(e.target.value); if (error) setError(undefined); }} />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Saving…' : 'Save name'}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Delete “Name”?" with what goes: see [Note: what deleting an album deletes] in worker/albums.ts. */
export function DeleteAlbumDialog(props: { album: AlbumSummary; open: boolean; onClose: () => void; onDeleted: (deletedPhotos: number) => void }) {
  const [info, setInfo] = useState<AlbumDeletion>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setInfo(undefined); setError(undefined); setBusy(false);
    worker.albums.deletion(props.album.albumId).then((d) => { if (live) setInfo(d); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [props.open, props.album.albumId]);

  async function confirm() {
    setBusy(true);
    try {
      props.onDeleted(await worker.albums.delete(props.album.albumId));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const notIn = info?.notInMyLibrary;
  const inLibrary = info && notIn !== undefined ? info.photos - notIn : 0;
  return (
    <ConfirmDialog title={`Delete “${albumName(props.album)}”?`} open={props.open} onCancel={props.onClose} onConfirm={() => void confirm()}
      confirmLabel="Delete album" danger busy={busy || (!info && !error)}>
      {!info && !error && <p role="status">Counting what would be lost…</p>}
      {info && (
        <ul className="consequences">
          {info.photos === 0 && <li>The album is empty: no photo is deleted.</li>}
          {notIn !== undefined && notIn > 0 && (
            <li>
              <strong>{photoCount(notIn)} {isAre(notIn)} only in this album, not in your library</strong> (uploaded
              straight into it, or added by people you share it with): {they(notIn)} {isAre(notIn)} deleted for good,
              also for everyone it is shared with, unless someone keeps {them(notIn)} in their own library or in another album.
            </li>
          )}
          {notIn === undefined && info.photos > 0 && (
            <li>
              Its {photoCount(info.photos)} could not be checked. Those in nobody's library and in no other album are deleted for good,
              also for everyone it is shared with; photos in your library stay there.
            </li>
          )}
          {inLibrary > 0 && <li>{inLibrary === info.photos && inLibrary > 1 ? `All ${inLibrary} photos are` : `${photoCount(inLibrary)} ${isAre(inLibrary)}`} also in your library and stay there.</li>}
          {(info.people > 0 || info.links > 0) && (
            <li>
              {info.people > 0 && `${people(info.people)} ${info.people === 1 ? 'loses' : 'lose'} access`}{info.people > 0 && info.links > 0 && ' and '}
              {info.links > 0 && `${links(info.links)} ${info.links === 1 ? 'stops' : 'stop'} working`}.
            </li>
          )}
          <li>This cannot be undone.</li>
        </ul>
      )}
      <ErrorMessage error={error} />
    </ConfirmDialog>
  );
}

/** Leaving is permanent; offers to save what others uploaded and my library lacks, with progress. */
export function LeaveAlbumDialog(props: { album: AlbumSummary; open: boolean; onClose: () => void; onLeft: (saved: number) => void }) {
  const [toSave, setToSave] = useState<number>();
  const [save, setSave] = useState(true);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setToSave(undefined); setSave(true); setError(undefined); setBusy(false); setProgress(undefined);
    worker.albums.photosToSave(props.album.albumId).then((p) => { if (live) setToSave(p.length); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [props.open, props.album.albumId]);

  async function leave() {
    setBusy(true);
    setError(undefined);
    const saving = save && (toSave ?? 0) > 0;
    if (saving) setProgress({ done: 0, total: toSave! });
    try {
      const r = await worker.albums.leave(props.album.albumId, saving, proxy((done: number, total: number) => setProgress({ done, total })));
      props.onLeft(r.saved);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const n = toSave ?? 0;
  return (
    <ConfirmDialog title={`Leave “${albumName(props.album)}”?`} open={props.open} onCancel={props.onClose} onConfirm={() => void leave()}
      confirmLabel={save && n > 0 ? `Save and leave` : 'Leave album'} danger busy={busy || (toSave === undefined && !error)}>
      <p>Leaving is permanent: you can come back only if {props.album.owner.displayName} invites you again.</p>
      {toSave === undefined && !error && <p role="status">Looking for photos you would lose…</p>}
      {toSave !== undefined && n === 0 && <p>Nothing to save: the photos others added to this album are already in your library.</p>}
      {n > 0 && (
        <>
          <p>{photoCount(n)} in this album {n === 1 ? 'was' : 'were'} uploaded by others and {isAre(n)} not in your library. Once you leave, you can no longer see {them(n)} unless you save {them(n)} first.</p>
          <label className="check">
            <input type="checkbox" checked={save} disabled={busy} onChange={(e) => setSave(e.target.checked)} />
            Save {photoCount(n)} to my library first
          </label>
          {save && <p className="hint">Saving re-wraps the photos' keys for your library: nothing is uploaded again, and they count toward your storage.</p>}
        </>
      )}
      {progress && (
        <div role="status">
          <ProgressBar value={progress.done} max={progress.total} label="Saving photos to your library" />
          <p className="hint">{progress.done < progress.total ? `Saving ${progress.done} of ${photoCount(progress.total)}…` : `Saved ${photoCount(progress.total)}; leaving…`}</p>
        </div>
      )}
      <ErrorMessage error={error} />
    </ConfirmDialog>
  );
}

/** Remove photos from an album, saying what happens to each kind (see [Note: what deleting an album deletes]). */
export function RemovePhotosDialog(props: { album: AlbumSummary; items: readonly AlbumPhotoItem[]; open: boolean; onClose: () => void; onRemoved: (n: number) => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (props.open) { setError(undefined); setBusy(false); } }, [props.open]);
  const n = props.items.length;
  const inLib = props.items.filter((i) => i.inMyLibrary).length;
  const notIn = n - inLib;
  const shared = props.album.myRole !== 'owner' || props.album.memberCount + props.album.linkCount > 0;

  async function confirm() {
    setBusy(true);
    try {
      props.onRemoved(await worker.albums.removePhotos(props.album.albumId, props.items.map((i) => i.fileId)));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog title={`Remove ${n === 1 ? `“${props.items[0]?.name}”` : photoCount(n)} from “${albumName(props.album)}”?`} open={props.open}
      onCancel={props.onClose} onConfirm={() => void confirm()} confirmLabel="Remove" danger busy={busy}>
      <ul className="consequences">
        {shared && <li>Nobody sees {them(n)} in this album any more.</li>}
        {inLib > 0 && <li>{n === 1 ? 'It is' : `${photoCount(inLib)} ${isAre(inLib)}`} also in your library and stay{inLib === 1 ? 's' : ''} there.</li>}
        {notIn > 0 && (
          <li>{n === 1 ? 'It is' : `${photoCount(notIn)} ${isAre(notIn)}`} not in your library: {they(notIn)} {isAre(notIn)} deleted for good unless
            someone keeps {them(notIn)} in their own library or in another album.</li>
        )}
      </ul>
      <ErrorMessage error={error} />
    </ConfirmDialog>
  );
}

/** The picker: photos of my timeline not yet in the album, with selection; adds them with progress. */
export function AddPhotosDialog(props: { album: AlbumSummary; present: ReadonlySet<string>; open: boolean; onClose: () => void; onAdded: (added: number, asked: number) => void }) {
  const [timeline, setTimeline] = useState<PhotoItem[]>();
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  useEffect(() => {
    if (!props.open) return;
    let live = true;
    setTimeline(undefined); setSelection(new Set()); setError(undefined); setProgress(undefined);
    (async () => {
      await worker.photos.sync();
      return worker.photos.timeline();
    })().then((t) => { if (live) setTimeline(t); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [props.open]);
  const candidates = useMemo(() => (timeline ?? []).filter((p) => !p.problem && !props.present.has(p.fileId)), [timeline, props.present]);

  async function add() {
    const ids = candidates.filter((p) => selection.has(p.fileId)).map((p) => p.fileId);
    setProgress({ done: 0, total: ids.length });
    setError(undefined);
    try {
      const added = await worker.albums.addPhotos(props.album.albumId, ids, proxy((done: number, total: number) => setProgress({ done, total })));
      props.onAdded(added, ids.length);
    } catch (e) {
      setError(e);
      setProgress(undefined);
    }
  }

  const n = selection.size;
  const busy = progress !== undefined;
  return (
    <Dialog title={`Add photos to “${albumName(props.album)}”`} open={props.open} onClose={props.onClose} wide footer={
      <>
        <span className="hint" style={{ marginRight: 'auto' }} role="status">{n === 0 ? 'Select the photos to add' : `${photoCount(n)} selected`}</span>
        <button type="button" className="button" onClick={props.onClose} disabled={busy}>Cancel</button>
        <button type="button" className="button button-primary" disabled={n === 0 || busy} onClick={() => void add()}>
          {busy ? 'Adding…' : n === 0 ? 'Add' : `Add ${photoCount(n)}`}
        </button>
      </>
    }>
      {progress && (
        <div role="status">
          <ProgressBar value={progress.done} max={progress.total} label="Adding photos" />
          <p className="hint">Adding {progress.done} of {photoCount(progress.total)}… (only keys are re-wrapped; nothing is uploaded again)</p>
        </div>
      )}
      <ErrorMessage error={error} />
      {timeline === undefined && !error && <Skeleton count={8} label="Loading your photos" />}
      {timeline !== undefined && candidates.length === 0 && (
        <Empty title={timeline.length === 0 ? 'No photos in your library yet' : 'Every photo of your library is already in this album'} />
      )}
      {candidates.length > 0 && (
        <PhotoGrid scope="library" items={candidates} groupBy="month" label="Photos of your library" selection={selection}
          onSelectionChange={busy ? () => undefined : setSelection}
          onOpen={(i) => {
            // In the picker, opening a photo selects it (the viewer is for browsing, not picking).
            const id = candidates[i]!.fileId;
            const next = new Set(selection);
            if (next.has(id)) next.delete(id); else next.add(id);
            if (!busy) setSelection(next);
          }} />
      )}
    </Dialog>
  );
}
