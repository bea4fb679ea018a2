import { pino, type Logger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { RUN_WORKFLOW_TYPE } from '../workflows/definitions.js';

export type { Logger } from 'pino';
export type Level = 'debug' | 'info' | 'warn' | 'error';

/** One JSON logger per process: `level`, ISO `time`, `service`, `msg`, then the fields of the line. */
export function createLogger(level: Level, service: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Start-up lines (what scripts and tests wait for) are written at any LOG_LEVEL. */
export function announce(log: Logger, fields: Record<string, unknown>, msg: string): void {
  const l = log.isLevelEnabled('info') ? log : log.child({}, { level: 'info' });
  l.info(fields, msg);
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const LEVELS: Record<LogLevel, Level> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger (the worker's own lines, workflow and activity context loggers) written
 * through pino. A run workflow's id is the run id, so its lines and its activities' carry `run_id`.
 */
export function temporalLogger(log: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const { workflowId, workflowType, ...rest } = (meta ?? {}) as Record<string, unknown>;
    // An activity's task token is an opaque binary handle: no use in a log line.
    delete rest.taskToken;
    const fields = {
      ...rest,
      ...(workflowType !== undefined ? { workflowType } : {}),
      ...(workflowId !== undefined
        ? workflowType === RUN_WORKFLOW_TYPE
          ? { run_id: workflowId }
          : { workflowId }
        : {}),
    };
    log[LEVELS[level]](fields, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
