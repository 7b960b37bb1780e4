import { describe, expect, it } from 'vitest';
import { cursorId, parseCursor } from './cursor.js';

describe('parseCursor', () => {
  it('reads <epoch>-<offset>', () => {
    expect(parseCursor('k3x9-41')).toEqual({ epoch: 'k3x9', offset: 41 });
    expect(parseCursor('A1-0')).toEqual({ epoch: 'A1', offset: 0 });
    expect(cursorId({ epoch: 'k3x9', offset: 41 })).toBe('k3x9-41');
  });

  it('answers null for anything this hub could not have issued', () => {
    for (const bad of [
      '',
      '41',
      'k3x9-',
      '-41',
      'k3x9-041',
      'k3x9-4.1',
      'k3x9--1',
      'k 3-1',
      'k3x9-41\n',
      `${'a'.repeat(120)}-123456789`,
      'k-99999999999999999999',
      '4b2e1c8a-6f1d-4e9b-9c3a-2f7d8e1a0b5c',
    ]) {
      expect(parseCursor(bad), bad).toBeNull();
    }
  });
});
