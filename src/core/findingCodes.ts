// The security findings the engine can raise: code -> short title, the risk, and the fix (after the seed's
// security section: socket files 0600, validate what arrives, never trust IPC data as commands).

export interface FindingInfo {
  title: string;
  risk: string;
  fix: string;
}

export const FINDING_INFO: Record<string, FindingInfo> = {
  'world-writable': {
    title: 'Writable by every user',
    risk: 'Any local user can connect to it or write into it: inject messages, fill the queue, or corrupt shared data.',
    fix: 'Create it with mode 0600 (or 0660 with a dedicated group), e.g. inside a 0700 directory; for sockets check SO_PEERCRED.',
  },
  'group-writable': {
    title: 'Writable by the group',
    risk: 'Every member of the owning group can write to it; acceptable only if that group is meant to be trusted.',
    fix: 'Use mode 0600 unless the group is dedicated to this service.',
  },
  'insecure-directory': {
    title: 'In a world-writable directory without the sticky bit',
    risk: 'Any user can delete or replace the file and impersonate the server (a socket or FIFO swapped under the client).',
    fix: 'Put it in a directory owned by the service with mode 0700 (e.g. $XDG_RUNTIME_DIR), or set the sticky bit on the directory.',
  },
  'listens-on-all-interfaces': {
    title: 'Listening on all interfaces',
    risk: 'Reachable from every network the machine is on, not just this host.',
    fix: 'Bind to 127.0.0.1 / ::1 (or a Unix socket) unless remote clients are intended; then authenticate them.',
  },
  'stale-socket-file': {
    title: 'Socket file with no listener',
    risk: 'Clients get ECONNREFUSED, and the next bind() to this path fails with EADDRINUSE.',
    fix: 'Remove the file (the listener should unlink it on exit and before bind).',
  },
  'orphan-fifo': {
    title: 'FIFO that nobody holds',
    risk: 'A writer opening it blocks until a reader appears; leftovers in /tmp can be pre-created by another user.',
    fix: 'Remove it if no program needs it; create FIFOs in a private directory and unlink them when done.',
  },
};

export function findingInfo(code: string): FindingInfo {
  return FINDING_INFO[code] ?? { title: code, risk: '', fix: '' };
}
