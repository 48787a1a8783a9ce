// The recovery key, shown once: copy, download, and a confirmation before going on.
import { useState } from 'react';

export function RecoveryKeyStep({ recoveryKey, email, onConfirmed }: { recoveryKey: string; email: string; onConfirmed: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const download = () => {
    const text = `Obscura recovery key for ${email}\n\n${recoveryKey}\n\nKeep it somewhere safe and private. With it, and only with it, you can set a new password if you forget yours.\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'obscura-recovery-key.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section className="card auth-card" aria-labelledby="rk-title">
      <h1 id="rk-title">Save your recovery key</h1>
      <p>This key is the only way back into your photos if you forget your password. It is shown <strong>once</strong>: nobody, not even the server's administrator, can show it again or reset your password without it.</p>
      <p className="recovery-key" aria-label="Recovery key"><code>{recoveryKey}</code></p>
      <div className="row">
        <button type="button" className="button" onClick={() => void navigator.clipboard.writeText(recoveryKey).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button" onClick={download}>Download</button>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        I have saved my recovery key somewhere safe
      </label>
      <button type="button" className="button button-primary" disabled={!saved} onClick={onConfirmed}>Continue</button>
    </section>
  );
}
