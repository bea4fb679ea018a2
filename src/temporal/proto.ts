// @temporalio/proto is CommonJS: under Node's ESM loader only its default export is visible.
import proto from '@temporalio/proto';

export type { temporal } from '@temporalio/proto';
export const enums = proto.temporal.api.enums.v1;
