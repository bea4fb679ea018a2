import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'code-runner' });
    expect(c.runner.namespace).toBe('code-runner-runs');
    expect(c.languages.map((l) => l.id)).toEqual(expect.arrayContaining(['python', 'javascript']));
  });
  it("accepts the predecessors' variable names", () => {
    const c = loadConfig({
      KUBERNETES_NAMESPACE: 'legacy-ns',
      CPU_LIMIT: '1',
      MEMORY_LIMIT: '512Mi',
      JOB_TTL_SECONDS: '120',
      RUNNER_NODE_SELECTOR: 'pool=runners,zone=a',
      SANDBOX_IMAGE_PYTHON: 'python:3.13-slim',
    });
    expect(c.runner.namespace).toBe('legacy-ns');
    expect(c.runner.resources).toMatchObject({ cpuLimit: '1', memoryLimit: '512Mi', memoryRequest: '512Mi' });
    expect(c.runner.jobTtlSeconds).toBe(120);
    expect(c.runner.nodeSelector).toEqual({ pool: 'runners', zone: 'a' });
    expect(c.languages.find((l) => l.id === 'python')?.image).toBe('python:3.13-slim');
    expect(loadConfig({ KUBERNETES_NAMESPACE: 'a', RUNNER_NAMESPACE: 'b' }).runner.namespace).toBe('b');
  });
  it('parses the admission cap and the runner tolerations', () => {
    const cfg = loadConfig({
      MAX_ACTIVE_RUNS: '3',
      RUNNER_TOLERATIONS: 'sandbox=true:NoSchedule,kwok.x-k8s.io/node:NoExecute',
    });
    expect(cfg.admission.maxActiveRuns).toBe(3);
    expect(cfg.runner.tolerations).toEqual([
      { key: 'sandbox', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect(() => loadConfig({ RUNNER_TOLERATIONS: 'sandbox:Sometimes' })).toThrow(/RUNNER_TOLERATIONS/);
    expect(loadConfig({}).admission.maxActiveRuns).toBe(10);
  });

  it('makes Jobs the sandboxes unless SANDBOX_KIND says Pod', () => {
    expect(loadConfig({}).runner.kind).toBe('Job');
    expect(loadConfig({ SANDBOX_KIND: 'Pod' }).runner.kind).toBe('Pod');
    expect(() => loadConfig({ SANDBOX_KIND: 'pod' })).toThrow(/SANDBOX_KIND/);
  });

  it('reports every invalid variable at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', CPU_LIMIT: 'lots', RUNNER_NAMESPACE: 'Bad_NS', POLL_FACTOR: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const fields = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['PORT', 'CPU_LIMIT', 'RUNNER_NAMESPACE', 'POLL_FACTOR']));
  });
  it('reads on/off switches as environment variables spell them, off by default', () => {
    expect(loadConfig({}).worker.workflowStackTraces).toBe(false);
    for (const on of ['true', '1', 'yes'])
      expect(loadConfig({ WORKER_WORKFLOW_STACK_TRACES: on }).worker.workflowStackTraces).toBe(true);
    for (const off of ['false', '0', 'no'])
      expect(loadConfig({ WORKER_WORKFLOW_STACK_TRACES: off }).worker.workflowStackTraces).toBe(false);
    expect(() => loadConfig({ WORKER_WORKFLOW_STACK_TRACES: 'maybe' })).toThrow(/WORKER_WORKFLOW_STACK_TRACES/);
  });
  it('has no workflow activation limit unless one is set, in milliseconds', () => {
    expect(loadConfig({}).worker.activationLimitMs).toBe(0);
    expect(loadConfig({ WORKER_ACTIVATION_LIMIT_MS: '5000' }).worker.activationLimitMs).toBe(5000);
    expect(() => loadConfig({ WORKER_ACTIVATION_LIMIT_MS: '5s' })).toThrow(/WORKER_ACTIVATION_LIMIT_MS/);
  });
  it('rejects a LANGUAGES_FILE that does not exist, with the path', () => {
    expect(() => loadConfig({ LANGUAGES_FILE: '/nonexistent/langs.json' })).toThrow(
      /LANGUAGES_FILE: cannot read \/nonexistent/,
    );
  });
  it('reads CALLBACK_CA_FILE once, and rejects a file that is missing or holds no certificate', () => {
    expect(loadConfig({}).callbacks.extraCa).toBeUndefined();
    expect(() => loadConfig({ CALLBACK_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/CALLBACK_CA_FILE: cannot read/);
    expect(() => loadConfig({ CALLBACK_CA_FILE: '/etc/hostname' })).toThrow(/CALLBACK_CA_FILE: .* no PEM certificate/);
  });
});
