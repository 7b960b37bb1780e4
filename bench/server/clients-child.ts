/**
 * A bench client process: holds thousands of raw HTTP/1.1 SSE connections (another process than
 * the server, for the open-files limit), counts `data:` lines and, when asked, the delay between
 * an event's send time (in its data) and its arrival. Driven over IPC by bench/server.ts.
 */
import { connect, type Socket } from 'node:net';
import { type ClientCommand, type Reply, wallNow } from './protocol';

const send = (reply: Reply): void => {
  process.send?.(reply);
};

interface Client {
  readonly socket: Socket;
  buffer: string;
  headersDone: boolean;
  count: number;
}

const clients: Client[] = [];
let expected = 0;
let latency = false;
let latencies: number[] = [];
let done = 0;

function onLines(client: Client, text: string): void {
  let at = text.indexOf('data:');
  while (at >= 0) {
    client.count++;
    if (latency) {
      const end = text.indexOf('\n', at);
      const sent = JSON.parse(text.slice(at + 5, end)) as { t: number };
      latencies.push(wallNow() - sent.t);
    }
    at = text.indexOf('data:', at + 5);
  }
  if (expected > 0 && client.count === expected) {
    done++;
    if (done === clients.length) {
      expected = 0;
      send({ type: 'received', doneAt: wallNow(), latencies });
      latencies = [];
    }
  }
}

function open(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const client: Client = { socket, buffer: '', headersDone: false, count: 0 };
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    socket.on('data', (chunk: string) => {
      client.buffer += chunk;
      if (!client.headersDone) {
        const end = client.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        client.headersDone = true;
        client.buffer = client.buffer.slice(end + 4);
        clients.push(client);
        resolve();
      }
      // Whole lines only: a `data:` split across two reads is counted once.
      const last = client.buffer.lastIndexOf('\n');
      if (last < 0) return;
      const lines = client.buffer.slice(0, last + 1);
      client.buffer = client.buffer.slice(last + 1);
      onLines(client, lines);
    });
  });
}

process.on('message', async (command: ClientCommand) => {
  if (command.cmd === 'open') {
    for (let i = 0; i < command.n; i += 250) {
      const batch = Math.min(250, command.n - i);
      await Promise.all(Array.from({ length: batch }, () => open(command.port, command.path)));
    }
    send({ type: 'opened', open: clients.length });
  } else if (command.cmd === 'expect') {
    for (const client of clients) client.count = 0;
    done = 0;
    latency = command.latency;
    latencies = [];
    expected = command.events;
    send({ type: 'armed' });
  } else if (command.cmd === 'close') {
    for (const client of clients) client.socket.destroy();
    clients.length = 0;
    send({ type: 'closed' });
  } else {
    process.exit(0);
  }
});
