// Stops a nested dialog's close/cancel at its edge. ui/Dialog.tsx now acts only on its own
// events (See [Note: a dialog inside a dialog]); this stays as a second guard for dialogs
// built on a bare <dialog>.
import { createElement, type ReactNode, type SyntheticEvent } from 'react';

const stop = (e: SyntheticEvent) => e.stopPropagation();
// Not an object literal: React's div props have no onClose/onCancel type, but React reads them
// from any element on the event's path.
const props = { onClose: stop, onCancel: stop, className: 'contained' };

export function Contained({ children }: { children: ReactNode }) {
  return createElement('div', props, children);
}
