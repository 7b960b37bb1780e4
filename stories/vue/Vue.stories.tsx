import type { Meta, StoryObj } from '@storybook/react-vite';
import { VueMount } from '../frameworks/VueMount';
import { VueDashboard } from './VueDashboard';
import { VueTicker } from './VueTicker';

/**
 * The core stories with `@ssekit/vue`, each a Vue app mounted inside a React story.
 *
 * @example
 * // open /iframe.html?id=vue--ticker
 */
const meta = { title: 'Vue' } satisfies Meta;

export default meta;

/**
 * The live ticker with Vue composables.
 *
 * @example
 * // open /iframe.html?id=vue--ticker
 */
export const Ticker: StoryObj = { render: () => <VueMount component={VueTicker} /> };

/**
 * Twelve Vue widgets on one stream.
 *
 * @example
 * // open /iframe.html?id=vue--dashboard
 */
export const Dashboard: StoryObj = { render: () => <VueMount component={VueDashboard} /> };
