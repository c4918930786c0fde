// The Settings window end to end: opened from the sign-in wizard, a theme
// that every open window follows at once, a bad proxy refused with a clear
// message and the text kept, a good one saved to the settings file, and a
// default model that new chat windows start with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { control, launchBrowser, openPage, startFakes, startParley, until } from './parley.mjs';

const KEY = 'sk-ant-api03-e2e-settings-key-00000000000000000000000000';
let fakes, browser, parley;
let wizard, settings, chat;

before(async () => {
  fakes = await startFakes();
  await fakes.admin('/allow-key', { key: KEY });
  browser = await launchBrowser();
  parley = await startParley({ settings: { apiBaseUrl: fakes.api, storage: 'session' } });
});

after(async () => {
  await browser?.close();
  const { code } = (await parley?.stop()) ?? {};
  assert.equal(code, 0, parley?.log());
  fakes?.stop();
});

/** The page of the window with role, once it has loaded. */
async function pageOf(role, n = 1) {
  const w = await until(`${role} window ${n}`, async () => (await parley.windows()).filter((x) => x.role === role && x.ready)[n - 1]);
  return openPage(browser, w);
}

const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);
const background = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

function settingsFile() {
  return JSON.parse(readFileSync(path.join(parley.base, 'config', 'parley', 'settings.json'), 'utf8'));
}

test('the sign-in wizard opens Settings, which shows where the files are', async () => {
  wizard = await pageOf('onboarding');
  // No OAuth client is set up yet: the wizard points to Settings.
  await wizard.getByRole('button', { name: 'Open Settings…' }).click();
  settings = await pageOf('settings');
  await settings.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  assert.equal(await settings.getByTestId('settings-file').textContent(), path.join(parley.base, 'config', 'parley', 'settings.json'));
  // Asking again raises the same window.
  await control(parley.socket, { command: 'open-window', role: 'settings' });
  assert.equal((await parley.windows()).filter((w) => w.role === 'settings').length, 1);

  await wizard.getByRole('button', { name: /^API key/ }).click();
  await wizard.getByLabel('API key', { exact: true }).fill(KEY);
  await wizard.getByRole('button', { name: 'Sign in' }).click();
  await wizard.getByRole('heading', { name: "You're signed in" }).waitFor();
  await control(parley.socket, { command: 'open-window', role: 'chat' });
  chat = await pageOf('chat');
});

test('a theme chosen in Settings applies at once in every open window', async () => {
  const pages = [wizard, settings, chat];
  for (const p of pages) assert.equal(await theme(p), 'system');
  const lightBackground = await background(chat);

  await settings.getByRole('radio', { name: 'Dark' }).check();
  await settings.getByTestId('appearance-status').getByText('Saved. Every window now uses the dark theme.').waitFor();
  for (const p of pages) {
    await until(`dark theme in ${p.url()}`, async () => (await theme(p)) === 'dark');
    assert.equal(await background(p), 'rgb(30, 29, 27)');
  }
  assert.equal(settingsFile().theme, 'dark');

  await settings.getByRole('radio', { name: 'Light' }).check();
  for (const p of pages) await until(`light theme in ${p.url()}`, async () => (await theme(p)) === 'light');
  assert.equal(await background(chat), 'rgb(250, 250, 249)');
  assert.equal(lightBackground, 'rgb(250, 250, 249)', 'the system theme is light here');
});

test('new chat windows start with the default model chosen in Settings', async () => {
  const select = settings.getByLabel('Default model for new conversations');
  // The list comes from the account's models (the fake API's).
  await until('the models list', async () => (await select.locator('option').allTextContents()).includes('Claude Haiku 4.5'));
  await select.selectOption({ label: 'Claude Haiku 4.5' });
  await settings.getByText('Saved. New conversations start with Claude Haiku 4.5.').waitFor();
  assert.equal(settingsFile().defaultModel, 'claude-haiku-4-5');

  await control(parley.socket, { command: 'open-window', role: 'chat' });
  const fresh = await pageOf('chat', 2);
  const model = (p) => p.getByRole('combobox', { name: 'Model', exact: true }).inputValue();
  await until('the new window to show its model', async () => (await model(fresh)) === 'claude-haiku-4-5');
  // The window opened before the change keeps its own model.
  assert.notEqual(await model(chat), 'claude-haiku-4-5');
  await fresh.close();
});

test('a bad proxy is refused with a clear message and the text kept; a good one is saved', async () => {
  const field = settings.getByLabel('Proxy', { exact: true });
  const save = settings.getByRole('region', { name: 'Network' }).getByRole('button', { name: 'Save' });

  await field.fill('htp://proxy.example:3128');
  await save.click();
  const problem = settings.getByTestId('network-status');
  await problem.getByText('Proxy "htp://proxy.example:3128" is a htp:// address').waitFor();
  assert.equal(await problem.getAttribute('role'), 'alert');
  assert.equal(await field.inputValue(), 'htp://proxy.example:3128');
  assert.equal(settingsFile().proxy, undefined);

  await field.fill('http://proxy.example:3128');
  await save.click();
  await problem.getByText('Saved. Parley connects through http://proxy.example:3128.').waitFor();
  assert.equal(settingsFile().proxy, 'http://proxy.example:3128');

  // Back to the environment's proxy, so the rest of the session reaches the fake API.
  await field.fill('');
  await save.click();
  await problem.getByText('Saved. Parley uses the proxy in HTTPS_PROXY, if set.').waitFor();
  assert.equal(settingsFile().proxy, undefined);

  for (const p of [wizard, settings, chat]) assert.deepEqual(p.errors, [], `page errors on ${p.url()}`);
});
