// The engine entry points bench:scan times, bundled by it with esbuild as dist/scan.worker.js is: the scan
// process runs that bundle, not the TypeScript sources through tsx (whose module interop put a getter call
// on every imported binding: 15 % more user CPU per snapshot, measured by hand on a 10k-fd population).
export { takeSnapshot } from '../src/core/scan/snapshot';
export { refreshQueues } from '../src/core/scan/refresh';
