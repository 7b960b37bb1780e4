// `.js` specifiers throughout: the playground's demo server loads these sources with Storybook's
// Node loader, which maps `.js` to `.ts` but warns on extensionless imports.
export type { CloseReason } from './connection.js';
export { cursorId, parseCursor } from './cursor.js';
export { formatEntry, type ResetReason } from './format.js';
export {
  createHub,
  type Hub,
  type HubOptions,
  type PublishOptions,
  type StreamOptions,
} from './hub.js';
export type { HubRequest } from './hub-core.js';
export type { Log, LogCursor, LogEntry, LogRead } from './log.js';
export { type MemoryLogOptions, memoryLog } from './memory-log.js';
export type { HubStats } from './registry.js';
