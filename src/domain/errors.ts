/** The one HTTP error type: status, stable machine-readable code, human message, optional details. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Stable ApplicationFailure types raised by activities. Permanent ones are never retried. */
export const FailureTypes = {
  KubeTransient: 'KubeTransient',
  KubeForbidden: 'KubeForbidden',
  KubeInvalid: 'KubeInvalid',
  KubeConflict: 'KubeConflict',
} as const;
export const PERMANENT_FAILURE_TYPES = [
  FailureTypes.KubeForbidden,
  FailureTypes.KubeInvalid,
  FailureTypes.KubeConflict,
];
