// Run by the integration tests inside a mount namespace without /dev/mqueue: prints the POSIX message queues
// a snapshot finds (from their holders' fds), its notes, and what the refresh path reads of them.

import { refreshQueues } from '../../../src/core/scan/refresh';
import { takeSnapshot } from '../../../src/core/scan/snapshot';

const s = takeSnapshot({ kinds: ['posix-mq'] });
const queues = s.objects.filter((o) => o.kind === 'posix-mq');
const r = refreshQueues(queues);
console.log(JSON.stringify({ notes: s.notes, queues, samples: r.samples }));
