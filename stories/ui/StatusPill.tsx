import type { ConnectionStatus } from '@ssekit/react';
import type { ReactElement } from 'react';

/**
 * A source's status as a coloured pill (`data-status` drives the colour and helps tests).
 *
 * @example
 * <StatusPill status={useEventSource('/demo/chat').status} />
 */
export function StatusPill({ status }: { readonly status: ConnectionStatus }): ReactElement {
  return (
    <span className="pill" data-status={status}>
      {status}
    </span>
  );
}
