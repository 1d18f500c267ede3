// Public surface of the call-site finders and their resolution against a snapshot.
export { findCallSites } from './find';
export { resolveCallSite, type LensBenchmark, type LensResolution } from './resolve';
export { indexSnapshot } from './snapshotIndex';
export * from './types';
export * from './lensView';
