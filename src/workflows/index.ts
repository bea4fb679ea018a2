export { runWorkflow } from './run.js';
export { sweepLeaksWorkflow } from './sweep.js';
export { admissionWorkflow } from './admission.js';
