import { computed, effect, signal } from '@preact/signals-core';
import { eventSourceSignal, sseEventSignal } from '@ssekit/preact-signals';
import { type AdapterHarness, type ConsumerGroup, runContract } from './contract';

interface Rendered {
  data: unknown;
  status: string;
  renders: number;
}

// A consumer is an effect that reads the signals, as a component's render would.
const harness: AdapterHarness = {
  name: 'preact-signals',
  async mount({ pool, url, type, count }): Promise<ConsumerGroup> {
    const current = signal(url);
    const rendered: Rendered[] = [];
    const disposers = Array.from({ length: count }, (_, i) => {
      // Each consumer makes its own signals, as a component would; a new URL makes new ones,
      // which the effect follows while the old ones lose their watcher.
      const ticks = computed(() => sseEventSignal(current.value, type, { pool, parse: 'json' }));
      const source = computed(() => eventSourceSignal(current.value, { pool }));
      return effect(() => {
        rendered[i] = {
          data: ticks.value.value.data,
          status: source.value.value.status,
          renders: (rendered[i]?.renders ?? 0) + 1,
        };
      });
    });
    return {
      data: () => rendered.map((r) => r.data),
      status: () => rendered.map((r) => r.status),
      renders: (i) => rendered[i]?.renders ?? 0,
      async setUrl(next) {
        current.value = next;
      },
      async unmount() {
        for (const dispose of disposers) dispose();
      },
    };
  },
  async settle() {
    // Effects run synchronously when a signal changes: nothing to wait for.
  },
};

runContract(harness);
