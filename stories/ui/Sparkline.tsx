import type { ReactElement } from 'react';

/**
 * Props of {@link Sparkline}.
 *
 * @example
 * const props: SparklineProps = { values: [1, 3, 2], width: 120 };
 */
export interface SparklineProps {
  readonly values: readonly number[];
  readonly width?: number;
  readonly height?: number;
}

/**
 * A tiny SVG line of recent values, scaled to their own range.
 *
 * @example
 * <Sparkline values={history.map((s) => s.usage)} />
 */
export function Sparkline({ values, width = 160, height = 32 }: SparklineProps): ReactElement {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label="recent values">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
