import type { Transport, TransportAttempt } from '../transport';

/**
 * A transport whose code is loaded on its first attempt (a dynamic `import()`), so apps that never
 * use it keep it out of their bundle. That first attempt waits for the module; subscriptions made
 * meanwhile are passed on once it has loaded.
 *
 * @example
 * const fetchTransport = lazyTransport(() => import('./fetch').then((m) => m.createFetchTransport()));
 */
export function lazyTransport(load: () => Promise<Transport>): Transport {
  let ready: Transport | undefined;
  let loading: Promise<unknown> | undefined;
  const transport: Transport = (request, sink) => {
    if (ready) return ready(request, sink);
    loading ??= load().then(
      (loaded) => {
        ready = loaded;
      },
      (cause: unknown) => {
        // A chunk that failed to load fails each attempt; the connection retries with backoff.
        loading = undefined;
        throw cause;
      },
    );
    const types = new Set(request.types);
    let live: TransportAttempt | undefined;
    loading.then(
      () => {
        if (!request.signal.aborted) live = ready!({ ...request, types }, sink);
      },
      (cause: unknown) => sink.fail({ kind: 'network', message: `Could not load: ${cause}` }),
    );
    return {
      addType: (type) => (live ? live.addType?.(type) : types.add(type)),
      removeType: (type) => (live ? live.removeType?.(type) : types.delete(type)),
    };
  };
  transport.release = () => ready?.release?.();
  return transport;
}
