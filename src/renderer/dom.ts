/**
 * Tiny DOM helpers. Text is always set as text (never parsed as HTML), so nothing the host
 * returns can inject markup; no inline styles or scripts (the CSP forbids them).
 */

/** What {@link h} and {@link append} accept as children; falsy ones are skipped. */
export type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;

let nextId = 0;

/** A document-unique id with a readable prefix. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

function setAttributes(element: Element, attrs: Record<string, AttrValue>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Creates an element. `true` attributes are set empty, `false`/null/undefined are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attrs);
  append(element, ...children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an SVG element. Icons are decorative (`aria-hidden`) unless the caller labels them;
 * colours come from `currentColor` so they follow the theme.
 */
export function svg(
  tag: string,
  attrs: Record<string, AttrValue> = {},
  ...children: SVGElement[]
): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttributes(element, attrs);
  for (const child of children) element.appendChild(child);
  return element;
}

/** Appends children, turning strings into text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Adds `id` to an element's `aria-describedby` (once). */
export function addDescribedBy(element: Element, id: string): void {
  const ids = new Set((element.getAttribute('aria-describedby') ?? '').split(/\s+/));
  ids.delete('');
  ids.add(id);
  element.setAttribute('aria-describedby', [...ids].join(' '));
}

/** Removes `id` from an element's `aria-describedby` (and the attribute when it empties). */
export function removeDescribedBy(element: Element, id: string): void {
  const ids = (element.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter((x) => x && x !== id);
  if (ids.length > 0) element.setAttribute('aria-describedby', ids.join(' '));
  else element.removeAttribute('aria-describedby');
}
