import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig(
  libraryBuild({
    entry: ['src/index.ts'],
    // Bundling drops module-level directives, so the entry's directive is restored here: every
    // export is a hook or the provider, which React Server Components must treat as client code.
    banner: { js: "'use client';" },
  }),
);
