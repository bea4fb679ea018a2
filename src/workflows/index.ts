export { runWorkflow } from './run.js';
