/** Small statistics helpers for the benchmarks. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

export function summary(
  name: string,
  ms: number[],
): { name: string; n: number; p50: number; p95: number; mean: number } {
  const mean = ms.reduce((a, b) => a + b, 0) / Math.max(ms.length, 1);
  return { name, n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), mean };
}

export function printTable(rows: ReturnType<typeof summary>[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline);
  console.log(
    `${'case'.padEnd(28)} ${'n'.padStart(4)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'mean ms'.padStart(9)} ${'p50 / ' + baseline}`,
  );
  for (const r of rows) {
    const ratio = base ? (r.p50 / base.p50).toFixed(2) + 'x' : '';
    console.log(
      `${r.name.padEnd(28)} ${String(r.n).padStart(4)} ${r.p50.toFixed(0).padStart(9)} ${r.p95.toFixed(0).padStart(9)} ${r.mean.toFixed(0).padStart(9)} ${ratio}`,
    );
  }
}
