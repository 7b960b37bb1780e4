/**
 * `pnpm demo:cluster`: Redis, three hub instances and nginx on this machine, with a publisher
 * sending a tick every 200 ms. Open the printed URL (or curl it), then kill instances and watch
 * the stream carry on. Keys: 1/2/3 kill -9 an instance (it restarts a second later), r restarts
 * Redis, q quits.
 */
import { redisLog } from '../../packages/server/src/redis';
import { freePort, startRedis } from '../support/redis';
import { type Instance, startInstance, startNginx } from './support';

const redis = await startRedis({ persist: true });
const ports = [await freePort(), await freePort(), await freePort()];
const instances: Instance[] = await Promise.all(
  ports.map((port) => startInstance(port, { redisUrl: redis.url, heartbeatMs: 5000 })),
);
const nginx = await startNginx(ports, Number(process.env.PORT ?? (await freePort())));
const log = redisLog({ url: redis.url });

let n = 0;
const timer = setInterval(() => {
  log.append('ticks', 'tick', JSON.stringify({ n, at: new Date().toISOString() })).then(
    () => n++,
    (error: Error) => console.log(`publish failed: ${error.message}`),
  );
}, 200);

const pids = (): string =>
  instances
    .map((instance, i) => `  ${i + 1}: 127.0.0.1:${instance.port} pid ${instance.pid}`)
    .join('\n');
console.log(`
ssekit cluster demo
  page:   ${nginx.url}/
  stream: curl -N '${nginx.url}/events?topic=ticks'
  resume: curl -N -H 'Last-Event-ID: <an id you saw>' '${nginx.url}/events?topic=ticks'
  redis:  ${redis.url}
instances (behind nginx, round robin):
${pids()}
keys: 1/2/3 kill -9 that instance (restarted after 1 s) · r restart Redis · q quit
`);

let quitting = false;
const quit = async (): Promise<void> => {
  if (quitting) return;
  quitting = true;
  clearInterval(timer);
  await log.close();
  await nginx.close();
  await Promise.all(instances.map((instance) => instance.kill()));
  await redis.close();
  process.exit(0);
};
process.once('SIGINT', () => void quit());
process.once('SIGTERM', () => void quit());

if (process.stdin.isTTY) {
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.on('data', (key: Buffer) => {
    const k = key.toString();
    const instance = instances[Number(k) - 1];
    if (instance) {
      console.log(`kill -9 instance ${k} (pid ${instance.pid})`);
      void instance
        .kill('SIGKILL')
        .then(() => new Promise((resolve) => setTimeout(resolve, 1000)))
        .then(() => instance.restart())
        .then(() => console.log(`instance ${k} back, pid ${instance.pid}`));
    } else if (k === 'r') {
      console.log('restarting Redis (append-only file on: the log survives)');
      void redis
        .stop('SIGTERM')
        .then(() => redis.start())
        .then(() => console.log('Redis back'));
    } else if (k === 'q' || k === '\u0003') {
      void quit();
    }
  });
}
