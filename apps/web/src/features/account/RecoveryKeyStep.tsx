// The recovery key, shown once: copy, download, and a confirmation before going on.
import { useId, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

export function RecoveryKeyStep({ recoveryKey, email, onConfirmed }: { recoveryKey: string; email: string; onConfirmed: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const [downloaded, setDownloaded] = useState(false);
  const whyDisabled = useId();
  const groups = recoveryKey.split('-');

  const copyKey = () => {
    void navigator.clipboard.writeText(recoveryKey).then(() => setCopy('copied'), () => setCopy('failed'));
  };
  const download = () => {
    const text = `Obscura recovery key for ${email}\n\n${recoveryKey}\n\n` +
      'Keep it somewhere safe and private (a password manager, or printed in a drawer). With it, and only with it,\n' +
      'you can set a new password if you forget yours: on the log-in screen, choose "Forgot your password?".\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'obscura-recovery-key.txt';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setDownloaded(true);
  };

  return (
    <section className="card auth-card recovery-step" aria-labelledby="rk-title">
      <h1 id="rk-title">Save your recovery key</h1>
      <p>This key is the only way back into your photos if you forget your password. It is shown <strong>once</strong>: nobody, not even the server's administrator, can show it again or reset your password without it.</p>
      <p className="recovery-key" aria-label="Recovery key"><code>{groups.map((g, i) => <span key={i}><span>{g}{i < groups.length - 1 ? '-' : ''}</span><wbr /></span>)}</code></p>
      <div className="row">
        <button type="button" className="button" onClick={copyKey}>{copy === 'copied' ? '✓ Copied' : 'Copy'}</button>
        <button type="button" className="button" onClick={download}>{downloaded ? '✓ Downloaded' : 'Download'}</button>
      </div>
      <p className="hint" role="status">
        {copy === 'failed' ? 'This browser did not allow copying: select the key above and copy it, or download it.'
          : copy === 'copied' ? 'Copied. Paste it into your password manager now, while it is on screen.'
            : downloaded ? 'Saved as obscura-recovery-key.txt in your downloads. Move it somewhere safe.' : ''}
      </p>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        I have saved my recovery key somewhere safe
      </label>
      <button type="button" className="button button-primary" disabled={!saved} onClick={onConfirmed} aria-describedby={saved ? undefined : whyDisabled}>Continue</button>
      {!saved && <p id={whyDisabled} className="hint">Tick the box once the key is saved: it cannot be shown again.</p>}
    </section>
  );
}
