// Names from the machine are arbitrary bytes: decode them for display, keep the raw bytes, escape for terminals.

const decoder = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

export interface DecodedName {
  name: string;
  /** Raw bytes in base64, present when the bytes are not valid UTF-8 or contain NUL. */
  nameBase64?: string;
}

/** Decode raw name bytes; `prefix` (e.g. '@' for abstract sockets) is prepended to the display name only. */
export function decodeName(bytes: Uint8Array, prefix = ''): DecodedName {
  // Most names are printable ASCII (comm, socket paths): decoded without the UTF-8 decoder, whose fixed
  // cost per call was measurable in scans.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return { name: prefix + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') };
  let valid = true;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    valid = false;
    text = lenient.decode(bytes);
  }
  const hasNul = bytes.includes(0);
  const out: DecodedName = { name: prefix + text };
  if (!valid || hasNul) out.nameBase64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return out;
}

/** Raw bytes of a decoded name (inverse of decodeName, without the display prefix). */
export function nameBytes(d: DecodedName, prefix = ''): Buffer {
  if (d.nameBase64 !== undefined) return Buffer.from(d.nameBase64, 'base64');
  const s = prefix && d.name.startsWith(prefix) ? d.name.slice(prefix.length) : d.name;
  return Buffer.from(s, 'utf8');
}

// C0 and C1 controls, DEL, the Unicode bidi/format controls that can reorder or hide terminal text, and the
// characters that show as nothing (soft hyphen, combining grapheme joiner, Hangul fillers, Mongolian vowel
// separator and variation selectors, Khmer inherent vowels, musical formatting, tag characters): a name made of
// them would look like another name, or like none.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffd\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;

/**
 * Make a string safe to print on a terminal or in a single-line label: every control, bidi or format
 * character becomes a visible escape (`\n`, `\x1b`, `\u202e`), and backslashes are doubled so the result is
 * unambiguous. U+FFFD (a byte that was not UTF-8) is shown as `\ufffd`.
 */
export function escapeControl(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(UNSAFE, (c) => {
    switch (c) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      case '\0': return '\\0';
    }
    const cp = c.codePointAt(0)!;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}

/**
 * A name for the clipboard: as it is, unless it holds control, bidi or invisible characters (or bytes that are
 * not UTF-8, shown as U+FFFD), which would run as commands or hide when pasted into a terminal or an editor;
 * then its escapeControl form, and `escaped` says so (the exact bytes are in `ls --json`'s nameBase64).
 */
export function nameForClipboard(name: string): { text: string; escaped: boolean } {
  return name.search(UNSAFE) >= 0 ? { text: escapeControl(name), escaped: true } : { text: name, escaped: false };
}

/**
 * Machine text for a VS Code notification (showInformationMessage and friends, not modal): the workbench turns
 * `[label](command:…)`, `[label](https://…)` and `[label](file:…)` anywhere in a notification into a link, and runs
 * a command link on a click (with its arguments): a FIFO or socket named `[Show Log](command:…)` would have put
 * one there. escapeControl, then every `](` shown as `]\(` (backslashes are doubled, so this stays unambiguous).
 */
export function escapeNotice(s: string): string {
  return escapeControl(s).replace(/\]\(/g, ']\\(');
}

/**
 * Display text for a quick pick item's label or description, where `$(name)` renders as an icon: a name
 * `$(pass) trusted` would show a check mark. `\$(` shows the text as is.
 */
export function escapeIcons(s: string): string {
  return s.replace(/\$\(/g, '\\$(');
}

// JSON.stringify leaves these as they are inside strings; a terminal would act on the C1 controls (U+009B is CSI
// in xterm's UTF-8 mode) and reorder or hide text for the bidi and invisible ones. ESC and the C0 controls are
// escaped by JSON.stringify itself.
// eslint-disable-next-line no-control-regex
const UNSAFE_JSON = /[\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;

/**
 * JSON for a terminal (`ls --json`): JSON.stringify, with the characters above written as \u escapes (astral
 * ones as their surrogate pair), so the document parses to the same value and none of them reaches the terminal raw.
 */
export function terminalJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.replace(UNSAFE_JSON, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/**
 * Display text cut to at most `max` UTF-16 units, keeping its start and its end (a path's directory and file
 * name) around an ellipsis, never splitting a character. For messages to webviews, whose validators refuse a
 * label over 4 096 units: a 1 100-byte name that is not UTF-8 escapes to 4 400, and one such object once made
 * the whole topology graph (or an occupancy, ring or hex page) refuse its data and show nothing.
 */
export function clipText(s: string, max = 1024): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  let head = '';
  let tail = '';
  const half = Math.floor((max - 1) / 2);
  for (let i = 0; i < chars.length && head.length + chars[i]!.length <= half; i++) head += chars[i];
  for (let i = chars.length - 1; i >= 0 && tail.length + chars[i]!.length <= max - 1 - half; i--) tail = chars[i] + tail;
  return `${head}…${tail}`;
}

/** Escape for display, showing the raw bytes as `\xNN` when the name was not valid UTF-8. */
export function displayName(d: { name: string; nameBase64?: string }, prefix = ''): string {
  if (d.nameBase64 === undefined) return escapeControl(d.name);
  const raw = Buffer.from(d.nameBase64, 'base64');
  let out = prefix;
  // Decode valid UTF-8 runs, escape everything else byte by byte.
  let i = 0;
  while (i < raw.length) {
    const b = raw[i]!;
    let len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 1) {
      try {
        out += escapeControl(decoder.decode(raw.subarray(i, i + len)));
        i += len;
        continue;
      } catch {
        len = 0;
      }
    }
    if (len === 1) {
      out += escapeControl(String.fromCharCode(b));
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
    }
    i += 1;
  }
  return out;
}
