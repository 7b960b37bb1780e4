import type { Preview } from '@storybook/react-vite';
import { withPoolInspector } from '../stories/inspector/withPoolInspector';
import '../stories/ui/playground.css';

const preview: Preview = {
  decorators: [withPoolInspector],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
