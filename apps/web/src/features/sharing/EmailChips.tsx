// The "who" of a share: email addresses as chips. Typing a comma, a semicolon, a space or Enter
// (or leaving the field) turns what was typed into chips; a pasted list becomes one chip per
// address (see [Note: pasting a list of emails]). A malformed address stays as a red chip that
// says so, so it can be removed or fixed; nothing is sent until every chip is an address. An
// address known to have no Obscura account says it gets an invitation to sign up.
import { useId, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { addEmails, type EmailEntry } from './emails.ts';

export function EmailChips(props: {
  entries: readonly EmailEntry[];
  onChange: (next: EmailEntry[]) => void;
  /** What is typed but not yet a chip, so the form can take it in on submit. */
  draft: string;
  onDraft: (text: string) => void;
  disabled?: boolean;
  error?: string;
  /** Addresses with no Obscura account (looked up by the form): sharing invites them to sign up. */
  noAccount?: ReadonlySet<string>;
}) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [focused, setFocused] = useState(false);

  const commit = (text: string) => {
    if (text.trim()) props.onChange(addEmails(props.entries, text));
    props.onDraft('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',' || e.key === ';' || (e.key === ' ' && props.draft.includes('@'))) {
      if (e.key === 'Enter' && !props.draft.trim()) return; // Enter on an empty field submits the form
      e.preventDefault();
      commit(props.draft);
    } else if (e.key === 'Backspace' && props.draft === '' && props.entries.length > 0) {
      props.onChange(props.entries.slice(0, -1));
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const text = e.clipboardData.getData('text');
    if (!/[\s,;<]/.test(text)) return; // one address: let it be typed into the field
    e.preventDefault();
    commit(`${props.draft} ${text}`);
  };

  const remove = (email: string) => {
    props.onChange(props.entries.filter((x) => x.email !== email));
    input.current?.focus();
  };

  return (
    <div className="field">
      <label htmlFor={inputId}>Email addresses</label>
      <div className={`chips${focused ? ' chips-focused' : ''}${props.error ? ' chips-invalid' : ''}`} onClick={() => input.current?.focus()}>
        {props.entries.length > 0 && (
          <ul className="chip-list" aria-label="People to invite">
            {props.entries.map((x) => (
              <li key={x.email} className={`chip${x.valid ? '' : ' chip-bad'}${props.noAccount?.has(x.email) ? ' chip-new' : ''}`}>
                <span className="chip-text">{x.email}</span>
                {!x.valid && <span className="chip-note">not an email address</span>}
                {x.valid && props.noAccount?.has(x.email) && <span className="chip-note">no account yet — gets an invitation to sign up</span>}
                <button type="button" className="chip-remove" aria-label={`Remove ${x.email}`} disabled={props.disabled}
                  onClick={(e) => { e.stopPropagation(); remove(x.email); }}>✕</button>
              </li>
            ))}
          </ul>
        )}
        <input ref={input} id={inputId} type="text" inputMode="email" autoComplete="off" autoCapitalize="none" spellCheck={false}
          className="chip-input" value={props.draft} disabled={props.disabled}
          placeholder={props.entries.length === 0 ? 'name@example.org' : 'Add another'}
          aria-describedby={`${hintId}${props.error ? ` ${errorId}` : ''}`} aria-invalid={props.error ? true : undefined}
          onChange={(e) => {
            const v = e.target.value;
            // A separator typed on a phone keyboard (no keydown key) still makes a chip.
            if (/[,;]\s*$/.test(v)) commit(v);
            else props.onDraft(v);
          }}
          onKeyDown={onKeyDown} onPaste={onPaste}
          onFocus={() => setFocused(true)}
          onBlur={() => { setFocused(false); commit(props.draft); }} />
      </div>
      <p id={hintId} className="field-hint">One or more addresses: separate them with commas, or paste a list.</p>
      {props.error && <p id={errorId} className="field-error" role="alert">{props.error}</p>}
    </div>
  );
}
