import type { Config } from '../config/config.js';

/**
 * The largest JSON body the API reads. JSON escaping writes a byte as at most 6 characters (a control
 * character as \u0000): leave room for code and stdin made only of those; the service then checks their
 * exact sizes.
 */
export function jsonBodyLimit(l: Config['limits']): number {
  return JSON_ESCAPE_MAX * Math.max(l.maxInputBytes, l.maxCodeBytes + l.maxStdinBytes) + 16 * 1024;
}

const JSON_ESCAPE_MAX = 6;
