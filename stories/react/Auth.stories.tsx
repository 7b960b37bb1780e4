import { useEventSource, useSSEEvent } from '@ssekit/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ReactElement } from 'react';
import { type AccountUpdate, DEMO_TOKEN } from '../demo-server/payloads';
import { LiveBadge } from '../ui/LiveBadge';
import { StatusPill } from '../ui/StatusPill';

const AUTH = '/demo/auth';

interface AuthProps {
  /** The bearer token to send; anything but `demo-token` gets a 401. */
  readonly token: string;
}

/** A stream behind `Authorization: Bearer …`, which only the fetch transport can send. */
function AuthenticatedBalance({ token }: AuthProps): ReactElement {
  // Header values enter the pool's key, so two tokens never share a connection; the inspector
  // shows the header's name only.
  const connect = { transport: 'fetch', headers: { Authorization: `Bearer ${token}` } } as const;
  const source = useEventSource(AUTH, connect);
  const { data } = useSSEEvent<AccountUpdate>(AUTH, 'account', connect);
  const { error } = source;
  return (
    <div className="story">
      <div className="row">
        <h2>Auth with a bearer token</h2>
        <StatusPill status={source.status} />
        <LiveBadge live={data !== undefined} />
      </div>
      <p className="lede">
        A native <code>EventSource</code> cannot send headers; with <code>headers</code> the pool
        uses the fetch transport. Try the token control: a wrong token ends in an <code>http</code>{' '}
        error with status 401 and no retry, since a 4xx would get the same answer.
      </p>
      <div className="grid">
        <div className="card">
          <span className="label">account {data?.account ?? ''}</span>
          <span className="value">{data ? `$${(data.balanceCents / 100).toFixed(2)}` : '…'}</span>
        </div>
        <div className="card">
          <span className="label">error</span>
          <span className="error" data-testid="source-error">
            {error
              ? `${error.kind}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`
              : '—'}
          </span>
        </div>
      </div>
    </div>
  );
}

/**
 * Auth stories, built with `@ssekit/react`.
 *
 * @example
 * // open /iframe.html?id=react-auth--bearer-token
 */
const meta = {
  title: 'React/Auth',
  component: AuthenticatedBalance,
  argTypes: { token: { control: 'inline-radio', options: [DEMO_TOKEN, 'wrong-token'] } },
  args: { token: DEMO_TOKEN },
} satisfies Meta<typeof AuthenticatedBalance>;

export default meta;

/**
 * The fetch transport with an `Authorization` header.
 *
 * @example
 * // open /iframe.html?id=react-auth--bearer-token
 */
export const BearerToken: StoryObj<typeof meta> = {};
