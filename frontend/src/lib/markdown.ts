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
// Output is produced per top-level block. Every block but the last is cached,
// so re-rendering a growing reply costs one lex of the whole text plus the
// rendering of its last block.

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

/** Code without a language tag is auto-detected only up to this size. */
const AUTO_DETECT_LIMIT = 4000;
const AUTO_DETECT_SUBSET = Object.keys(languages).filter((l) => l !== 'plaintext');

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

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function highlight(code: string, lang: string): string {
  if (lang && hljs.getLanguage(lang)) {
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  }
  if (!lang && code.length <= AUTO_DETECT_LIMIT) {
    return hljs.highlightAuto(code, AUTO_DETECT_SUBSET).value;
  }
  return escapeHtml(code);
}

const md = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const name = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
      const known = /^[\w+#.-]{1,32}$/.test(name) ? name : '';
      const cls = known ? ` language-${known}` : '';
      const label = known ? `<span class="md-code-lang">${escapeHtml(known)}</span>` : '';
      const body = highlight(text.replace(/\n$/, ''), known);
      return `<div class="md-code"><div class="md-code-head">${label}</div><pre><code class="hljs${cls}">${body}</code></pre></div>\n`;
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

/** Sanitizes an HTML fragment with the allow-list used for model output. */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, {
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
    RETURN_DOM: false,
    RETURN_DOM_FRAGMENT: false,
  }) as string;
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, string>();

function renderBlock(token: Tokens.Generic, links: TokensList['links']): string {
  const list = Object.assign([token], { links }) as TokensList;
  return sanitizeHtml(md.parser(list) as string);
}

/**
 * The sanitized HTML of each top-level block of text, in order. Each string is
 * a well-formed fragment, so they may be inserted one after another.
 */
export function renderBlocks(text: string): string[] {
  const tokens = md.lexer(text);
  const links = tokens.links;
  const linksKey = Object.keys(links).length ? JSON.stringify(links) : '';
  const blocks = tokens.filter((t) => t.type !== 'space' && t.type !== 'def');
  const out: string[] = [];
  blocks.forEach((token, i) => {
    if (i === blocks.length - 1) {
      // The last block is the one still growing while a reply streams: it
      // is not cached, so the cache never fills with its partial versions.
      const html = renderBlock(token, links);
      if (html) out.push(html);
      return;
    }
    const key = `${linksKey}\u0000${token.type}\u0000${token.raw}`;
    let html = cache.get(key);
    if (html === undefined) {
      html = renderBlock(token, links);
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    } else {
      cache.delete(key); // refresh its place in the eviction order
    }
    cache.set(key, html);
    if (html) out.push(html);
  });
  return out;
}

/** Model output (Markdown) as sanitized HTML. */
export function renderMarkdown(text: string): string {
  return renderBlocks(text).join('');
}
