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
