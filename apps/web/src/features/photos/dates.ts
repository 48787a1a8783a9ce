// Day and month labels for the grid and the scrubber. [Note: cached date formats] a call to
// toLocaleDateString builds a new Intl.DateTimeFormat each time (a fraction of a millisecond,
// which adds up to long tasks when every header and the scrubber re-label on scroll); these
// formats are built once, in the viewer's locale and time zone, as ui/format.ts words them.
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

export const dayLabel = (ms: number): string => dayFormat.format(ms);
export const monthLabel = (ms: number): string => monthFormat.format(ms);
