// Helpers for driving a dev build of Parley: one core, a devserver port per
// window, and headless Chromium (Debian's, through playwright-core).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts a dev-build core with fresh XDG directories (or those under base,
 * to start Parley again on the same files), and resolves once it runs a
 * window. settings, if given, is written as Parley's settings file; env
 * adds to the environment.
 */
export async function startParley({ settings, env: extra, base = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-')) } = {}) {
  const env = { ...process.env, assetdir: path.join(root, 'frontend/dist'), ...extra };
  delete env.ANTHROPIC_API_KEY;
  for (const [k, v] of Object.entries({ XDG_RUNTIME_DIR: 'run', XDG_DATA_HOME: 'data', XDG_CONFIG_HOME: 'config', XDG_CACHE_HOME: 'cache', XDG_STATE_HOME: 'state' })) {
    env[k] = path.join(base, v);
    mkdirSync(env[k], { recursive: true, mode: 0o700 });
  }
  if (settings) {
    mkdirSync(path.join(env.XDG_CONFIG_HOME, 'parley'), { recursive: true });
    writeFileSync(path.join(env.XDG_CONFIG_HOME, 'parley', 'settings.json'), JSON.stringify(settings));
  }
  const proc = spawn(path.join(root, 'build/bin/parley-dev'), [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const parley = {
    proc,
    base,
    /** Parley's history database. */
    historyPath: path.join(env.XDG_DATA_HOME, 'parley', 'history.db'),
    exited,
    log: () => log,
    socket: path.join(env.XDG_RUNTIME_DIR, 'parley', 'control.sock'),
    async windows() {
      const resp = await control(this.socket, { command: 'list-windows' });
      return resp.windows ?? [];
    },
    /** Waits until n windows have loaded their page, and returns them. */
    async waitWindows(n, timeout = 20000) {
      const end = Date.now() + timeout;
      for (;;) {
        const ws = await this.windows().catch(() => []);
        if (ws.length === n && ws.every((w) => w.ready && w.devserver)) return ws;
        if (Date.now() > end) throw new Error(`want ${n} ready windows, have ${JSON.stringify(ws)}\n${log}`);
        await sleep(50);
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
  await parley.waitWindows(1);
  return parley;
}

/**
 * Signs in with an API key in the wizard window that Parley opens first,
 * and resolves to the page of the chat window that follows.
 */
export async function signInWithKey(browser, parley, key) {
  const wizard = await openPage(browser, (await parley.waitWindows(1))[0]);
  await wizard.getByRole('button', { name: /^API key/ }).click();
  await wizard.getByLabel('API key', { exact: true }).fill(key);
  await wizard.getByRole('button', { name: 'Sign in' }).click();
  await wizard.getByRole('button', { name: 'Start chatting' }).click();
  const page = await chatPage(browser, parley);
  await wizard.close();
  return page;
}

/** Opens the page of Parley's nth ready chat window, once it shows the sign-in. */
export async function chatPage(browser, parley, n = 1) {
  const w = await until(`chat window ${n}`, async () => (await parley.windows()).filter((x) => x.role === 'chat' && x.ready)[n - 1]);
  const page = await openPage(browser, w);
  await page.getByText(/Signed in as/).first().waitFor();
  return page;
}

/** Sends text from page's composer, and resolves to the reply's article once it starts. */
export async function send(page, text) {
  const before = await page.locator('article.msg.assistant').count();
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await until('the reply to start', async () => (await page.locator('article.msg.assistant').count()) > before);
  return page.locator('article.msg.assistant').last();
}

/** Waits until a reply has stopped streaming, and resolves to its status. */
export async function settled(reply) {
  await until('the reply to end', async () => (await reply.getAttribute('data-status')) !== 'streaming', 30000);
  return reply.getAttribute('data-status');
}

/** Sends one command to the core's control socket. */
export function control(socket, request) {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    let data = '';
    conn.on('connect', () => conn.write(JSON.stringify(request) + '\n'));
    conn.on('data', (d) => (data += d));
    conn.on('end', () => {
      try {
        resolve(JSON.parse(data));
      } catch (err) {
        reject(err);
      }
    });
    conn.on('error', reject);
  });
}

/**
 * Launches headless Debian Chromium with the flags this machine needs
 * (Playwright gives it a fresh profile of its own).
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/**
 * Opens the page of window w (as listed by the core) in a new browser
 * page; onSocket, if given, sees the page's websockets.
 */
export async function openPage(browser, w, onSocket) {
  const page = await browser.newPage();
  if (onSocket) page.on('websocket', onSocket);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`http://${w.devserver}/`);
  page.errors = errors;
  return page;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the fake Anthropic API and OAuth server (build/bin/parley-fakes).
 * Returns their addresses and admin(path, body) to steer them.
 */
export async function startFakes() {
  const proc = spawn(path.join(root, 'build/bin/parley-fakes'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    proc.on('exit', () => reject(new Error('fakes exited')));
  });
  const urls = JSON.parse(line);
  return {
    ...urls, pid: proc.pid,
    async admin(p, body) {
      const r = await fetch(urls.admin + p, body ? { method: 'POST', body: JSON.stringify(body) } : {});
      if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    stop: () => proc.stdin.end(),
  };
}

/** Waits until pred() is truthy (polling), or fails with what. */
export async function until(what, pred, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
