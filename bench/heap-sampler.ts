import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/**
 * Loaded into the benchmark's worker process (`node --import`): samples the V8 heap (the worker runs
 * workflows and activities on its main thread, so this is all of it) every 500 ms and keeps the peak
 * in HEAP_SAMPLE_FILE as JSON, in MiB, for bench/scale.ts to print.
 */
const out = process.env.HEAP_SAMPLE_FILE;
if (out) {
  const peak = { usedMiB: 0, totalMiB: 0 };
  setInterval(() => {
    const h = getHeapStatistics();
    const used = h.used_heap_size / 2 ** 20;
    const total = h.total_heap_size / 2 ** 20;
    if (used <= peak.usedMiB && total <= peak.totalMiB) return;
    peak.usedMiB = Math.max(peak.usedMiB, used);
    peak.totalMiB = Math.max(peak.totalMiB, total);
    writeFileSync(out, JSON.stringify(peak));
  }, 500).unref();
}
