// Over 300 lines on purpose: one browser session walks every page of the UI against the real stack.
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
  waitRunStatus,
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
  let testsRunId = '';

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
  const waitStatus = (status: string, timeout?: number) => waitRunStatus(page, status, timeout);
  const fact = (label: string) => page.locator('.run-panel .fact', { has: page.locator(`dt:text-is("${label}")`) });

  it('submit python: languages come from the API, Ctrl+Enter runs, the output appears in place', async () => {
    await page.goto(`${server.url}/#/`);
    const language = page.getByLabel('Language');
    await language.waitFor();
    const options = await language.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(stack.cfg.languages.map((l) => l.id));
    // "name version" from the image catalog.
    expect(await language.locator('option[value=python]').textContent()).toMatch(/^Python 3\.\d+\.\d+$/);
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
    await page.getByLabel('Timeout (seconds)').fill('60');
    await page.getByRole('button', { name: /^Run/ }).click();
    await panel().waitFor();
    await page.getByRole('link', { name: 'Open run page' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
    cancelledRunId = runId;
    await waitStatus('Running');
    // The launcher captures the program's streams and hands them over when it ends (launcher/README.md), so
    // the pod's live log may have nothing of them yet: the page then says so rather than showing a blank.
    await waitText(page.locator('.run-panel pre.output'), /going to sleep|No output yet…/, 30000);
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

  it('tests: a python run with two tests shows Accepted and WrongAnswer, each with its output', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByLabel('Language').selectOption('python');
    const editor = page.getByRole('textbox', { name: 'Code' });
    await editor.fill('print(int(input())*2)\n');
    await page.getByRole('tab', { name: 'Tests' }).click();
    const add = page.getByRole('button', { name: '+ Add test' });
    for (const [stdin, expected] of [
      ['2', '4'],
      ['3', '7'],
    ] as const) {
      await add.click();
      const test = page.locator('fieldset.item').last();
      await test.getByLabel('Input (stdin)').fill(stdin);
      await test.getByLabel('Expected output').fill(expected);
    }
    expect(await page.getByRole('tab', { name: 'Tests (2)' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('details.stdin').isHidden()).toBe(true); // each test brings its stdin
    await screenshots(page, 'submit-tests');
    await page.getByRole('button', { name: /^Run/ }).click();
    await panel().waitFor();
    await waitStatus('Failed');
    await page.getByRole('link', { name: 'Open run page' }).click();
    await page.waitForURL(/#\/runs\/[0-9a-f-]+$/);
    testsRunId = decodeURIComponent(page.url().split('#/runs/')[1] ?? '');
    await waitStatus('Failed');

    await page.locator('.run-head .badge[data-verdict="WrongAnswer"]').waitFor();
    await waitText(
      page.locator('.run-meaning'),
      /differs from the expected output\. Test 2: line 1: expected "7", got "6"/,
    );
    const rows = page.locator('.tests-table tr.test-row');
    expect(await rows.evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.verdict))).toEqual([
      'Accepted',
      'WrongAnswer',
    ]);
    const cells = await rows.nth(0).locator('td').allTextContents();
    expect(cells[2]).toMatch(/^\d+ ms$/); // CPU time
    expect(cells[4]).toMatch(/^[\d.]+ (KiB|MiB)$/); // memory
    expect(cells[5]).toBe('0');
    expect(await fact('Tests').locator('dd').textContent()).toBe('1 of 2 tests passed');
    // The failed test starts open: its input, expected output, stdout and stderr, apart.
    const failed = page.locator('.tests-table tr.test-detail').nth(1);
    await waitText(failed.locator('pre.given').nth(1), '7');
    expect(await failed.locator('pre.stdout').textContent()).toBe('6\n');
    expect(await failed.locator('pre.stderr').textContent()).toBe('(empty)');
    expect(await page.locator('pre.curl').textContent()).toContain('"expected_output":"7"');
    await screenshots(page, 'run-tests');
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.waitForTimeout(300);
    // The picture in docs/run-tests.png (copied from here by hand: a test run does not touch docs/).
    await page.locator('.run-panel').screenshot({ path: `${SCREENSHOTS}/run-tests-panel.png` });
    await page.setViewportSize(DESKTOP);
    // The passed one opens on demand.
    const passed = page.locator('.tests-table tr.test-detail').nth(0);
    expect(await passed.isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Show the output of test 1' }).click();
    expect(await passed.locator('pre.stdout').textContent()).toBe('4\n');
  });

  it('Reproduce loads the run’s code, tests and limits into the form; edited (a file, a fixed test) it passes', async () => {
    await page.getByRole('link', { name: 'Reproduce' }).click();
    await page.waitForURL(/#\/\?from=/);
    await waitText(page.locator('.notice'), /The form holds what run [0-9a-f]{8} was given/);
    expect(await page.getByLabel('Language').inputValue()).toBe('python');
    await waitText(page.locator('.cm-content'), 'print(int(input())*2)');
    await page.getByRole('tab', { name: 'Tests (2)' }).click();
    const second = page.locator('fieldset.item').nth(1);
    expect(await second.getByLabel('Input (stdin)').inputValue()).toBe('3');
    expect(await second.getByLabel('Expected output').inputValue()).toBe('7');
    expect(await page.getByLabel('Compare output').inputValue()).toBe('trim_trailing');
    await second.getByLabel('Expected output').fill('6');
    await page.getByRole('tab', { name: 'Limits' }).click();
    await page.getByLabel('Memory (MB)').fill('128');
    await screenshots(page, 'submit-limits');
    // A file beside the code, read by the program: the factor now comes from it.
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByRole('button', { name: '+ Add file' }).click();
    const file = page.locator('[data-panel=files] fieldset.item').first();
    await file.getByLabel('Name').fill('data/factor.txt');
    await file.getByLabel('Content').fill('2\n');
    await screenshots(page, 'submit-files');
    await page.getByRole('tab', { name: 'Code' }).click();
    await page
      .getByRole('textbox', { name: 'Code' })
      .fill('factor = int(open("data/factor.txt").read())\nprint(int(input()) * factor)\n');
    expect(await page.locator('.tabs [role=tab]').allTextContents()).toEqual([
      'Code',
      'Files (1)',
      'Tests (2)',
      'Limits (1)',
    ]);
    await page.getByRole('button', { name: /^Run/ }).click();
    await waitStatus('Succeeded');
    await page.locator('.run-head .badge[data-verdict="Accepted"]').waitFor();
    expect(await page.locator('.tests-table tr.test-row[data-verdict="Accepted"]').count()).toBe(2);
    await waitText(page.locator('.run-meaning'), 'Every test passed within its limits.');
    // What the new run was given: the fixed test and the limit.
    await page.getByRole('link', { name: 'Open run page' }).click();
    await waitText(page.locator('pre.curl'), contains('"limits":{"memory_mb":128}'));
    const curl = await page.locator('pre.curl').textContent();
    expect(curl).toContain('"expected_output":"6"');
    expect(curl).toContain('"files":[{"name":"data/factor.txt","content":"2\\n","encoding":"utf8"}]');
  });

  it('a submission through the Judge0 API is a run like any other, its page naming the API and the token', async () => {
    const res = await fetch(`${server.url}/submissions?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source_code: 'print("from judge0")', language_id: 71 }),
    });
    const { token } = (await res.json()) as { token: string };
    await page.goto(`${server.url}/#/runs/${token}`);
    await waitStatus('Succeeded');
    await waitText(fact('Submitted through'), contains(`Judge0 API, token ${token}`));
    await waitText(page.locator('.run-panel'), contains('from judge0'));
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
    await waitText(page.locator('.field-error:not(:empty)').first(), /from 1 to 300/);
    expect(await page.getByLabel('Timeout (seconds)').getAttribute('aria-invalid')).toBe('true');

    await page.goto(`${server.url}/#/runs/no-such-run`);
    await waitText(page.getByRole('alert'), contains('Run not found'));
    await waitText(page.getByRole('alert'), contains('Run no-such-run does not exist.'));
    await screenshots(page, 'run-not-found');
  });

  it('every control is labelled, the keyboard reaches everything, phones need no sideways scrolling', async () => {
    for (const hash of ['#/', '#/runs', '#/monitor', `#/runs/${cancelledRunId}`, `#/runs/${testsRunId}`]) {
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
    await page.keyboard.press('Tab'); // the selected tab (Code): one stop for the whole tab list
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab');
    await page.keyboard.press('ArrowRight'); // arrows move between tabs and show their panel
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Files');
    await page.keyboard.press('ArrowLeft');
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
