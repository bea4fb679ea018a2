/** Pure text helpers with Judge0's (Ruby's) behaviour: Base64 in and out, command-line words. */

/** Ruby's Base64.encode64, which Judge0 uses: 60-character lines, each ending in "\n". */
export function encode64(text: string | null): string | null {
  if (text === null) return null;
  return base64(new TextEncoder().encode(text)).replace(/.{1,60}/g, '$&\n');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without Buffer, which a workflow (the callback's body) does not have. */
function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const chars = [18, 12, 6, 0].map((shift) => ALPHABET[(n >> shift) & 63]);
    const kept = Math.min(4, bytes.length - i + 1);
    out += chars.slice(0, kept).join('') + '='.repeat(4 - kept);
  }
  return out;
}

/** Ruby's Base64.decode64: lenient (characters outside the alphabet are skipped); invalid UTF-8 becomes U+FFFD. */
export function decode64(text: string): string {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
}

/**
 * Judge0 drops `$&;<>|\`` from command_line_arguments and lets bash split the rest into words; this does
 * the same splitting (quotes and backslashes) without a shell. An unclosed quote runs to the end.
 */
export function shellWords(line: string): string[] {
  const s = line.trim().replace(/[$&;<>|`]/g, '');
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === '\\' && i + 1 < s.length && (quote === null || /["\\]/.test(s[i + 1] as string))) {
      word = (word ?? '') + s[++i];
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** Judge0 writes decimals (time, limits) as strings of a Ruby BigDecimal: "0.012", "5.0". */
export function decimal(n: number | null): string | null {
  if (n === null || !Number.isFinite(n)) return null;
  const r = Math.round(n * 1e6) / 1e6;
  return Number.isInteger(r) ? `${r}.0` : r.toFixed(6).replace(/0+$/, '');
}
