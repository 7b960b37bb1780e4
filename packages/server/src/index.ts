export type { Log, LogCursor, LogEntry, LogRead } from './log';
