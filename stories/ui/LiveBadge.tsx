import type { ReactElement } from 'react';

/**
 * Props of {@link LiveBadge}.
 *
 * @example
 * const props: LiveBadgeProps = { live: true };
 */
export interface LiveBadgeProps {
  /** True once the story has rendered data it received from the demo server. */
  readonly live: boolean;
}

/**
 * The playground's convention for "this story shows live data": every story renders one badge,
 * and it carries `data-testid="live"` only once real data arrived. The playground test waits for it.
 *
 * @example
 * <LiveBadge live={ticks.count > 0} />
 */
export function LiveBadge({ live }: LiveBadgeProps): ReactElement {
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
