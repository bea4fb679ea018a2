// Judge0's statuses live in src/domain/judge0 (the workflow's callback uses them too).
export * from '../../domain/judge0/statuses.js';
