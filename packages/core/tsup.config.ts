import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig(
  libraryBuild({
    entry: ['src/index.ts', 'src/fetch.ts', 'src/testing.ts', 'src/cross-tab.ts'],
    treeshake: true,
  }),
);
