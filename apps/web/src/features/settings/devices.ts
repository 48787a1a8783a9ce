// A session's client in plain words ("Chrome on Android", "Obscura command line"), from the
// User-Agent the server recorded at login. Pure: tested in test/devices.test.ts.

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Chrome (automated)'],
  [/\b(?:Chrome|CriOS)\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** What kind of client a session is, for the Sessions list. */
export function describeClient(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? '').trim();
  if (!ua) return 'Unknown device';
  const cli = /^obscura-cli\/([\w.-]+)/i.exec(ua);
  if (cli) return `Obscura command line ${cli[1]}`;
  if (/^node\b|undici/i.test(ua)) return 'A program using the Obscura SDK';
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `A browser on ${system}`;
  // Unknown: show the first words of it, never more than a line.
  return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
}

/** The icon for a client: a phone, or a computer. */
export function isPhone(userAgent: string | null | undefined): boolean {
  return /\b(Android|iPhone|iPad|Mobile)\b/.test(userAgent ?? '');
}
