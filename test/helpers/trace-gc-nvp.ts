/**
 * Preload (`--import`) that turns on V8's one-line GC trace (`--trace-gc-nvp`, not allowed in
 * NODE_OPTIONS itself): each collection prints `GC: {json}` to stdout (see gc-survival.ts).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--trace-gc-nvp');
