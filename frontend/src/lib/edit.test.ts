// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { runEdit } from './edit';

// Like the window's clipboard: writing to it takes the X primary
// selection, and WebKit then drops the page's selection.
class FakeClipboard {
  text = '';
  async readClipboard() {
    return this.text;
  }
  async writeClipboard(text: string) {
    this.text = text;
    const el = document.activeElement;
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) el.setSelectionRange(el.value.length, el.value.length);
    document.getSelection()?.removeAllRanges();
    return true;
  }
}

let clipboard: FakeClipboard;
let inputs: string[];

beforeEach(() => {
  document.body.innerHTML = `<main>
    <p id="para">Some text on the page</p>
    <textarea id="message">Hello world</textarea>
    <input id="key" type="password" value="sk-secret" />
    <input id="url" readonly value="https://example.com/sign-in" /></main>`;
  clipboard = new FakeClipboard();
  inputs = [];
  document.querySelector('main')!.addEventListener('input', (e) => inputs.push((e.target as HTMLElement).id));
});

function focus(id: string, start: number, end: number) {
  const el = document.getElementById(id) as HTMLInputElement | HTMLTextAreaElement;
  el.focus();
  el.setSelectionRange(start, end);
  return el;
}

describe('runEdit', () => {
  it('copies the selection in the focused field, leaving it as it was, still selected', async () => {
    const el = focus('message', 6, 11);
    await runEdit('copy', document, clipboard);
    expect(clipboard.text).toBe('world');
    expect(el.value).toBe('Hello world');
    expect([el.selectionStart, el.selectionEnd]).toEqual([6, 11]);
    expect(inputs).toEqual([]);
  });

  it('cuts the selection and tells the page the field changed', async () => {
    const el = focus('message', 0, 6);
    await runEdit('cut', document, clipboard);
    expect(clipboard.text).toBe('Hello ');
    expect(el.value).toBe('world');
    expect(inputs).toEqual(['message']);
  });

  it('pastes at the caret, replacing the selection, caret after the text', async () => {
    const el = focus('message', 6, 11);
    clipboard.text = 'there';
    await runEdit('paste', document, clipboard);
    expect(el.value).toBe('Hello there');
    expect(el.selectionStart).toBe(11);
    expect(inputs).toEqual(['message']);
    focus('message', 5, 5);
    clipboard.text = ',';
    await runEdit('paste', document, clipboard);
    expect(el.value).toBe('Hello, there');
  });

  it('never copies a password, but pastes into one', async () => {
    const el = focus('key', 0, 9);
    clipboard.text = 'before';
    await runEdit('copy', document, clipboard);
    await runEdit('cut', document, clipboard);
    expect(clipboard.text).toBe('before');
    expect(el.value).toBe('sk-secret');
    clipboard.text = 'sk-new';
    await runEdit('paste', document, clipboard);
    expect(el.value).toBe('sk-new');
  });

  it('copies from a read-only field but neither cuts nor pastes into it', async () => {
    const el = focus('url', 0, 8);
    await runEdit('cut', document, clipboard);
    expect(clipboard.text).toBe('https://');
    expect(el.value).toBe('https://example.com/sign-in');
    clipboard.text = 'x';
    await runEdit('paste', document, clipboard);
    expect(el.value).toBe('https://example.com/sign-in');
    expect(inputs).toEqual([]);
  });

  it('copies text selected on the page when no field has focus', async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    const text = document.getElementById('para')!.firstChild!;
    document.getSelection()!.setBaseAndExtent(text, 5, text, 9);
    await runEdit('copy', document, clipboard);
    expect(clipboard.text).toBe('text');
    expect(document.getSelection()!.toString()).toBe('text');
  });

  it('selects all of the focused field, or else all of the page', async () => {
    const el = focus('message', 2, 2);
    await runEdit('selectAll', document, clipboard);
    expect([el.selectionStart, el.selectionEnd]).toEqual([0, 11]);
    el.blur();
    await runEdit('selectAll', document, clipboard);
    expect(document.getSelection()!.toString()).toContain('Some text on the page');
  });
});
