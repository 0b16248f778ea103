// Accessibility: axe-core (pinned in package.json) over every kind of page each demo user
// reaches from the menu, in Chromium at 1366×768. Any serious or critical violation fails.
// Pages are found by following the links of each page (one page per kind of address: item
// tokens and numbers are collapsed), so a new page is checked without being listed here.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, login, watch } from '../lib.js';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const USERS = ['vanthu', 'soanthao', 'truongphong', 'lanhdao', 'baomat', 'admin'];
const shape = (p) => p.replace(/[0-9a-hjkmnp-tv-z]{13}/g, '#').replace(/\b\d+\b/g, '#');

let server, browser, page, base;
const problems = [];

describe('accessibility (axe-core)', () => {
  before(async () => {
    server = await startServer();
    base = server.url;
    browser = await launchBrowser();
    page = await browser.ctx.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    watch(page, problems);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const user of USERS) {
    it(`${user}: no serious or critical violation on any page`, async () => {
      await page.context().clearCookies();
      await login(page, base, user);
      const seen = new Set();
      const queue = ['/', '/login'];
      const found = [];
      let checked = 0;
      let minor = 0;
      while (queue.length && checked < 40) {
        const path = queue.shift();
        if (seen.has(shape(path))) continue;
        seen.add(shape(path));
        const res = await page.goto(`${base}${path}`);
        if (!res || !(res.headers()['content-type'] || '').startsWith('text/html')) continue;
        checked += 1;
        const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
        for (const l of links) {
          if (!/^\/(assets|api|logout)/.test(l) && !/\/(docx|json|bundle)(\?|$)/.test(l)) queue.push(l);
        }
        await page.evaluate(AXE);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations) {
          if (v.impact !== 'serious' && v.impact !== 'critical') minor += 1;
          else {
            found.push(`${path}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
          }
        }
      }
      console.log(`axe ${user}: ${checked} pages checked, ${minor} minor or moderate findings, ${found.length} serious or critical`);
      assert.ok(checked >= 8, `only ${checked} pages reached`);
      assert.deepEqual(found, []);
    });
  }
});
