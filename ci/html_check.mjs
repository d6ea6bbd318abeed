// Opens a report's index.html in headless Chromium (Debian's, driven by playwright-core) and
// prints what an assessor sees as one JSON object: console errors, the first section, the
// totals, the failures listed with their reasons, the scenarios the "failed" filter leaves,
// the details of a failed scenario's first message once opened, and the scenarios the
// "warnings" filter leaves with their status and warnings as shown. Saves a screenshot.
//
//   node ci/html_check.mjs report/index.html shot.png
//
// The Rust test tests/html.rs runs it and judges the output. CHROMIUM overrides the browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [page_path, shot] = process.argv.slice(2);
if (!page_path || !shot) {
  console.error('usage: node ci/html_check.mjs INDEX.html SCREENSHOT.png');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'mhhs-qual-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(resolve(page_path)).href, { waitUntil: 'load' });

  const first = await page.evaluate(() => {
    const s = document.querySelector('body > section');
    return s ? s.id : null;
  });
  const failures = await page.$$eval('#failures li', (lis) => lis.map((li) => ({
    id: li.dataset.s,
    name: li.querySelector('a').textContent,
    status: li.querySelector('.st').textContent,
    reason: li.querySelector('.reason').textContent,
  })));
  const visible = () => page.$$eval('section.scenario', (ss) =>
    ss.filter((s) => !s.hidden && s.offsetParent !== null).map((s) => s.id));
  const all = await visible();
  await page.check('input[name=f][value=failed]');
  const failed = await visible();
  const shown = await page.textContent('#shown');

  let opened = null;
  if (failed.length) {
    const button = page.locator(`#${failed[0]} button[data-m]`).first();
    if (await button.count()) {
      await button.click();
      opened = await page.locator(`#${failed[0]} .box`).first().innerText();
    }
  }
  await page.screenshot({ path: shot, fullPage: false });
  const totals = await page.textContent('#totals');
  await page.check('input[name=f][value=warnings]');
  const warned = await page.$$eval('section.scenario', (ss) => ss
    .filter((s) => !s.hidden && s.offsetParent !== null)
    .map((s) => ({
      id: s.id,
      status: s.querySelector('h3 .st').textContent,
      badge: (s.querySelector('h3 .warn') || { textContent: '' }).textContent,
      warnings: [].map.call(s.querySelectorAll('ul.warnings li'), (li) => ({
        text: li.innerText,
        color: getComputedStyle(li).color,
      })),
    })));
  await page.check('input[name=f][value=all]');
  const back = await visible();
  process.stdout.write(JSON.stringify({
    errors, requests, first, totals, failures, all: all.length, failed, shown, opened, warned,
    back: back.length,
  }) + '\n');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
