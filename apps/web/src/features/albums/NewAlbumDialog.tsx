// "New album": a name (never empty), then the album is made in the worker (name encrypted there).
import { useState, type FormEvent } from 'react';
import { worker } from '../../client/worker.ts';
import type { AlbumSummary } from '../../shared/types.ts';
import { errorText } from '../../shared/rpc.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Field } from '../account/forms.tsx';

export function NewAlbumDialog(props: { open: boolean; onClose: () => void; onCreated: (album: AlbumSummary) => void }) {
  return (
    <Dialog title="New album" open={props.open} onClose={props.onClose}>
      <NewAlbumForm onCancel={props.onClose} onCreated={props.onCreated} />
    </Dialog>
  );
}

/** The form alone (also shown inside "Add to an album"); mounted afresh each time it is shown. */
export function NewAlbumForm(props: { onCancel: () => void; onCreated: (album: AlbumSummary) => void; submitLabel?: string }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) { setError('Give the album a name'); return; }
    setBusy(true);
    setError(undefined);
    try {
      props.onCreated(await worker.albums.create(name.trim()));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Album name" value={name} onChange={(e) => { setName(e.target.value); if (error) setError(undefined); }}
        autoFocus maxLength={200} error={error} hint="Only you and the people you share it with can read the name." />
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button type="button" className="button" onClick={props.onCancel} disabled={busy}>Cancel</button>
        <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Creating…' : (props.submitLabel ?? 'Create album')}</button>
      </div>
    </form>
  );
}
