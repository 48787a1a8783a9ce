// Short messages at the bottom of the screen, read out by screen readers (aria-live).
import { useEffect, useRef, useState } from 'react';

type Notice = { id: number; text: string; tone: 'info' | 'error' };
let next = 1;
const listeners = new Set<(n: Notice[]) => void>();
let notices: Notice[] = [];

function set(n: Notice[]) {
  notices = n;
  for (const l of listeners) l(n);
}

/** Shows `text` for a few seconds (errors stay until dismissed). */
export function notify(text: string, tone: Notice['tone'] = 'info'): void {
  const n = { id: next++, text, tone };
  set([...notices, n]);
  if (tone === 'info') setTimeout(() => set(notices.filter((x) => x.id !== n.id)), 6000);
}

export function Notices() {
  const [list, setList] = useState(notices);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    listeners.add(setList);
    return () => { listeners.delete(setList); };
  }, []);
  // [Note: notices above dialogs] a modal <dialog> sits in the browser's top layer, above any
  // z-index. The notices are a manual popover, re-shown on each change so they enter the top
  // layer after (above) any open dialog.
  useEffect(() => {
    const el = ref.current as (HTMLDivElement & { showPopover?: () => void; hidePopover?: () => void }) | null;
    if (!el?.showPopover || !el.hidePopover) return;
    try {
      if (el.matches(':popover-open')) el.hidePopover();
      if (list.length > 0) el.showPopover();
    } catch { /* not in the document yet */ }
  }, [list]);
  return (
    <div ref={ref} className="notices" aria-live="polite" role="status" {...{ popover: 'manual' }}>
      {list.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`}>
          <span>{n.text}</span>
          <button type="button" className="link-button" aria-label="Dismiss message" onClick={() => set(notices.filter((x) => x.id !== n.id))}>✕</button>
        </div>
      ))}
    </div>
  );
}
