import type { RunInput } from '../domain/run.js';
import { inputBytes } from '../domain/launcher-spec.js';

/**
 * The inputs of runs this API process started, newest kept, within a byte budget. A run's input never
 * changes, so a hit spares reading the run's whole history while it is open (Judge0 clients poll open
 * submissions, whose views echo their input). A miss (another replica, a restart) reads the history.
 */
export class InputCache {
  private readonly entries = new Map<string, { input: RunInput; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  set(input: RunInput): void {
    const bytes = inputBytes(input) + 1024;
    if (bytes > this.maxBytes) return;
    this.delete(input.runId);
    this.entries.set(input.runId, { input, bytes });
    this.bytes += bytes;
    // A Map iterates in insertion order: the oldest go first.
    for (const [id] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(id);
    }
  }

  get(runId: string): RunInput | undefined {
    return this.entries.get(runId)?.input;
  }

  private delete(runId: string): void {
    const e = this.entries.get(runId);
    if (!e) return;
    this.entries.delete(runId);
    this.bytes -= e.bytes;
  }
}
