import { render } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { type AdapterHarness, type ConsumerGroup, runContract } from './contract';
import Consumers from './fixtures/Consumers.svelte';
import type { Rendered } from './fixtures/rendered';

/** Runs the contract through `$store` subscriptions, or through runes and `.current`. */
function harness(runes: boolean): AdapterHarness {
  return {
    name: runes ? 'svelte (runes .current)' : 'svelte (stores)',
    async mount({ pool, url, type, count }): Promise<ConsumerGroup> {
      const rendered: (Rendered & { renders: number })[] = [];
      const onrender = (i: number, r: Rendered): void => {
        rendered[i] = { ...r, renders: (rendered[i]?.renders ?? 0) + 1 };
      };
      const view = render(Consumers, { props: { pool, url, type, count, runes, onrender } });
      flushSync();
      return {
        data: () => rendered.map((r) => r.data),
        status: () => rendered.map((r) => r.status),
        renders: (i) => rendered[i]?.renders ?? 0,
        async setUrl(next) {
          await view.rerender({ url: next });
          flushSync();
        },
        async unmount() {
          view.unmount();
          await tick();
        },
      };
    },
    async settle() {
      flushSync();
      await tick();
    },
  };
}

runContract(harness(false));
runContract(harness(true));
