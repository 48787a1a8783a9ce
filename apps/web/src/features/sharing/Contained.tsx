// [Note: a dialog inside a dialog] A native <dialog> fires "close" (and "cancel" on Esc) when it
// closes. The events do not bubble in the DOM, but React passes them up its own component tree,
// so a confirmation closing inside the share dialog would also run the share dialog's onClose
// and close it. Wrapping the inner dialog here stops them at its edge. (ui/Dialog.tsx could
// instead act only when `event.target === event.currentTarget`; that would make this unneeded.)
import { createElement, type ReactNode, type SyntheticEvent } from 'react';

const stop = (e: SyntheticEvent) => e.stopPropagation();
// Not an object literal: React's div props have no onClose/onCancel type, but React reads them
// from any element on the event's path.
const props = { onClose: stop, onCancel: stop, className: 'contained' };

export function Contained({ children }: { children: ReactNode }) {
  return createElement('div', props, children);
}
