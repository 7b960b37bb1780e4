import { createPool, type Pool, SSEProvider } from '@ssekit/react';
import type { Decorator } from '@storybook/react-vite';
import { type ReactElement, type ReactNode, useState } from 'react';
import { PoolInspector } from './PoolInspector';

/** One pool per story, handed down by SSEProvider, with the inspector under the story. */
function PooledStory({
  given,
  children,
}: {
  readonly given: Pool | undefined;
  readonly children: ReactNode;
}): ReactElement {
  // No dispose on unmount: when the story goes, its subscriptions leave and the pool's linger
  // closes every connection; disposing under StrictMode's double mount would cut live ones.
  const [pool] = useState(() => given ?? createPool());
  return (
    <SSEProvider pool={pool}>
      {children}
      <PoolInspector pool={pool} />
    </SSEProvider>
  );
}

/**
 * The playground's decorator: every story gets its own pool (so stories never share connections)
 * and the pool inspector rendered under it. A story that needs pool options (e.g. `crossTab`)
 * passes its pool as `parameters.pool`, so the inspector shows the connections it really uses.
 *
 * @example
 * // .storybook/preview.tsx
 * const preview: Preview = { decorators: [withPoolInspector] };
 */
export const withPoolInspector: Decorator = (Story, context) => (
  <PooledStory key={context.id} given={context.parameters.pool as Pool | undefined}>
    <Story />
  </PooledStory>
);
