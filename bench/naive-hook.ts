import { useEffect, useState } from 'react';

/**
 * The hook apps write by hand, the baseline the React benches compare with: one `EventSource`
 * per component, a `JSON.parse` and a `setState` per event.
 *
 * @example
 * const tick = useNaiveEvent('/api/ticker', 'tick');
 */
export function useNaiveEvent(url: string, type: string): unknown {
  const [data, setData] = useState<unknown>(null);
  useEffect(() => {
    const source = new EventSource(url);
    source.addEventListener(type, (event) => setData(JSON.parse(event.data)));
    return () => source.close();
  }, [url, type]);
  return data;
}
