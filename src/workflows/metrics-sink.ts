import { proxySinks, type Sinks } from '@temporalio/workflow';

/**
 * What a run reports to the worker's metrics. A sink call is no command (history and determinism are
 * untouched) and the worker drops it during replay, so each event is counted once per run, not per replay.
 */
export interface RunMetricsSinks extends Sinks {
  runMetrics: {
    /** The run got its slot: how long it waited since the API accepted it. */
    admitted(e: { language: string; tenant: string; waitMs: number }): void;
    /** The run's final status, and its time from accepted to that status. */
    finished(e: { language: string; tenant: string; status: string; durationMs: number }): void;
  };
}

export const { runMetrics } = proxySinks<RunMetricsSinks>();
