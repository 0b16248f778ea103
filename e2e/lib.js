// Helpers of the browser tests: start the real `bmnn` binary on a fresh data folder, drive
// Debian's Chromium through playwright-core, log in as a demo user, save screenshots.
// No fixed waits anywhere: the server is ready when it prints its address; pages are ready
// when their selectors or responses arrive.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const PASSWORD = 'bmnn-demo-2026';
const here = dirname(fileURLToPath(import.meta.url));
export const SHOTS = join(here, 'screenshots');

/** Starts `bmnn serve --demo` on 127.0.0.1 (port chosen by the OS) and resolves with its URL. */
export async function startServer() {
  const bin = process.env.BMNN_BIN;
  if (!bin) throw new Error('BMNN_BIN must point at the built bmnn binary');
  const data = mkdtempSync(join(tmpdir(), 'bmnn-e2e-'));
  const proc = spawn(bin, ['serve', '--demo', '--data', join(data, 'data'), '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BMNN_LOG: 'warn' },
  });
  let stderr = '';
  proc.stderr.on('data', (b) => { stderr += b.toString(); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b) => {
      out += b.toString();
      const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) resolve(`http://${m[1]}`);
    });
    proc.on('exit', (code) => reject(new Error(`bmnn exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile and no background network traffic. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'bmnn-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale: 'vi-VN',
    viewport: { width: 1366, height: 900 },
    // The file picker's button text follows the browser's UI language.
    // LANG must name an installed UTF-8 locale: without one Chromium cannot write a
    // non-ASCII file name and offers every Vietnamese download as "download".
    env: { ...process.env, LANGUAGE: 'vi', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    args: [
      '--headless', '--lang=vi', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    ctx,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fails the test on any request that leaves the machine, any page error or CSP violation. */
export function watch(page, problems) {
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol !== 'data:') {
      problems.push(`request left the machine: ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

export async function login(page, base, user) {
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit].primary')]);
}

export async function logout(page, base) {
  await Promise.all([page.waitForURL(/\/login/), page.click('header form[action="/logout"] button')]);
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export const ARTIFACTS = join(here, 'artifacts');

/**
 * One journey of a user's day: counts the clicks a person makes (a link, a button, a checkbox,
 * a choice in a list, a menu group opened) and keeps numbered screenshots in
 * e2e/artifacts/<name>/NN-step.png. Typing is not counted.
 */
export function journey(page, name) {
  const dir = join(ARTIFACTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let step = 0;
  const j = {
    dir,
    name,
    clicks: 0,
    /** Clicks `sel`; with `url`, waits for the navigation it starts. */
    async click(sel, url) {
      j.clicks += 1;
      if (!url) return page.click(sel);
      try {
        await Promise.all([page.waitForURL(url, { timeout: 10000 }), page.click(sel)]);
      } catch (e) {
        await page.screenshot({ path: join(dir, 'failure.png'), fullPage: true });
        const why = await page.locator('.refusal').allTextContents();
        throw new Error(`${e.message}\nat ${page.url()}\nrefusal: ${why.join(' | ')}`);
      }
    },
    async select(sel, value) {
      j.clicks += 1;
      await page.selectOption(sel, value);
    },
    async check(sel) {
      j.clicks += 1;
      await page.check(sel);
    },
    /** Opens a page from the main menu: one click, or two when the entry sits in a menu group. */
    async menu(text, url) {
      const link = page.locator(`header nav a:text-is("${text}")`);
      if (!(await link.isVisible())) {
        j.clicks += 1;
        await page.locator('header nav details', { has: link }).locator('summary').click();
      }
      j.clicks += 1;
      await Promise.all([page.waitForURL(url), link.click()]);
    },
    async shot(step_name) {
      step += 1;
      const n = String(step).padStart(2, '0');
      await page.screenshot({ path: join(dir, `${n}-${step_name}.png`), fullPage: false });
    },
    report() {
      console.log(`journey ${name}: ${j.clicks} clicks`);
      return j.clicks;
    },
  };
  return j;
}

/** Logs in (typing and one click on "Đăng nhập", counted by the journey). */
export async function loginCounted(j, page, base, user) {
  await page.context().clearCookies();
  await page.goto(`${base}/login`);
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await j.click('button[type=submit].primary', `${base}/`);
}
