// The seed's decision tree ("which IPC mechanism?") as data: questions, answers, and recommendations with
// the selection matrix's reasoning. Pure; the VS Code dialogue walks it with quick picks.

export interface Recommendation {
  key: string;
  title: string;
  /** Benchmark mechanism ids whose measured numbers support (or contradict) the choice. */
  benchmarks: string[];
  /** Snippet mechanism id from the snippet catalogue. */
  snippet: string;
  reasoning: string;
  alternatives: string;
}

export interface Question {
  key: string;
  text: string;
  yes: Step;
  no: Step;
  yesDetail: string;
  noDetail: string;
}

export type Step = { question: Question } | { recommendation: Recommendation };

const REC = {
  tcp: {
    key: 'tcp', title: 'TCP (or UDP) sockets', benchmarks: ['tcp', 'tcp-nodelay', 'udp'], snippet: 'tcp',
    reasoning: 'Only network sockets cross hosts. TCP is reliable and ordered with flow control; set TCP_NODELAY for request/response latency, use timeouts and keepalive, and frame your messages (length prefix). UDP is connectionless and lossy, for low-latency or broadcast traffic.',
    alternatives: 'On one host, a Unix socket gives the same API with lower latency and file-permission security.',
  },
  shm: {
    key: 'shm', title: 'Shared memory (with a ring buffer)', benchmarks: ['shm-spin', 'shm-futex'], snippet: 'shm-ring',
    reasoning: 'Large and frequent data on one host: shared memory avoids copies through the kernel. You must synchronise yourself: an SPSC ring with atomic head/tail (Release/Acquire), a futex or eventfd to sleep instead of spinning, and unlink the segment when done.',
    alternatives: 'A Unix stream socket is far simpler and often fast enough; measure both.',
  },
  pipe: {
    key: 'pipe', title: 'Anonymous pipe', benchmarks: ['pipe', 'pipe-1m'], snippet: 'pipe-child',
    reasoning: 'Parent and child only: a pipe is built in, needs no name or cleanup, and is one-way (use two for a conversation). Writes up to PIPE_BUF (4096 bytes) are atomic; raise the buffer with F_SETPIPE_SZ for throughput.',
    alternatives: 'socketpair() gives a two-way channel with the same lifetime rules.',
  },
  unix: {
    key: 'unix', title: 'Unix domain socket', benchmarks: ['unix-stream', 'unix-seqpacket', 'unix-dgram'], snippet: 'unix-stream',
    reasoning: 'Unrelated processes on one host that need flexibility: two-way, many clients, stream or message boundaries (SEQPACKET), peer credentials (SO_PEERCRED) for authorisation, fd passing (SCM_RIGHTS). Secure it with file permissions (0600, a 0700 directory) or use the abstract namespace.',
    alternatives: 'A FIFO is simpler for one-way streams; TCP if it may have to cross hosts later.',
  },
  fifo: {
    key: 'fifo', title: 'FIFO (named pipe)', benchmarks: ['fifo'], snippet: 'fifo',
    reasoning: 'Unrelated processes, one-way, simple: a FIFO has a name in the file system and pipe semantics. open() blocks until the other end opens; create it with mode 0600 in a private directory and unlink it when done.',
    alternatives: 'A Unix socket when you need two-way traffic or several clients.',
  },
  signal: {
    key: 'signal', title: 'Signals (or eventfd)', benchmarks: ['signal', 'eventfd'], snippet: 'signals',
    reasoning: 'Notification only, no data: a signal is the simplest wake-up. Standard signals coalesce (two sends may arrive as one) and handlers may only do async-signal-safe work: handle them in a thread (signal-hook iterator, signalfd, sigwaitinfo).',
    alternatives: 'eventfd for notifications between cooperating processes (counts, no coalescing surprises); a POSIX message queue for asynchronous messages with priorities.',
  },
  mq: {
    key: 'mq', title: 'POSIX message queue', benchmarks: ['posix-mq', 'sysv-msg'], snippet: 'mqueue',
    reasoning: 'Asynchronous messages with boundaries and priorities, kept by the kernel while no one reads: receive returns the highest priority first. Limits: 10 messages of 8 KiB by default for non-root (fs.mqueue.msg_max / msgsize_max).',
    alternatives: 'A Unix SEQPACKET socket when both sides run at the same time.',
  },
} satisfies Record<string, Recommendation>;

const q = (key: string, text: string, yes: Step, no: Step, yesDetail: string, noDetail: string): { question: Question } =>
  ({ question: { key, text, yes, no, yesDetail, noDetail } });
const r = (rec: Recommendation): { recommendation: Recommendation } => ({ recommendation: rec });

/** The seed's decision tree, with "notification only" asked first (it short-circuits every data question). */
export const DECISION_TREE: Step = q(
  'notify', 'Do you only need to notify the other process, without data?',
  r(REC.signal),
  q('crossHost', 'Must the processes talk across hosts?',
    r(REC.tcp),
    q('bulk', 'Is the data large and frequent (bulk, high throughput)?',
      r(REC.shm),
      q('parentChild', 'Are the processes parent and child only?',
        r(REC.pipe),
        q('async', 'Must messages wait in the kernel while no one reads (asynchronous, with priorities)?',
          r(REC.mq),
          q('flexible', 'Do you need two-way traffic, several clients, credentials or fd passing?',
            r(REC.unix), r(REC.fifo), 'Unix socket', 'FIFO'),
          'message queue', 'not needed'),
        'pipe', 'unrelated processes'),
      'shared memory', 'moderate'),
    'network sockets', 'same host'),
  'signal', 'data too',
);

export const RECOMMENDATIONS: readonly Recommendation[] = Object.values(REC);

/** Walk the tree with answers (true = yes); returns the recommendation or the next question. */
export function walk(answers: readonly boolean[], root: Step = DECISION_TREE): Step {
  let step = root;
  for (const a of answers) {
    if ('recommendation' in step) break;
    step = a ? step.question.yes : step.question.no;
  }
  return step;
}
