import { Counter, Histogram } from 'prom-client';
import { tenantOf } from '../domain/tenant.js';
import type { RunInput } from '../domain/run.js';
import { BaseMetrics } from './metrics.js';

/** The API process's metrics: its HTTP traffic and the runs it accepted. */
export class ApiMetrics extends BaseMetrics {
  readonly httpRequests = new Counter({
    name: 'code_runner_http_requests_total',
    help: 'HTTP requests served, by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'code_runner_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and method',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly runsSubmitted = new Counter({
    name: 'code_runner_runs_submitted_total',
    help: 'Runs accepted (a workflow started), by language, tenant and client API',
    labelNames: ['language', 'tenant', 'client'],
    registers: [this.registry],
  });

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.httpRequests.inc({ route, method, status: String(status) });
    this.httpDuration.observe({ route, method }, seconds);
  }

  runSubmitted(input: Pick<RunInput, 'language' | 'tenant' | 'client'>): void {
    this.runsSubmitted.inc({ language: input.language, tenant: tenantOf(input), client: input.client ?? 'native' });
  }
}
