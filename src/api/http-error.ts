/** The one HTTP error type: status, stable machine-readable code, human message, optional details, and
 * the original error as `cause` (logged, never sent). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}
