// Results of the snippet test and the mechanism x language matrix printed at its end.

import { MECHANISMS, UNAVAILABLE } from '../../src/core/snippets/catalogue';
import { LANGUAGES, SNIPPET_LANGUAGES, type MechanismId, type SnippetLanguage } from '../../src/core/snippets/types';

/** One runnable unit: a single program, or the two programs of a pair run against each other. */
export interface UnitResult {
  language: SnippetLanguage;
  mechanism: MechanismId;
  ids: string[];
  compiled: boolean;
  /** Every program exited 0 in time, without warnings that count as failures; undefined = not run. */
  ran?: boolean;
  /** Every program printed its expected output (the data really went through); undefined = not checked. */
  exchanged?: boolean;
  problems: string[];
  ms: number;
  /** Set on the result of a probe (probes.ts) rather than an ordinary run. */
  probe?: string;
}

const mark = (v: boolean | undefined): string => (v === undefined ? '·' : v ? '✓' : '✗');

function cell(results: UnitResult[]): string {
  const all = (f: (r: UnitResult) => boolean | undefined): boolean | undefined => {
    const vs = results.map(f);
    if (vs.some((v) => v === false)) return false;
    if (vs.some((v) => v === undefined)) return undefined;
    return true;
  };
  return `${mark(all((r) => r.compiled))} ${mark(all((r) => r.ran))} ${mark(all((r) => r.exchanged))}`;
}

/** The matrix as text: rows = mechanisms, columns = languages; n/a cells point at a numbered reason. */
export function renderMatrix(results: readonly UnitResult[], selected: ReadonlySet<SnippetLanguage>): string {
  const reasons: string[] = [];
  const rows: string[][] = [['mechanism', ...SNIPPET_LANGUAGES.map((l) => LANGUAGES[l].label)]];
  for (const m of MECHANISMS) {
    const row: string[] = [m.id];
    for (const lang of SNIPPET_LANGUAGES) {
      const na = UNAVAILABLE.find((u) => u.mechanism === m.id && u.language === lang);
      const rs = results.filter((r) => r.mechanism === m.id && r.language === lang);
      if (na) {
        reasons.push(`${LANGUAGES[lang].label} ${m.id}: ${na.reason}`);
        row.push(`n/a [${reasons.length}]`);
      } else if (!selected.has(lang) || rs.length === 0) {
        row.push('-');
      } else {
        row.push(cell(rs));
      }
    }
    rows.push(row);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]): string => r.map((v, c) => v + ' '.repeat((widths[c] ?? 0) - [...v].length)).join('  ').trimEnd();
  const out = [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
  out.push('', 'cells: compiled ran exchanged-data (✓ yes, ✗ no, · not reached); - = not selected');
  if (reasons.length > 0) out.push('', 'n/a: no snippet, because', ...reasons.map((r, i) => `  [${i + 1}] ${r}`));
  return out.join('\n');
}

/** One line per probe: the languages it passed and failed in. */
export function renderProbes(results: readonly UnitResult[]): string {
  const names = [...new Set(results.map((r) => r.probe ?? ''))];
  const lines = names.map((name) => {
    const rs = results.filter((r) => r.probe === name);
    const cells = rs.map((r) => `${mark(r.compiled && r.ran)} ${LANGUAGES[r.language].label} ${r.ids[0]}`);
    return [name, cells.join(', ')];
  });
  const width = Math.max(...lines.map(([n]) => (n ?? '').length));
  return ['probes (✓ kept its promise, ✗ did not; the matrix cells include them):', ...lines.map(([n, c]) => `  ${(n ?? '').padEnd(width)}  ${c}`)].join('\n');
}

/** Markdown version of the matrix, for notes. */
export function renderMarkdown(results: readonly UnitResult[]): string {
  const head = `| mechanism | ${SNIPPET_LANGUAGES.map((l) => LANGUAGES[l].label).join(' | ')} |`;
  const sep = `|---|${SNIPPET_LANGUAGES.map(() => '---').join('|')}|`;
  const rows = MECHANISMS.map((m) => {
    const cells = SNIPPET_LANGUAGES.map((lang) => {
      if (UNAVAILABLE.some((u) => u.mechanism === m.id && u.language === lang)) return 'n/a';
      const rs = results.filter((r) => r.mechanism === m.id && r.language === lang);
      return rs.length === 0 ? '-' : cell(rs);
    });
    return `| ${m.id} | ${cells.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}
