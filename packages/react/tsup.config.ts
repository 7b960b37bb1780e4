import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  external: [/^@ssekit\//],
  // Bundling drops module-level directives, so the entry's directive is restored here: every
  // export is a hook or the provider, which React Server Components must treat as client code.
  banner: { js: "'use client';" },
});
