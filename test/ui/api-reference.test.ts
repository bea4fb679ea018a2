import type { Browser, Page } from 'playwright-core';
import { needsInfra } from '../support/paths.js';
import { createStack, type Stack } from '../support/stack.js';
import {
  DESKTOP,
  PHONE,
  horizontalOverflow,
  launch,
  screenshots,
  serveUi,
  unlabelled,
  watch,
  type UiServer,
} from './support/browser.js';

interface Doc {
  paths: Record<string, Record<string, { operationId: string }>>;
}

/** The API reference page (#/api): /openapi.json rendered in the browser, from the real app. */
(needsInfra() ? describe : describe.skip)('browser UI: API reference', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let seen: { errors: string[]; external: string[] };
  let doc: Doc;

  beforeAll(async () => {
    stack = await createStack();
    server = await serveUi(stack);
    browser = await launch();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    seen = watch(page, server.url);
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
  });

  const op = (id: string) => page.locator(`.api-op[data-operation="${id}"]`);

  it('lists every operation of /openapi.json with its parameters, request body and responses', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: 'API', exact: true }).click();
    await page.locator('.api-op').first().waitFor();
    expect(await page.title()).toBe('API reference · Code Runner');
    expect(await page.getByRole('link', { name: 'API', exact: true }).getAttribute('aria-current')).toBe('page');

    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
    const shown = await page
      .locator('.api-op')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.operation ?? ''));
    expect(shown.sort()).toEqual(ids.sort());

    // POST /runs: its method and path, scope, the body's fields (required ones marked), its responses.
    const create = op('createRun');
    expect(await create.locator('h2').innerText()).toMatch(/^POST\s+\/runs$/);
    expect(await create.innerText()).toContain('scope: submit');
    await create.locator('.api-body details > summary').click();
    await create.locator('.api-body .schema-props').waitFor();
    const field = (name: string) =>
      create.locator('.api-body .schema-props > li', { has: page.locator(`code.prop-name:text-is("${name}")`) });
    expect(await field('language').locator('.prop-required').count()).toBe(1);
    expect(await field('timeout_seconds').innerText()).toMatch(
      new RegExp(`integer[\\s\\S]*default ${stack.cfg.limits.defaultTimeoutSeconds}`),
    );
    expect(await field('stdin').locator('.prop-required').count()).toBe(0);
    const statuses = await create
      .locator('.api-responses li')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.status));
    expect(statuses).toEqual(expect.arrayContaining(['200', '201', '202', '400', '415', 'default']));

    // GET /runs: its query parameters in a table.
    const params = await op('listRuns').locator('.api-params tbody tr td:first-child').allInnerTexts();
    expect(params).toEqual(['status', 'language', 'limit', 'cursor']);

    // GET /runs/{run_id}: the path parameter, and the Run schema opened from its 200 response.
    const getRun = op('getRun');
    expect(await getRun.locator('.api-params tbody tr').first().innerText()).toMatch(/run_id\s+path\s+string\s+yes/);
    await getRun.locator('li[data-status="200"] details > summary', { hasText: 'Run' }).click();
    await getRun.locator('li[data-status="200"] .schema-props').waitFor();
    const runFields = await getRun.locator('li[data-status="200"] .prop-name').allInnerTexts();
    expect(runFields).toEqual(expect.arrayContaining(['run_id', 'status', 'exit_code', 'reason', 'temporal_ui_url']));
    await screenshots(page, 'api-reference');
  });

  it('filters operations as you type; every control is labelled; nothing scrolls sideways on a phone', async () => {
    await page.getByLabel('Filter operations').fill('cancel');
    const visible = await page
      .locator('.api-op:visible')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.operation));
    expect(visible).toEqual(['cancelRun']);
    await page.getByLabel('Filter operations').fill('');
    expect(await page.locator('.api-op:visible').count()).toBeGreaterThan(10);
    expect(await unlabelled(page)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize(DESKTOP);
  });

  it('loaded nothing from outside the API and raised no script errors', () => {
    expect(seen.external).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
