import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { memoryMiB } from './procstat.js';

/**
 * Loaded into the benchmark's worker process (`node --import`): samples its memory every 500 ms and keeps
 * in HEAP_SAMPLE_FILE, as JSON in MiB, for bench/scale.ts to print:
 * - the V8 heap's peak (the worker runs workflows and activities on its main thread, so this is all of it);
 * - what the resident set was made of when it peaked: the V8 heap, anonymous memory outside it (native:
 *   Temporal core, gRPC, malloc), and file-backed pages (node's and the core bridge's code).
 */
const out = process.env.HEAP_SAMPLE_FILE;
const MiB = 2 ** 20;

if (out) {
  const peak = { usedMiB: 0, totalMiB: 0, atRssPeak: { rss: 0, heap: 0, nativeAnon: 0, buffers: 0, file: 0 } };
  setInterval(() => {
    const h = getHeapStatistics();
    const used = h.used_heap_size / MiB;
    const total = h.total_heap_size / MiB;
    const mem = memoryMiB('self');
    if (used <= peak.usedMiB && total <= peak.totalMiB && mem.rss <= peak.atRssPeak.rss) return;
    peak.usedMiB = Math.max(peak.usedMiB, used);
    peak.totalMiB = Math.max(peak.totalMiB, total);
    if (mem.rss > peak.atRssPeak.rss) {
      // The heap's committed pages are resident (anonymous); the rest of the anonymous memory is native.
      const heap = h.total_physical_size / MiB;
      // Buffers (and other memory V8 is told about: `external`) are part of the native share.
      const buffers = process.memoryUsage().external / MiB;
      peak.atRssPeak = { rss: mem.rss, heap, nativeAnon: mem.anon - heap, buffers, file: mem.file };
    }
    writeFileSync(out, JSON.stringify(peak));
  }, 500).unref();
}
