import type { Browser, Page } from 'playwright-core';
import { suiteKeys } from '../support/keys-cli.js';
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
  waitRunStatus,
  waitText,
  watch,
  type UiServer,
} from './support/browser.js';

const suite = suiteKeys('ui-keys');

/** The browser UI with API keys on: the page loads without a key, says one is needed, and works with one. */
(needsInfra() ? describe : describe.skip)('browser UI with API keys on', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let key = '';

  beforeAll(async () => {
    // A key made by the real CLI in the suite's own Secret.
    key = await suite.cli('create', '--tenant', 'browser', '--scopes', 'submit,read,cancel');
    stack = await createStack(suite.env);
    await stack.startWorker();
    server = await serveUi(stack);
    browser = await launch();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    watch(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stack?.close();
    await suite.remove(stack?.kube);
  });

  it('loads without a key and says a key is needed', async () => {
    await page.goto(`${server.url}/#/`);
    await waitText(page.locator('.alert-error .alert-title'), 'Could not load the page: An API key is needed');
    expect(await page.locator('.alert-error p').first().textContent()).toMatch(/API key field at the top/);
    expect(await page.locator('.key-state').textContent()).toBe('no key');
    // The key field is labelled, and fits a phone's width.
    expect(await unlabelled(page)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshots(page, 'api-key-needed');
    await page.setViewportSize(DESKTOP);
  });

  it('takes a key in the top bar, keeps it across reloads, and runs code with it', async () => {
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByLabel('Language').waitFor();
    expect(await page.locator('.key-state').textContent()).toBe('key saved');
    await page.reload();
    const language = page.getByLabel('Language');
    await language.waitFor();
    await language.selectOption('python');
    // The run page follows the run's event stream with the key (fetch, not EventSource), without polling.
    const asked: { path: string; auth: boolean }[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/runs/')) asked.push({ path, auth: (r.headers().authorization ?? '') === `Bearer ${key}` });
    });
    await page.getByRole('textbox', { name: 'Code' }).fill('print("with a key")\n');
    await page.getByRole('textbox', { name: 'Code' }).press('Control+Enter');
    await waitRunStatus(page, 'Succeeded');
    await waitText(page.locator('.run-panel pre.output'), 'with a key\n');
    const streams = asked.filter((a) => a.path.endsWith('/events'));
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((a) => a.auth)).toBe(true);
    expect(asked.filter((a) => /^\/runs\/[^/]+(\/logs)?$/.test(a.path))).toEqual([]);
    // Cleared: the API refuses again.
    await page.getByRole('button', { name: 'Clear' }).click();
    await waitText(page.locator('.alert-error .alert-title'), 'Could not load the page: An API key is needed');
  });
});
