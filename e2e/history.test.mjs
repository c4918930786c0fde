// Conversation history end to end: a reply survives kill -9 of the core,
// two windows change the list at the same moment without losing an update,
// search opens a conversation at the hit, export writes the file the user
// chose in the save dialog, and a damaged history file is set aside.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chatPage as openChatPage, launchBrowser, send, settled, signInWithKey, sleep, startFakes, startParley, until } from './parley.mjs';

const KEY = 'sk-ant-api03-e2e-history-key-000000000000000000000000000';
const settings = (fakes) => ({ apiBaseUrl: fakes.api, storage: 'session' });
let fakes, browser;

before(async () => {
  fakes = await startFakes();
  await fakes.admin('/allow-key', { key: KEY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  fakes?.stop();
});

/** `PRAGMA integrity_check` of the database at file, by SQLite's own shell. */
function integrity(file) {
  return execFileSync('sqlite3', [file, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim();
}

/** The titles in page's conversation list, in order. */
async function titles(page) {
  return page.locator('ul.convs button.conv .conv-title').allInnerTexts();
}

/** The page of the nth ready chat window. */
const chatPage = (parley, n) => openChatPage(browser, parley, n);

test('a reply streaming when the core is killed is kept, marked interrupted, and the database is sound', async () => {
  const parley = await startParley({ settings: settings(fakes) });
  const page = await signInWithKey(browser, parley, KEY);
  await fakes.admin('/delta-delay', { delay: '20ms' });
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
  const reply = await send(page, `Remember this: ${words}`);
  await until('some of the reply', async () => ((await reply.innerText()).match(/w\d+/g) ?? []).length > 60, 20000);
  await sleep(600); // more than the save interval, so the text so far is on disk
  process.kill(parley.proc.pid, 'SIGKILL');
  await parley.exited;
  await fakes.admin('/delta-delay', { delay: '0s' });
  assert.equal(integrity(parley.historyPath), 'ok');

  const again = await startParley({ settings: settings(fakes), base: parley.base });
  try {
    const page2 = await signInWithKey(browser, again, KEY);
    await until('the conversation in the list', async () => (await titles(page2)).some((t) => /^Remember this: w0 w1 .*…$/.test(t)));
    await page2.locator('ul.convs button.conv').first().click();
    const msgs = page2.locator('article.msg');
    await until('its messages', async () => (await msgs.count()) === 2);
    assert.match(await msgs.nth(0).innerText(), /Remember this: w0 w1/);
    const partial = msgs.nth(1);
    assert.equal(await partial.getAttribute('data-status'), 'interrupted');
    const kept = (await partial.locator('.text').innerText()).match(/w\d+/g) ?? [];
    assert.ok(kept.length > 30 && kept.length < 400, `kept ${kept.length} words`);
    assert.match(await partial.innerText(), /Parley closed before this reply finished/);
    // Retry writes the whole reply in its place.
    await page2.getByRole('button', { name: 'Retry' }).click();
    const retried = page2.locator('article.msg.assistant').last();
    await until('the retried reply', async () => (await retried.getAttribute('data-status')) === 'complete', 30000);
    assert.match(await retried.innerText(), /w399/);
  } finally {
    assert.equal((await again.stop()).code, 0, again.log());
  }
  assert.equal(integrity(parley.historyPath), 'ok');
});

test('two windows changing the list at the same moment lose no update; search opens a conversation at the hit', async () => {
  const parley = await startParley({ settings: settings(fakes) });
  try {
    const one = await signInWithKey(browser, parley, KEY);
    for (const topic of ['apples', 'bananas', 'cherries', 'dates']) {
      if (topic !== 'apples') await one.getByRole('button', { name: 'New chat' }).click();
      await until('an empty conversation', async () => (await one.locator('article.msg').count()) === 0);
      assert.equal(await settled(await send(one, `Tell me about ${topic}`)), 'complete');
    }
    await one.getByRole('button', { name: 'New window', exact: true }).click();
    const two = await chatPage(parley, 2);
    await until('both lists', async () => (await titles(one)).length === 4 && (await titles(two)).length === 4);
    assert.deepEqual(await titles(two), ['Tell me about dates', 'Tell me about cherries', 'Tell me about bananas', 'Tell me about apples']);

    // Window one renames apples and deletes cherries while window two renames
    // bananas and dates: each pair of actions at the same moment.
    async function startRename(page, title, to) {
      const item = page.locator('ul.convs li', { hasText: title });
      await item.hover();
      await item.getByRole('button', { name: /^Rename/ }).click();
      await page.getByLabel('New name for the conversation').fill(to);
      return () => page.getByLabel('New name for the conversation').press('Enter');
    }
    const go1 = await startRename(one, 'apples', 'Fruit: apples');
    const go2 = await startRename(two, 'bananas', 'Fruit: bananas');
    await Promise.all([go1(), go2()]);
    const cherries = one.locator('ul.convs li', { hasText: 'cherries' });
    await cherries.hover();
    const go3 = await startRename(two, 'dates', 'Fruit: dates');
    await Promise.all([cherries.getByRole('button', { name: /^Delete/ }).click(), go3()]);
    const want = ['Fruit: dates', 'Fruit: bananas', 'Fruit: apples'];
    for (const page of [one, two]) {
      await until('every change in the list', async () => JSON.stringify((await titles(page)).slice().sort()) === JSON.stringify(want.slice().sort()));
    }
    // Undo brings the deleted conversation back, in both windows.
    await one.getByRole('button', { name: 'Undo' }).click();
    for (const page of [one, two]) await until('the restored conversation', async () => (await titles(page)).length === 4);

    // Window one shows "dates"; search from window two for a word only in
    // "apples", whose window... none shows it: it opens in window two, at the hit.
    await two.getByRole('searchbox', { name: 'Search all conversations' }).fill('apples');
    const hit = two.locator('ul.hits button.hit').first();
    await hit.waitFor();
    assert.equal(await hit.locator('mark').first().innerText(), 'apples');
    await hit.click();
    await until('the conversation at the hit', async () => (await two.locator('article.msg.hit').count()) === 1);
    assert.match(await two.locator('article.msg.hit').innerText(), /Tell me about apples/);
    assert.match(await two.locator('h1').innerText(), /Fruit: apples/);

    // ↗ opens a conversation in a new window; asked again, Parley raises
    // that window instead of opening another.
    await two.getByRole('searchbox', { name: 'Search all conversations' }).fill('');
    const cherriesItem = two.locator('ul.convs li', { hasText: 'cherries' });
    await cherriesItem.hover();
    await cherriesItem.getByRole('button', { name: /in a new window$/ }).click();
    const three = await chatPage(parley, 3);
    await until('the conversation in the new window', async () => (await three.locator('h1').innerText()) === 'Tell me about cherries');
    assert.match(await three.locator('article.msg').first().innerText(), /Tell me about cherries/);
    await cherriesItem.hover();
    await cherriesItem.getByRole('button', { name: /in a new window$/ }).click();
    await sleep(500);
    assert.equal((await parley.windows()).filter((w) => w.role === 'chat').length, 3);
    assert.deepEqual(one.errors.concat(two.errors, three.errors), []);
  } finally {
    assert.equal((await parley.stop()).code, 0, parley.log());
  }
});

test('export writes the file chosen in the save dialog, as Markdown and as JSON', async () => {
  const parley = await startParley({ settings: settings(fakes) });
  try {
    const page = await signInWithKey(browser, parley, KEY);
    assert.equal(await settled(await send(page, 'Export me, please')), 'complete');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-export-'));
    for (const [format, file] of [['Markdown', 'chat.md'], ['JSON', 'chat.json']]) {
      await page.locator('details.export summary').click();
      await page.getByRole('button', { name: `As ${format}…` }).click();
      // The save dialog is GTK's, in the window process: type the path into it.
      const dialog = execFileSync('xdotool', ['search', '--sync', '--name', `Export conversation as ${format}`], { encoding: 'utf8', timeout: 15000 }).split('\n')[0];
      execFileSync('xdotool', ['windowfocus', '--sync', dialog]);
      execFileSync('xdotool', ['key', '--window', dialog, 'ctrl+a']);
      execFileSync('xdotool', ['type', '--window', dialog, '--delay', '20', path.join(dir, file)]);
      execFileSync('xdotool', ['key', '--window', dialog, 'Return']);
      await until('the file', async () => existsSync(path.join(dir, file)), 10000);
      await until('the saved note', async () => (await page.getByTestId('export-status').innerText()).includes(file));
    }
    const md = readFileSync(path.join(dir, 'chat.md'), 'utf8');
    assert.match(md, /^# Export me, please/m);
    assert.match(md, /You said: Export me, please/);
    const doc = JSON.parse(readFileSync(path.join(dir, 'chat.json'), 'utf8'));
    assert.equal(doc.conversation.title, 'Export me, please');
    assert.deepEqual(doc.messages.map((m) => m.role), ['user', 'assistant']);
  } finally {
    assert.equal((await parley.stop()).code, 0, parley.log());
  }
});

test('a damaged history file is set aside, not deleted, and the user is told', async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
  const dir = path.join(base, 'data', 'parley');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const junk = 'this is not a database\n'.repeat(200);
  writeFileSync(path.join(dir, 'history.db'), junk, { mode: 0o600 });
  const parley = await startParley({ settings: settings(fakes), base });
  try {
    const page = await signInWithKey(browser, parley, KEY);
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /history file was damaged.*kept, not deleted/s);
    const aside = readdirSync(dir).filter((f) => f.startsWith('history.db.damaged-'));
    assert.equal(aside.length, 1, readdirSync(dir).join(', '));
    assert.equal(readFileSync(path.join(dir, aside[0]), 'utf8'), junk);
    // The new history works.
    assert.equal(await settled(await send(page, 'Still here?')), 'complete');
    await until('the new conversation in the list', async () => (await titles(page)).includes('Still here?'));
  } finally {
    assert.equal((await parley.stop()).code, 0, parley.log());
  }
});
