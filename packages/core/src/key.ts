/** Everything that changes what the server sends or who it thinks you are. */
export interface KeyParts {
  readonly url: string;
  readonly transport: unknown;
  readonly method: string;
  readonly credentials: string;
  readonly body: unknown;
  /** Header records or header functions, in the order they apply (pool first). */
  readonly headers: readonly unknown[];
  /** Anything else that must not be shared across (custom fetch, EventSource, id parameter). */
  readonly extra: readonly unknown[];
  /** Who the stream is for, as the app says: `scope`, then `crossTab.scope` (null when unset). */
  readonly scope?: readonly (string | null)[];
}

// Functions and objects enter a key by identity, never as text: two different token getters
// must never share a connection, and a function's source says nothing about whose token it is.
const ids = new WeakMap<object, number>();
let nextId = 0;

function identity(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' && typeof value !== 'function') return value;
  let id = ids.get(value);
  if (id === undefined) {
    id = ++nextId;
    ids.set(value, id);
  }
  return `#${id}`;
}

function headerEntries(headers: unknown, part: Part): unknown {
  if (!headers || typeof headers !== 'object') return part(headers, 'header function');
  return Object.entries(headers as Record<string, string>)
    .map(([name, value]) => [name.toLowerCase(), String(value)])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** How one value that may not be text enters a key; `why` names it, for people. */
type Part = (value: unknown, why: string) => unknown;

// One layout for both keys, so the pool's key and the cross-tab name cannot drift apart.
function keyOf(parts: KeyParts, part: Part): string {
  return JSON.stringify([
    part(parts.transport, 'custom transport'),
    parts.method,
    parts.url,
    parts.credentials,
    typeof parts.body === 'string' ? parts.body : part(parts.body, 'body not a string'),
    parts.headers.map((h) => headerEntries(h, part)),
    parts.extra.map((x) => part(x, 'custom fetch or EventSource')),
    parts.scope ?? [],
  ]);
}

/**
 * The pool's key for one stream: equal keys share one connection.
 *
 * @example
 * sourceKey({ url: 'https://x.dev/s', transport: 'fetch', method: 'GET', credentials: 'same-origin', body: null, headers: [], extra: [] });
 */
export function sourceKey(parts: KeyParts): string {
  return keyOf(parts, identity);
}

/** What a cross-tab key is made of, and what in `parts` another tab could not compare. */
export interface PortableKey {
  /** Text only: the same in every tab for the same request. */
  readonly text: string;
  /** Why `text` alone does not say who the stream is for (empty when it does). */
  readonly unsure: readonly string[];
}

/**
 * The key of one stream as another tab can compare it: text only, without the scope (the
 * caller adds the cross-tab scope). Object numbers are counted per tab (the first function of
 * every tab is `#1`), so anything known only by identity, and cookies sent cross-origin, is
 * listed in `unsure` instead: such a source may be shared only under a scope the app gives.
 *
 * @example
 * const { text, unsure } = portableKey(parts); // unsure: ['header function']
 */
export function portableKey(parts: KeyParts): PortableKey {
  // Cookies are the browser's, not the request's: who they stand for can change between tabs.
  const unsure = parts.credentials === 'include' ? ['cookies'] : [];
  const text = keyOf({ ...parts, scope: [] }, (value, why) => {
    // Plain values read the same in every tab; objects and functions are known only here.
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return value;
    }
    unsure.push(why);
    return why;
  });
  return { text, unsure };
}

/**
 * A key for people: header names but never their values, the body's size but never its text.
 *
 * @example
 * describeKey(parts); // 'POST https://x.dev/s · fetch · headers: authorization · body 12 chars'
 */
export function describeKey(parts: KeyParts): string {
  const names = new Set<string>();
  let dynamic = false;
  for (const headers of parts.headers) {
    if (typeof headers === 'function') dynamic = true;
    else if (headers) for (const name of Object.keys(headers)) names.add(name.toLowerCase());
  }
  const bits = [
    `${parts.method} ${parts.url}`,
    typeof parts.transport === 'string' ? parts.transport : 'custom transport',
  ];
  if (parts.credentials !== 'same-origin') bits.push(`credentials: ${parts.credentials}`);
  if (names.size > 0) bits.push(`headers: ${[...names].sort().join(', ')}`);
  if (dynamic) bits.push('headers from a function');
  if (typeof parts.body === 'string') bits.push(`body ${parts.body.length} chars`);
  else if (parts.body) bits.push('body');
  return bits.join(' · ');
}
