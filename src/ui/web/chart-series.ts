/** One sample of /system/status for the timeline chart. */
export interface Sample {
  /** Unix seconds. */
  t: number;
  queueDepth: number;
  running: number;
  replicas: number | null;
}

/** The chart's lines, in the order of the sample's values. */
export const SERIES = [
  { key: 'queueDepth', label: 'Queue depth', stroke: '#d97706', fill: 'rgba(217,119,6,0.12)' },
  { key: 'running', label: 'Running runs', stroke: '#2563eb', fill: 'rgba(37,99,235,0.08)' },
  { key: 'replicas', label: 'Worker replicas', stroke: '#059669', fill: undefined },
] as const;
