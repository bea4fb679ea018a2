import type { Browser, Page } from 'playwright-core';
import { needsInfra } from '../support/paths.js';
import { createStack, eventually, type Stack } from '../support/stack.js';
import {
  DESKTOP,
  contains,
  launch,
  screenshots,
  serveUi,
  terminateLeftovers,
  waitText,
  watch,
  type UiServer,
} from './support/browser.js';

const BATCH = 12;
const SLEEP_SECONDS = 2;

/**
 * The Live Monitor under load: a batch is started from the page while no worker runs, so the queue fills;
 * then a worker starts and the page shows it drain. The runs list pages through the batch afterwards.
 */
(needsInfra() ? describe : describe.skip)('browser UI: live monitor and runs list under a batch', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let seen: { errors: string[]; external: string[] };

  beforeAll(async () => {
    stack = await createStack();
    server = await serveUi(stack);
    browser = await launch();
    page = await browser.newPage({ viewport: DESKTOP });
    seen = watch(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (stack) await terminateLeftovers(stack);
    await stack?.close();
  });

  const metric = async (key: string): Promise<number> =>
    Number(await page.locator(`[data-metric="${key}"] .stat-value`).textContent());

  it('a batch fills the queue, the monitor shows it rise and fall as a worker drains it', async () => {
    await page.goto(`${server.url}/#/monitor`);
    await page.locator('[data-metric="queue_depth"]').waitFor();
    expect(await metric('queue_depth')).toBe(0);

    await page.getByLabel('Number of runs').fill(String(BATCH));
    await page.getByLabel('Sleep (seconds)').fill(String(SLEEP_SECONDS));
    await page.getByLabel('Language').selectOption('python');
    await page.getByRole('button', { name: 'Start batch' }).click();
    await waitText(page.locator('.batch-status'), contains(`${BATCH} of ${BATCH} runs submitted`), 60000).catch(
      async (err: unknown) => {
        const alert = await page.getByRole('alert').allTextContents();
        throw new Error(`${String(err)}; the page said: ${alert.join(' ')}`);
      },
    );

    // No worker yet: every run waits, and the queue depth (what KEDA scales on) shows it.
    const peak = await eventually(
      async () => {
        const depth = await metric('queue_depth');
        return depth >= BATCH ? depth : 0;
      },
      30000,
      `queue depth to reach ${BATCH}`,
    );
    // Queued runs and their ids count the whole namespace (other task queues too): at least the batch.
    expect(await metric('queued_runs')).toBeGreaterThanOrEqual(BATCH);
    expect(await page.locator('#queued-h + div .id-list li').count()).toBeGreaterThanOrEqual(BATCH);
    await screenshots(page, 'monitor-queued');

    await stack.startWorker();
    // Sandboxes appear on a node...
    await eventually(async () => (await metric('active_runs')) > 0, 60000, 'runs to become active');
    await page.locator('#pods-h + div table').waitFor({ timeout: 60000 });
    expect(await page.locator('#pods-h + div tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#nodes-h + div .bars li').count()).toBeGreaterThan(0);
    await screenshots(page, 'monitor-running');

    // ...and the queue drains to nothing while every run of the batch finishes.
    const allFinished = async () =>
      (await stack.runs.list({ limit: 100 })).runs.every((r) =>
        ['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled'].includes(r.status),
      );
    await eventually(
      async () => (await metric('queue_depth')) === 0 && (await allFinished()),
      180000,
      'the queue to drain and every run to finish',
      1000,
    );
    // Each one succeeds, unless the machine was so busy that its sandbox did not start in time (then it says so).
    const batch = (await stack.runs.list({ limit: 100 })).runs;
    expect(batch).toHaveLength(BATCH);
    for (const r of batch.filter((x) => x.status !== 'Succeeded')) {
      const view = await stack.runs.get(r.run_id);
      expect({ status: view.status, reason: view.reason }).toEqual({
        status: 'Failed',
        reason: expect.stringMatching(/^did not start within/),
      });
    }
    expect(batch.filter((x) => x.status === 'Succeeded').length).toBeGreaterThanOrEqual(BATCH / 2);
    // The chart saw both: its summary states the peak, and its data table has the samples.
    await waitText(page.locator('.chart-summary'), new RegExp(`Peak queue depth ${peak}\\b`));
    expect(await page.locator('.chart canvas').count()).toBe(1);
    await page.getByText('Latest samples as a table').click();
    expect(await page.locator('.chart-table tbody tr').count()).toBeGreaterThan(3);
    await page.waitForTimeout(2500); // one more sample, so the chart ends at zero
    await screenshots(page, 'monitor');
  }, 300000);

  it('runs list: every run of the batch, filtered, in cursor pages, refreshing by itself', async () => {
    await page.goto(`${server.url}/#/runs?language=python&limit=5`);
    const rows = page.locator('.runs-table tbody tr');
    const older = page.getByRole('button', { name: 'Older →' });
    const newer = page.getByRole('button', { name: '← Newer' });
    await rows.first().waitFor();
    expect(await page.getByLabel('Language').inputValue()).toBe('python');
    expect(await rows.count()).toBe(5);
    expect(await newer.isDisabled()).toBe(true);
    const ids = new Set<string>();
    const collect = async () => {
      for (const id of await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.runId ?? '')))
        ids.add(id);
    };
    await collect();
    await older.click();
    await waitText(page.locator('.page-label'), 'Page 2');
    await collect();
    await older.click();
    await waitText(page.locator('.page-label'), 'Page 3');
    await eventually(async () => (await rows.count()) === BATCH - 10, 5000, 'the last page');
    await collect();
    expect(await older.isDisabled()).toBe(true);
    expect(ids.size).toBe(BATCH);
    await newer.click();
    await waitText(page.locator('.page-label'), 'Page 2');

    // Filters: every run of the batch succeeded; none was cancelled.
    await page.getByLabel('Status').selectOption('Succeeded');
    await waitText(page.locator('.page-label'), 'Page 1');
    expect(page.url()).toContain('status=Succeeded');
    await eventually(async () => (await rows.count()) === 5, 5000, 'five Succeeded rows');
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.status)))).toEqual(
      new Set(['Succeeded']),
    );
    await page.getByLabel('Status').selectOption('Cancelled');
    await waitText(page.locator('.empty-state'), contains('No runs match these filters'));

    // A run submitted elsewhere shows up without a reload.
    await page.goto(`${server.url}/#/runs`);
    await rows.first().waitFor();
    const res = await fetch(`${server.url}/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ language: 'javascript', code: 'console.log("late")' }),
    });
    const { run_id } = (await res.json()) as { run_id: string };
    await page.locator(`tr[data-run-id="${run_id}"]`).waitFor({ timeout: 15000 });
    await screenshots(page, 'runs');
  });

  it('loaded nothing from outside the API and raised no script errors', () => {
    expect(seen.external).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
