// Markdown rendering for model output.
//
// Model output is untrusted HTML. It goes through marked (GFM, single line
// breaks kept) and then DOMPurify with a strict allow-list; code blocks are
// highlighted with highlight.js. Images are never loaded: an image becomes a
// link to it (when its address is safe) or its alt text. Links keep their
// href, get rel="noopener noreferrer", lose any target, and show their address
// as a tooltip; MessageBody intercepts clicks on them and opens them in the
// system browser.
//
// Output is produced per top-level block, and every block but the last is
// cached, so re-rendering a growing reply costs one lex of the whole text
// plus the rendering of its last block (of the last item, for a list; of the
// last lines, for code).

import { Marked, type Tokens, type TokensList } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, c, cpp, css, diff, go, java, javascript, json, markdown, plaintext, python, rust, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['text', 'txt'], { languageName: 'plaintext' });

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The normalized form of href when it is an absolute http, https or mailto
 * address; null otherwise (relative, javascript:, data:, vbscript:, file:,
 * malformed...). Whitespace and control-character tricks are undone by the
 * URL parser before the scheme is checked.
 */
export function safeHref(href: string): string | null {
  if (typeof href !== 'string' || href.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.hostname === '') return null;
  return url.href;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** Escapes text for element content (quotes need no escaping there). */
function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (ch) => ENTITIES[ch]);
}

/** A Map that forgets its least recently used entries past a limit. */
class Lru<V> {
  private map = new Map<string, V>();
  constructor(private limit: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V) {
    this.map.delete(key);
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, v);
  }
}

// Code highlighting.
//
// A finished code block is highlighted whole. A block that is still growing
// (its fence not closed yet) is highlighted in chunks of whole lines, each
// chunk cached, so a long block costs only its last chunk per render; a
// construct that spans two chunks (a long string or comment) may be coloured
// wrongly until the block is finished. Code without a language tag is
// auto-detected from its first lines, once those have arrived.
const CHUNK_LINES = 40;
const SAMPLE_LINES = 12;
const SAMPLE_CHARS = 1000;
const MIN_RELEVANCE = 3;
const AUTO_SUBSET = Object.keys(languages).filter((l) => l !== 'plaintext');
const detected = new Lru<string>(200);
const chunks = new Lru<string>(1000);

/** The first lines of code, or null while they are still arriving. */
function sample(code: string, complete: boolean): string | null {
  let end = 0;
  for (let n = 0; n < SAMPLE_LINES; n++) {
    const nl = code.indexOf('\n', end);
    if (nl < 0 || nl >= SAMPLE_CHARS) {
      if (complete) return code.slice(0, SAMPLE_CHARS);
      if (code.length < SAMPLE_CHARS) return null;
      return code.slice(0, end || SAMPLE_CHARS);
    }
    end = nl + 1;
  }
  return code.slice(0, end);
}

function languageOf(lang: string, code: string, complete: boolean): string | null {
  if (lang) return hljs.getLanguage(lang) ? lang : null;
  const head = sample(code, complete);
  if (head === null || head.trim() === '') return null;
  let name = detected.get(head);
  if (name === undefined) {
    const r = hljs.highlightAuto(head, AUTO_SUBSET);
    name = r.language && r.relevance >= MIN_RELEVANCE ? r.language : '';
    detected.set(head, name);
  }
  return name || null;
}

// highlight.js escapes the code and adds only <span class="..."> elements
// whose classes come from its grammars. Its output is checked to be exactly
// that (and falls back to escaped text otherwise) instead of going through
// DOMPurify, which costs about fifty times as much on thousands of spans.
const HLJS_TAG = /<span class="[\w -]+">|<\/span>/g;

function highlighted(code: string, language: string | null): string {
  if (!language) return escapeHtml(code);
  const html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
  return /[<>"]/.test(html.replace(HLJS_TAG, '')) ? escapeHtml(code) : html;
}

function codeHtml(code: string, lang: string, complete: boolean): string {
  const language = languageOf(lang, code, complete);
  if (complete || !language) return highlighted(code, language);
  const lines = code.split('\n');
  let out = '';
  let start = 0;
  for (; start + CHUNK_LINES < lines.length; start += CHUNK_LINES) {
    const chunk = lines.slice(start, start + CHUNK_LINES).join('\n') + '\n';
    const key = `${language}\u0000${chunk}`;
    let html = chunks.get(key);
    if (html === undefined) {
      html = highlighted(chunk, language);
      chunks.set(key, html);
    }
    out += html;
  }
  return out + highlighted(lines.slice(start).join('\n'), language);
}

/** Whether a code token's fence is closed (indented code counts as closed). */
function isClosed(raw: string): boolean {
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
  if (!open) return true;
  const lines = raw.replace(/\n+$/, '').split('\n');
  if (lines.length < 2) return false;
  const fence = open[1];
  const last = lines[lines.length - 1].trim();
  return last.length >= fence.length && [...last].every((ch) => ch === fence[0]);
}

// Highlighted code is put in place after the block around it is sanitized,
// behind a marker that text cannot forge.
const NONCE = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
// A marker counts only as the whole content of a code element the renderer
// made: never inside an attribute or anywhere else text could put it.
const MARKER = new RegExp(`(<code class="hljs[\\w +#.-]*">)md-code-${NONCE}-(\\d+)-end(?=</code>)`, 'g');
let codeBodies: string[] = [];

const md = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in a reply is shown as text, never parsed: model output is
    // untrusted, and Markdown covers what a reply needs.
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeText(text);
    },
    code({ text, lang, raw }: Tokens.Code): string {
      const name = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
      const known = /^[\w+#.-]{1,32}$/.test(name) ? name : '';
      const cls = known ? ` language-${known}` : '';
      const label = known ? `<span class="md-code-lang">${escapeHtml(known)}</span>` : '';
      codeBodies.push(codeHtml(text.replace(/\n$/, ''), known, isClosed(raw)));
      const marker = `md-code-${NONCE}-${codeBodies.length - 1}-end`;
      return `<div class="md-code"><div class="md-code-head">${label}</div><pre><code class="hljs${cls}">${marker}</code></pre></div>\n`;
    },
    image({ href, text }: Tokens.Image): string {
      const alt = escapeHtml(text || 'image');
      const url = safeHref(href);
      return url ? `<a class="md-image" href="${escapeHtml(url)}">${alt}</a>` : alt;
    },
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked
        ? '<span class="md-task md-task-done">☑</span> '
        : '<span class="md-task">☐</span> ';
    },
  },
});

// Everything that is not listed here is removed (the content of removed
// elements is kept as text, except for script/style and the like).
const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
  'i', 'kbd', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'align', 'start'];
// Defence in depth: these are not in the allow-list either.
const FORBID_TAGS = [
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
  'textarea', 'select', 'option', 'svg', 'math', 'img', 'picture', 'source', 'video', 'audio', 'link',
  'meta', 'base', 'template', 'noscript', 'xmp', 'plaintext', 'noembed', 'noframes',
];
const FORBID_ATTR = ['style', 'srcset', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href', 'target', 'id', 'name'];
const CLASS_TOKEN = /^(?:hljs(?:-[\w-]+)?|[a-z]+_+|language-[\w+#.-]+|md-[\w-]+)$/;

type Purifier = ReturnType<typeof DOMPurify>;
let purifier: Purifier | undefined;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    // Only classes this module emits survive, so content cannot borrow the
    // app's own styles.
    const cls = node.getAttribute('class');
    if (cls !== null) {
      const kept = cls.split(/\s+/).filter((t) => CLASS_TOKEN.test(t));
      if (kept.length) node.setAttribute('class', kept.join(' '));
      else node.removeAttribute('class');
    }
    if (node.nodeName === 'A') {
      const url = safeHref(node.getAttribute('href') ?? '');
      if (url) {
        node.setAttribute('href', url);
        node.setAttribute('title', url);
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('href');
        node.removeAttribute('title');
      }
      node.removeAttribute('target');
    }
  });
  purifier = p;
  return p;
}

const PURIFY_CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  FORBID_TAGS,
  FORBID_ATTR,
  // Every allowed attribute value that is not listed as URI-safe must match
  // this, so the non-URI attributes are listed below.
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  ADD_URI_SAFE_ATTR: ['align', 'start'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  SAFE_FOR_TEMPLATES: false,
  WHOLE_DOCUMENT: false,
};

/** Sanitizes an HTML fragment with the allow-list used for model output. */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, { ...PURIFY_CONFIG, RETURN_DOM: false, RETURN_DOM_FRAGMENT: false }) as string;
}

function sanitizeToFragment(html: string): DocumentFragment {
  return getPurifier().sanitize(html, { ...PURIFY_CONFIG, RETURN_DOM: false, RETURN_DOM_FRAGMENT: true });
}

const blocks = new Lru<string>(1000);
const listItems = new Lru<string>(2000);
const PIECE = `md-piece-${NONCE}`;

function withCode(html: string): string {
  const bodies = codeBodies;
  return bodies.length ? html.replace(MARKER, (_, open: string, i: string) => open + (bodies[Number(i)] ?? '')) : html;
}

function renderTokens(list: TokensList): string {
  codeBodies = [];
  try {
    return withCode(sanitizeHtml(md.parser(list) as string));
  } finally {
    codeBodies = [];
  }
}

/**
 * Renders and sanitizes several pieces in one DOMPurify pass (a pass has a
 * fixed cost, so one per block or list item would dominate). Each piece must
 * come back as exactly one top-level element named tag (with only childTag
 * children, if given), whose inner HTML is returned; null when sanitizing
 * rearranged them (raw HTML that closed a wrapper early, say).
 */
function renderPieces(pieces: TokensList[], wrap: boolean, tag: string, childTag?: string): string[] | null {
  codeBodies = [];
  try {
    const html = pieces.map((p) => {
      const h = md.parser(p) as string;
      return wrap ? `<${tag} class="${PIECE}">${h}</${tag}>` : h;
    });
    const out: string[] = [];
    for (const n of sanitizeToFragment(html.join('')).childNodes) {
      if (n.nodeType === 3 && n.textContent?.trim() === '') continue;
      if (n.nodeType !== 1) return null;
      const el = n as Element;
      if (el.localName !== tag || (wrap && el.getAttribute('class') !== PIECE)) return null;
      if (childTag && [...el.children].some((c) => c.localName !== childTag)) return null;
      out.push(withCode(el.innerHTML));
    }
    return out.length === pieces.length ? out : null;
  } finally {
    codeBodies = [];
  }
}

function renderBlocksTogether(tokens: Tokens.Generic[], links: TokensList['links']): string[] {
  const pieces = tokens.map((t) => Object.assign([t], { links }) as TokensList);
  if (pieces.length > 1) {
    const out = renderPieces(pieces, true, 'div');
    if (out) return out;
  }
  return pieces.map(renderTokens);
}

/**
 * A list rendered item by item, every item but the last cached, so that a
 * long list still growing costs its last item per render. Falls back to
 * rendering the list whole when its items do not sanitize to list items.
 */
function renderList(list: Tokens.List, links: TokensList['links'], linksKey: string, growing: boolean): string {
  const tag = list.ordered ? 'ol' : 'ul';
  const items: (string | undefined)[] = [];
  const keys: string[] = [];
  const todo: number[] = [];
  list.items.forEach((item, i) => {
    keys[i] = `${linksKey}\u0000${list.ordered}\u0000${list.loose}\u0000${item.raw}`;
    items[i] = !growing || i < list.items.length - 1 ? listItems.get(keys[i]) : undefined;
    if (items[i] === undefined) todo.push(i);
  });
  if (todo.length) {
    const pieces = todo.map((i) => Object.assign([{ ...list, items: [list.items[i]], start: 1, raw: list.items[i].raw }], { links }) as TokensList);
    const out = renderPieces(pieces, false, tag, 'li');
    if (!out) return renderTokens(Object.assign([list], { links }) as TokensList);
    for (const [j, i] of todo.entries()) {
      items[i] = out[j].replace(/^\n/, '');
      if (!growing || i < list.items.length - 1) listItems.set(keys[i], items[i]);
    }
  }
  const start = list.ordered && list.start !== 1 && list.start !== '' ? ` start="${Number(list.start)}"` : '';
  return `<${tag}${start}>\n${items.join('')}</${tag}>\n`;
}

/**
 * The sanitized HTML of each top-level block of text, in order. Each string is
 * a well-formed fragment, so they may be inserted one after another.
 */
export function renderBlocks(text: string): string[] {
  const tokens = md.lexer(text);
  const links = tokens.links;
  const linksKey = Object.keys(links).length ? JSON.stringify(links) : '';
  const list = tokens.filter((t) => t.type !== 'space' && t.type !== 'def');
  // The last block is the one still growing while a reply streams: it is not
  // cached (unless it is finished code), so the cache never fills with its
  // partial versions.
  const cacheable = list.map((t, i) => i < list.length - 1 || (t.type === 'code' && isClosed(t.raw)));
  const keys = list.map((t) => `${linksKey}\u0000${t.type}\u0000${t.raw}`);
  const out = list.map((_, i) => (cacheable[i] ? blocks.get(keys[i]) : undefined));
  const isLongList = (t: Tokens.Generic) => t.type === 'list' && (t as Tokens.List).items.length > 1;
  const todo = out.flatMap((h, i) => (h === undefined && !isLongList(list[i]) ? [i] : []));
  renderBlocksTogether(todo.map((i) => list[i]), links).forEach((h, j) => (out[todo[j]] = h));
  out.forEach((h, i) => {
    if (h === undefined) out[i] = renderList(list[i] as Tokens.List, links, linksKey, !cacheable[i]);
  });
  out.forEach((h, i) => {
    if (cacheable[i]) blocks.set(keys[i], h as string);
  });
  return out.filter((h): h is string => !!h);
}

/**
 * The same HTML as renderMarkdown, rendered and sanitized in one piece with
 * no caching; a reference for checking the incremental path.
 */
export function renderMarkdownWhole(text: string): string {
  return renderTokens(md.lexer(text));
}

/** Model output (Markdown) as sanitized HTML. */
export function renderMarkdown(text: string): string {
  return renderBlocks(text).join('');
}
