import type { Meta, StoryObj } from '@storybook/react-vite';
import { SignalsMount } from '../frameworks/SignalsMount';
import { renderSignalsDashboard } from './renderSignalsDashboard';
import { renderSignalsTicker } from './renderSignalsTicker';

/**
 * The core stories with `@ssekit/preact-signals`: signal-driven DOM inside a React story.
 *
 * @example
 * // open /iframe.html?id=preact-signals--ticker
 */
const meta = { title: 'Preact Signals' } satisfies Meta;

export default meta;

/**
 * The live ticker with signals and effects.
 *
 * @example
 * // open /iframe.html?id=preact-signals--ticker
 */
export const Ticker: StoryObj = { render: () => <SignalsMount render={renderSignalsTicker} /> };

/**
 * Twelve signal effects on one stream.
 *
 * @example
 * // open /iframe.html?id=preact-signals--dashboard
 */
export const Dashboard: StoryObj = {
  render: () => <SignalsMount render={renderSignalsDashboard} />,
};
