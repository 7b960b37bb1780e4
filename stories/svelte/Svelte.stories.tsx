import type { Meta, StoryObj } from '@storybook/react-vite';
import { SvelteMount } from '../frameworks/SvelteMount';
import SvelteDashboard from './SvelteDashboard.svelte';
import SvelteTicker from './SvelteTicker.svelte';

/**
 * The core stories with `@ssekit/svelte`, each a Svelte 5 component mounted inside a React story.
 *
 * @example
 * // open /iframe.html?id=svelte--ticker
 */
const meta = { title: 'Svelte' } satisfies Meta;

export default meta;

/**
 * The live ticker with Svelte stores.
 *
 * @example
 * // open /iframe.html?id=svelte--ticker
 */
export const Ticker: StoryObj = { render: () => <SvelteMount component={SvelteTicker} /> };

/**
 * Twelve Svelte widgets (runes `.current`) on one stream.
 *
 * @example
 * // open /iframe.html?id=svelte--dashboard
 */
export const Dashboard: StoryObj = { render: () => <SvelteMount component={SvelteDashboard} /> };
