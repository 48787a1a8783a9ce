// Small shared pieces: errors, progress, empty states, skeletons.
import type { ReactNode } from 'react';
import { errorText } from '../shared/rpc.ts';

export function ErrorMessage({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return <p className="error" role="alert">{errorText(error)}</p>;
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  return <progress className="progress" value={max > 0 ? value : undefined} max={max > 0 ? max : undefined} aria-label={label} />;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Skeleton({ count = 12, label = 'Loading' }: { count?: number; label?: string }) {
  return (
    <div className="skeleton-grid" role="status" aria-label={label}>
      {Array.from({ length: count }, (_, i) => <div key={i} className="skeleton-tile" />)}
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      <div className="page-actions">{children}</div>
    </div>
  );
}
