export type { CloseReason } from './connection';
export { cursorId, parseCursor } from './cursor';
export { formatEntry, type ResetReason } from './format';
export {
  createHub,
  type Hub,
  type HubOptions,
  type HubRequest,
  type HubStats,
  type PublishOptions,
  type StreamOptions,
} from './hub';
export type { Log, LogCursor, LogEntry, LogRead } from './log';
export { type MemoryLogOptions, memoryLog } from './memory-log';
