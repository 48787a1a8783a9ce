// Text from other people (names, album names, file names, captions, messages) and from the
// server, made harmless before it reaches a terminal.
//
// [Note: terminal text] A terminal obeys control characters wherever they appear: ESC ] 52
// writes the clipboard, ESC ] 0 sets the window title, CSI sequences move the cursor and
// repaint lines (a fake "verified" or a fake prompt), C1 bytes (U+0080–U+009F) do the same
// on terminals that honour 8-bit controls, and Unicode bidi controls (U+202E …) reorder what
// is shown ("gpj.exe" displayed as "exe.jpg"). Every value the CLI prints that it did not
// write itself goes through `safeText` (tables cell by cell in output.ts, one-line messages
// through the `safe` template tag, error messages in reportError, progress lines), which
// replaces each such character by a visible escape — `\x1B`, `\x85`, `\n`, `\u{202E}` — so a
// person sees that something odd is there and nothing is hidden. Even \n and \t are escaped:
// one value never breaks a line or a table column. Ordinary text (accents, CJK, emoji with
// their joiners and variation selectors) is left as it is. The result is printable only, so
// escaping twice changes nothing. `--json` output escapes the same characters as \uXXXX
// (safeJson).

/**
 * C0 controls (NUL–US, \n and \t included), DEL, C1 controls, the Unicode bidi controls
 * (LRM, RLM, ALM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI) and the line/paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const cp = ch.charCodeAt(0);
  const hex = cp.toString(16).toUpperCase();
  return cp <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u{${hex}}`;
}

/** `value` as text that cannot drive the terminal: control and bidi characters shown as escapes. */
export function safeText(value: unknown): string {
  return (typeof value === 'string' ? value : String(value)).replace(UNSAFE, visible);
}

/**
 * Template tag for a line the CLI writes: its own fixed text (newlines included) stays as
 * written, every interpolated value goes through safeText.
 *   ctx.stdout.write(safe`invited ${email} to ${label}\n`)
 */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += safeText(values[i]) + (strings[i + 1] ?? '');
  return out;
}

/**
 * Characters JSON.stringify leaves raw (it escapes only C0, quote, backslash and lone
 * surrogates). They only ever occur inside JSON strings, so replacing them in the finished
 * document by \uXXXX keeps it valid and parses back to the same values.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with C1, DEL, bidi controls and line separators escaped as \uXXXX too. */
export function safeJson(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space);
  if (text === undefined) return 'null';
  return text.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
