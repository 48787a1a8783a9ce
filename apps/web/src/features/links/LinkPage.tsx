// The public link page `/s/:linkId#secret`, for anyone holding the link (no account, no nav).
// [Note: the link page stays in the browser] The page hands its full address to the worker,
// which derives the link key and an access proof from the part after '#': browsers never send
// a fragment, the SDK sends only the proof, the server sends `Referrer-Policy: no-referrer`
// (index.html says so too), and the page loads nothing from another origin. Photos are
// verified and decrypted in the worker; the page gets pictures as Blobs.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { LinkOpening } from '../../worker/links.ts';
import type { PhotoItem } from '../../shared/types.ts';
import { worker } from '../../client/worker.ts';
import { errorText } from '../../shared/rpc.ts';
import { ErrorMessage, ProgressBar, Skeleton } from '../../ui/bits.tsx';
import { Notices, notify } from '../../ui/notices.tsx';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { DevWarning } from '../../app/Layout.tsx';
import { refusalText, zipFileName, type LinkRefusal } from './logic.ts';
import { openSink, type Sink } from './save.ts';
import { saveOriginal } from '../photos/download.ts';
import { PhotoGrid, Viewer } from './gallery.tsx';
import './links.css';

type Opened = Extract<LinkOpening, { status: 'open' }>;

type View =
  | { readonly s: 'opening' }
  | { readonly s: 'password'; readonly wrong: boolean; readonly retryAt?: number }
  | { readonly s: 'refused'; readonly refusal: LinkRefusal; readonly retryAt?: number }
  | { readonly s: 'open'; readonly link: Opened }
  | { readonly s: 'error'; readonly error: unknown };

/** Seconds left until `at` (ms), ticking every second; 0 once passed or when no `at`. */
function useSecondsUntil(at: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === undefined) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [at]);
  return at === undefined ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

export function LinkPage() {
  const [view, setView] = useState<View>({ s: 'opening' });
  const [checking, setChecking] = useState(false);

  const open = useCallback(async (password?: string) => {
    // The whole address, fragment included: only the worker reads the secret in it.
    const url = window.location.href;
    try {
      const r = await worker.links.open(url, password);
      if (r.status === 'open') setView({ s: 'open', link: r });
      else if (r.status === 'password') setView({ s: 'password', wrong: r.wrong });
      else if (r.refusal.reason === 'rate-limited') {
        const retryAt = Date.now() + r.refusal.retryAfterS * 1000;
        setView(password !== undefined ? { s: 'password', wrong: false, retryAt } : { s: 'refused', refusal: r.refusal, retryAt });
      } else setView({ s: 'refused', refusal: r.refusal });
    } catch (e) {
      setView({ s: 'error', error: e });
    }
  }, []);

  useEffect(() => { void open(); }, [open]);

  useEffect(() => {
    document.title = view.s === 'open' ? `${titleOf(view.link)} · Obscura` : 'Shared photos · Obscura';
  }, [view]);

  return (
    <div className="link-page">
      <header className="link-top">
        <span className="link-brand">Obscura</span>
        <span className="link-tagline">End-to-end encrypted photos</span>
      </header>
      <main id="main" className="link-main">
        <DevWarning />
        {view.s === 'opening' && (
          <div className="link-opening">
            <p role="status">Opening the shared photos…</p>
            <Skeleton count={8} label="Loading the shared photos" />
          </div>
        )}
        {view.s === 'password' && (
          <PasswordForm wrong={view.wrong} retryAt={view.retryAt} checking={checking}
            onSubmit={async (pw) => { setChecking(true); try { await open(pw); } finally { setChecking(false); } }} />
        )}
        {view.s === 'refused' && <Refused refusal={view.refusal} retryAt={view.retryAt} onRetry={() => { setView({ s: 'opening' }); void open(); }} />}
        {view.s === 'error' && (
          <section className="card link-card-narrow" aria-labelledby="link-error-title">
            <h1 id="link-error-title">The shared photos could not be opened</h1>
            <ErrorMessage error={view.error} />
            <button type="button" className="button button-primary" onClick={() => { setView({ s: 'opening' }); void open(); }}>Try again</button>
          </section>
        )}
        {view.s === 'open' && <OpenLink link={view.link} />}
      </main>
      <footer className="link-foot">
        <p>Photos are decrypted in this browser with the key in the link. The server that stores them cannot see them.</p>
      </footer>
      <Notices />
    </div>
  );
}

const titleOf = (l: Opened) => l.albumName ?? (l.kind === 'file' ? 'A shared photo' : 'Shared photos');

function PasswordForm(props: { wrong: boolean; retryAt: number | undefined; checking: boolean; onSubmit: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [empty, setEmpty] = useState(false);
  const wait = useSecondsUntil(props.retryAt);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.wrong) input.current?.select();
  }, [props.wrong]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!password) { setEmpty(true); input.current?.focus(); return; }
    setEmpty(false);
    void props.onSubmit(password);
  };
  const message = empty ? 'Type the password you were given with the link.'
    : wait > 0 ? refusalText({ reason: 'rate-limited', retryAfterS: wait })
    : props.wrong ? refusalText({ reason: 'wrong-password' }) : undefined;
  return (
    <form className="card link-card-narrow" onSubmit={submit} aria-labelledby="link-pw-title" noValidate>
      <h1 id="link-pw-title">This link needs a password</h1>
      <p className="hint">The person who shared it with you chose a password. It is part of the key: without it nothing can be decrypted.</p>
      <div className="field">
        <label htmlFor="link-password">Password</label>
        <input id="link-password" ref={input} type="password" autoComplete="off" autoFocus value={password}
          onChange={(e) => setPassword(e.target.value)} aria-invalid={message ? true : undefined}
          aria-describedby={message ? 'link-pw-error' : undefined} />
        {message && <p id="link-pw-error" className="field-error" role="alert">{message}</p>}
      </div>
      <button type="submit" className="button button-primary" disabled={props.checking || wait > 0}>
        {props.checking ? 'Checking…' : 'Open'}
      </button>
    </form>
  );
}

function Refused(props: { refusal: LinkRefusal; retryAt: number | undefined; onRetry: () => void }) {
  const wait = useSecondsUntil(props.retryAt);
  const r = props.refusal;
  const title = r.reason === 'rate-limited' ? refusalText({ reason: 'rate-limited', retryAfterS: Math.max(wait, 1) }) : refusalText(r);
  return (
    <section className="card link-card-narrow" aria-labelledby="link-refused-title" role="alert">
      <h1 id="link-refused-title">{title}</h1>
      {r.reason === 'gone' && <p>Its owner destroyed it or stopped sharing what it showed. Ask them for a new link.</p>}
      {r.reason === 'expired' && <p>The owner chose how long it would work. Ask them for a new link, or to extend this one.</p>}
      {r.reason === 'malformed' && <p>The key that opens the photos is in the link itself, after the # sign. If any of it is missing, nothing can be opened.</p>}
      {r.reason === 'rate-limited' && (
        <>
          <p>Too many wrong keys or passwords were tried for this link, from here or elsewhere, so it refuses for a while.</p>
          <button type="button" className="button button-primary" disabled={wait > 0} onClick={props.onRetry}>Try again</button>
        </>
      )}
    </section>
  );
}

interface Progress { readonly done: number; readonly total: number; readonly label: string; readonly files?: string }

function OpenLink({ link }: { link: Opened }) {
  const scope = `link:${link.linkId}` as const;
  const [index, setIndex] = useState<number>();
  const shown = link.items.filter((i) => !i.problem);
  const refused = link.items.length - shown.length;
  const uploaders = [...new Set(shown.map((i) => i.uploader.displayName).filter(Boolean))];
  const [single, setSingle] = useState<{ fileId: string; progress: Progress }>();
  const [zip, setZip] = useState<Progress & { kind: Sink['kind'] }>();
  const [error, setError] = useState<unknown>();
  const cancelled = useRef<(() => void) | undefined>(undefined);

  const downloadOne = async (item: PhotoItem) => {
    setError(undefined);
    setSingle({ fileId: item.fileId, progress: { done: 0, total: item.size, label: `Downloading ${item.name}` } });
    try {
      const { name } = await saveOriginal(scope, item.fileId, (done, total) => {
        setSingle({ fileId: item.fileId, progress: { done, total, label: `Downloading ${item.name}` } });
      });
      notify(`${name} downloaded`);
    } catch (e) {
      setError(e);
    } finally {
      setSingle(undefined);
    }
  };

  const downloadAll = async () => {
    setError(undefined);
    // The picker first, while the click still counts as the person's gesture.
    let sink: Sink | undefined;
    try {
      sink = await openSink(zipFileName(link.albumName));
    } catch (e) {
      setError(e);
      return;
    }
    if (!sink) return;
    let jobId: string | undefined;
    let stop = false;
    cancelled.current = () => { stop = true; };
    try {
      const job = await worker.links.zipStart(link.linkId);
      jobId = job.jobId;
      const show = (done: number, files: number) => setZip({
        kind: sink.kind, done, total: job.totalBytes, label: 'Downloading all photos',
        files: `${files} of ${job.files} photos · ${formatBytes(done)} of ${formatBytes(job.totalBytes)}`,
      });
      show(0, 0);
      for (;;) {
        if (stop) throw new DOMException('cancelled', 'AbortError');
        const r = await worker.links.zipRead(jobId);
        if (r.chunk) await sink.write(r.chunk);
        show(r.bytesDone, r.filesDone);
        if (r.done) break;
      }
      await sink.close();
      notify(`${job.fileName} saved (${job.files} photos)`);
    } catch (e) {
      if (jobId) await worker.links.zipCancel(jobId).catch(() => undefined);
      await sink.abort();
      if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
      else notify('Download stopped');
    } finally {
      cancelled.current = undefined;
      setZip(undefined);
    }
  };

  // The button shows its own progress, beside it.
  const downloadButton = (item: PhotoItem) => link.allowDownload && !item.problem && (
    <span className="link-download">
      <button type="button" className="button" onClick={() => void downloadOne(item)} disabled={single !== undefined}>
        {single?.fileId === item.fileId ? 'Downloading…' : 'Download'}
      </button>
      {single?.fileId === item.fileId && (
        <ProgressBar value={single.progress.done} max={single.progress.total} label={single.progress.label} />
      )}
    </span>
  );

  const only = link.kind === 'file' ? shown[0] : undefined;
  return (
    <>
      <section className="link-head" aria-labelledby="link-title">
        <div>
          <h1 id="link-title">{titleOf(link)}</h1>
          <p className="hint">
            {link.kind === 'album' ? `${shown.length} ${shown.length === 1 ? 'photo' : 'photos'}` : only?.name}
            {uploaders.length > 0 && ` · shared by ${uploaders.join(', ')}`}
            {link.expiresAt && ` · available until ${formatDateTime(new Date(link.expiresAt).getTime() - 1)}`}
          </p>
        </div>
        <div className="row">
          {link.kind === 'album' && link.allowDownload && shown.length > 0 && (
            <button type="button" className="button button-primary" onClick={() => void downloadAll()} disabled={zip !== undefined}>
              Download all
            </button>
          )}
          {only && downloadButton(only)}
        </div>
      </section>
      {!link.allowDownload && <p className="hint link-note">The owner turned off downloads for this link: you can look at the photos here, not save the originals.</p>}
      {refused > 0 && <p className="error link-note">{refused} {refused === 1 ? 'photo' : 'photos'} failed verification and {refused === 1 ? 'is' : 'are'} not shown.</p>}
      {zip && (
        <div className="link-progress" role="group" aria-label="Download progress">
          <ProgressBar value={zip.done} max={zip.total} label={zip.label} />
          <span>{zip.files}{zip.kind === 'blob' ? ' · saved when complete' : ''}</span>
          <button type="button" className="button" onClick={() => cancelled.current?.()}>Stop</button>
        </div>
      )}
      <ErrorMessage error={error} />
      {link.items.length === 0 ? (
        <div className="empty"><h2>Nothing here yet</h2><p>This album has no photos at the moment.</p></div>
      ) : link.kind === 'file' && only ? (
        <SinglePhoto scope={scope} item={only} onOpen={() => setIndex(0)} />
      ) : (
        <PhotoGrid scope={scope} items={link.items} groupBy="none" onOpen={setIndex} label="Shared photos" />
      )}
      {index !== undefined && (
        // The viewer offers its own Download (the original, verified, named as uploaded) only when the link allows it.
        <Viewer scope={scope} items={link.kind === 'file' ? shown : link.items} index={index} onIndexChange={setIndex}
          onClose={() => setIndex(undefined)} allowDownload={link.allowDownload} />
      )}
    </>
  );
}

function SinglePhoto(props: { scope: `link:${string}`; item: PhotoItem; onOpen: () => void }) {
  const { scope, item } = props;
  const [pic, setPic] = useState<{ url?: string; error?: string }>({});
  useEffect(() => {
    let live = true;
    let made: string | undefined;
    worker.media.thumbnail(scope, item.fileId, 'large').then((b) => {
      if (!live) return;
      made = URL.createObjectURL(b);
      setPic({ url: made });
    }, (e: unknown) => { if (live) setPic({ error: errorText(e) }); });
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [scope, item.fileId]);
  return (
    <figure className="link-single">
      {pic.url ? (
        <button type="button" className="link-single-open" aria-label={`Open ${item.name}`} onClick={props.onOpen}>
          <img src={pic.url} alt={item.name} />
        </button>
      ) : pic.error ? <p className="error" role="alert">{pic.error}</p> : <div className="skeleton-tile link-single-wait" role="status" aria-label="Decrypting the photo" />}
      <figcaption className="hint">
        {item.capturedAt > 0 && `Taken ${formatDateTime(item.capturedAt)} · `}{formatBytes(item.size)}
      </figcaption>
    </figure>
  );
}
