// Chat windows end to end against the fake API: two conversations at once,
// Stop, Retry after an overload and after a dropped connection, Markdown
// with a working copy button, and hostile model output rendered inert.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chatPage as openChatPage, launchBrowser, send, settled, signInWithKey, startFakes, startParley, until } from './parley.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The front end's XSS corpus (TypeScript): drop its one type annotation.
const corpusSource = readFileSync(path.join(here, '../frontend/src/lib/xss-corpus.ts'), 'utf8').replace(': string[] =', ' =');
const { XSS_CORPUS: corpus } = await import(`data:text/javascript,${encodeURIComponent(corpusSource)}`);
const KEY = 'sk-ant-api03-e2e-chat-key-00000000000000000000000000000';
let fakes, browser, parley;

before(async () => {
  fakes = await startFakes();
  await fakes.admin('/allow-key', { key: KEY });
  browser = await launchBrowser();
  parley = await startParley({ settings: { apiBaseUrl: fakes.api, storage: 'session' } });
  await signInWithKey(browser, parley, KEY);
});

after(async () => {
  await browser?.close();
  const { code } = await parley.stop();
  assert.equal(code, 0, parley.log());
  fakes?.stop();
});

/** Opens the page of the nth chat window, once it has loaded. */
const chatPage = (n = 1) => openChatPage(browser, parley, n);

let one, two;

test('two windows stream different conversations at once, never each other\'s text', async () => {
  one = await chatPage(1);
  await one.getByRole('button', { name: 'New window', exact: true }).click();
  two = await chatPage(2);
  await fakes.admin('/delta-delay', { delay: '10ms' });
  const words = (w) => Array.from({ length: 500 }, (_, i) => `${w}${i}`).join(' ');
  // Both sends go out before either reply is awaited, so that they overlap
  // even on a slow machine (each reply takes about 5 s).
  for (const [page, text] of [[one, words('kiwi')], [two, words('plum')]]) {
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  }
  const r1 = one.locator('article.msg.assistant').last();
  const r2 = two.locator('article.msg.assistant').last();
  await until('both replies streaming at once', async () =>
    (await r1.getAttribute('data-status')) === 'streaming' && (await r2.getAttribute('data-status')) === 'streaming');
  assert.equal(await settled(r1), 'complete');
  assert.equal(await settled(r2), 'complete');
  const t1 = await one.locator('section.messages').innerText();
  const t2 = await two.locator('section.messages').innerText();
  await fakes.admin('/delta-delay', { delay: '0s' });
  assert.match(t1, /kiwi499/);
  assert.match(t2, /plum499/);
  assert.doesNotMatch(t1, /plum/);
  assert.doesNotMatch(t2, /kiwi/);
});

test('Stop ends the stream at once and keeps the partial reply', async () => {
  await fakes.admin('/delta-delay', { delay: '20ms' });
  const reply = await send(one, Array.from({ length: 400 }, (_, i) => `w${i}`).join(' '));
  await until('some text', async () => ((await reply.locator('.text').innerText()).length > 40));
  const started = Date.now();
  await one.keyboard.press('Escape');
  await until('the stop', async () => (await reply.getAttribute('data-status')) === 'stopped', 5000);
  const took = Date.now() - started;
  console.log(`Stop took ${took} ms from the key press to the stopped reply on the page`);
  const partial = await reply.locator('.text').innerText();
  assert.ok(partial.length > 40 && !partial.includes('w399'), partial.slice(-80));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await reply.locator('.text').innerText(), partial, 'no text after Stop');
  await fakes.admin('/delta-delay', { delay: '0s' });
});

test('Retry works after an overload and after a dropped connection', async () => {
  await fakes.admin('/fail-next', { n: '5', status: '529' });
  const failed = await send(one, 'are you busy?');
  await one.getByRole('status').filter({ hasText: 'trying again' }).first().waitFor();
  assert.equal(await settled(failed), 'error');
  await failed.getByRole('alert').filter({ hasText: 'overloaded' }).waitFor();
  await one.getByRole('button', { name: 'Retry' }).click();
  const retried = one.locator('article.msg.assistant').last();
  await until('the retried reply', async () => (await retried.getAttribute('data-status')) === 'complete', 20000);
  assert.match(await retried.innerText(), /are you busy/);

  await fakes.admin('/cut-stream', { after: '2' });
  const cut = await send(one, 'one two three four five six seven eight');
  assert.equal(await settled(cut), 'interrupted');
  assert.ok((await cut.locator('.text').innerText()).length > 0, 'the partial reply stays');
  await cut.getByRole('alert').filter({ hasText: 'cut off' }).waitFor();
  await one.getByRole('button', { name: 'Retry' }).click();
  const again = one.locator('article.msg.assistant').last();
  await until('the retried reply', async () => (await again.getAttribute('data-status')) === 'complete', 20000);
  assert.match(await again.innerText(), /eight/);
});

test('Markdown with code renders, and the copy button copies', async () => {
  const code = 'func main() {\n\tfmt.Println("hi")\n}';
  await fakes.admin('/reply', { text: `# Title\n\nSome **bold** text.\n\n\`\`\`go\n${code}\n\`\`\`\n` });
  const reply = await send(two, 'show me code');
  assert.equal(await settled(reply), 'complete');
  await reply.locator('h1', { hasText: 'Title' }).waitFor();
  await reply.locator('strong', { hasText: 'bold' }).waitFor();
  assert.ok((await reply.locator('pre code span').count()) > 0, 'the code is highlighted');
  await reply.getByRole('button', { name: 'Copy code' }).click();
  await reply.getByRole('button', { name: /Copied|Copy code/ }).waitFor();
  const clip = await until('the clipboard', async () => {
    try {
      const out = execFileSync('xclip', ['-selection', 'clipboard', '-o'], { encoding: 'utf8' });
      return out.includes('Println') && out;
    } catch {
      return false;
    }
  });
  assert.equal(clip.trim(), code);
  await fakes.admin('/reply', { text: '' });
});

test(`hostile model output (${corpus.length} payloads) renders inert`, async () => {
  assert.ok(corpus.length >= 30);
  const page = await browser.newPage();
  let bindingCalls = [];
  await page.exposeFunction('__pwnedReport', (what) => bindingCalls.push(what));
  await page.addInitScript(() => {
    window.__pwned = () => window.__pwnedReport('script ran');
    // Count every binding called after the page is up.
    const wrap = () => {
      const app = window.go?.main?.App;
      if (!app || app.__wrapped) return;
      for (const name of Object.keys(app)) {
        const fn = app[name];
        app[name] = (...args) => {
          if (window.__watch) window.__pwnedReport(`binding ${name}`);
          return fn(...args);
        };
      }
      app.__wrapped = true;
    };
    setInterval(wrap, 20);
  });
  const w = (await parley.windows()).find((x) => x.role === 'chat' && x.ready);
  await page.goto(`http://${w.devserver}/`);
  await page.getByText(/Signed in as/).first().waitFor();
  for (let i = 0; i < corpus.length; i += 10) {
    const batch = corpus.slice(i, i + 10).join('\n\n');
    await fakes.admin('/reply', { text: batch });
    const before = await page.locator('article.msg.assistant').count();
    await page.getByRole('textbox', { name: 'Message' }).fill(`payloads ${i}`);
    await page.evaluate(() => (window.__watch = false));
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await until('the hostile reply', async () => (await page.locator('article.msg.assistant').count()) > before);
    await page.evaluate(() => (window.__watch = true));
    const reply = page.locator('article.msg.assistant').last();
    await until('the hostile reply to end', async () => (await reply.getAttribute('data-status')) === 'complete', 20000);
    await reply.hover();
    await reply.locator('a').evaluateAll((as) => as.forEach((a) => a.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }))));
    await new Promise((r) => setTimeout(r, 300)); // let anything that would fire, fire
    await page.evaluate(() => (window.__watch = false));
    const bad = await reply.evaluate((el) =>
      [...el.querySelectorAll('script,iframe,object,embed,form,svg,math,style,link,meta,base,img')].map((e) => e.tagName));
    assert.deepEqual(bad, [], `dangerous elements in the reply to batch ${i}`);
  }
  assert.deepEqual(bindingCalls, [], 'a payload ran a script or called a binding');
  await fakes.admin('/reply', { text: '' });
});
