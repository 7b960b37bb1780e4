import type { ConnectionStatus } from '@ssekit/react';
import type { ReactElement } from 'react';

/**
 * Props of {@link LiveBadge}.
 *
 * @example
 * const props: LiveBadgeProps = { live: true, status: 'open' };
 */
export interface LiveBadgeProps {
  /** True once the story has rendered data it received from the demo server. */
  readonly live: boolean;
  /** The stream's status, where the story has one: data kept after the stream closed is not live. */
  readonly status?: ConnectionStatus | string;
}

/**
 * The playground's convention for "this story shows live data": every story renders one badge,
 * and it carries `data-testid="live"` only once real data arrived and while the stream is not
 * closed (the data shown then is the last received, not live). The playground test waits for it.
 *
 * @example
 * <LiveBadge live={ticks.count > 0} status={status} />
 */
export function LiveBadge({ live, status }: LiveBadgeProps): ReactElement {
  if (live && (status === 'closed' || status === 'idle' || status === 'done')) {
    return (
      <span className="waiting" data-testid="ended">
        ○ not live ({status})
      </span>
    );
  }
  return live ? (
    <span className="live" data-testid="live">
      ● live
    </span>
  ) : (
    <span className="waiting" data-testid="waiting">
      waiting for data…
    </span>
  );
}
