// Windows see each other: a window opened from one window's UI appears,
// live, in the window list of every other window.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { control, launchBrowser, openPage, startParley } from './parley.mjs';

let parley;
let browser;

before(async () => {
  parley = await startParley();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const { code, signal } = await parley.stop();
  assert.equal(code, 0, `core exit: code ${code} signal ${signal}\n${parley.log()}`);
});

test('a window opened from one window shows in the list of another', async () => {
  // Never signed in: Parley starts with the wizard, which shows the real state.
  const [wizard] = await parley.waitWindows(1);
  assert.equal(wizard.role, 'onboarding');
  const wizardPage = await openPage(browser, wizard);
  await wizardPage.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  assert.equal(await wizardPage.getByTestId('account-state').textContent(), 'Not signed in');

  // A second launch asks the core for a chat window.
  await control(parley.socket, { command: 'open-window', role: 'chat' });
  const [, first] = await parley.waitWindows(2);
  const page1 = await openPage(browser, first);
  const list1 = page1.getByRole('list', { name: 'Open windows' });
  await assertItems(list1, [/^Sign-in$/, /^New chat \(this window\)$/]);
  await page1.getByText('Not signed in', { exact: true }).first().waitFor();

  await page1.getByRole('button', { name: 'New window', exact: true }).click();
  const [, , second] = await parley.waitWindows(3);
  assert.notEqual(second.devserver, first.devserver);
  await assertItems(list1, [/^Sign-in$/, /\(this window\)$/, /^New chat$/]);

  const page2 = await openPage(browser, second);
  const list2 = page2.getByRole('list', { name: 'Open windows' });
  await assertItems(list2, [/^Sign-in$/, /^New chat$/, /\(this window\)$/]);
  const convId = (page) => page.locator('[data-testid="conversation-id"]:not([data-id=""])').getAttribute('data-id');
  const conv1 = await convId(page1);
  const conv2 = await convId(page2);
  assert.match(conv1, /^[0-9a-f]{32}$/);
  assert.notEqual(conv1, conv2, 'each chat window has its own conversation');

  // Sign in… raises the wizard that is open instead of opening another.
  await page2.getByRole('button', { name: 'Sign in…' }).click();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await parley.windows()).length, 3);

  for (const p of [wizardPage, page1, page2]) assert.deepEqual(p.errors, [], `page errors on ${p.url()}`);
});

/** Waits until the list's items match patterns, in order. */
async function assertItems(list, patterns, timeout = 10000) {
  const end = Date.now() + timeout;
  let texts = [];
  for (;;) {
    texts = (await list.getByRole('listitem').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    if (texts.length === patterns.length && texts.every((t, i) => patterns[i].test(t))) return;
    if (Date.now() > end) assert.fail(`window list ${JSON.stringify(texts)} does not match ${patterns}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
