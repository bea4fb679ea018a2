import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { RunView } from '../../src/domain/run-view.js';
import { needsInfra } from '../support/paths.js';
import { createStack, type Stack } from '../support/stack.js';
import {
  DESKTOP,
  launch,
  serveUi,
  terminateLeftovers,
  waitRunStatus,
  watch,
  type UiServer,
} from './support/browser.js';

/**
 * The run page reads the run's event stream (EventSource on /runs/{id}/events) instead of polling: the output
 * shows while the program still runs, then the final status; with the stream refused it falls back to polling.
 * Real stack, Debian's Chromium.
 */
const SLOW_PRINTER = 'import time\nfor i in range(6):\n    print(f"tick {i}", flush=True)\n    time.sleep(1)\n';
const ALL = Array.from({ length: 6 }, (_, i) => `tick ${i}`).join('\n') + '\n';

(needsInfra() ? describe : describe.skip)('browser run page on Server-Sent Events', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;

  beforeAll(async () => {
    stack = await createStack({ EVENTS_POLL_MS: '500' });
    await stack.startWorker();
    server = await serveUi(stack);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (stack) await terminateLeftovers(stack);
    await stack?.close();
  });

  const submit = async () => {
    const res = await request(stack.app)
      .post('/runs')
      .send({ language: 'python', code: SLOW_PRINTER, timeout_seconds: 60 });
    expect(res.status).toBe(201);
    return (res.body as RunView).run_id;
  };
  /** The page's requests to the run's API paths (what it polls, what it streams). */
  const apiCalls = (page: Page, runId: string) => {
    const paths: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith(`/runs/${runId}`)) paths.push(path.slice(`/runs/${runId}`.length) || '/');
    });
    return paths;
  };
  const output = (page: Page) => page.locator('.run-panel pre').first();

  it('shows output as it is printed, before the run ends, then the final status, without polling', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const seen = watch(page, server.url);
    const runId = await submit();
    const calls = apiCalls(page, runId);
    await page.goto(`${server.url}/#/runs/${runId}`);
    // The first line on the page while the panel still says Running (the program prints for six seconds).
    await page.waitForFunction(
      () =>
        document.querySelector('.run-panel')?.getAttribute('data-status') === 'Running' &&
        (document.querySelector('.run-panel pre.output')?.textContent ?? '').includes('tick 0'),
      undefined,
      { timeout: 90_000 },
    );
    const midway = await output(page).textContent();
    expect(midway).not.toContain('tick 5');
    await waitRunStatus(page, 'Succeeded');
    const stdout = page.locator('.run-panel pre', { hasText: 'tick 5' });
    await stdout.first().waitFor();
    expect(await stdout.first().textContent()).toContain(ALL.trimEnd());
    const exitCode = page.locator('.run-panel .fact', { has: page.locator('dt:text-is("Exit code")') });
    expect(await exitCode.locator('dd').textContent()).toBe('0');
    // One stream, no polling of the run or its logs.
    expect(calls).toContain('/events');
    expect(calls.filter((c) => c === '/logs')).toEqual([]);
    expect(calls.filter((c) => c === '/')).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('falls back to polling when the stream keeps failing', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.route('**/events', (route) => route.abort());
    const runId = await submit();
    const calls = apiCalls(page, runId);
    await page.goto(`${server.url}/#/runs/${runId}`);
    await waitRunStatus(page, 'Succeeded');
    await page.locator('.run-panel pre', { hasText: 'tick 5' }).first().waitFor();
    expect(calls.filter((c) => c === '/').length).toBeGreaterThan(0);
    await page.close();
  });
});
