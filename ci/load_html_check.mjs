// Opens a load run's load.html in headless Chromium (Debian's, driven by playwright-core) and
// prints what a reader sees as one JSON object: console errors, requests beyond the file, the
// headline, each chart's drawn size and the lines, points and labels in it, and the objectives
// as shown with their colour. Saves a screenshot of the whole page.
//
//   node ci/load_html_check.mjs load.html shot.png
//
// The Rust test tests/load_report.rs runs it and judges the output. CHROMIUM overrides the
// browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [page_path, shot] = process.argv.slice(2);
if (!page_path || !shot) {
  console.error('usage: node ci/load_html_check.mjs LOAD.html SCREENSHOT.png');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'mhhs-qual-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
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

  const title = await page.title();
  const verdict = await page.textContent('#verdict');
  const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => {
    const box = s.getBoundingClientRect();
    return {
      id: s.id,
      width: Math.round(box.width),
      height: Math.round(box.height),
      lines: s.querySelectorAll('polyline').length,
      points: s.querySelectorAll('circle').length,
      texts: [].map.call(s.querySelectorAll('text'), (t) => t.textContent),
    };
  }));
  const objectives = await page.$$eval('#objectives tbody tr', (rows) => rows.map((r) => ({
    name: r.cells[0].textContent,
    verdict: r.cells[2].textContent,
    color: getComputedStyle(r.cells[2]).color,
  })));
  await page.screenshot({ path: shot, fullPage: true });
  process.stdout.write(JSON.stringify({ errors, requests, title, verdict, charts, objectives }) + '\n');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
