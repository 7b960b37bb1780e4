/**
 * One bench child process over IPC: send it commands, await its replies by type.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Reply } from './protocol';

/**
 * A running child: its commands, its next reply of a type, its exit.
 *
 * @example
 * const clients: Child<ClientCommand> = spawn('clients-child.ts');
 */
export interface Child<Command> {
  send(command: Command): void;
  next<T extends Reply['type']>(type: T): Promise<Extract<Reply, { type: T }>>;
  exit(): Promise<void>;
}

/**
 * Starts `bench/server/<script>` with tsx and `--expose-gc`, its replies matched by type.
 *
 * @example
 * const clients = spawn<ClientCommand>('clients-child.ts');
 */
export function spawn<Command>(script: string, args: string[] = []): Child<Command> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const proc: ChildProcess = fork(file, args, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: Array<{ type: string; resolve: (reply: Reply) => void }> = [];
  const early: Reply[] = [];
  proc.on('message', (reply: Reply) => {
    const i = waiting.findIndex((w) => w.type === reply.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(reply);
    else early.push(reply);
  });
  return {
    send: (command) => proc.send(command as object),
    next: (type) =>
      new Promise((resolve) => {
        const i = early.findIndex((reply) => reply.type === type);
        if (i >= 0) resolve(early.splice(i, 1)[0] as never);
        else waiting.push({ type, resolve: resolve as (reply: Reply) => void });
      }),
    exit: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.send({ cmd: 'exit' });
      }),
  };
}
