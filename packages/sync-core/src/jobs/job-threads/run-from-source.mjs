// Starts a job thread from TypeScript source (tests under vitest, `node --import tsx`): a worker does not
// inherit its parent's loaders, so this registers tsx in the thread, then loads the worker file named in
// argv. A build runs the compiled job-thread.worker.js directly and never uses this file.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
