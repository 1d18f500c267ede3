// Types of the snippet catalogue: mechanisms, languages, one entry per snippet file, and what a language cannot do.

export type SnippetLanguage = 'rust' | 'c' | 'python' | 'typescript';

export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ['rust', 'c', 'python', 'typescript'];

export interface LanguageInfo {
  label: string;
  /** File extension of the sources under snippets/<language>/. */
  extension: string;
  /** VS Code language ids the snippets are offered for. */
  vscodeLanguageIds: string[];
  /** What every snippet of this language needs to build and run. */
  toolchain: string;
}

export const LANGUAGES: Record<SnippetLanguage, LanguageInfo> = {
  rust: { label: 'Rust', extension: 'rs', vscodeLanguageIds: ['rust'], toolchain: 'Rust 1.70+ (edition 2021), Linux' },
  c: {
    label: 'C',
    extension: 'c',
    vscodeLanguageIds: ['c'],
    toolchain: 'gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread FILE.c -lrt (glibc, Linux)',
  },
  python: { label: 'Python', extension: 'py', vscodeLanguageIds: ['python'], toolchain: 'Python 3.10+ standard library, Linux' },
  typescript: {
    label: 'TypeScript',
    extension: 'ts',
    vscodeLanguageIds: ['typescript'],
    toolchain: 'Node 20+ built-in modules (@types/node), strict TypeScript',
  },
};

export type MechanismId =
  | 'pipe-child'
  | 'fifo'
  | 'pipe-size'
  | 'pipe-nonblocking'
  | 'unix-stream'
  | 'unix-abstract'
  | 'fd-passing'
  | 'peer-credentials'
  | 'tcp'
  | 'udp'
  | 'shm-ring'
  | 'mmap-file'
  | 'signals'
  | 'mqueue'
  | 'mpmc-channel'
  | 'framed-protocol'
  | 'ipc-channel';

export interface Mechanism {
  id: MechanismId;
  title: string;
  /** One line: what the snippets for this mechanism show. */
  summary: string;
}

/** A Rust crate a snippet needs, with a version requirement that resolves against Debian 12's packaged crates. */
export interface CrateDep {
  name: string;
  version: string;
  /** Only when the snippet needs non-default features. */
  features?: string[];
}

/** The side a snippet plays when its mechanism has two independent programs. */
export type Role = 'server' | 'client' | 'reader' | 'writer' | 'producer' | 'consumer';

export interface SnippetEntry {
  /** File stem, unique per language: snippets/<language>/<id>.<extension>. */
  id: string;
  language: SnippetLanguage;
  mechanism: MechanismId;
  /** Completion prefix, `ipc-` + id (once: an id starting with `ipc-` is its own prefix), the same in every language. */
  prefix: string;
  title: string;
  /** One line, shown in completion and in the quick pick. */
  description: string;
  /** Rust crates (empty = std only). */
  crates: CrateDep[];
  /** C linker flags beyond libc. */
  libs: string[];
  /** A requirement beyond the language's toolchain (e.g. a newer Python). */
  requires?: string;
  /**
   * For two-program mechanisms: this side's role and the id of the other side. The side whose role is
   * server/reader/producer starts first and prints a first line ending with the address (path, host:port,
   * shm name) that the other side takes as its first argument.
   */
  role?: Role;
  peer?: string;
  /** Substrings stdout must contain when the program ran with its defaults and really exchanged data. */
  expect: string[];
  /** The exchange is between threads of one process (said in the description too). */
  inProcess?: boolean;
}

/** A mechanism a language cannot do with standard means, and why (shown instead of a fake snippet). */
export interface Unavailable {
  mechanism: MechanismId;
  language: SnippetLanguage;
  reason: string;
}

/** First-starting roles of a pair. */
export const LEADING_ROLES: readonly Role[] = ['server', 'reader', 'producer'];
