// History benchmark (make bench): a history of 100,000 messages, one
// conversation of them 10,000 long. Measures, in a chat window's page,
// opening the long conversation (from the click to its latest messages in
// the DOM) and searching all messages (the page's call to the core and back,
// without the typing pause the search box waits for). Prints Markdown tables.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, signInWithKey, startFakes, startParley, until } from './parley.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'sk-ant-api03-bench-history-key-0000000000000000000000000';
const base = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
mkdirSync(path.join(base, 'data', 'parley'), { recursive: true, mode: 0o700 });
execFileSync('go', ['run', './e2e/mkhistory', '-db', path.join(base, 'data', 'parley', 'history.db'), '-long', '10000', '-total', '100000'],
  { cwd: root, stdio: 'inherit' });

const fakes = await startFakes();
await fakes.admin('/allow-key', { key: KEY });
const parley = await startParley({ settings: { apiBaseUrl: fakes.api, storage: 'session' }, base });
const browser = await launchBrowser();
const page = await signInWithKey(browser, parley, KEY);
await until('the list', async () => (await page.locator('ul.convs li').count()) > 90);

const short = page.locator('ul.convs li', { hasText: 'Conversation 1' }).first().locator('button.conv');
const opens = [];
for (let run = 0; run <= 5; run++) {
  // Another conversation first: leaving one closes it in the core, so each
  // open reads the long one back from the history.
  await short.click();
  await until('the short conversation', async () => (await page.locator('h1').innerText()).startsWith('Conversation 1'));
  const ms = await page.evaluate(async () => {
    const button = [...document.querySelectorAll('ul.convs button.conv')].find((b) => b.textContent.includes('Ten thousand messages'));
    const start = performance.now();
    button.click();
    for (;;) {
      const last = document.querySelector('article.msg[data-index="9999"]');
      if (last && last.textContent.includes('marker9999')) return performance.now() - start;
      await new Promise((r) => setTimeout(r, 1));
      if (performance.now() - start > 30000) return NaN;
    }
  });
  if (run > 0) opens.push(ms); // run 0 warms up the page
}
const rendered = await page.locator('article.msg').count();

// Scrolling back through it: 20 times to the top, each loading the next 30
// earlier messages; the gaps between animation frames say how smooth it is.
const scroll = await page.evaluate(async () => {
  const list = document.querySelector('section.messages');
  const gaps = [];
  let last = performance.now();
  let running = true;
  const frame = (t) => { gaps.push(t - last); last = t; if (running) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  for (let i = 0; i < 20; i++) {
    const before = document.querySelectorAll('article.msg').length;
    list.scrollTo({ top: 0 });
    const end = performance.now() + 5000;
    while (document.querySelectorAll('article.msg').length === before && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
  }
  running = false;
  gaps.sort((a, b) => a - b);
  return { loaded: document.querySelectorAll('article.msg').length, p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1], frames: gaps.length };
});

const searches = [];
for (const [what, query] of [['a word in 50,000 messages', 'lighthouse'], ['a rare word', 'lighthouses42'], ['a unique marker', 'marker45501'], ['a word in no message', 'zeppelin'], ['a prefix', 'lightho']]) {
  const times = await page.evaluate(async (q) => {
    const out = [];
    for (let i = 0; i < 6; i++) {
      const start = performance.now();
      const hits = await window.go.main.App.Search(q);
      out.push({ ms: performance.now() - start, hits: hits?.length ?? 0 });
    }
    return out.slice(1);
  }, query);
  searches.push({ what, query, times });
}

const sorted = (xs) => xs.slice().sort((a, b) => a - b);
const med = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
console.log('| open the 10,000-message conversation (click → latest messages in the DOM) | median | min | max | messages rendered |');
console.log('|---|---|---|---|---|');
console.log(`| 5 runs | ${med(opens).toFixed(0)} ms | ${Math.min(...opens).toFixed(0)} ms | ${Math.max(...opens).toFixed(0)} ms | ${rendered} |`);
console.log('');
console.log('| scroll back 20 times (30 earlier messages each) | messages loaded | frames | frame gap p95 | longest frame gap |');
console.log('|---|---|---|---|---|');
console.log(`| from the end | ${scroll.loaded} | ${scroll.frames} | ${scroll.p95.toFixed(0)} ms | ${scroll.max.toFixed(0)} ms |`);
console.log('');
console.log('| search 100,000 messages (page → core → page) | query | hits shown | median | max |');
console.log('|---|---|---|---|---|');
for (const s of searches) {
  const ms = s.times.map((t) => t.ms);
  console.log(`| ${s.what} | \`${s.query}\` | ${s.times[0].hits} | ${med(ms).toFixed(1)} ms | ${Math.max(...ms).toFixed(1)} ms |`);
}
await browser.close();
await parley.stop();
fakes.stop();
