// Parses VS Code snippet syntax (tab stops, placeholders, choices, escapes) and fills every tab stop with its default.
//
// Follows the grammar of VS Code's SnippetParser closely enough that the text we compile in the tests is the text
// VS Code inserts: `\` escapes only `$`, `}` and `\` (and `,` `|` inside choices); `$1`/`${1}` are tab stops;
// `${1:default}` placeholders (nestable); `${1|a,b|}` choices (first option is the default); a tab stop without
// a default takes the default of another placeholder with the same index (mirrors). Variables (`$NAME`, `${NAME}`)
// are reported so the catalogue can forbid them: VS Code turns unknown ones into placeholders.

export interface TabStop {
  index: number;
  /** Default text of this occurrence ('' for a bare `$1`). */
  defaultText: string;
  kind: 'tabstop' | 'placeholder' | 'choice';
  choices?: string[];
}

export interface ParsedSnippet {
  /** Every tab stop occurrence in source order (nested ones included). */
  tabStops: TabStop[];
  /** Variable names used (`$TM_FILENAME`, `${CLIPBOARD:x}`...), in source order. */
  variables: string[];
  /** The text VS Code would insert if the user accepts every default. */
  filled: string;
}

type Node =
  | { t: 'text'; v: string }
  | { t: 'stop'; index: number; children: Node[]; kind: TabStop['kind']; choices?: string[] }
  | { t: 'var'; name: string; children: Node[] };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isVarStart = (c: string | undefined): boolean => c !== undefined && /[_a-zA-Z]/.test(c);
const isVarChar = (c: string | undefined): boolean => c !== undefined && /[_a-zA-Z0-9]/.test(c);

class Parser {
  private pos = 0;
  readonly variables: string[] = [];
  constructor(private readonly src: string) {}

  parseAll(): Node[] {
    const out: Node[] = [];
    while (this.pos < this.src.length) this.parseOne(out, false);
    return out;
  }

  private readWhile(pred: (c: string | undefined) => boolean): string {
    const start = this.pos;
    while (this.pos < this.src.length && pred(this.src[this.pos])) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** Parses one element into `out`. Inside a placeholder a bare `}` is left for the caller. */
  private parseOne(out: Node[], inside: boolean): void {
    const s = this.src;
    const c = s[this.pos];
    if (c === '\\') {
      const n = s[this.pos + 1];
      if (n === '$' || n === '}' || n === '\\') {
        this.pos += 2;
        pushText(out, n);
      } else {
        this.pos += 1;
        pushText(out, '\\');
      }
      return;
    }
    if (c === '$') {
      const n = s[this.pos + 1];
      if (isDigit(n)) {
        this.pos += 1;
        out.push({ t: 'stop', index: Number(this.readWhile(isDigit)), children: [], kind: 'tabstop' });
        return;
      }
      if (isVarStart(n)) {
        this.pos += 1;
        const name = this.readWhile(isVarChar);
        this.variables.push(name);
        out.push({ t: 'var', name, children: [] });
        return;
      }
      if (n === '{' && this.parseComplex(out)) return;
    }
    if (inside && c === '}') return;
    this.pos += 1;
    pushText(out, c as string);
  }

  /** `${1}`, `${1:...}`, `${1|a,b|}`, `${NAME}`, `${NAME:...}`; on malformed input restores and returns false. */
  private parseComplex(out: Node[]): boolean {
    const start = this.pos;
    this.pos += 2; // '${'
    const s = this.src;
    let node: Node;
    if (isDigit(s[this.pos])) {
      node = { t: 'stop', index: Number(this.readWhile(isDigit)), children: [], kind: 'tabstop' };
    } else if (isVarStart(s[this.pos])) {
      node = { t: 'var', name: this.readWhile(isVarChar), children: [] };
    } else {
      this.pos = start;
      return false;
    }
    const c = s[this.pos];
    if (c === '}') {
      this.pos += 1;
    } else if (c === ':') {
      this.pos += 1;
      if (node.t === 'stop') node.kind = 'placeholder';
      for (;;) {
        if (this.pos >= s.length) {
          this.pos = start;
          return false;
        }
        if (s[this.pos] === '}') {
          this.pos += 1;
          break;
        }
        this.parseOne(node.children, true);
      }
    } else if (c === '|' && node.t === 'stop') {
      const choices = this.parseChoices();
      if (!choices) {
        this.pos = start;
        return false;
      }
      node.kind = 'choice';
      node.choices = choices;
      node.children = [{ t: 'text', v: choices[0] ?? '' }];
    } else {
      this.pos = start;
      return false;
    }
    if (node.t === 'var') this.variables.push(node.name);
    out.push(node);
    return true;
  }

  private parseChoices(): string[] | undefined {
    const s = this.src;
    this.pos += 1; // '|'
    const choices: string[] = [];
    let cur = '';
    while (this.pos < s.length) {
      const c = s[this.pos] as string;
      if (c === '\\' && /[$}\\,|]/.test(s[this.pos + 1] ?? '')) {
        cur += s[this.pos + 1];
        this.pos += 2;
      } else if (c === ',') {
        choices.push(cur);
        cur = '';
        this.pos += 1;
      } else if (c === '|' && s[this.pos + 1] === '}') {
        choices.push(cur);
        this.pos += 2;
        return choices;
      } else {
        cur += c;
        this.pos += 1;
      }
    }
    return undefined;
  }
}

function pushText(out: Node[], v: string): void {
  const last = out[out.length - 1];
  if (last && last.t === 'text') last.v += v;
  else out.push({ t: 'text', v });
}

/** Parses a snippet body; never throws (malformed constructs are kept as text, like VS Code does). */
export function parseSnippet(body: string): ParsedSnippet {
  const p = new Parser(body);
  const nodes = p.parseAll();
  const tabStops: TabStop[] = [];
  // The first occurrence of an index that has a default defines the value for every occurrence (mirrors).
  const defaults = new Map<number, Node[]>();
  const collect = (ns: Node[]): void => {
    for (const n of ns) {
      if (n.t === 'stop') {
        if (n.children.length > 0 && !defaults.has(n.index)) defaults.set(n.index, n.children);
        collect(n.children);
      } else if (n.t === 'var') collect(n.children);
    }
  };
  collect(nodes);
  const render = (ns: Node[], record: boolean): string => {
    let s = '';
    for (const n of ns) {
      if (n.t === 'text') s += n.v;
      else if (n.t === 'var') s += render(n.children, record);
      else {
        const own = render(n.children, record);
        if (record) {
          const stop: TabStop = { index: n.index, defaultText: own, kind: n.kind };
          if (n.choices) stop.choices = n.choices;
          tabStops.push(stop);
        }
        const src = n.children.length > 0 ? n.children : (defaults.get(n.index) ?? []);
        s += n.children.length > 0 ? own : render(src, false);
      }
    }
    return s;
  };
  const filled = render(nodes, true);
  return { tabStops, variables: p.variables, filled };
}

/** The text VS Code inserts when every tab stop keeps its default. */
export function fillDefaults(body: string): string {
  return parseSnippet(body).filled;
}
