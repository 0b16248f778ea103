// Daily journeys of every role against the real `bmnn serve --demo` binary in Chromium.
// Each step waits for the page it expects (URL, selector or response), never for time.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, login, logout, shot, watch } from '../lib.js';

const year = new Date().getFullYear();
let server, browser, page, base;
const problems = [];
const state = {};

async function submitAct(expectUrl) {
  await Promise.all([
    page.waitForURL(expectUrl),
    page.click('form.act button[type=submit]'),
  ]);
  assert.equal(await page.locator('.refusal').count(), 0, 'no refusal');
  assert.ok(await page.locator('.flash').count() > 0, 'confirmation shown');
}

async function noErrorPage() {
  const h1 = await page.locator('h1').first().textContent();
  assert.ok(!/Có lỗi xảy ra|Không tìm thấy|Không có quyền/.test(h1), `unexpected error page: ${h1}`);
}

describe('bmnn web UI', () => {
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

  it('shows the login page in Vietnamese with strict security headers', async () => {
    const res = await page.goto(`${base}/login`);
    const h = res.headers();
    assert.match(h['content-security-policy'], /script-src 'self'/);
    assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'no-referrer');
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.textContent('h1'), 'Đăng nhập');
    await shot(page, '01-login');
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    await page.fill('#username', 'vanthu');
    await page.fill('#password', 'sai-mat-khau-123');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button.primary')]);
    await page.waitForSelector('.refusal');
    assert.match(await page.textContent('.refusal'), /Tên đăng nhập hoặc mật khẩu không đúng/);
  });

  it('clerk: dashboard, finds a Tối mật item for the clearance check', async () => {
    await login(page, base, 'vanthu');
    await page.waitForSelector('h1:has-text("Việc hôm nay")');
    await shot(page, '02-dashboard-vanthu');
    await page.goto(`${base}/items`);
    await page.selectOption('#level', 'toi-mat');
    await page.waitForResponse((r) => r.url().endsWith('/items') && r.request().method() === 'POST');
    await page.waitForSelector('#results table.list tbody tr');
    const link = page.locator('#results table.list tbody tr a').first();
    state.secretHref = await link.getAttribute('href');
    state.secretLabel = (await link.textContent()).trim();
    assert.match(state.secretHref, /^\/items\/[0-9a-hjkmnp-tv-z]{13}$/);
    await shot(page, '03-items-toimat-vanthu');
  });

  it('clerk: search ignores diacritics ("bao cao" finds "Báo cáo")', async () => {
    await page.goto(`${base}/items`);
    await page.fill('#q', 'bao cao');
    await page.waitForResponse((r) => r.url().endsWith('/items') && r.request().method() === 'POST');
    await page.waitForSelector('#results table.list tbody tr');
    const first = await page.locator('#results table.list tbody tr').first().textContent();
    assert.match(first, /Báo cáo/);
    await shot(page, '04-search-bao-cao');
  });

  it('clerk: registers an incoming item and hands it to the drafter', async () => {
    await page.goto(`${base}/acts/receive-incoming`);
    await page.fill('#f-issuer', 'Bộ Công Thương');
    await page.fill('#f-number_symbol', '777/BCT-E2E');
    await page.fill('#f-doc_date', `02/01/${year}`);
    await page.fill('#f-doc_type', 'Công văn');
    await page.fill('#f-summary', 'Về việc rà soát kế hoạch dự trữ xăng dầu (thử nghiệm)');
    await page.selectOption('#f-level', 'mat');
    await page.check('#f-copy_allowed');
    await page.selectOption('#f-unit_id', { label: 'Phòng Kế hoạch - Tài chính' });
    await page.fill('#f-location', 'Tủ tài liệu mật, Văn phòng Sở');
    await shot(page, '05-receive-incoming-form');
    await submitAct(/\/items\/[0-9a-hjkmnp-tv-z]{13}\?ok=receive-incoming/);
    state.incomingUrl = page.url().split('?')[0];
    assert.match(await page.textContent('h1'), /777\/BCT-E2E/);
    await page.click('a.button:text-is("Chuyển giao")');
    await page.waitForSelector('#f-to_user_id');
    await page.selectOption('#f-to_user_id', { label: 'Hoàng Đức Anh (soanthao)' });
    await shot(page, '06-hand-over-form');
    await submitAct(/\/items\/[0-9a-hjkmnp-tv-z]{13}\?ok=hand-over/);
    await shot(page, '07-item-after-handover');
    // The electronic file: uploaded encrypted, opened only through a recorded POST.
    await page.setInputFiles('#file', { name: 'công-văn-777.txt', mimeType: 'text/plain', buffer: Buffer.from('Nội dung thử nghiệm') });
    assert.match(await page.textContent('#file-name'), /Đã chọn: công-văn-777\.txt/);
    await Promise.all([page.waitForURL(/\?ok=uploaded/), page.click('form.upload button[type=submit]')]);
    assert.match(await page.textContent('main'), /công-văn-777\.txt/);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form[action^="/attachments/"] button'),
    ]);
    assert.equal(readFileSync(await file.path(), 'utf8'), 'Nội dung thử nghiệm', 'decrypted file');
    await shot(page, '07b-item-with-attachment');
    await logout(page, base);
  });

  it('drafter: acknowledges the handover and asks for a copy', async () => {
    await login(page, base, 'soanthao');
    await page.waitForSelector('h2:has-text("Chờ bạn ký nhận")');
    await shot(page, '08-dashboard-soanthao');
    await page.locator('a.button:has-text("Ký nhận")').first().click();
    await page.waitForSelector('form.act');
    await submitAct(/\?ok=acknowledge/);
    await page.goto(state.incomingUrl);
    await page.click('a.button:has-text("Đề nghị sao, chụp")');
    await page.waitForSelector('aside.rules');
    assert.match(await page.textContent('aside.rules'), /Thẩm quyền sao, chụp — độ Mật/);
    await page.fill('#f-count', '2');
    await page.fill('#f-purpose', 'Phục vụ họp phòng Kế hoạch - Tài chính');
    await shot(page, '09-request-copy-form');
    await submitAct(/\/items\/[0-9a-hjkmnp-tv-z]{13}\?ok=request-copy/);
  });

  it('drafter: a refused proposal shows code, reason and basis and keeps the input', async () => {
    await page.goto(`${base}/acts/propose`);
    await page.fill('#f-doc_type', 'Báo cáo');
    await page.fill('#f-summary', 'Báo cáo thử nghiệm mức độ mật không khớp danh mục');
    await page.fill('#f-recipients', 'Bộ Công Thương');
    await page.selectOption('#f-level', 'mat');
    const toiMat = page.locator('#f-catalogue_item_id option', { hasText: '(Tối mật)' }).first();
    await page.selectOption('#f-catalogue_item_id', await toiMat.getAttribute('value'));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/acts/propose') && r.request().method() === 'POST'),
      page.click('form.act button[type=submit]'),
    ]);
    await page.waitForSelector('.refusal');
    const text = await page.textContent('.refusal');
    assert.match(text, /mã lỗi: /);
    assert.match(text, /Căn cứ/);
    assert.equal(await page.inputValue('#f-summary'), 'Báo cáo thử nghiệm mức độ mật không khớp danh mục');
    await shot(page, '10-refusal-kept-input');
  });

  it('drafter: proposes a new outgoing item', async () => {
    await page.goto(`${base}/acts/propose`);
    await page.fill('#f-doc_type', 'Báo cáo');
    await page.fill('#f-summary', 'Báo cáo kết quả kiểm tra dự trữ năm (thử nghiệm)');
    await page.selectOption('#f-level', 'mat');
    const mat = page.locator('#f-catalogue_item_id option', { hasText: '(Mật)' }).first();
    await page.selectOption('#f-catalogue_item_id', await mat.getAttribute('value'));
    await page.fill('#f-recipients', 'Ủy ban nhân dân tỉnh Bình Minh\nBộ Công Thương');
    await page.fill('#f-copies_issued', '2');
    await page.selectOption('#f-unit_id', { label: 'Phòng Kế hoạch - Tài chính' });
    await shot(page, '11-propose-form');
    await submitAct(/\/items\/[0-9a-hjkmnp-tv-z]{13}\?ok=propose/);
    state.proposalUrl = page.url().split('?')[0];
  });

  it('a Mật-cleared user cannot see a Tối mật item anywhere', async () => {
    const res = await page.goto(`${base}${state.secretHref}`);
    assert.equal(res.status(), 404);
    assert.match(await page.textContent('h1'), /Không tìm thấy/);
    // A number and a malformed token are answered exactly like the hidden item.
    const absent = await page.goto(`${base}/items/999999`);
    assert.equal(absent.status(), 404);
    const forged = await page.goto(`${base}/items/0000000000000`);
    assert.equal(forged.status(), 404);
    await page.goto(`${base}/items`);
    await page.selectOption('#level', 'toi-mat');
    await page.waitForResponse((r) => r.url().endsWith('/items') && r.request().method() === 'POST');
    await page.waitForSelector('#results p.total');
    assert.match(await page.textContent('#results'), /Không có tài liệu nào phù hợp/);
    const number = state.secretLabel.split(' số ')[1] ?? state.secretLabel;
    for (const kind of ['outgoing', 'incoming', 'handover', 'copies']) {
      for (const y of [year - 1, year]) {
        await page.goto(`${base}/registers/${kind}/${y}`);
        assert.ok(!(await page.content()).includes(number), `${kind} ${y} hides ${number}`);
        assert.ok(!(await page.content()).includes('Tối mật'), `${kind} ${y} has no Tối mật row`);
      }
    }
    await shot(page, '12-soanthao-no-toimat');
    await logout(page, base);
  });

  it('leader (Trưởng phòng): authorises the copy from the approvals inbox', async () => {
    await login(page, base, 'truongphong');
    await page.goto(`${base}/approvals`);
    await shot(page, '13-approvals-truongphong');
    const itemPath = new URL(state.incomingUrl).pathname;
    await page.locator(`tr:has(a[href="${itemPath}"])`).locator('a.button:text-is("Quyết định")').click();
    await page.waitForSelector('form.act');
    await page.fill('#f-reference', 'Phiếu đồng ý sao số 01/E2E');
    await shot(page, '14-decide-copy-form');
    // "Duyệt" is the first submit button; the leader returns to his inbox.
    await submitAct(/\/inbox\?ok=decide/);
    await logout(page, base);
  });

  it('leader (Giám đốc): decides the classification proposal', async () => {
    await login(page, base, 'lanhdao');
    await shot(page, '15-dashboard-lanhdao');
    await page.goto(`${base}/approvals`);
    await page.goto(`${base}/acts/decide-classification?item=${state.proposalUrl.split('/').pop()}`);
    await page.waitForSelector('aside.rules');
    await page.fill('#f-decision_ref', 'Tờ trình số 15/TTr-KHTC');
    await shot(page, '16-decide-classification-form');
    await submitAct(/\/inbox\?ok=decide-classification/);
    await logout(page, base);
  });

  it('clerk: produces the copies, registers the outgoing item, prints the register', async () => {
    await login(page, base, 'vanthu');
    await page.goto(state.incomingUrl);
    await page.click('a.button:has-text("Thực hiện sao, chụp")');
    await page.waitForSelector('form.act');
    await page.fill('#f-operator', 'Đỗ Thị Lan');
    await page.fill('#f-place', 'Phòng máy Văn phòng Sở');
    await submitAct(/\?ok=produce-copies/);
    await page.goto(state.proposalUrl);
    await page.click('a.button:has-text("Vào sổ BMNN đi")');
    await page.waitForSelector('#f-number_symbol');
    await page.fill('#f-number_symbol', '99/BC-E2E');
    await page.selectOption('#f-signer', { index: 1 }); // the first of the agency's leaders
    await submitAct(/\/items\/[0-9a-hjkmnp-tv-z]{13}\?ok=register-outgoing/);
    await shot(page, '17-item-history');
    await page.goto(`${base}/registers/outgoing/${year}`);
    assert.match(await page.content(), /99\/BC-E2E/);
    await shot(page, '18-register-outgoing');
    const [docx] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a.button:has-text("Tải DOCX")'),
    ]);
    assert.match(docx.suggestedFilename(), /^Sổ đăng ký BMNN đi năm \d{4}\.docx$/);
    const print = await browser.ctx.newPage();
    watch(print, problems);
    await print.goto(`${base}/registers/outgoing/${year}/print`);
    await print.waitForSelector('table.book');
    assert.match(await print.textContent('h1.book-title'), /SỔ ĐĂNG KÝ BÍ MẬT NHÀ NƯỚC ĐI/);
    assert.match(await print.content(), /99\/BC-E2E/);
    await print.emulateMedia({ media: 'print' });
    await shot(print, '19-register-print');
    const pdf = await print.pdf({ preferCSSPageSize: true });
    assert.ok(pdf.length > 1000, 'printable');
    await print.close();
    await page.goto(`${base}/registers/copies/${year}`);
    await shot(page, '20-register-copies');
  });

  it('refuses a form POST without the CSRF token, and one from another origin', async () => {
    const before = await page.request.get(`${base}/registers/incoming/${year}`);
    const noToken = await page.request.post(`${base}/acts/receive-incoming`, {
      form: { issuer: 'X', number_symbol: 'CSRF-1', doc_type: 'Công văn', level: 'mat', carrier: 'document' },
    });
    assert.equal(noToken.status(), 403);
    const token = await page.getAttribute('input[name=_csrf]', 'value');
    const foreign = await page.request.post(`${base}/acts/receive-incoming`, {
      headers: { Origin: 'http://evil.example' },
      form: { _csrf: token, issuer: 'X', number_symbol: 'CSRF-2', doc_type: 'Công văn', level: 'mat', carrier: 'document' },
    });
    assert.equal(foreign.status(), 403);
    const after = await page.request.get(`${base}/registers/incoming/${year}`);
    const body = await after.text();
    assert.ok(!body.includes('CSRF-1') && !body.includes('CSRF-2'), 'nothing was registered');
    assert.equal(before.status(), 200);
  });

  it('clerk: other main pages render without an error page', async () => {
    for (const [path, name] of [['/notices', '21-notices'], ['/catalogues', '22-catalogues'], ['/rules/unconfirmed', '23-unconfirmed'], ['/account', '24-account'], ['/registers', '25-registers']]) {
      await page.goto(`${base}${path}`);
      await noErrorPage();
      await shot(page, name);
    }
    await logout(page, base);
  });

  it('security officer: audit log with chain status; admin: organisation', async () => {
    await login(page, base, 'baomat');
    await shot(page, '26-dashboard-baomat');
    await page.goto(`${base}/audit`);
    await noErrorPage();
    await shot(page, '27-audit');
    await logout(page, base);
    await login(page, base, 'admin');
    await page.goto(`${base}/admin`);
    await noErrorPage();
    await shot(page, '28-admin');
    await logout(page, base);
  });

  it('no request left the machine, no script error, no CSP violation', () => {
    assert.deepEqual(problems, []);
  });
});
