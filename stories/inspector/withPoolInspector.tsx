import { createPool, SSEProvider } from '@ssekit/react';
import type { Decorator } from '@storybook/react-vite';
import { type ReactElement, type ReactNode, useState } from 'react';
import { PoolInspector } from './PoolInspector';

/** One pool per story, handed down by SSEProvider, with the inspector under the story. */
function PooledStory({ children }: { readonly children: ReactNode }): ReactElement {
  // No dispose on unmount: when the story goes, its subscriptions leave and the pool's linger
  // closes every connection; disposing under StrictMode's double mount would cut live ones.
  const [pool] = useState(() => createPool());
  return (
    <SSEProvider pool={pool}>
      {children}
      <PoolInspector pool={pool} />
    </SSEProvider>
  );
}

/**
 * The playground's decorator: every story gets its own pool (so stories never share connections)
 * and the pool inspector rendered under it.
 *
 * @example
 * // .storybook/preview.tsx
 * const preview: Preview = { decorators: [withPoolInspector] };
 */
export const withPoolInspector: Decorator = (Story, context) => (
  <PooledStory key={context.id}>
    <Story />
  </PooledStory>
);
