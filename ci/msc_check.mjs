// Opens a report's index.html in headless Chromium (Debian's, driven by playwright-core) and
// prints, as one JSON object, the console errors and every scenario's message sequence chart as
// drawn: inline (its lanes and each arrow that takes up room, with its class, stroke colour and
// dash) or a picture of its file in msc/ (whether it loaded, and its size), and its link.
//
//   node ci/msc_check.mjs report/index.html
//
// The Rust test tests/html.rs runs it and judges the output. CHROMIUM overrides the browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [page_path] = process.argv.slice(2);
if (!page_path) {
  console.error('usage: node ci/msc_check.mjs INDEX.html');
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
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(page_path)).href, { waitUntil: 'load' });
  // Pictures load when scrolled to: load them all, within ten seconds.
  await page.evaluate(() => Promise.race([
    Promise.all([].map.call(document.querySelectorAll('figure.msc img'), (img) => {
      img.loading = 'eager';
      return img.decode().catch(() => null);
    })),
    new Promise((done) => setTimeout(done, 10000)),
  ]));
  const charts = await page.$$eval('section.scenario', (ss) => ss.map((s) => {
    const f = s.querySelector('figure.msc');
    const out = { id: s.id, status: s.dataset.status, figure: !!f };
    if (!f) return out;
    const svg = f.querySelector(':scope > svg');
    const img = f.querySelector(':scope > img');
    out.link = f.querySelector('figcaption a').getAttribute('href');
    if (svg) {
      out.lanes = [].map.call(svg.querySelectorAll('g.lane text'), (t) => t.textContent);
      out.arrows = [].filter.call(svg.querySelectorAll('g.msg .arrow'),
        (l) => l.getBoundingClientRect().width > 0)
        .map((l) => ({
          class: l.parentNode.getAttribute('class'),
          stroke: getComputedStyle(l).stroke,
          dashed: getComputedStyle(l).strokeDasharray !== 'none',
          label: l.parentNode.querySelector('text').textContent,
        }));
      out.notes = svg.querySelectorAll('g.note').length;
    }
    if (img) {
      out.img = {
        src: img.getAttribute('src'),
        loaded: img.complete && img.naturalWidth > 0,
        width: img.naturalWidth,
      };
    }
    return out;
  }));
  process.stdout.write(JSON.stringify({ errors, charts }) + '\n');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
