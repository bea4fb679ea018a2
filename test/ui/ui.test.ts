import type { Browser, BrowserContext, Page } from 'playwright-core';
import { needsInfra } from '../support/paths.js';
import { createStack, type Stack } from '../support/stack.js';
import {
  DESKTOP,
  PHONE,
  horizontalOverflow,
  launch,
  screenshots,
  serveUi,
  terminateLeftovers,
  SCREENSHOTS,
  contains,
  tabTo,
  unlabelled,
  waitText,
  watch,
  type UiServer,
} from './support/browser.js';

/**
 * The browser UI against the whole stack: real Express app serving dist/ui, real Temporal, a real worker,
 * real Kubernetes Jobs, driven through Debian's Chromium.
 */
(needsInfra() ? describe : describe.skip)('browser UI: submit, run page, errors, Temporal link', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seen: { errors: string[]; external: string[] };
  let cancelledRunId = '';

  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    server = await serveUi(stack);
    browser = await launch();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    seen = watch(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (stack) await terminateLeftovers(stack);
    await stack?.close();
  });

  const panel = () => page.locator('.run-panel');
  /** Waits for the run panel to show `status`; on timeout says what it showed instead (and keeps a picture). */
  const waitStatus = async (status: string, timeout = 90000) => {
    try {
      await page.locator(`.run-panel[data-status="${status}"]`).waitFor({ timeout });
    } catch (err) {
      const shown = await page
        .locator('.run-panel')
        .first()
        .evaluate(
          (el) =>
            `${(el as HTMLElement).dataset.status ?? '?'}: ${el.querySelector('.run-meaning')?.textContent ?? ''}`,
        )
        .catch(() => 'no run panel');
      await page
        .screenshot({ path: `${SCREENSHOTS}/failed-waiting-for-${status}.png`, fullPage: true })
        .catch(() => undefined);
      throw new Error(`the run never showed ${status} within ${timeout} ms; it showed ${shown}`, { cause: err });
    }
  };
  const fact = (label: string) => page.locator('.run-panel .fact', { has: page.locator(`dt:text-is("${label}")`) });

  it('submit python: languages come from the API, Ctrl+Enter runs, the output appears in place', async () => {
    await page.goto(`${server.url}/#/`);
    const language = page.getByLabel('Language');
    await language.waitFor();
    const options = await language.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(stack.cfg.languages.map((l) => l.id));
    await language.selectOption('python');
    await page.getByLabel('Timeout (seconds)').fill('20');
    const editor = page.getByRole('textbox', { name: 'Code' });
    await editor.fill(
      'import platform\nprint("hello from the browser")\nprint(6 * 7, platform.python_version_tuple()[0])\n',
    );
    // Highlighting: CodeMirror's Python grammar marks keywords and strings.
    expect(await page.locator('.cm-content span').count()).toBeGreaterThan(2);
    await editor.press('Control+Enter');

    await panel().waitFor();
    await waitStatus('Succeeded');
    await waitText(page.locator('.run-panel pre.output'), 'hello from the browser\n42 3\n');
    expect(await fact('Exit code').locator('dd').textContent()).toBe('0');
    expect(await page.locator('.run-panel .run-meaning').textContent()).toMatch(/finished normally/);
    const steps = await page
      .locator('.timeline .step')
      .evaluateAll((els) =>
        els.map((e) => `${(e as HTMLElement).dataset.step}:${e.className.match(/step-(\w+)/)?.[1]}`),
      );
    expect(steps).toEqual(['Queued:done', 'Pending:done', 'Running:done', 'Succeeded:current']);
    await screenshots(page, 'submit');
  });

  it('run page: a sleeping run shows Running, Cancel ends it as Cancelled, curl reproduces it', async () => {
    await page.goto(`${server.url}/#/`);
    const editor = page.getByRole('textbox', { name: 'Code' });
    await editor.waitFor();
    await editor.fill('import time\nprint("going to sleep", flush=True)\ntime.sleep(120)\n');
    await page.getByLabel('Timeout (seconds)').fill('120');
    await page.getByRole('button', { name: /^Run/ }).click();
    await panel().waitFor();
    await page.getByRole('link', { name: 'Open run page' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
    cancelledRunId = runId;
    await waitStatus('Running');
    await waitText(page.locator('.run-panel pre.output'), /going to sleep/, 30000);
    await waitText(page.locator('.output-state'), 'live');
    expect(await page.locator('pre.curl').textContent()).toContain('time.sleep(120)');
    await screenshots(page, 'run-running');

    const cancel = page.getByRole('button', { name: 'Cancel run' });
    await cancel.click();
    await waitStatus('Cancelled', 30000);
    await waitText(page.locator('.run-panel .run-meaning'), /cancelled the run/);
    expect(await cancel.isHidden()).toBe(true);
    expect((await stack.runs.get(runId)).status).toBe('Cancelled');
    await screenshots(page, 'run-cancelled');
  });

  it('the Temporal Web UI link opens the run’s history', async () => {
    const runId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const link = page.getByRole('link', { name: /History in Temporal Web UI/ });
    expect(await link.getAttribute('href')).toBe(
      `${stack.cfg.temporal.uiUrl}/namespaces/${stack.cfg.temporal.namespace}/workflows/${runId}`,
    );
    const [history] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await history.waitForLoadState();
    await history.getByText(runId).first().waitFor({ state: 'visible', timeout: 30000 });
    await history.getByText('runWorkflow').first().waitFor({ state: 'visible', timeout: 30000 });
    await history
      .getByText(/Event History/i)
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    await history.setViewportSize(DESKTOP);
    await history.screenshot({ path: `${SCREENSHOTS}/temporal-history-desktop.png` });
    await history.close();
  });

  it('API errors are shown in words, with the fields they concern', async () => {
    await page.goto(`${server.url}/#/`);
    const editor = page.getByRole('textbox', { name: 'Code' });
    await editor.waitFor();
    const tooBig = `# ${'x'.repeat(stack.cfg.limits.maxCodeBytes)}\nprint(1)\n`;
    await editor.fill(tooBig);
    await waitText(page.locator('.size'), /over the 64 KiB limit/);
    await page.getByRole('button', { name: /^Run/ }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'too large' });
    await waitText(alert, contains('The submission exceeds a size limit.'));
    await waitText(
      alert,
      contains(`Code: code is ${tooBig.length} bytes; the limit is ${stack.cfg.limits.maxCodeBytes}`),
    );
    await waitText(alert, contains('HTTP 413'));
    expect(await page.locator('.run-panel').count()).toBe(0);
    await screenshots(page, 'submit-error');

    // A form mistake is caught before the round trip, next to its field.
    await editor.fill('print(1)\n');
    await page.getByLabel('Timeout (seconds)').fill('0');
    await editor.press('Control+Enter');
    await waitText(page.locator('.field-error').first(), /from 1 to 300/);
    expect(await page.getByLabel('Timeout (seconds)').getAttribute('aria-invalid')).toBe('true');

    await page.goto(`${server.url}/#/runs/no-such-run`);
    await waitText(page.getByRole('alert'), contains('Run not found'));
    await waitText(page.getByRole('alert'), contains('Run no-such-run does not exist.'));
    await screenshots(page, 'run-not-found');
  });

  it('every control is labelled, the keyboard reaches everything, phones need no sideways scrolling', async () => {
    for (const hash of ['#/', '#/runs', '#/monitor', `#/runs/${cancelledRunId}`]) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator('h1').waitFor();
      await page.waitForTimeout(800);
      expect({ hash, problems: await unlabelled(page) }).toEqual({ hash, problems: [] });
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(300);
      expect({ hash, overflow: await horizontalOverflow(page) }).toEqual({ hash, overflow: 0 });
      await page.setViewportSize(DESKTOP);
    }

    // Keyboard only: skip link, then language → timeout → editor; Tab leaves the editor; Ctrl+Enter runs.
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/`);
    await page.getByLabel('Language').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await tabTo(page, 'select[name=language]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('timeout_seconds');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))).toBe(true);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('print("typed")');
    await page.keyboard.press('Tab'); // leaves the editor instead of inserting a tab
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Control+Enter');
    await waitStatus('Succeeded');
    await waitText(page.locator('.run-panel pre.output'), 'typed\n');

    // The main navigation works from the keyboard and marks the current page.
    await page.getByRole('link', { name: 'Runs', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/runs$/);
    // The URL changes before the hashchange handler re-renders: wait for the render, not the URL.
    await page.locator('.nav a[href="#/runs"][aria-current="page"]').waitFor({ timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5000 });
    expect(await page.locator('.nav a[aria-current="page"]').allTextContents()).toEqual(['Runs']);
  });

  it('loaded nothing from outside the API and raised no script errors', () => {
    expect(seen.external).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
