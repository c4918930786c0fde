// Streaming benchmark (make bench): the fake API streams 5,000 small deltas
// as fast as it can. Compares the text Parley puts into a chat window's DOM
// with what a plain SSE client reads from the same server, measures the
// latency from the core receiving a delta to its text being on the page,
// and the core's CPU time while streaming. Prints a Markdown table.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launchBrowser, signInWithKey, startFakes, startParley, until } from './parley.mjs';

const KEY = 'sk-ant-api03-bench-key-000000000000000000000000000000';
const N = 5000;
const reply = Array.from({ length: N }, (_, i) => `t${i}`).join(' ');

const fakes = await startFakes();
// The fake stands in for Anthropic's servers, which do not share the user's
// CPU: on this 2-core machine it yields to Parley and the page.
execFileSync('renice', ['-n', '19', '-p', String(fakes.pid)]);
await fakes.admin('/allow-key', { key: KEY });
await fakes.admin('/reply', { text: reply });

// A plain SSE client, as a baseline: when its request was sent, and when it
// had the first and the last text.
async function plain() {
  const start = performance.now();
  const res = await fetch(`${fakes.api}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  const dec = new TextDecoder();
  let buf = '', text = '', first = 0;
  for await (const chunk of res.body) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.startsWith('data: ')) continue;
      const ev = JSON.parse(line.slice(6));
      if (ev.type === 'content_block_delta') {
        if (!text) first = performance.now();
        text += ev.delta.text;
      }
    }
  }
  return { start, first, last: performance.now(), chars: text.length };
}

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
}

const parley = await startParley({ settings: { apiBaseUrl: fakes.api, storage: 'session' } });
const browser = await launchBrowser();
const page = await signInWithKey(browser, parley, KEY);
// The dev build's own GTK window would render every update too, on the same
// 2 cores; unmap it so that only the measuring page renders.
if (process.env.BENCH_UNMAP !== '0') {
  for (const id of execFileSync('xdotool', ['search', '--name', 'Parley'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    try { execFileSync('xdotool', ['windowunmap', id]); } catch { /* already gone */ }
  }
}

// In the page: every chat:delta event of the conversation (when the core
// received its first text, and the text length it brings the reply to), and
// every change of the new reply's text in the DOM (when, and its length).
// The reply is plain words, so the DOM's text has the Markdown's length.
const conv = await page.locator('[data-testid="conversation-id"]:not([data-id=""])').getAttribute('data-id');
await page.evaluate((conv) => {
  window.__deltas = [];
  window.__dom = [];
  let total = 0;
  window.runtime.EventsOn(`chat:delta:${conv}`, (u) => {
    total += u.text.length;
    window.__deltas.push({ at: u.at, upTo: total });
  });
  window.runtime.EventsOn(`chat:message:${conv}`, (u) => {
    if (u.message.status === 'streaming') total = 0;
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__enter = performance.now(); }, true);
  const list = document.querySelector('main') ?? document.body;
  new MutationObserver(() => {
    const el = document.querySelectorAll('article.msg.assistant .text')[window.__reply];
    const n = (el?.textContent ?? '').trim().length;
    const d = window.__dom;
    if (n > 0 && (d.length === 0 || d[d.length - 1].n !== n)) d.push({ t: performance.now(), wall: Date.now(), n });
  }).observe(list, { childList: true, subtree: true, characterData: true });
}, conv);

// Run 0 warms up the page (its first reply compiles the renderer) and the
// connections; runs 1-3 are measured.
const rows = [];
for (let run = 0; run <= 3; run++) {
  const base = await plain();
  const before = await page.locator('article.msg.assistant').count();
  await page.evaluate((n) => { window.__deltas = []; window.__dom = []; window.__reply = n; }, before);
  const cpu0 = cpuTicks(parley.proc.pid);
  await page.getByRole('textbox', { name: 'Message' }).fill(`run ${run}`);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await until('the reply', async () => (await page.locator('article.msg.assistant').count()) > before);
  const last = page.locator('article.msg.assistant').last();
  await last.locator('.text').getByText(`t${N - 1}`).waitFor({ timeout: 60000 });
  await new Promise((r) => setTimeout(r, 200)); // the last events and DOM changes
  const cpu1 = cpuTicks(parley.proc.pid);
  const { deltas, dom, t0 } = await page.evaluate(() => ({ deltas: window.__deltas, dom: window.__dom, t0: window.__enter }));
  const chars = dom[dom.length - 1].n;
  // Latency of each delta: from the core receiving its first text to the
  // first DOM change that holds all of its text.
  const lat = deltas.map((d) => dom.find((x) => x.n >= d.upTo).wall - d.at).sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const plainAll = base.last - base.start, parleyAll = dom[dom.length - 1].t - t0;
  if (run > 0) rows.push({
    run, chars, plainChars: base.chars, plainAll, parleyAll,
    ratio: (chars / parleyAll) / (base.chars / plainAll),
    plainFirst: base.first - base.start, parleyFirst: dom[0].t - t0,
    p50: pct(50), p99: pct(99), updates: deltas.length, cpuMs: (cpu1 - cpu0) * 10,
  });
  await new Promise((r) => setTimeout(r, 500));
}

const ms = (x) => `${x.toFixed(0)} ms`;
console.log('| run | plain client: request → all text | Parley: Enter → all text in the DOM | throughput ratio | first text: plain / Parley | delta→DOM p50 | p99 | window updates | core CPU |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.run} | ${r.plainChars} chars in ${ms(r.plainAll)} | ${r.chars} chars in ${ms(r.parleyAll)} | ${r.ratio.toFixed(2)} | ${ms(r.plainFirst)} / ${ms(r.parleyFirst)} | ${r.p50} ms | ${r.p99} ms | ${r.updates} | ${r.cpuMs} ms |`);
}
await browser.close();
await parley.stop();
fakes.stop();
