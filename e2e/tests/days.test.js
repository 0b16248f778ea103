// The five days of work of issue 13, each as one journey in Chromium at 1366×768, counting the
// clicks a person makes (lib.js `journey`) and keeping screenshots in e2e/artifacts/<journey>/.
// The journeys share one demo server and run in order: the clerk registers out the document the
// drafter proposed and the leader classified. Each step waits for the page it expects.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, logout, watch, journey, loginCounted } from '../lib.js';

const year = new Date().getFullYear();
const pad = (n) => String(n).padStart(2, '0');
const now = new Date();
const today = `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()}`;
const ITEM = /\/items\/[0-9a-hjkmnp-tv-z]{13}/;
let server, browser, page, base;
const problems = [];
const state = {};
const counts = {};

async function noRefusal() {
  assert.equal(await page.locator('.refusal').count(), 0, 'no refusal');
}

/** The count on the header's "Chờ tôi xử lý" link (0 when it shows none). */
async function inboxCount() {
  const b = page.locator('header a.inbox-link .badge');
  return (await b.count()) ? Number(await b.textContent()) : 0;
}

/** Opens "Chờ tôi xử lý" from the header link (one click). */
async function openInbox(j) {
  await j.click('header a.inbox-link', /\/inbox$/);
  await page.waitForSelector('h1:has-text("Chờ tôi xử lý")');
}

/** The opaque token at the end of a URL path. */
const token = (url) => new URL(url).pathname.split('/').pop();

describe('five days of work', () => {
  before(async () => {
    server = await startServer();
    base = server.url;
    browser = await launchBrowser();
    page = await browser.ctx.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    watch(page, problems);
  });

  after(async () => {
    console.log(`clicks per journey: ${JSON.stringify(counts)}`);
    await browser?.close();
    await server?.stop();
  });

  it('drafter → leader → clerk: propose, classify, request copies, authorise, produce', async () => {
    const j = journey(page, 'drafter-leader-clerk');
    await loginCounted(j, page, base, 'soanthao');
    await j.shot('dashboard-drafter');
    await j.click('a.button:has-text("Đề xuất độ mật văn bản mới")', /\/acts\/propose/);
    await page.fill('#f-doc_type', 'Báo cáo');
    await page.fill('#f-summary', 'Báo cáo rà soát dự trữ xăng dầu quý IV (hành trình HT42)');
    await j.select('#f-level', 'mat');
    const mat = page.locator('#f-catalogue_item_id option', { hasText: '(Mật)' }).first();
    await j.select('#f-catalogue_item_id', await mat.getAttribute('value'));
    await page.fill('#f-recipients', 'Ủy ban nhân dân tỉnh Bình Minh');
    await page.fill('#f-copies_issued', '2');
    await j.select('#f-unit_id', { label: 'Phòng Kế hoạch - Tài chính' });
    await j.check('#f-copy_allowed');
    await j.shot('propose-form');
    await j.click('form.act button[type=submit]', /ok=propose/);
    await noRefusal();
    state.proposal = page.url().split('?')[0];
    await j.shot('proposal');
    await logout(page, base);

    const item = token(state.proposal);
    await loginCounted(j, page, base, 'lanhdao');
    await j.shot('dashboard-leader');
    await openInbox(j);
    await j.shot('inbox-leader');
    await j.click(`a.button[href="/acts/decide-classification?item=${item}"]`, /decide-classification/);
    await page.fill('#f-decision_ref', 'Tờ trình số 21/TTr-KHTC');
    await j.shot('classify-form');
    await j.click('form.act button[name=decision][value=approve]', /\/inbox\?ok=decide-classification/);
    await noRefusal();
    assert.equal(await page.locator(`a.button[href="/acts/decide-classification?item=${item}"]`).count(), 0, 'decided, gone from the inbox');
    await logout(page, base);

    // The drafter finds the decided proposal among "my proposals" of the inbox.
    await loginCounted(j, page, base, 'soanthao');
    await openInbox(j);
    assert.match(await page.locator(`tr:has(a[href="/items/${item}"])`).first().textContent(), /Đã duyệt/);
    await j.shot('inbox-drafter');
    await j.click(`tr:has-text("Đã duyệt") a.button[href="/items/${item}"]`, ITEM);
    await j.click('a.button:has-text("Đề nghị sao, chụp")', /request-copy/);
    await page.fill('#f-count', '1');
    await page.fill('#f-purpose', 'Gửi kèm hồ sơ họp giao ban');
    await j.shot('request-copy-form');
    await j.click('form.act button[type=submit]', /ok=request-copy/);
    await noRefusal();
    await logout(page, base);

    await loginCounted(j, page, base, 'lanhdao');
    await openInbox(j);
    const ask = page.locator('tr:has-text("Gửi kèm hồ sơ họp giao ban") a.button:text-is("Quyết định")');
    state.copyRequest = new URL(await ask.getAttribute('href'), base).searchParams.get('request');
    await j.click('tr:has-text("Gửi kèm hồ sơ họp giao ban") a.button:text-is("Quyết định")', /\/acts\/decide\?/);
    await page.fill('#f-reference', 'Phiếu đồng ý sao số 02/E2E');
    await j.shot('authorise-form');
    await j.click('form.act button[name=decision][value=approve]', /\/inbox\?ok=decide/);
    await noRefusal();
    await logout(page, base);

    // The clerk finds the authorised copies waiting in the inbox.
    await loginCounted(j, page, base, 'vanthu');
    await openInbox(j);
    await j.shot('inbox-clerk');
    await j.click(`a.button[href="/acts/produce-copies?request=${state.copyRequest}"]`, /produce-copies/);
    await page.fill('#f-operator', 'Đỗ Thị Lan');
    await page.fill('#f-place', 'Phòng máy Văn phòng Sở');
    await j.shot('produce-form');
    await j.click('form.act button[type=submit]', /ok=produce-copies/);
    await noRefusal();
    await j.shot('item-after');
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('clerk: receive, hand over, register out, print', async () => {
    const j = journey(page, 'clerk');
    await loginCounted(j, page, base, 'vanthu');
    await j.shot('dashboard');
    await j.click('a.button:has-text("Tiếp nhận BMNN đến")', /receive-incoming/);
    await page.fill('#f-issuer', 'Bộ Công Thương');
    await page.fill('#f-number_symbol', '778/BCT-E2E');
    await page.fill('#f-doc_date', `02/01/${year}`);
    await page.fill('#f-doc_type', 'Công văn');
    await page.fill('#f-summary', 'Về việc kiểm tra kho dự trữ (hành trình văn thư)');
    await j.select('#f-level', 'mat');
    await j.select('#f-unit_id', { label: 'Phòng Kế hoạch - Tài chính' });
    await page.fill('#f-location', 'Tủ tài liệu mật, Văn phòng Sở');
    await j.shot('receive-form');
    await j.click('form.act button[type=submit]', /ok=receive-incoming/);
    await noRefusal();
    await j.shot('received');
    await j.click('a.button:text-is("Chuyển giao")', /hand-over/);
    await j.select('#f-to_user_id', { label: 'Hoàng Đức Anh (soanthao)' });
    await j.shot('handover-form');
    await j.click('form.act button[type=submit]', /ok=hand-over/);
    await noRefusal();

    // What is decided and waits for the register is in the inbox.
    await openInbox(j);
    await j.click(`a.button[href="/acts/register-outgoing?item=${token(state.proposal)}"]`, /register-outgoing/);
    await page.fill('#f-number_symbol', '98/BC-E2E');
    await j.select('#f-signer', 'Nguyễn Văn Minh');
    await j.shot('register-out-form');
    await j.click('form.act button[type=submit]', /ok=register-outgoing/);
    await noRefusal();

    await j.menu('Sổ đăng ký', /\/registers$/);
    await j.click(`a[href="/registers/outgoing/${year}"]`, /\/registers\/outgoing\//);
    assert.match(await page.content(), /98\/BC-E2E/);
    await j.shot('register-outgoing');
    const [print] = await Promise.all([
      browser.ctx.waitForEvent('page'),
      j.click('a.button:has-text("In sổ")'),
    ]);
    watch(print, problems);
    await print.waitForSelector('table.book');
    await print.setViewportSize({ width: 1366, height: 768 });
    await print.emulateMedia({ media: 'print' });
    await print.screenshot({ path: `${j.dir}/print.png` });
    await print.close();
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('drafter: signs for the handover from the inbox', async () => {
    const j = journey(page, 'drafter-sign');
    await loginCounted(j, page, base, 'soanthao');
    const before = await inboxCount();
    await openInbox(j);
    await j.shot('inbox');
    await j.click('tr:has-text("778/BCT-E2E") a.button:text-is("Ký nhận")', /\/acts\/acknowledge\?/);
    await j.shot('acknowledge-form');
    await j.click('form.act button[type=submit]', /ok=acknowledge/);
    await noRefusal();
    assert.equal(await inboxCount(), before - 1, 'one line less in the header count');
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('drafter: scans a file before posting it', async () => {
    const j = journey(page, 'drafter-scan');
    await loginCounted(j, page, base, 'soanthao');
    await j.menu('Kiểm tra trước khi đăng tải', /\/scan$/);
    j.clicks += 1; // choosing the file in the file picker
    await page.setInputFiles('#files', {
      name: 'thong-cao-bao-chi.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Thông cáo báo chí về hội chợ thương mại tỉnh Bình Minh năm nay.'),
    });
    await j.shot('scan-form');
    await j.click('form[action="/scan"] button[type=submit]', /\/scan/);
    await page.waitForSelector('table.scan-results');
    await j.shot('scan-result');
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('security officer: training, device, due list, annual report', async () => {
    const j = journey(page, 'security-officer');
    await loginCounted(j, page, base, 'baomat');
    await j.shot('dashboard');
    await j.menu('Công tác bảo vệ BMNN', /\/programme\/training/);
    // The calendar button beside the date: the browser's picker writes the day as dd/mm/yyyy.
    // Not counted: typing the date is the shorter way, and the count is of the shortest path.
    await page.click('#f-date ~ button.date-pick');
    const iso = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    await page.locator('#f-date ~ input.date-native').fill(iso);
    assert.equal(await page.inputValue('#f-date'), today, 'the picked day, as dd/mm/yyyy');
    await j.select('#f-kind', 'briefing');
    await page.fill('#f-organiser', 'Văn phòng (hành trình e2e)');
    await page.fill('#f-audience', 'Cán bộ, công chức toàn cơ quan');
    await page.fill('#f-participants', '42');
    await j.shot('training-form');
    await j.click('#add-form button[type=submit]', /ok=saved/);
    await noRefusal();
    await j.click('a:has-text("Thiết bị")', /\/programme\/device/);
    await page.fill('#f-identity', 'E2E-HT-02');
    await j.select('#f-kind', 'computer');
    await page.fill('#f-in_use_from', today);
    await j.check('#f-never_connected');
    await j.shot('device-form');
    await j.click('#add-form button[type=submit]', /ok=saved/);
    await noRefusal();
    await j.menu('Việc hôm nay', `${base}/`);
    await j.shot('due-list');
    await j.menu('Thông báo', /\/notices/);
    await j.shot('notices');
    await j.menu('Công tác bảo vệ BMNN', /\/programme\/training/);
    await j.click('a:text-is("Báo cáo")', /\/programme\/reports/);
    await page.waitForSelector('#period');
    await j.shot('report');
    // Typed text is saved by "Tải DOCX" itself (never silently left out of the document).
    const typed = 'Đánh giá chung: công tác bảo vệ BMNN được duy trì (hành trình e2e).';
    const area = page.locator('textarea[name^="narrative."]').first();
    await area.fill(typed);
    const [dl] = await Promise.all([page.waitForEvent('download'), j.click('a:has-text("Tải DOCX")')]);
    await page.reload();
    assert.equal(await page.locator('textarea[name^="narrative."]').first().inputValue(), typed, 'saved before the download');
    assert.match(dl.suggestedFilename(), /^Báo cáo công tác bảo vệ BMNN năm \d{4}\.docx$/);
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('leader: inbox, decide', async () => {
    const j = journey(page, 'leader');
    await loginCounted(j, page, base, 'truongphong');
    await j.shot('dashboard');
    // The menu is one row at 1366 px, with the inbox link beside it.
    const tops = await page.locator('header nav.menu > a, header nav.menu > details, header a.inbox-link')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 8, `menu on one row: tops ${tops}`);
    const [used, width] = await page.locator('header.top').evaluate((h) => [h.scrollWidth, h.clientWidth]);
    assert.ok(used <= width, `the header fits the 1366 px window (${used} > ${width})`);
    const before = await inboxCount();
    assert.ok(before > 0, 'the leader has decisions waiting');
    await openInbox(j);
    await j.shot('inbox');
    await j.click('tr:has-text("Đề nghị chờ quyết định") a.button.primary:text-is("Quyết định")', /\/acts\/decide\?/);
    await j.shot('decide-form');
    // "Không duyệt" needs a reason: without one the form comes back, nothing decided.
    await Promise.all([page.waitForLoadState(), page.click('form.act button[name=decision][value=reject]')]);
    await page.waitForSelector('#f-reason[aria-invalid="true"]');
    assert.match(await page.locator('.field-error').first().textContent(), /Lý do/);
    assert.match(page.url(), /\/acts\/decide/, 'still on the form: nothing decided');
    await page.fill('#f-reason', 'Chưa nêu rõ nơi nhận bản sao (hành trình e2e).');
    await j.click('form.act button[name=decision][value=reject]', /\/inbox\?ok=decide/);
    await noRefusal();
    assert.equal(await inboxCount(), before - 1, 'one decision less in the header count');
    assert.match(await page.locator('.flash').textContent(), /Còn \d+ việc|Không còn việc/);
    await j.shot('after');
    await logout(page, base);
    counts[j.name] = j.report();
  });

  it('no request left the machine, no script error, no CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
