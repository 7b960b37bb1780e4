/**
 * Creates an element with properties and children: DOM built by hand, never from HTML strings.
 *
 * @example
 * const cell = element('td', { className: 'mono' }, 'ACME');
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<Pick<HTMLElement, 'className'>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (properties.className) node.className = properties.className;
  node.append(...children);
  return node;
}

/**
 * Shows the playground's live marker (`data-testid="live"`) on `badge` once `live` is true.
 *
 * @example
 * effect(() => liveBadge(badge, ticks.value.count > 0));
 */
export function liveBadge(badge: HTMLElement, live: boolean): void {
  badge.className = live ? 'live' : 'waiting';
  badge.textContent = live ? '● live' : 'waiting for data…';
  if (live) badge.dataset.testid = 'live';
  else delete badge.dataset.testid;
}
