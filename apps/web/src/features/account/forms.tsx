// Pieces shared by the account screens (and Settings → Change password).
import { useEffect, useId, useState, type InputHTMLAttributes } from 'react';
import { AppError, errorText } from '../../shared/rpc.ts';

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

/**
 * A new password typed twice, with the strength hint under the first. `label` names the first
 * field ("Password", "New password"); the second is "<label> again".
 */
export function NewPasswordFields(props: {
  label: string; password: string; again: string; onPassword: (v: string) => void; onAgain: (v: string) => void; disabled?: boolean;
}) {
  const strength = passwordStrength(props.password);
  const mismatch = props.again.length > 0 && props.again !== props.password ? 'The two passwords differ' : undefined;
  return (
    <>
      <Field label={props.label} type="password" autoComplete="new-password" required minLength={8} value={props.password} disabled={props.disabled}
        onChange={(e) => props.onPassword(e.target.value)}
        hint={props.password ? `Strength: ${strength.text}` : 'At least 8 characters; a passphrase of four random words is strong.'} />
      <meter className="strength" min={0} max={3} low={1.5} high={2.5} optimum={3} value={strength.score}
        aria-label={`${props.label} strength`} aria-valuetext={props.password ? strength.text : 'nothing typed yet'} />
      <Field label={`${props.label} again`} type="password" autoComplete="new-password" required value={props.again} disabled={props.disabled}
        onChange={(e) => props.onAgain(e.target.value)} {...(mismatch ? { error: mismatch } : {})} />
    </>
  );
}

/** Why a new password cannot be used yet, or undefined when it can. */
export function newPasswordProblem(password: string, again: string): string | undefined {
  if (password !== again) return 'The two passwords differ: type the same password twice.';
  const s = passwordStrength(password);
  if (s.score === 0) return `${s.text}.`;
  return undefined;
}

export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/photos';
}

/** The SDK's and server's sentences start lower-case and end bare: make a sentence of one. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

export const isRateLimited = (e: unknown): e is AppError => e instanceof AppError && e.kind === 'rate-limited';

/**
 * [Note: three login failures told apart] A wrong password (the server answers 401, or OPAQUE
 * fails on this device), too many attempts (429 with the wait), and no answer at all (the
 * network, or the server is down) need different actions from the person, so they read differently.
 */
export function accountErrorText(e: unknown, wrongCredentials = 'Wrong email or password.'): string {
  if (e instanceof AppError) {
    if (e.kind === 'rate-limited') return `Too many attempts, try again in ${formatWait(e.info.retryAfterS ?? 60)}.`;
    if (e.kind === 'network') return 'Cannot reach the server. Check your connection and try again.';
    if (e.info.status === 401) return wrongCredentials;
    return sentence(e.message);
  }
  return sentence(errorText(e));
}

/** A wait in words: "45 s" up to two minutes, then "14 min", then "5 h 3 min" (as the server says it). */
export function formatWait(s: number): string {
  if (s < 120) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

/** Seconds left until a rate-limited form may be sent again (counts down once a second). */
export function useRetryCountdown(): { left: number; start: (seconds: number) => void } {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= until) clearInterval(t);
    }, 1000);
    return () => clearInterval(t);
  }, [until]);
  return {
    left: Math.max(0, Math.ceil((until - now) / 1000)),
    start: (seconds: number) => { const n = Date.now(); setNow(n); setUntil(n + seconds * 1000); },
  };
}

/**
 * An account form's error: a countdown while rate-limited ("Too many attempts, try again in 12 s"),
 * then "You can try again now"; anything else in words.
 */
export function FormError({ error, retryLeft, wrongCredentials }: { error: unknown; retryLeft: number; wrongCredentials?: string }) {
  if (error === undefined) return null;
  if (isRateLimited(error)) {
    if (retryLeft <= 0) return <p className="hint" role="status">You can try again now.</p>;
    return <p className="error" role="alert">Too many attempts, try again in <span role="timer">{formatWait(retryLeft)}</span>.</p>;
  }
  return <p className="error" role="alert">{accountErrorText(error, wrongCredentials)}</p>;
}
