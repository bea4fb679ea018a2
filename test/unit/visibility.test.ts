import { openRunsQuery, runsQuery } from '../../src/temporal/visibility.js';

describe('runsQuery (the visibility query of one task queue’s runs)', () => {
  const base = "WorkflowType = 'runWorkflow' AND TaskQueue = 'q1'";

  it('always names the run workflow and the task queue', () => {
    expect(runsQuery('q1')).toBe(base);
  });

  it('adds open, tenant, one status or several, and language', () => {
    expect(runsQuery('q1', { status: 'Queued', open: true })).toBe(
      `${base} AND ExecutionStatus = 'Running' AND RunStatus = 'Queued'`,
    );
    expect(runsQuery('q1', { status: ['Pending', 'Running'] })).toBe(`${base} AND RunStatus IN ('Pending', 'Running')`);
    expect(runsQuery('q1', { tenant: 'acme', language: 'python' })).toBe(
      `${base} AND RunTenant = 'acme' AND RunLanguage = 'python'`,
    );
  });

  it('names the open runs of some statuses (the queue, the active runs)', () => {
    expect(openRunsQuery('q1', 'Pending', 'Running')).toBe(
      `${base} AND ExecutionStatus = 'Running' AND RunStatus IN ('Pending', 'Running')`,
    );
  });

  it('cannot be broken out of by a quote in a value', () => {
    expect(runsQuery('q1', { tenant: "x' OR RunTenant != '" })).toBe(`${base} AND RunTenant = 'x OR RunTenant != '`);
  });
});
