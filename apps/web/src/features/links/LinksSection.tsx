// The public links of an album or a photo, in the share dialog (owner only): create, copy,
// settings (expiry day, password, downloads), destroy. The server refuses anyone else; the
// refusal is shown in its words.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { LinkChange, LinkTarget, OwnedLink } from '../../worker/links.ts';
import { worker } from '../../client/worker.ts';
import { errorText } from '../../shared/rpc.ts';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { ErrorMessage } from '../../ui/bits.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { expiryDay, expiryInstant, localDay } from './logic.ts';
import './links.css';

/**
 * `target`: an album, or one photo — of my library, or (with `albumId`) seen in that album, so a
 * photo uploaded straight into an album can be linked too.
 */
export function LinksSection(props: { target: LinkTarget }) {
  const target: LinkTarget = props.target;
  const targetKey = target.kind === 'album' ? `album:${target.albumId}` : `file:${target.fileId}:${target.albumId ?? ''}`;
  const [links, setLinks] = useState<OwnedLink[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  // [Note: words inside the dialog] (sharing/People.tsx): notices at the foot of the page sit
  // behind the modal share dialog, so what an action did is said here, in the section.
  const [said, setSaid] = useState<string>();
  /** The link just created: its card takes the focus (on its Copy button), the next step. */
  const [fresh, setFresh] = useState<string>();
  const headingId = useId();

  // The target object may be new on every render; `targetKey` says when it really changed.
  const targetRef = useRef(target);
  targetRef.current = target;
  const load = useCallback(async () => {
    setLoadError(undefined);
    try {
      setLinks(await worker.links.list(targetRef.current));
    } catch (e) {
      setLoadError(e);
    }
  }, [targetKey]);
  useEffect(() => { void load(); }, [load]);

  const what = target.kind === 'album' ? 'this album' : 'this photo';
  return (
    <section className="links-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Public links</h3>
      <p className="hint">
        Anyone with a link can see {what} in a browser, without an account. The key is the part of the link after #: the server never sees it.
      </p>
      {loadError !== undefined ? (
        <div className="row"><ErrorMessage error={loadError} /><button type="button" className="button" onClick={() => void load()}>Try again</button></div>
      ) : links === undefined ? (
        <p className="hint" role="status">Loading links…</p>
      ) : links.length === 0 ? (
        <p className="hint">No public links to {what} yet.</p>
      ) : (
        <ul className="links-list">
          {links.map((l, i) => (
            <LinkCard key={l.linkId} link={l} n={i + 1} fresh={l.linkId === fresh}
              onChanged={(next) => setLinks((ls) => ls?.map((x) => (x.linkId === next.linkId ? next : x)))}
              onDestroyed={() => { setLinks((ls) => ls?.filter((x) => x.linkId !== l.linkId)); setSaid(`Link ${i + 1} destroyed: it no longer opens anything.`); }} />
          ))}
        </ul>
      )}
      {creating ? (
        <LinkSettingsForm title="New link" submitLabel="Create link" onCancel={() => setCreating(false)}
          onSubmit={async (s) => {
            const made = await worker.links.create(target, {
              expiresAt: s.expiresAt ?? null, allowDownload: s.allowDownload ?? true, ...(typeof s.password === 'string' ? { password: s.password } : {}),
            });
            setLinks((ls) => [made, ...(ls ?? [])]);
            setFresh(made.linkId);
            setCreating(false);
            setSaid('Link created: copy it and send it to whoever should see it.');
          }} />
      ) : (
        <button type="button" className="button" onClick={() => { setCreating(true); setSaid(undefined); }}>Create link</button>
      )}
      {said && <p className="ok" role="status">{said}</p>}
    </section>
  );
}

function summary(l: OwnedLink): string {
  return [
    l.hasPassword ? 'Password protected' : 'No password',
    l.expiresAt ? (new Date(l.expiresAt).getTime() <= Date.now() ? `Expired ${formatDateTime(l.expiresAt)}` : `Works until ${formatDateTime(new Date(l.expiresAt).getTime() - 1)}`) : 'Never expires',
    l.allowDownload ? 'Downloads allowed' : 'Previews only',
    `Opened ${l.accessCount} ${l.accessCount === 1 ? 'time' : 'times'}`,
  ].join(' · ');
}

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers, or clipboard permission refused: copy the selected input's text.
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function LinkCard(props: { link: OwnedLink; n: number; fresh: boolean; onChanged: (l: OwnedLink) => void; onDestroyed: () => void }) {
  const { link } = props;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [said, setSaid] = useState<{ text: string; ok: boolean }>();
  const input = useRef<HTMLInputElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const urlId = useId();
  const name = `Link ${props.n}`;
  useEffect(() => {
    if (props.fresh) copyButton.current?.focus();
  }, [props.fresh]);

  const destroy = async () => {
    setBusy(true);
    try {
      await worker.links.destroy(link.linkId);
      setConfirming(false);
      props.onDestroyed();
    } catch (e) {
      setConfirming(false);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="link-item" aria-label={name}>
      <label htmlFor={urlId} className="link-item-label">{name}</label>
      <div className="link-url-row">
        <input id={urlId} ref={input} type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" ref={copyButton} className="button button-primary" onClick={async () => {
          const ok = await copyText(link.url, input.current);
          setSaid(ok ? { text: 'Link copied.', ok } : { text: 'Could not copy: select the link and copy it yourself.', ok });
        }}>Copy</button>
      </div>
      {said && <p className={said.ok ? 'ok' : 'error'} role="status">{said.text}</p>}
      <p className="hint">{summary(link)}</p>
      <div className="row">
        <button type="button" className="button" aria-expanded={editing} onClick={() => { setEditing((v) => !v); setSaid(undefined); }}>Settings</button>
        <button type="button" className="button" onClick={() => setConfirming(true)}>Destroy</button>
      </div>
      <ErrorMessage error={error} />
      {editing && (
        <LinkSettingsForm title={`Settings of ${name.toLowerCase()}`} link={link} submitLabel="Save settings" onCancel={() => setEditing(false)}
          onSubmit={async (change) => {
            if (Object.keys(change).length === 0) { setEditing(false); return; }
            props.onChanged(await worker.links.update(link.linkId, change));
            setEditing(false);
            setSaid({ text: 'Settings saved. The link itself is unchanged.', ok: true });
          }} />
      )}
      <ConfirmDialog title="Destroy this link?" open={confirming} onCancel={() => setConfirming(false)} onConfirm={() => void destroy()}
        confirmLabel="Destroy link" danger busy={busy}>
        <p>Anyone who opens it from now on will read “This link no longer exists”. This cannot be undone; you can create a new link later.</p>
      </ConfirmDialog>
    </li>
  );
}

type PasswordChoice = 'keep' | 'change' | 'remove';

/**
 * The settings of a new link (no `link`) or of an existing one. Submits only what changed;
 * a password is never shown again once set (it is part of the key: Obscura cannot show it).
 */
function LinkSettingsForm(props: { title: string; link?: OwnedLink; submitLabel: string; onCancel: () => void; onSubmit: (change: LinkChange) => Promise<void> }) {
  const { link } = props;
  const id = useId();
  const today = localDay(new Date());
  const [expires, setExpires] = useState(link?.expiresAt != null);
  const [day, setDay] = useState(link?.expiresAt ? expiryDay(link.expiresAt) : '');
  const [choice, setChoice] = useState<PasswordChoice>(link?.hasPassword ? 'keep' : 'remove');
  const [password, setPassword] = useState('');
  const [allowDownload, setAllowDownload] = useState(link?.allowDownload ?? true);
  const [problem, setProblem] = useState<{ field: 'day' | 'password'; text: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const hadPassword = link?.hasPassword ?? false;
  const wantsPassword = choice === 'change';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (expires && !day) return setProblem({ field: 'day', text: 'Choose the last day the link works, or untick “Expires”.' });
    if (expires && day < today) return setProblem({ field: 'day', text: 'That day has passed: choose today or a later day.' });
    if (wantsPassword && !password) return setProblem({ field: 'password', text: 'Type a password, or choose not to have one.' });
    setProblem(undefined);
    const expiresAt = expires ? expiryInstant(day).toISOString() : null;
    const change: { -readonly [K in keyof LinkChange]: LinkChange[K] } = {};
    if (!link || (link.expiresAt === null ? expiresAt !== null : expiresAt === null || new Date(expiresAt).getTime() !== new Date(link.expiresAt).getTime())) change.expiresAt = expiresAt;
    if (!link || allowDownload !== link.allowDownload) change.allowDownload = allowDownload;
    if (wantsPassword) change.password = password;
    else if (choice === 'remove' && hadPassword) change.password = null;
    setBusy(true);
    try {
      await props.onSubmit(change);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="link-settings" onSubmit={(e) => void submit(e)} aria-label={props.title} noValidate>
      <h4>{props.title}</h4>
      <div className="check">
        <input id={`${id}-exp`} type="checkbox" checked={expires} onChange={(e) => { setExpires(e.target.checked); if (e.target.checked && !day) setDay(today); }} />
        <label htmlFor={`${id}-exp`}>Expires</label>
      </div>
      {expires && (
        <div className="field">
          <label htmlFor={`${id}-day`}>Last day it works</label>
          <input id={`${id}-day`} type="date" min={today} value={day} onChange={(e) => setDay(e.target.value)}
            aria-invalid={problem?.field === 'day' ? true : undefined} aria-describedby={`${id}-day-hint`} />
          <p id={`${id}-day-hint`} className={problem?.field === 'day' ? 'field-error' : 'field-hint'} role={problem?.field === 'day' ? 'alert' : undefined}>
            {problem?.field === 'day' ? problem.text : 'The link stops working at midnight at the end of that day (your time).'}
          </p>
        </div>
      )}
      {hadPassword ? (
        <fieldset className="link-fieldset">
          <legend>Password</legend>
          {(['keep', 'change', 'remove'] as const).map((c) => (
            <div className="check" key={c}>
              <input id={`${id}-pw-${c}`} type="radio" name={`${id}-pw`} checked={choice === c} onChange={() => setChoice(c)} />
              <label htmlFor={`${id}-pw-${c}`}>{c === 'keep' ? 'Keep the password' : c === 'change' ? 'Change the password' : 'Remove the password'}</label>
            </div>
          ))}
        </fieldset>
      ) : (
        <div className="check">
          <input id={`${id}-pw`} type="checkbox" checked={choice === 'change'} onChange={(e) => setChoice(e.target.checked ? 'change' : 'remove')} />
          <label htmlFor={`${id}-pw`}>Require a password</label>
        </div>
      )}
      {wantsPassword && (
        <div className="field">
          <label htmlFor={`${id}-pwv`}>{hadPassword ? 'New link password' : 'Link password'}</label>
          <input id={`${id}-pwv`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)}
            aria-invalid={problem?.field === 'password' ? true : undefined} aria-describedby={`${id}-pw-hint`} />
          <p id={`${id}-pw-hint`} className={problem?.field === 'password' ? 'field-error' : 'field-hint'} role={problem?.field === 'password' ? 'alert' : undefined}>
            {problem?.field === 'password' ? problem.text : 'Send it separately from the link. The link stays the same; only people who also know the password can open it.'}
          </p>
        </div>
      )}
      <div className="check">
        <input id={`${id}-dl`} type="checkbox" checked={allowDownload} onChange={(e) => setAllowDownload(e.target.checked)} aria-describedby={`${id}-dl-hint`} />
        <label htmlFor={`${id}-dl`}>Allow downloads</label>
      </div>
      <p id={`${id}-dl-hint`} className="field-hint">Off: visitors see the photos but cannot save the originals (they can still take screenshots).</p>
      {error !== undefined && <p className="error" role="alert">{errorText(error)}</p>}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Saving…' : props.submitLabel}</button>
        <button type="button" className="button" onClick={props.onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
