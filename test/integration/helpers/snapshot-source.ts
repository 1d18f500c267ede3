// Run by the fd iterator tests in another namespace (e.g. a time namespace): one snapshot on this thread, and
// where its fds came from, as one JSON line.

import { takeSnapshot } from '../../../src/core/scan/snapshot';

const s = takeSnapshot({ threads: 1 });
const own = s.objects.filter((o) => o.endpoints.some((e) => e.pid === process.pid)).length;
console.log(JSON.stringify({ fdSource: s.scan?.fdSource, fdIteratorUnusable: s.scan?.fdIteratorUnusable ?? null, objects: s.objects.length, own }));
