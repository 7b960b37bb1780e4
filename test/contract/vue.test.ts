import { createSSEPlugin, useEventSource, useSSEEvent } from '@ssekit/vue';
import { render } from '@testing-library/vue';
import { defineComponent, h, nextTick, ref } from 'vue';
import { type AdapterHarness, type ConsumerGroup, runContract } from './contract';

interface Rendered {
  data: unknown;
  status: string;
  renders: number;
}

interface ConsumerProps {
  url: string;
  type: string;
  onRender: (rendered: Rendered) => void;
}

/** One consumer: renders the event's data and the source status, and reports each render. */
const Consumer = defineComponent(
  function Consumer(props: ConsumerProps) {
    const { data } = useSSEEvent(() => props.url, props.type, { parse: 'json' });
    const { status } = useEventSource(() => props.url);
    let renders = 0;
    return () => {
      props.onRender({ data: data.value, status: status.value, renders: ++renders });
      return h('li', `${status.value} ${JSON.stringify(data.value) ?? '-'}`);
    };
  },
  { props: ['url', 'type', 'onRender'] },
);

const harness: AdapterHarness = {
  name: 'vue',
  async mount({ pool, url, type, count }): Promise<ConsumerGroup> {
    const current = ref(url);
    const rendered: Rendered[] = [];
    const List = defineComponent(
      () => () =>
        h(
          'ul',
          Array.from({ length: count }, (_, i) =>
            h(Consumer, { url: current.value, type, onRender: (r: Rendered) => (rendered[i] = r) }),
          ),
        ),
    );
    const view = render(List, { global: { plugins: [createSSEPlugin(pool)] } });
    await nextTick();
    return {
      data: () => rendered.map((r) => r.data),
      status: () => rendered.map((r) => r.status),
      renders: (i) => rendered[i]?.renders ?? 0,
      async setUrl(next) {
        current.value = next;
        await nextTick();
      },
      async unmount() {
        view.unmount();
        await nextTick();
      },
    };
  },
  settle: () => nextTick(),
};

runContract(harness);
