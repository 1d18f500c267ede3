// Call-site finders: the seed's own examples, lexer edge cases, ranges, socket types, odd input and speed.

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { CALLSITE_LANGUAGES, findCallSites } from '../../src/core/callsites';
import { lex } from '../../src/core/callsites/lexer';
import { describe_ } from './callsitesMarkers';

const SEED = path.join(__dirname, '..', 'fixtures', 'callsites', 'seed');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const one = (text: string, lang: string) => findCallSites(text, lang).map(describe_);

describe('findCallSites on the seed examples', () => {
  it('finds exactly the literal call sites of the seed code blocks', () => {
    const found: string[] = [];
    for (const f of readdirSync(SEED).sort()) {
      for (const s of findCallSites(readFileSync(path.join(SEED, f), 'utf8'), 'rust')) found.push(`${f}:${s.range.line + 1} ${s.call} ${describe_(s)}`);
    }
    assert.deepEqual(found, [
      '08-L354.rs:7 UnixListener::bind unix listen path:/tmp/my.sock',
      '08-L354.rs:23 TcpListener::bind tcp listen port:tcp:8080',
      // `let socket_path = "\0my_abstract_socket"; UnixListener::bind(socket_path)`
      '09-L397.rs:8 UnixListener::bind unix listen abstract:my_abstract_socket via=socket_path',
      '10-L424.rs:55 UnixStream::connect unix connect path:/tmp/fd_passing.sock',
      '11-L497.rs:13 UnixListener::bind unix listen path:/tmp/auth.sock',
      '20-L977.rs:6 Signals::new signal handle signal:SIGUSR1',
      '28-L1275.rs:5 UnixStream::connect unix connect path:/tmp/ipc.sock',
      '28-L1275.rs:8 TcpStream::connect tcp connect port:tcp:8080',
    ]);
    // Not sites: mkfifo(path) and mq_open(&name) take parameters, UdpSocket::bind("0.0.0.0:0") is an ephemeral port.
  });
});

describe('lexer', () => {
  it('keeps length and line breaks, blanks comments, masks strings', () => {
    const src = 'a /* x\n"y" */ b "c//d" // e "f"\nr#"g"#';
    const l = lex(src, 'rust');
    assert.equal(l.code.length, src.length);
    assert.deepEqual(l.code.split('\n').map((x) => x.length), src.split('\n').map((x) => x.length));
    assert.equal(l.code, 'a     \n       b "    "         \n"    "');
    assert.deepEqual(l.literals.map((x) => Buffer.from(x.bytes).toString()), ['c//d', 'g']);
  });
  it('decodes NUL and hex escapes per language', () => {
    const cases: [string, 'c' | 'rust' | 'go' | 'js' | 'python', string][] = [
      ['"\\0name"', 'c', '006e616d65'],
      ['"\\x00\\x41\\101\\n"', 'c', '0041410a'],
      ['b"\\x00\\xff"', 'rust', '00ff'],
      ['"\\x7f\\u{e9}"', 'rust', '7fc3a9'],
      ['r"\\0"', 'rust', '5c30'],
      ['"\\xff"', 'go', 'ff'],
      ['`\\0`', 'go', '5c30'],
      ["'\\xe9\\0'", 'js', 'c3a900'],
      ['`plain ${"no"}`', 'js', ''],
      ["b'\\xff\\0'", 'python', 'ff00'],
      ["'\\xff'", 'python', 'c3bf'],
      ["r'\\0'", 'python', '5c30'],
      ['"""a\n"b"\n"""', 'python', '610a2262220a'],
      ['R"x(a)"b)x"', 'c', '61292262'],
      ['u8"/n"', 'c', '2f6e'],
    ];
    for (const [src, fam, want] of cases) {
      const l = lex(src, fam);
      assert.equal(l.literals.length, 1, src);
      assert.equal(hex(l.literals[0]!.bytes), want, src);
      assert.equal(l.literals[0]!.end, src.length, src);
    }
  });
  it('marks interpolated templates and f-strings, but not {{ escapes', () => {
    assert.equal(lex('`/tmp/${x}.sock`', 'js').literals[0]!.interpolated, true);
    assert.equal(lex('f"/tmp/{x}.sock"', 'python').literals[0]!.interpolated, true);
    assert.equal(lex('f"/tmp/{{x}}.sock"', 'python').literals[0]!.interpolated, false);
  });
  it('tells Rust lifetimes from char literals and JS regexes from divisions', () => {
    const r = lex("fn f<'a>(x: &'a str) { let c = '\"'; g(\"s\") }", 'rust');
    assert.deepEqual(r.literals.map((x) => Buffer.from(x.bytes).toString()), ['s']);
    const j = lex('const a = b / c; const r = /"[/]"/g; f("s") / 2', 'js');
    assert.deepEqual(j.literals.map((x) => Buffer.from(x.bytes).toString()), ['s']);
  });
});

describe('findCallSites details', () => {
  it('gives the range of the callee through the closing parenthesis', () => {
    const [s] = findCallSites('fn main() {\n    let l = UnixListener::bind("/tmp/x.sock")?;\n}\n', 'rust');
    assert.deepEqual(s!.range, { line: 1, start: 12, end: 45 });
    const [m] = findCallSites('x = shm_open(\n  "/multi",\n  O_CREAT, 0600);\n', 'c');
    assert.deepEqual(m!.range, { line: 0, start: 4, end: 13 });
  });
  it('reports the socket type when the code says it', () => {
    assert.equal(findCallSites('UnixDatagram::bind("/tmp/d")', 'rust')[0]!.sockType, 'dgram');
    assert.equal(findCallSites('int f = socket(AF_UNIX, SOCK_SEQPACKET, 0);\nstrcpy(a.sun_path, "/tmp/s");\nbind(f, 0, 0);', 'c')[0]!.sockType, 'seqpacket');
    assert.equal(findCallSites('net.Listen("unixpacket", "/tmp/p")', 'go')[0]!.sockType, 'seqpacket');
  });
  it('ignores interpolated and computed names', () => {
    assert.deepEqual(one('server.listen(`/tmp/${id}.sock`)', 'typescript'), []);
    assert.deepEqual(one('s.bind(f"/tmp/{pid}.sock")', 'python'), []);
    assert.deepEqual(one('UnixListener::bind(format!("/tmp/{}.sock", id))', 'rust'), []);
    assert.deepEqual(one('net.Listen("unix", dir+"/x.sock")', 'go'), []);
    assert.deepEqual(one('strcpy(a.sun_path, path);', 'c'), []);
  });
  it('resolves constants: the nearest definition before the call wins', () => {
    const src = 'P = "/tmp/a.sock"\ns.bind(P)\nP = "/tmp/b.sock"\nt.bind(P)\n';
    assert.deepEqual(one(src, 'python'), ['unix listen path:/tmp/a.sock via=P', 'unix listen path:/tmp/b.sock via=P']);
    assert.deepEqual(one('#define Q "/q"\n#define PORT_BASE 9000\nmq_open(Q, O_RDONLY);', 'c'), ['mq open mq:/q via=Q']);
  });
  it('returns nothing for other languages and never throws on odd input', () => {
    assert.deepEqual(findCallSites('UnixListener::bind("/tmp/x")', 'plaintext'), []);
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...CALLSITE_LANGUAGES), (s, lang) => {
      findCallSites(s, lang);
      findCallSites(`bind(${s}`, lang);
      findCallSites(`UnixListener::bind("${s}`, lang);
    }), { numRuns: 400 });
    for (const lang of CALLSITE_LANGUAGES) {
      for (const s of ['"', "'", '`', '/*', 'r#"', 'R"x(', '"""', 'bind(', 'listen({port:', '${', '\\']) findCallSites(s, lang);
    }
  });
});

describe('findCallSites speed', () => {
  it('stays linear on a 1 MB file of long strings, long chains and unbalanced parentheses', function () {
    this.timeout(300000);
    const mb = 1 << 20;
    const inputs = [
      `let s = "${'\\"a'.repeat(mb / 3)}";\nUnixListener::bind("/tmp/x.sock")?;`,
      `x = ${'a.'.repeat(mb / 2)}bind("/tmp/y.sock")`,
      `${'bind('.repeat(mb / 5)}`,
      `${'X: '.repeat(mb / 3)}= 1`,
      `${'/'.repeat(mb)}`,
      `${'"'.repeat(mb)}`,
      `const t = \`${'${`'.repeat(mb / 8)}`,
    ];
    for (const lang of ['rust', 'c', 'python', 'typescript', 'go']) {
      for (const src of inputs) {
        const t0 = performance.now();
        findCallSites(src, lang);
        const ms = performance.now() - t0;
        // Backtracking blow-ups take minutes here; linear scans take well under a second.
        assert.ok(ms < 10000, `${lang}: ${ms.toFixed(0)} ms on ${JSON.stringify(src.slice(0, 20))}…`);
      }
    }
  });
});
