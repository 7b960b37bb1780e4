import { svelte } from '@sveltejs/vite-plugin-svelte';
import react from '@vitejs/plugin-react';
import vue from '@vitejs/plugin-vue';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { sameOriginProxy } from './test/server/same-origin-proxy.js';
import { workspaceAliases } from './test/support/aliases.js';
import { chromiumArgs, chromiumPath } from './test/support/chromium.js';

// In CI a missing browser is a failure: never fall back to skipping the browser project.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/core/src/**/*.test.ts',
            'test/node/**/*.test.ts',
            'test/budgets/**/*.test.ts',
            'packages/server/src/**/*.test.ts',
            'test/hub/**/*.test.ts',
          ],
          globalSetup: ['test/server/global-setup.ts'],
          // The hub's leak test collects garbage before it looks at the heap.
          execArgv: ['--expose-gc'],
        },
      },
      {
        extends: true,
        test: {
          // Real redis-server, hub instances as separate processes and nginx (.ci/run installs them).
          name: 'cluster',
          environment: 'node',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        plugins: [react(), vue()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: [
            'packages/{react,vue,preact-signals}/src/**/*.test.{ts,tsx}',
            'test/contract/**/*.test.{ts,tsx}',
          ],
          exclude: ['test/contract/**/*.svelte.test.ts'],
        },
      },
      {
        extends: true,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'svelte',
          environment: 'jsdom',
          include: ['packages/svelte/src/**/*.test.ts', 'test/contract/**/*.svelte.test.ts'],
        },
      },
      {
        extends: true,
        // Vite transforms for SSR in a node environment, so Svelte compiles components for the server.
        plugins: [react(), vue(), svelte()],
        test: {
          name: 'ssr',
          environment: 'node',
          include: ['test/ssr/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          // Drives the built Storybook (`pnpm playground:build`) in Chromium through playwright-core.
          name: 'playground',
          environment: 'node',
          include: ['test/playground/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        plugins: [sameOriginProxy()],
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/server/global-setup.ts', 'test/hub/global-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs] },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
