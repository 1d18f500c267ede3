import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { clipText, decodeName, displayName, escapeControl, escapeIcons, escapeNotice, nameBytes, nameForClipboard, terminalJson } from '../../src/core/names';

describe('names', () => {
  it('keeps valid UTF-8 names as text without base64', () => {
    const d = decodeName(Buffer.from('/tmp/ü.sock'));
    assert.deepEqual(d, { name: '/tmp/ü.sock' });
  });

  it('keeps raw bytes for invalid UTF-8 and NUL, with a display prefix', () => {
    const raw = Buffer.from([0x61, 0xff, 0x00, 0x62]);
    const d = decodeName(raw, '@');
    assert.equal(d.name, '@a\ufffd\u0000b');
    assert.equal(d.nameBase64, raw.toString('base64'));
    assert.deepEqual(nameBytes(d, '@'), raw);
    assert.equal(displayName(d, '@'), '@a\\xff\\0b');
  });

  it('a name for the clipboard: as it is, or escaped when pasting it would run or hide something', () => {
    assert.deepEqual(nameForClipboard('/tmp/app.sock'), { text: '/tmp/app.sock', escaped: false });
    assert.deepEqual(nameForClipboard('C:\\dir\\x'), { text: 'C:\\dir\\x', escaped: false });
    assert.deepEqual(nameForClipboard('/tmp/a\nrm -rf ~\n'), { text: '/tmp/a\\nrm -rf ~\\n', escaped: true });
    assert.deepEqual(nameForClipboard('/x\u001b[31m'), { text: '/x\\x1b[31m', escaped: true });
    assert.deepEqual(nameForClipboard('/x\u202eexe.txt'), { text: '/x\\u202eexe.txt', escaped: true });
    assert.deepEqual(nameForClipboard('/bad\ufffd'), { text: '/bad\\ufffd', escaped: true });
    // Twice in a row (the pattern is global: no state kept between calls).
    assert.equal(nameForClipboard('/y\n').escaped, true);
    assert.equal(nameForClipboard('/y\n').escaped, true);
  });

  it('escapes controls, ESC, bidi and backslashes unambiguously', () => {
    assert.equal(escapeControl('a\nb\x1b[31mc\u202ed\\'), 'a\\nb\\x1b[31mc\\u202ed\\\\');
    assert.equal(escapeControl('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  });

  it('never lets a control character through, for any input', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ max: 0x7f, maxLength: 300 })), (bytes) => {
      const shown = displayName(decodeName(bytes));
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u.test(shown), JSON.stringify(shown));
      assert.deepEqual(nameBytes(decodeName(bytes)), Buffer.from(bytes));
    }), { numRuns: 500 });
  });

  it('ASCII names (the fast path) decode as the UTF-8 decoder would, for any input', () => {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ max: 0x7f, maxLength: 300 })), (bytes) => {
      const d = decodeName(bytes, '@');
      let text: string | undefined;
      try {
        text = utf8.decode(bytes);
      } catch {
        text = undefined;
      }
      if (text !== undefined && !bytes.includes(0)) assert.deepEqual(d, { name: `@${text}` });
      else assert.ok(d.nameBase64 !== undefined, 'raw bytes kept');
      assert.deepEqual(nameBytes(decodeName(bytes)), Buffer.from(bytes));
    }), { numRuns: 2000 });
    // A view into a larger buffer decodes only its own bytes.
    const big = Buffer.from('xxHELLOyy');
    assert.deepEqual(decodeName(big.subarray(2, 7)), { name: 'HELLO' });
  });
});

describe('characters that show as nothing are escaped too', () => {
  it('soft hyphen, grapheme joiner, Hangul fillers, Mongolian separators, tag characters', () => {
    // "ta\u{e0067}\u{e0065}nd": tag characters hide text a terminal does not show at all.
    assert.equal(escapeControl('ta\u{e0067}\u{e0065}nd'), 'ta\\u{e0067}\\u{e0065}nd');
    assert.equal(escapeControl('a\u00adb\u034fc\u3164d\uffa0e\u180ef\u115fg'), 'a\\xadb\\u034fc\\u3164d\\uffa0e\\u180ef\\u115fg');
    // Visible text is left alone: accents, CJK, emoji.
    assert.equal(escapeControl('café 管道 🦀'), 'café 管道 🦀');
  });
});

describe('clipText', () => {
  it('keeps short text, cuts long text in the middle within the limit, never halves a character', () => {
    assert.equal(clipText('short', 10), 'short');
    const s = `${'a'.repeat(50)}${'🦀'.repeat(50)}${'z'.repeat(50)}`;
    const c = clipText(s, 41);
    assert.ok(c.length <= 41, `${c.length}`);
    assert.ok(c.startsWith('aaaa') && c.endsWith('zzzz') && c.includes('…'));
    assert.doesNotMatch(c, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate');
    const crabs = clipText('🦀'.repeat(100), 11);
    assert.equal(crabs, `${'🦀'.repeat(2)}…${'🦀'.repeat(2)}`);
  });
});

describe('machine text in notifications, quick picks and JSON for a terminal', () => {
  // How VS Code's notifications find links (notificationsViewer): a command link runs, with its arguments, on a click.
  const NOTICE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
  // eslint-disable-next-line no-control-regex
  const RAW = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufff9-\ufffb]/u;

  it('escapeNotice: no name forms a link in a notification, however it is built', () => {
    const evil = '/tmp/[Show Log](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';
    assert.match(evil, NOTICE_LINK, 'the workbench would link this');
    const shown = escapeNotice(evil);
    assert.doesNotMatch(shown, NOTICE_LINK);
    assert.equal(shown, '/tmp/[Show Log]\\(command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)');
    const piece = fc.oneof(fc.constantFrom('[', ']', '(', ')', '](', 'command:', 'https://', 'file:', '\\', ' ', '"', 'x'), fc.string({ maxLength: 3 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const t = escapeNotice(parts.join(''));
      assert.doesNotMatch(t, NOTICE_LINK);
      assert.doesNotMatch(t, RAW);
    }), { numRuns: 3000 });
  });

  it('escapeIcons: "$(name)" in a quick pick label shows as text, not as an icon', () => {
    assert.equal(escapeIcons('$(pass) trusted $(x'), '\\$(pass) trusted \\$(x');
    // VS Code's renderLabelWithIcons: a "$(" preceded by a backslash is text.
    const icons = /(\\)?\$\(([a-z0-9-]+(?:~[a-z]+)?)\)/gi;
    fc.assert(fc.property(fc.array(fc.constantFrom('$(', 'pass', ')', '\\', 'a', '$'), { maxLength: 20 }), (parts) => {
      for (const m of escapeIcons(escapeControl(parts.join(''))).matchAll(icons)) assert.ok(m[1], `icon ${m[0]}`);
    }), { numRuns: 2000 });
  });

  it('terminalJson: the same value for a program, no C1, bidi or invisible character for a terminal', () => {
    const v = { name: 'a\u009b31m\u202eb\u2066\u{e0041}\u00ad\x1b\n', n: 1, list: ['\u0085'] };
    const json = terminalJson(v);
    assert.deepEqual(JSON.parse(json), v);
    assert.doesNotMatch(json, RAW);
    assert.ok(json.includes('\\u009b') && json.includes('\\u202e') && json.includes('\\udb40\\udc41'), json);
    fc.assert(fc.property(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 40 }), (x, s) => {
      const value = { x, s };
      const out = terminalJson(value);
      assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(value)));
      assert.doesNotMatch(out, RAW);
    }), { numRuns: 2000 });
  });

  it('escapeControl: the deprecated format characters and the interlinear annotation marks show as nothing too', () => {
    assert.equal(escapeControl('a\u206ab\u206fc\ufff9d\ufffbe'), 'a\\u206ab\\u206fc\\ufff9d\\ufffbe');
  });
});
