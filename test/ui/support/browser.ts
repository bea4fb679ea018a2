import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createApp } from '../../../src/api/app.js';
import { LanguagesService } from '../../../src/api/languages-service.js';
import { SystemService } from '../../../src/api/system-service.js';
import { ImageCatalog } from '../../../src/kube/image-catalog.js';
import { ARTIFACTS, REPO_ROOT } from '../../support/paths.js';
import type { Stack } from '../../support/stack.js';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const UI_DIR = `${REPO_ROOT}dist/ui`;
export const SCREENSHOTS = `${ARTIFACTS}/screenshots`;
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 760 };

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The real Express app of `stack`, serving the built UI too, on a free loopback port. Its languages carry
 * versions and availability from the cluster's image catalog, as the deployed API's do.
 */
export async function serveUi(stack: Stack): Promise<UiServer> {
  const { namespace, name } = stack.cfg.runner.imageCatalog;
  const app = createApp({
    cfg: stack.cfg,
    runs: stack.runs,
    system: new SystemService(stack.client, stack.kube, stack.cfg),
    languages: new LanguagesService(stack.cfg, new ImageCatalog(stack.kube, namespace, name)),
    uiDir: UI_DIR,
    ...(stack.keys ? { keys: stack.keys.registry } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** What a page did that it should not: script errors, console errors, requests leaving `origin`. */
export function watch(page: Page, origin: string): { errors: string[]; external: string[] } {
  const seen = { errors: [] as string[], external: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    // A failed fetch that the page shows as a message (404 of a missing run) is logged by the browser too.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) seen.errors.push(m.text());
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) seen.external.push(url);
  });
  return seen;
}

/** Full-page screenshots at desktop and phone width: artifacts/screenshots/<name>-desktop.png, -phone.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  // A passing confirmation ("Copied", "Run submitted") would sit in the middle of a full-page picture.
  await page
    .locator('.toast.visible')
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300); // let the layout (and the chart's resize observer) settle
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(before);
}

/** Nothing wider than the viewport: a phone user never scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * Controls without a label or buttons and links without a name. Checks the visible, focusable parts of the
 * page the way a screen reader would name them (label, aria-label, aria-labelledby, text).
 */
export function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0;
    const named = (el: Element): boolean => {
      if (el.getAttribute('aria-label')?.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if ('labels' in el && (el as HTMLInputElement).labels?.length) return true;
      return false;
    };
    for (const el of Array.from(document.querySelectorAll('input, select, textarea, [contenteditable="true"]'))) {
      if (!visible(el) || (el as HTMLInputElement).type === 'hidden') continue;
      if (!named(el)) problems.push(`unlabelled ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of Array.from(document.querySelectorAll('button, a[href], summary'))) {
      if (!visible(el)) continue;
      if (!named(el) && !el.textContent?.trim())
        problems.push(`nameless ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    }
    return problems;
  });
}

/** Presses Tab until `selector` has the focus; returns how many presses it took (throws after `max`). */
export async function tabTo(page: Page, selector: string, max = 30): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
  }
  throw new Error(`${selector} never got the focus after ${max} Tab presses`);
}

/**
 * Waits until the text of `locator` (its textContent, as the DOM has it) satisfies `want`: equal to a
 * string, matching a RegExp, or accepted by a function. Throws with the last text seen.
 */
export async function waitText(
  locator: Locator,
  want: string | RegExp | ((text: string) => boolean),
  timeoutMs = 15000,
): Promise<string> {
  const ok = (t: string) => (typeof want === 'string' ? t === want : want instanceof RegExp ? want.test(t) : want(t));
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last =
      (await locator
        .first()
        .textContent({ timeout: Math.max(1, end - Date.now()) })
        .catch(() => null)) ?? '';
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for text ${String(want)}; last text: ${JSON.stringify(last)}`,
  );
}

export const contains = (s: string) => (t: string) => t.includes(s);

/** Waits for the (first) run panel to show `status`; on timeout says what it showed instead and keeps a picture. */
export async function waitRunStatus(page: Page, status: string, timeout = 90000): Promise<void> {
  try {
    await page.locator(`.run-panel[data-status="${status}"]`).waitFor({ timeout });
  } catch (err) {
    const shown = await page
      .locator('.run-panel')
      .first()
      .evaluate(
        (el) => `${(el as HTMLElement).dataset.status ?? '?'}: ${el.querySelector('.run-meaning')?.textContent ?? ''}`,
      )
      .catch(() => 'no run panel');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page
      .screenshot({ path: `${SCREENSHOTS}/failed-waiting-for-${status}.png`, fullPage: true })
      .catch(() => undefined);
    throw new Error(`the run never showed ${status} within ${timeout} ms; it showed ${shown}`, { cause: err });
  }
}

/** Terminates the runs a failed test left running on the stack's own task queue (nothing else). */
export async function terminateLeftovers(stack: Stack): Promise<void> {
  const query = `TaskQueue = '${stack.cfg.temporal.taskQueue}' AND ExecutionStatus = 'Running'`;
  for await (const wf of stack.client.workflow.list({ query })) {
    await stack.client.workflow
      .getHandle(wf.workflowId)
      .terminate('left over by a UI test')
      .catch(() => undefined);
  }
}
