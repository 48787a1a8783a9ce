// A modal dialog on the native <dialog> (focus trapped, Esc closes); a bottom sheet at phone width.
// [Note: a dialog inside a dialog] "close"/"cancel" of a <dialog> do not bubble in the DOM, but
// React passes them up its component tree: a confirmation closing inside the share dialog would
// also close the share dialog. Each dialog acts only on its own events (target === currentTarget).
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className={`dialog${props.wide ? ' dialog-wide' : ''}`} aria-labelledby={titleId}
      onClose={(e) => { if (e.target === e.currentTarget) props.onClose(); }}
      onCancel={(e) => { if (e.target !== e.currentTarget) return; e.preventDefault(); props.onClose(); }}>
      {props.open && (
        <>
          <header className="dialog-header">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>✕</button>
          </header>
          <div className="dialog-body">{props.children}</div>
          {props.footer && <footer className="dialog-footer">{props.footer}</footer>}
        </>
      )}
    </dialog>
  );
}

/** "Are you sure?" with the consequences spelled out; `confirmLabel` names the action. */
export function ConfirmDialog(props: {
  title: string; open: boolean; onCancel: () => void; onConfirm: () => void; confirmLabel: string; danger?: boolean; busy?: boolean; children: ReactNode;
}) {
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onCancel} footer={
      <>
        <button type="button" className="button" onClick={props.onCancel} disabled={props.busy}>Cancel</button>
        <button type="button" className={`button ${props.danger ? 'button-danger' : 'button-primary'}`} onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </>
    }>
      {props.children}
    </Dialog>
  );
}
