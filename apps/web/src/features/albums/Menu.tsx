// A "More" button that opens a small menu (keyboard: arrows, Home/End, Escape; closes on a click outside).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  readonly label: string;
  readonly onSelect: () => void;
  readonly danger?: boolean;
  readonly disabled?: boolean;
}

/** `compact`: the ⋮ alone at every width (e.g. on a card); the label is its accessible name either way. */
export function MoreMenu({ items, label = 'More', compact = false }: { items: readonly MenuItem[]; label?: string; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const first = anchor.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not(:disabled)');
    first?.focus();
    const outside = (e: PointerEvent) => { if (!anchor.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  if (items.length === 0) return null;

  function onKey(e: KeyboardEvent) {
    const all = [...(anchor.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not(:disabled)') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const go = (i: number) => { e.preventDefault(); all[(i + all.length) % all.length]?.focus(); };
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(all.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); button.current?.focus(); }
      setOpen(false);
    }
  }

  return (
    <div className="menu-anchor" ref={anchor}>
      <button ref={button} type="button" className={`button menu-button${compact ? ' menu-button-compact' : ''}`} aria-label={label} aria-haspopup="menu" aria-expanded={open}
        aria-controls={open ? menuId : undefined} onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => { if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); } }}>
        <span aria-hidden="true" className="menu-button-icon">⋮</span>{!compact && <span aria-hidden="true" className="menu-button-text">{label}</span>}
      </button>
      {open && (
        <ul id={menuId} role="menu" className="menu" aria-label={label} onKeyDown={onKey}>
          {items.map((it) => (
            <li key={it.label} role="none">
              <button type="button" role="menuitem" className={it.danger ? 'danger' : undefined} disabled={it.disabled}
                onClick={() => { setOpen(false); it.onSelect(); }}>
                {it.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
