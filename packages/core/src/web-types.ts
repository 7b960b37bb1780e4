/**
 * Web types the public API names, derived from `RequestInit`, which both the DOM lib and Node's
 * types declare: the published `.d.ts` then checks in a Node project without the DOM lib, where
 * `BodyInit` and `RequestCredentials` do not exist.
 */

/** A request body the fetch transport can send again on every attempt (string, Blob, FormData…). */
export type RequestBody = RequestInit['body'];

/** `'omit' | 'same-origin' | 'include'`. */
export type Credentials = NonNullable<RequestInit['credentials']>;
