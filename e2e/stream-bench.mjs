// Streaming benchmark (make bench): the fake API streams 5,000 small deltas
// as fast as it can. Compares the text Parley puts into a chat window's DOM
// with what a plain SSE client reads from the same server, measures the
// latency from the core receiving a delta to its text being on the page,
// and the core's CPU time while streaming. Prints a Markdown table.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launchBrowser, openPage, startFakes, startParley, until } from './parley.mjs';

const KEY = 'sk-ant-api03-bench-key-000000000000000000000000000000';
const N = 5000;
const reply = Array.from({ length: N }, (_, i) => `t${i}`).join(' ');

const fakes = await startFakes();
await fakes.admin('/allow-key', { key: KEY });
await fakes.admin('/reply', { text: reply });

// A plain SSE client, as a baseline.
async function plain() {
  const start = performance.now();
  const res = await fetch(`${fakes.api}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  const dec = new TextDecoder();
  let buf = '', text = '';
  for await (const chunk of res.body) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.startsWith('data: ')) continue;
      const ev = JSON.parse(line.slice(6));
      if (ev.type === 'content_block_delta') text += ev.delta.text;
    }
  }
  return { ms: performance.now() - start, chars: text.length };
}

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
}

const parley = await startParley({ settings: { apiBaseUrl: fakes.api, storage: 'session' } });
const browser = await launchBrowser();
const wizard = await openPage(browser, (await parley.waitWindows(1))[0]);
await wizard.getByRole('button', { name: /^API key/ }).click();
await wizard.getByLabel('API key', { exact: true }).fill(KEY);
await wizard.getByRole('button', { name: 'Sign in' }).click();
await wizard.getByRole('button', { name: 'Start chatting' }).click();
const w = await until('a chat window', async () => (await parley.windows()).find((x) => x.role === 'chat' && x.ready));
const page = await openPage(browser, w);
await page.getByText(/Signed in as/).first().waitFor();
// The dev build's own GTK window would render every update too, on the same
// 2 cores; unmap it so that only the measuring page renders.
if (process.env.BENCH_UNMAP !== '0') {
  for (const id of execFileSync('xdotool', ['search', '--name', 'Parley'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    try { execFileSync('xdotool', ['windowunmap', id]); } catch { /* already gone */ }
  }
}

const rows = [];
for (let run = 1; run <= 3; run++) {
  const base = await plain();
  await page.evaluate((conv) => {
    window.__lat = [];
    window.runtime.EventsOn(`chat:delta:${conv}`, (u) => {
      // After this event, the page's own handler updates the DOM in a
      // microtask; measure once that has run.
      setTimeout(() => window.__lat.push(Date.now() - u.at), 0);
    });
  }, w.conversationId ?? (await page.getByTestId('conversation-id').innerText()).split(' ')[1]);
  const before = await page.locator('article.msg.assistant').count();
  const cpu0 = cpuTicks(parley.proc.pid);
  await page.getByRole('textbox', { name: 'Message' }).fill(`run ${run}`);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await until('the reply', async () => (await page.locator('article.msg.assistant').count()) > before);
  const last = page.locator('article.msg.assistant').last();
  // Time until the whole text is in the DOM, measured in the page.
  const ms = await last.evaluate(async (el, want) => {
    const start = performance.now();
    for (;;) {
      if ((el.querySelector('.text')?.textContent ?? '').includes(want)) return performance.now();
      await new Promise((r) => requestAnimationFrame(r));
      if (performance.now() - start > 60000) return NaN;
    }
  }, `t${N - 1}`);
  const cpu1 = cpuTicks(parley.proc.pid);
  const lat = (await page.evaluate(() => window.__lat)).sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const chars = (await last.locator('.text').textContent()).trim().length;
  const parleyMs = ms - t0;
  rows.push({ run, plainMs: base.ms, plainChars: base.chars, parleyMs, chars, ratio: (chars / parleyMs) / (base.chars / base.ms), p50: pct(50), p99: pct(99), updates: lat.length, cpuMs: (cpu1 - cpu0) * 10 });
  await new Promise((r) => setTimeout(r, 500));
}

console.log('| run | plain SSE client | Parley, into the DOM | throughput ratio | delta→DOM p50 | p99 | window updates | core CPU |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.run} | ${r.plainChars} chars in ${r.plainMs.toFixed(0)} ms | ${r.chars} chars in ${r.parleyMs.toFixed(0)} ms | ${r.ratio.toFixed(2)} | ${r.p50} ms | ${r.p99} ms | ${r.updates} | ${r.cpuMs} ms |`);
}
await browser.close();
await parley.stop();
fakes.stop();
