import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { formatKey, hashSecret } from '../../src/domain/api-keys.js';
import { KeySecret } from '../../src/kube/key-secret.js';
import { createKubeClients } from '../../src/kube/client.js';
import { newKeyId } from '../../src/cli/key-commands.js';
import { needsInfra } from '../support/paths.js';
import { createStack, TEST_RUNNER_NAMESPACE, type Stack } from '../support/stack.js';
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

const SECRET = `ui-keys-${randomUUID().slice(0, 8)}`;

/** The browser UI with API keys on: the page loads without a key, says one is needed, and works with one. */
(needsInfra() ? describe : describe.skip)('browser UI with API keys on', () => {
  let stack: Stack;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let key = '';

  beforeAll(async () => {
    // A key written to the suite's own Secret as the CLI writes it.
    const secret = randomBytes(32).toString('base64url');
    const keyId = newKeyId();
    key = formatKey(keyId, secret);
    const store = new KeySecret(createKubeClients(), TEST_RUNNER_NAMESPACE, SECRET);
    await store.update((records) => ({
      records: [
        ...records,
        {
          keyId,
          hash: hashSecret(secret),
          tenant: 'browser',
          scopes: ['submit', 'read', 'cancel'],
          limits: {},
          createdAt: new Date().toISOString(),
        },
      ],
      result: null,
    }));
    stack = await createStack({ API_KEYS: 'on', API_KEYS_SECRET: SECRET, API_KEYS_NAMESPACE: TEST_RUNNER_NAMESPACE });
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
    await stack?.kube.core
      .deleteNamespacedSecret({ name: SECRET, namespace: TEST_RUNNER_NAMESPACE })
      .catch(() => undefined);
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
