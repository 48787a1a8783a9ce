// Reads an .eml as OutboxMailer writes it (nodemailer, LF line ends): the top headers (unfolded,
// each line checked to be a header or a fold), the subject with its RFC 2047 words decoded, and
// the decoded text and HTML bodies, whether the mail is one text part or multipart/alternative.
import assert from 'node:assert/strict';

export interface MailPart { headers: Map<string, string>; headerNames: string[]; body: string }
export interface Eml {
  rawHeader: string;
  headerNames: string[];
  headers: Map<string, string>;
  subject: string;
  /** The decoded text/plain body. */
  body: string;
  /** The decoded text/html body, when the mail has one. */
  html: string | undefined;
  parts: MailPart[];
}

function headersOf(raw: string): { headers: Map<string, string>; headerNames: string[] } {
  for (const l of raw.split(/\r?\n/)) assert.match(l, /^([A-Za-z-]+: |[ \t])/, `a header line or a fold: ${JSON.stringify(l)}`);
  const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const headerNames = unfolded.map((l) => l.slice(0, l.indexOf(':')));
  return { headerNames, headers: new Map(unfolded.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)])) };
}

function decode(raw: string, cte: string | undefined): string {
  const enc = cte?.toLowerCase();
  if (enc === 'quoted-printable') {
    return Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  if (enc === 'base64') return Buffer.from(raw, 'base64').toString('utf8');
  return raw;
}

function split(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  assert.ok(m, 'a blank line after the headers');
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

export function parseEml(eml: string): Eml {
  const [rawHeader, rawBody] = split(eml);
  const { headers, headerNames } = headersOf(rawHeader);
  const type = headers.get('content-type') ?? 'text/plain';
  const parts: MailPart[] = [];
  const boundary = /^multipart\/alternative;\s*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    const chunks = rawBody.split(`--${boundary}`);
    // chunks[0] is the preamble; the last starts with "--" (the closing delimiter).
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break;
      const [h, b] = split(chunk.replace(/^\r?\n/, ''));
      const ph = headersOf(h);
      parts.push({ ...ph, body: decode(b.replace(/\r?\n$/, ''), ph.headers.get('content-transfer-encoding')) });
    }
  } else {
    parts.push({ headers, headerNames, body: decode(rawBody, headers.get('content-transfer-encoding')) });
  }
  const of = (t: string) => parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith(t));
  const text = of('text/plain');
  assert.ok(text, 'the mail has a plain-text part');
  return { rawHeader, headerNames, headers, subject: decodeWords(headers.get('subject') ?? ''), body: text.body, html: of('text/html')?.body, parts };
}

/** RFC 2047 encoded words (Q or B, UTF-8), adjacent words joined. */
export function decodeWords(v: string): string {
  return v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) => enc.toUpperCase() === 'B'
    ? Buffer.from(text, 'base64').toString('utf8')
    : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

/** The text of an HTML body as a reader sees it: tags dropped, the five escapes undone. */
export function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim();
}
