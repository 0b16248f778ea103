// Công tác bảo vệ BMNN: the security officer records a training session through the page and
// opens the annual report, which counts it; the report downloads as DOCX.
// Each step waits for the page it expects (URL, selector, response or download), never for time.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, logout, shot, watch } from '../lib.js';

let server, browser, page, base;
const problems = [];

// A date two days ago (dd/mm/yyyy) and the annual report whose data period holds it
// (regime A/B: 15/12 of the year before to 14/12 of the report's year).
const d = new Date(Date.now() - 2 * 24 * 3600 * 1000);
const pad = (n) => String(n).padStart(2, '0');
const day = `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
const reportYear = d.getMonth() === 11 && d.getDate() >= 15 ? d.getFullYear() + 1 : d.getFullYear();

describe('programme records and reports', () => {
  before(async () => {
    server = await startServer();
    base = server.url;
    browser = await launchBrowser();
    page = await browser.ctx.newPage();
    watch(page, problems);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('security officer: records a training session from the menu', async () => {
    await login(page, base, 'baomat');
    await Promise.all([
      page.waitForURL(/\/programme\/training/),
      page.click('header nav a:has-text("Công tác bảo vệ BMNN")'),
    ]);
    assert.match(await page.textContent('h1'), /Tập huấn, phổ biến, quán triệt/);
    await page.fill('#f-date', day);
    await page.selectOption('#f-kind', 'briefing');
    await page.fill('#f-organiser', 'Văn phòng (thử nghiệm e2e)');
    await page.fill('#f-audience', 'Cán bộ, công chức toàn cơ quan');
    await page.fill('#f-participants', '137');
    await shot(page, '40-programme-training-form');
    await Promise.all([
      page.waitForURL(/ok=saved/),
      page.click('#add-form button[type=submit]'),
    ]);
    assert.equal(await page.locator('.refusal').count(), 0, 'no refusal');
    await page.waitForSelector('#records td:has-text("Văn phòng (thử nghiệm e2e)")');
    await shot(page, '41-programme-training-list');
  });

  it('security officer: a device cannot change use before its wipe', async () => {
    await page.goto(`${base}/programme/device?year=all`);
    await page.fill('#f-identity', 'E2E-MT-01');
    await page.selectOption('#f-kind', 'computer');
    await page.fill('#f-in_use_from', day);
    await page.check('#f-never_connected');
    await Promise.all([page.waitForURL(/ok=saved/), page.click('#add-form button[type=submit]')]);
    const row = page.locator('#records tr', { hasText: 'E2E-MT-01' });
    // The service offers no change of use before the wipe: the page shows no such form.
    await row.locator('summary:has-text("Xóa")').first().waitFor();
    assert.equal(await row.locator('form[action$="/repurpose"]').count(), 0, 'no repurpose form before the wipe');
    // Posted anyway (an old tab, a crafted form), the service refuses it with the law.
    const id = (await row.getAttribute('id')).replace(/^record-/, '');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/repurpose') && r.request().method() === 'POST'),
      page.evaluate(({ id }) => {
        const f = document.createElement('form');
        f.method = 'post';
        f.action = `/programme/device/${id}/repurpose`;
        const csrf = document.querySelector('input[name=_csrf]').value;
        for (const [k, v] of [['_csrf', csrf], ['new_use', 'Máy văn phòng']]) {
          const i = document.createElement('input');
          i.type = 'hidden';
          i.name = k;
          i.value = v;
          f.append(i);
        }
        document.body.append(f);
        f.submit();
      }, { id }),
    ]);
    await page.waitForSelector('.refusal');
    assert.match(await page.textContent('.refusal'), /device_not_wiped/);
    // The citation comes from the regime of the act's date (regime B today), and says that the
    // rule is not confirmed in the text itself.
    assert.match(await page.textContent('.refusal'), /117\/2025\/QH15 Điều 5/);
    assert.match(await page.textContent('.refusal'), /chưa được xác nhận/);
    await shot(page, '42-programme-device-refused');
  });

  it('security officer: opens the annual report, which counts the session, and downloads it', async () => {
    await page.goto(`${base}/programme/reports?kind=annual&year=${reportYear}`);
    await page.waitForSelector('#period');
    assert.equal(await page.locator('.refusal').count(), 0, 'no refusal');
    assert.match(await page.textContent('main'), /137/);
    await shot(page, '43-programme-report');
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a:has-text("Tải DOCX")'),
    ]);
    assert.match(dl.suggestedFilename(), /^Báo cáo công tác bảo vệ BMNN năm \d{4}\.docx$/);
    await logout(page, base);
  });

  it('no request left the machine, no script error, no CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
