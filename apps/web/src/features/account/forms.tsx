// Pieces shared by the account screens.
import { useId, type InputHTMLAttributes } from 'react';

export function Field(props: { label: string; hint?: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const { label, hint, error, ...input } = props;
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint || error ? hintId : undefined} aria-invalid={error ? true : undefined} {...input} />
      {(error || hint) && <p id={hintId} className={error ? 'field-error' : 'field-hint'}>{error ?? hint}</p>}
    </div>
  );
}

/** A rough strength hint (length and variety); the server never sees the password, so only this page can help. */
export function passwordStrength(pw: string): { score: 0 | 1 | 2 | 3; text: string } {
  if (pw.length < 8) return { score: 0, text: 'Too short: at least 8 characters' };
  let variety = 0;
  for (const re of [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/]) if (re.test(pw)) variety++;
  const common = /^(password|12345678|qwerty|letmein|iloveyou)/i.test(pw);
  if (common || (pw.length < 10 && variety < 3)) return { score: 1, text: 'Weak: use a longer passphrase, e.g. four random words' };
  if (pw.length < 14 && variety < 4) return { score: 2, text: 'Fair: longer is stronger' };
  return { score: 3, text: 'Strong' };
}

export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/photos';
}
