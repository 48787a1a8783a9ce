// A one-time code mailed to prove an email address ([Note: email codes] in the server): asked
// for ("Send code", "Send again"), typed, and what went wrong with it, said at the field (wrong,
// expired, tries left, as the server says). Used by sign-up and by Settings → Confirm.
import { useId, useState } from 'react';
import { EMAIL_CODE_DIGITS } from '@obscura/protocol';
import type { EmailCodeSent } from '../../worker/account.ts';
import { AppError } from '../../shared/rpc.ts';
import { FormError, isRateLimited, useRetryCountdown } from './forms.tsx';

/** An error about the code (wrong, expired, used, for another address, malformed): said at the code field. */
export const isCodeError = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'usage' || (e.kind === 'api' && e.info.status === 400)) && /\bcode\b/i.test(e.message);

export interface EmailCodeState {
  /** The code request for `email` (cleared when the email changes: a code proves one address). */
  readonly sent: (EmailCodeSent & { readonly email: string }) | undefined;
  readonly value: string;
  setValue(v: string): void;
  readonly problem: string | undefined;
  setProblem(p: string | undefined): void;
  readonly sending: boolean;
  readonly sendError: unknown;
  readonly retryLeft: number;
  send(request: () => Promise<EmailCodeSent>, email: string): Promise<void>;
}

/** A mailed code: asked for (and again), typed, and what went wrong with it. */
export function useEmailCode(email: string): EmailCodeState {
  const [sent, setSent] = useState<EmailCodeState['sent']>();
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<unknown>();
  const retry = useRetryCountdown();
  const current = sent && sent.email.trim().toLowerCase() === email.trim().toLowerCase() ? sent : undefined;
  return {
    sent: current, value, problem, sending, sendError, retryLeft: retry.left,
    setValue: (v) => { setValue(v); setProblem(undefined); },
    setProblem,
    async send(request, to) {
      setSending(true);
      setSendError(undefined);
      setProblem(undefined);
      try {
        const r = await request();
        setSent({ ...r, email: to });
        setValue('');
      } catch (e) {
        if (isRateLimited(e)) retry.start(e.info.retryAfterS ?? 60);
        setSendError(e);
      } finally {
        setSending(false);
      }
    },
  };
}

/** "Send code", then the code field with "Send again"; errors with the code are said here. */
export function CodeField(props: { code: EmailCodeState; email: string; request: () => Promise<EmailCodeSent>; disabled?: boolean; label?: string }) {
  const { code } = props;
  const id = useId();
  const hintId = useId();
  const waiting = isRateLimited(code.sendError) && code.retryLeft > 0;
  const canSend = !props.disabled && !code.sending && !waiting && /\S+@\S+/.test(props.email);
  if (!code.sent) {
    return (
      <div className="code-step">
        <div className="row">
          <button type="button" className="button" disabled={!canSend} onClick={() => void code.send(props.request, props.email.trim())}>
            {code.sending ? 'Sending…' : 'Send code'}
          </button>
        </div>
        <FormError error={code.sendError} retryLeft={code.retryLeft} />
        {code.problem && <p className="error" role="alert">{code.problem}</p>}
      </div>
    );
  }
  const until = new Date(code.sent.expiresAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <div className="code-step">
      <p className="ok" role="status">We sent a code to {code.sent.email}. It works once, until {until}.</p>
      <div className="field">
        <label htmlFor={id}>{props.label ?? 'Confirmation code'}</label>
        <input id={id} type="text" inputMode="numeric" autoComplete="one-time-code" required value={code.value} disabled={props.disabled}
          placeholder="1234 5678" maxLength={EMAIL_CODE_DIGITS + 4} className="code-input"
          aria-describedby={hintId} aria-invalid={code.problem ? true : undefined} onChange={(e) => code.setValue(e.target.value)} />
        {code.problem
          ? <p id={hintId} className="field-error" role="alert">{code.problem}</p>
          : <p id={hintId} className="field-hint">The {EMAIL_CODE_DIGITS} digits from the email; spaces do not matter. Not there? Check the spam folder.</p>}
      </div>
      <div className="row">
        <button type="button" className="link-button" disabled={!canSend} onClick={() => void code.send(props.request, props.email.trim())}>
          {code.sending ? 'Sending…' : 'Send again'}
        </button>
      </div>
      <FormError error={code.sendError} retryLeft={code.retryLeft} />
    </div>
  );
}

