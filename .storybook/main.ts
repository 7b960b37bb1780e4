import type { StorybookConfig } from '@storybook/react-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import vue from '@vitejs/plugin-vue';
import { mergeConfig } from 'vite';
// `.js` specifiers: Storybook loads this file (and what it imports) with Node, which needs an
// extension; its loader maps `.js` to the `.ts` file.
import { demoServerPlugin } from '../stories/demo-server/demoServerPlugin.js';
// Stories run against the sources, so the playground needs no build of the packages.
import { workspaceAliases as alias } from '../test/support/aliases.js';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.tsx'],
  addons: [],
  // StrictMode mounts every story twice: the pool's linger keeps that from reconnecting, and the
  // playground test checks that no story opens a stream twice.
  framework: { name: '@storybook/react-vite', options: { strictMode: true } },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: 'react-docgen' },
  async viteFinal(viteConfig, { configType }) {
    return mergeConfig(viteConfig, {
      // `playground:build` prints only what needs attention, not every chunk's size.
      logLevel: configType === 'PRODUCTION' ? 'warn' : viteConfig.logLevel,
      resolve: { alias },
      // Vue and Svelte stories are mounted inside React stories; the demo server answers on /demo.
      plugins: [vue(), svelte(), demoServerPlugin()],
      build: {
        // Storybook's preview bundle is big by nature; the warning says nothing actionable here.
        chunkSizeWarningLimit: 4096,
        rolldownOptions: {
          // Timings of a one-off build on a busy machine are noise, not a problem to fix.
          checks: { bundlerTimings: false },
          onwarn(warning, warn) {
            // "use client" matters to React Server Components bundlers, not to Storybook.
            if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
            warn(warning);
          },
        },
      },
    });
  },
};

export default config;
