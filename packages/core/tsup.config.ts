import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/fetch.ts', 'src/testing.ts', 'src/cross-tab.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
});
