import type { temporal } from './proto.js';

/** The marker Temporal's SDK core records for each completed local activity. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface LocalActivityStep {
  /** The activity's name (the marker data's `activity_type`). */
  type: string;
  /** Its result payload, if it returned one. */
  result?: temporal.api.common.v1.IPayload;
}

/** A history's local-activity steps, in order: the marker's data names the activity, its result is the payload. */
export function localActivitySteps(events: temporal.api.history.v1.IHistoryEvent[]): LocalActivityStep[] {
  return events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    const data = m?.markerName === LOCAL_ACTIVITY_MARKER ? m.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const { activity_type: type } = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string };
    const result = m?.details?.result?.payloads?.[0];
    return [{ type, ...(result ? { result } : {}) }];
  });
}
