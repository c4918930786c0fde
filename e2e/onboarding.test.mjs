// The onboarding wizard, end to end: API key, browser sign-in, pasting a
// code, switching account while chats stream, and signing out, against the
// fake API and OAuth server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, startFakes, startParley, until } from './parley.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const KEY = 'sk-ant-api03-e2e-onboarding-key-000000000000000000000000';
let fakes;
let browser;
const cores = [];

before(async () => {
  fakes = await startFakes();
  await fakes.admin('/allow-key', { key: KEY });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const p of cores) {
    const { code } = await p.stop();
    assert.equal(code, 0, p.log());
  }
  fakes?.stop();
});

async function parley() {
  const p = await startParley({
    settings: {
      apiBaseUrl: fakes.api,
      anthropic: { clientId: 'parley-test', authorizeUrl: fakes.authorize, tokenUrl: fakes.token },
    },
    env: { PARLEY_BROWSER: path.join(here, 'browser') },
  });
  cores.push(p);
  return p;
}

// Every binding result and event payload that reaches a window's page
// (a dev build carries them over a websocket), for the secret check.
const received = [];

/** Opens the page of the one window with role, once it has loaded. */
async function pageOf(p, role, n) {
  const w = await until(`a ${role} window`, async () => {
    const ws = await p.windows();
    const rs = ws.filter((x) => x.role === role && x.ready);
    return rs.length >= (n ?? 1) && rs[(n ?? 1) - 1];
  });
  const page = await openPage(browser, w, (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  return page;
}

/** Fails if any payload a window received holds a secret. */
function assertNoSecrets(secrets) {
  assert.ok(received.length > 20, `only ${received.length} payloads captured`);
  for (const payload of received) {
    for (const s of secrets) assert.ok(!payload.includes(s), `a window received a secret: ${payload.slice(0, 200)}`);
    assert.doesNotMatch(payload, /sk-ant-(oat|ort)01-[0-9a-f]{8}/, 'a window received an OAuth token');
    assert.doesNotMatch(payload, /code_verifier|"code":/, 'a window received an authorization code or verifier');
  }
}

/** Sends text from page's composer, and waits for its reply to start. */
async function chat(page, text) {
  const replies = page.locator('article.msg.assistant');
  const before = await replies.count();
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  return before;
}

/** Waits for the last reply on page to finish, and returns its text. */
async function lastReply(page, before) {
  const reply = page.locator('article.msg.assistant').last();
  await until('the reply to start', async () => (await page.locator('article.msg.assistant').count()) > before);
  await until('the reply to finish', async () =>
    (await reply.count()) > 0 && (await reply.getAttribute('data-status')) !== 'streaming', 30000).catch(async (err) => {
    throw new Error(`${err.message}; the page shows: ${await page.locator('main').innerText()}`);
  });
  assert.equal(await reply.getAttribute('data-status'), 'complete', await reply.textContent());
  return (await reply.locator('.text').textContent()).trim();
}

test('API key: from an empty profile to a working chat window, then sign out', async () => {
  const p = await parley();
  const wizard = await pageOf(p, 'onboarding');
  await wizard.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  await wizard.getByRole('button', { name: /^API key/ }).click();

  // A wrong key: a clear message, and the typed text stays.
  const input = wizard.getByLabel('API key', { exact: true });
  await input.fill('sk-ant-api03-not-a-real-key-000000000000000000000000');
  await wizard.getByRole('button', { name: 'Sign in' }).click();
  await wizard.getByRole('alert').filter({ hasText: 'did not accept this API key' }).waitFor();
  assert.equal(await input.inputValue(), 'sk-ant-api03-not-a-real-key-000000000000000000000000');

  // The right key, with padding as pasted; no keyring here, so the wizard asks.
  await input.fill(`  ${KEY}\n`);
  await wizard.getByRole('button', { name: 'Sign in' }).click();
  await wizard.getByRole('heading', { name: 'Where should Parley keep your sign-in?' }).waitFor();
  await wizard.getByRole('button', { name: 'This session only' }).click();
  await wizard.getByRole('heading', { name: "You're signed in" }).waitFor();
  assert.match(await wizard.getByTestId('account-state').textContent(), /Signed in as sk-ant-…0000/);
  await wizard.getByRole('button', { name: 'Start chatting' }).click();

  const chatPage = await pageOf(p, 'chat');
  await until('the wizard to close', async () => (await p.windows()).every((w) => w.role !== 'onboarding'));
  await chatPage.getByText('Signed in as sk-ant-…0000').waitFor();
  assert.match(await lastReply(chatPage, await chat(chatPage, 'hello there')), /hello there/);

  // Sign out from the wizard while the chat window is open.
  await chatPage.getByRole('button', { name: 'Account…' }).click();
  const again = await pageOf(p, 'onboarding');
  await again.getByRole('heading', { name: 'Your account' }).waitFor();
  await again.getByRole('button', { name: 'Sign out' }).click();
  await chatPage.getByText('Not signed in', { exact: true }).first().waitFor();
  await chat(chatPage, 'are you there?');
  await chatPage.getByRole('alert').filter({ hasText: 'Sign in to continue' }).waitFor();
  assert.equal(await chatPage.getByRole('textbox', { name: 'Message' }).inputValue(), 'are you there?', 'the typed text stays');

  assertNoSecrets([KEY]);
  // (The first wizard closed itself: its page lost its window.)
  for (const pg of [chatPage, again]) assert.deepEqual(pg.errors, []);
});

test('browser sign-in, then a pasted code, and switching account while two chats stream', async () => {
  const p = await parley();
  const wizard = await pageOf(p, 'onboarding');
  await fakes.admin('/authorize-mode', { mode: 'approve' });
  await fakes.admin('/account', { email: 'ada@example.com' });
  await wizard.getByRole('button', { name: /^Anthropic account/ }).click();
  await wizard.getByRole('heading', { name: 'Where should Parley keep your sign-in?' }).waitFor();
  await wizard.getByRole('button', { name: 'This session only' }).click();
  await wizard.getByRole('heading', { name: "You're signed in" }).waitFor({ timeout: 20000 }).catch(async (err) => {
    throw new Error(`${err.message}; the wizard shows: ${await wizard.locator('main').innerText()}\n${p.log()}`);
  });
  assert.equal(await wizard.getByTestId('account-state').textContent(), 'Signed in as ada@example.com (Fake Org)');
  await wizard.getByRole('button', { name: 'Start chatting' }).click();

  // Two chat windows with long replies streaming.
  const one = await pageOf(p, 'chat', 1);
  await p.windows();
  await one.getByRole('button', { name: 'New window', exact: true }).click();
  const two = await pageOf(p, 'chat', 2);
  await fakes.admin('/delta-delay', { delay: '15ms' });
  const long = (w) => Array.from({ length: 150 }, (_, i) => `${w}${i}`).join(' ');
  const oneBefore = await chat(one, long('apple'));
  const twoBefore = await chat(two, long('pear'));
  await until('both replies to stream', async () =>
    (await one.locator('article.msg.assistant').count()) === 1 && (await two.locator('article.msg.assistant').count()) === 1);

  // Switch to another account with a pasted code, mid-stream.
  await one.getByRole('button', { name: 'Account…' }).click();
  const switcher = await pageOf(p, 'onboarding');
  await switcher.getByRole('button', { name: 'Use a different account' }).click();
  await fakes.admin('/authorize-mode', { mode: 'show-code' });
  await fakes.admin('/account', { email: 'bob@example.com' });
  await switcher.getByRole('button', { name: /^Anthropic account/ }).click();
  const link = await switcher.getByLabel('Sign-in link').inputValue();
  const page = await (await fetch(link)).text();
  const code = page.match(/id="code"[^>]*>([^<]+)</)[1].trim();
  await switcher.getByRole('button', { name: /Paste it instead/ }).click();
  await switcher.getByLabel('Code from the browser').fill('not a code');
  await switcher.getByRole('button', { name: 'Continue' }).click();
  await switcher.getByRole('alert').waitFor();
  await switcher.getByLabel('Code from the browser').fill(code);
  await switcher.getByRole('button', { name: 'Continue' }).click();
  await switcher.getByRole('heading', { name: "You're signed in" }).waitFor();
  await fakes.admin('/revoke-account', { email: 'ada@example.com' }); // the old sign-in is revoked

  // Both streams finish with no error; every window shows the new account.
  assert.match(await lastReply(one, oneBefore), /apple149/);
  assert.match(await lastReply(two, twoBefore), /pear149/);
  for (const pg of [one, two]) await pg.getByText('Signed in as bob@example.com (Fake Org)').waitFor();
  await fakes.admin('/delta-delay', { delay: '0s' });

  // Later sends use the new account.
  const before = (await fakes.admin('/log')).length;
  assert.match(await lastReply(one, await chat(one, 'who am I now?')), /who am I now/);
  const later = (await fakes.admin('/log')).slice(before).filter((e) => e.Path === '/v1/messages');
  assert.ok(later.length > 0 && later.every((e) => e.Kind === 'oauth'), JSON.stringify(later));

  assertNoSecrets([KEY, code]);
  for (const pg of [one, two, switcher]) assert.deepEqual(pg.errors, [], pg.url());
});
