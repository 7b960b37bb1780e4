/** Messages between `bench/server.ts` and its two child processes (server, clients). */

/** Which server a child runs. */
export type ServerKind = 'node:http' | 'ssekit' | 'better-sse';

/** Parent → server child. */
export type ServerCommand =
  | { readonly cmd: 'memory' }
  | { readonly cmd: 'fanout'; readonly events: number }
  | { readonly cmd: 'latency'; readonly seconds: number; readonly rate: number }
  | { readonly cmd: 'exit' };

/** Parent → clients child. */
export type ClientCommand =
  | { readonly cmd: 'open'; readonly port: number; readonly path: string; readonly n: number }
  | { readonly cmd: 'expect'; readonly events: number; readonly latency: boolean }
  | { readonly cmd: 'close' }
  | { readonly cmd: 'exit' };

/** Child → parent. */
export type Reply =
  | { readonly type: 'ready'; readonly port: number }
  | {
      readonly type: 'memory';
      readonly heap: number;
      readonly rss: number;
      readonly connections: number;
    }
  | { readonly type: 'sent'; readonly startedAt: number; readonly ms: number }
  | { readonly type: 'opened'; readonly open: number }
  | { readonly type: 'armed' }
  | { readonly type: 'received'; readonly doneAt: number; readonly latencies: number[] }
  | { readonly type: 'closed' };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();
