import type { Plugin } from 'vite';
import { createDemoServer, type DemoServer, type DemoServerOptions } from './createDemoServer.js';

/**
 * A Vite plugin that mounts the demo SSE server at `/demo` on the dev server, so `pnpm playground`
 * serves stories and streams on one origin with nothing to configure.
 *
 * @example
 * // .storybook/main.ts, in viteFinal:
 * return mergeConfig(config, { plugins: [demoServerPlugin()] });
 */
export function demoServerPlugin(options: DemoServerOptions = {}): Plugin {
  let demo: DemoServer | undefined;
  return {
    name: 'ssekit-demo-server',
    apply: 'serve',
    configureServer(server) {
      demo?.close();
      demo = createDemoServer(options);
      server.middlewares.use('/demo', demo.middleware);
      // In middleware mode (Storybook) there is no httpServer; the process exit ends the streams.
      server.httpServer?.once('close', () => demo?.close());
    },
    closeBundle() {
      demo?.close();
      demo = undefined;
    },
  };
}
