// Storage: used / allowed, with what it is made of.
import type { Me } from '../../worker/account.ts';
import { formatBytes } from '../../ui/format.ts';
import { formatPercent, storageView } from './storage.ts';

export function StorageBar({ me }: { me: Me }) {
  const v = storageView(me);
  const summary = `${formatBytes(me.usedBytes)} of ${formatBytes(me.quotaBytes)} used`;
  return (
    <div className="storage">
      <p className="storage-summary"><strong>{summary}</strong> <span className="hint">({formatPercent(v.usedPercent)})</span></p>
      <div className="storage-bar" role="meter" aria-label="Storage used" aria-valuemin={0} aria-valuemax={me.quotaBytes}
        aria-valuenow={Math.min(me.usedBytes, me.quotaBytes)} aria-valuetext={summary}>
        {v.parts.filter((p) => p.bytes > 0).map((p) => (
          <div key={p.key} className={`storage-part storage-${p.key}`} style={{ width: `${Math.max(p.percent, 0.6)}%` }} />
        ))}
      </div>
      <ul className="storage-legend">
        {v.parts.map((p) => (
          <li key={p.key}><span className={`storage-swatch storage-${p.key}`} aria-hidden="true" />{p.label}: <strong>{formatBytes(p.bytes)}</strong></li>
        ))}
        <li><span className="storage-swatch storage-free" aria-hidden="true" />Free: <strong>{formatBytes(v.freeBytes)}</strong></li>
      </ul>
      {v.over && <p className="error">You are over your allowance: uploads are refused until you delete photos (empty the trash too) or the server's administrator raises it.</p>}
      {me.charges && me.charges.editorsPhotosBytes > 0 && (
        <p className="hint">Photos that editors add to your albums count toward your storage, not theirs, as long as they are in your albums.</p>
      )}
    </div>
  );
}
