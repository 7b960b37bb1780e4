import { createPool } from '@ssekit/core';
import { createTestTransport } from '@ssekit/core/testing';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Consumers from '../contract/fixtures/Consumers.svelte';

const props = { url: '/api/ticker', type: 'tick', count: 2 };
const IDLE = '<ul><li>idle -</li><li>idle -</li></ul>';
/** The markup without Svelte's hydration markers. */
const markup = (body: string): string => body.replace(/<!--.*?-->/g, '');

describe('@ssekit/svelte on a server', () => {
  for (const runes of [false, true]) {
    const way = runes ? '.current' : '$store';
    it(`renders the idle snapshot through ${way} from a set pool, opening nothing`, () => {
      const server = createTestTransport();
      const pool = createPool({ transport: server.transport });
      const { body } = render(Consumers, { props: { ...props, runes, pool } });
      expect(markup(body)).toBe(IDLE);
      expect(server.connections).toHaveLength(0);
      // `$store` subscribes during SSR and unsubscribes when done: nothing may stay subscribed.
      expect(pool.inspect().connections.every((c) => c.refs === 0)).toBe(true);
    });

    it(`renders the idle snapshot through ${way} from the default pool, without throwing`, () => {
      expect(typeof window).toBe('undefined');
      const { body } = render(Consumers, { props: { ...props, runes } });
      expect(markup(body)).toBe(IDLE);
    });
  }
});
