// Small pieces of the Settings screen: a loading skeleton of text lines, a load error with a retry.
import { accountErrorText } from '../account/forms.tsx';

export function LoadError({ error, retry }: { error: unknown; retry: () => Promise<void> }) {
  return (
    <div className="settings-error">
      <p className="error" role="alert">{accountErrorText(error)}</p>
      <button type="button" className="button" onClick={() => void retry()}>Try again</button>
    </div>
  );
}

export function LinesSkeleton({ lines, label }: { lines: number; label: string }) {
  return (
    <div className="lines-skeleton" role="status" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => <div key={i} className="line-skeleton" style={{ width: `${90 - i * 17}%` }} />)}
    </div>
  );
}

const DEVICE_PATHS = {
  phone: 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 3v13h8V5zm3 14.5a1 1 0 1 0 2 0 1 1 0 0 0-2 0z',
  computer: 'M4 5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v10H4zm2 0v8h12V5zM1 17h22v1.5A1.5 1.5 0 0 1 21.5 20h-19A1.5 1.5 0 0 1 1 18.5z',
  terminal: 'M3 4h18a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm1 2v12h16V6zm2.3 2.3 1.4-1.4L11.8 11l-4.1 4.1-1.4-1.4L9 11zM12 14h6v2h-6z',
} as const;

export function DeviceIcon({ kind }: { kind: keyof typeof DEVICE_PATHS }) {
  return (
    <svg className="session-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path fill="currentColor" fillRule="evenodd" d={DEVICE_PATHS[kind]} />
    </svg>
  );
}
