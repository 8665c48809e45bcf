// A tiny element builder: text always goes in as text nodes, never as HTML.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Text for screen readers only, e.g. to make "Buy" say which product. */
export function visuallyHidden(text: string): HTMLSpanElement {
  return h('span', { class: 'visually-hidden' }, text);
}

/** The element with this id; throws if the page template lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from the page`);
  return element as T;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

const FOCUS_KEYS = ['data-add-to-cart', 'data-buy', 'data-view', 'data-remove', 'data-quantity', 'id'];

/**
 * `container.replaceChildren(...nodes)` for a re-render: when focus was inside, it moves to the
 * new element carrying the same `data-add-to-cart` / `data-buy` / `data-view` / … / `id` value.
 */
export function rerender(container: HTMLElement, ...nodes: Node[]): void {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && container.contains(active)
      ? FOCUS_KEYS.map((name) => [name, active.getAttribute(name)] as const).find(([, value]) => value !== null)
      : undefined;
  container.replaceChildren(...nodes);
  if (!key) return;
  const [name, value] = key;
  const next = [...container.querySelectorAll<HTMLElement>(`[${name}]`)].find((el) => el.getAttribute(name) === value);
  next?.focus();
}

/** Sets an element's text only when it differs, so an unchanged page is not touched. */
export function setText(element: Element | null, text: string): void {
  if (element && element.textContent !== text) element.textContent = text;
}

/** The page's language (`<html lang>`): prices are formatted as the build formatted them. */
export function pageLocale(): string | undefined {
  return document.documentElement.lang || undefined;
}
