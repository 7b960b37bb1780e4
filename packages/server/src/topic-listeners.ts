import type { LogEntry } from './log.js';

type Listener = (entry: LogEntry) => void;

/**
 * The listeners of a log, by topic: what every `Log` implementation's `subscribe` needs, and
 * the delivery of one appended entry to those of its topic.
 *
 * @example
 * const listeners = createTopicListeners();
 * const unsubscribe = listeners.subscribe(['orders'], (entry) => console.log(entry.id));
 * listeners.deliver(entry);
 */
export function createTopicListeners() {
  const byTopic = new Map<string, Set<Listener>>();
  return {
    topics: (): string[] => [...byTopic.keys()],

    subscribe(topics: readonly string[], listener: Listener): () => void {
      const unique = [...new Set(topics)];
      // A fresh function per call, so subscribing the same listener twice unsubscribes apart.
      const call: Listener = (entry) => listener(entry);
      for (const topic of unique) {
        let listeners = byTopic.get(topic);
        if (listeners === undefined) {
          listeners = new Set();
          byTopic.set(topic, listeners);
        }
        listeners.add(call);
      }
      return () => {
        for (const topic of unique) {
          const listeners = byTopic.get(topic);
          listeners?.delete(call);
          if (listeners?.size === 0) byTopic.delete(topic);
        }
      };
    },

    deliver(entry: LogEntry): void {
      const listeners = byTopic.get(entry.topic);
      if (listeners === undefined) return;
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch (error) {
          // One failing listener must not cost the others their event; surface it like an
          // event handler would.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },

    clear: (): void => byTopic.clear(),
  };
}

export type TopicListeners = ReturnType<typeof createTopicListeners>;
