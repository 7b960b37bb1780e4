import type { Pool } from '@ssekit/core';
import { SSEProvider, useEventSource, useSSEEvent } from '@ssekit/react';
import { act, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { type AdapterHarness, type ConsumerGroup, runContract } from './contract';
import type { Rendered } from './fixtures/rendered';

type Report = (rendered: Rendered) => void;

/** One consumer: renders the event's data and the source status, and reports each render. */
function Consumer({
  url,
  type,
  report,
}: {
  url: string;
  type: string;
  report: Report;
}): ReactElement {
  const { data } = useSSEEvent(url, type, { parse: 'json' });
  const { status } = useEventSource(url);
  report({ data, status });
  return <li>{`${status} ${JSON.stringify(data) ?? '-'}`}</li>;
}

interface ListProps {
  pool: Pool;
  url: string;
  type: string;
  reports: readonly Report[];
}

function List({ pool, url, type, reports }: ListProps): ReactElement {
  return (
    <SSEProvider pool={pool}>
      <ul>
        {reports.map((report, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, never reordered
          <Consumer key={i} url={url} type={type} report={report} />
        ))}
      </ul>
    </SSEProvider>
  );
}

const harness: AdapterHarness = {
  name: 'react',
  async mount({ pool, url, type, count }): Promise<ConsumerGroup> {
    const rendered: (Rendered & { renders: number })[] = [];
    const reports = Array.from({ length: count }, (_, i): Report => {
      return (r) => {
        rendered[i] = { ...r, renders: (rendered[i]?.renders ?? 0) + 1 };
      };
    });
    const props = { pool, type, reports };
    const view = render(<List {...props} url={url} />);
    return {
      data: () => rendered.map((r) => r.data),
      status: () => rendered.map((r) => r.status),
      renders: (i) => rendered[i]?.renders ?? 0,
      async setUrl(next) {
        view.rerender(<List {...props} url={next} />);
      },
      async unmount() {
        view.unmount();
      },
    };
  },
  // Flushes React's pending work (store updates included) the way a test should.
  settle: () => act(async () => {}),
};

runContract(harness);
