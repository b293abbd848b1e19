import { CountWindow } from './count-window';

/** Adds items 1..n (item i at time 1000 + i) and returns the windows completed, in order. */
function feed(window: CountWindow<number>, from: number, to: number) {
  const completed = [];
  for (let item = from; item <= to; item++) {
    const full = window.add(item, 1_000 + item);
    if (full) completed.push({ after: item, ...full });
  }
  return completed;
}

describe('CountWindow', () => {
  it('tumbles when the slide is the window: each item in exactly one window', () => {
    const window = new CountWindow<number>({ rows: 4, slide: 4 });
    const completed = feed(window, 1, 10);
    expect(completed.map((entry) => entry.items)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(window.size).toBe(4);
  });

  it('slides: once full, the last `rows` items every `slide` items, oldest first', () => {
    const window = new CountWindow<number>({ rows: 5, slide: 2 });
    const completed = feed(window, 1, 10);
    expect(completed.map((entry) => entry.after)).toEqual([5, 7, 9]);
    expect(completed.map((entry) => entry.items)).toEqual([
      [1, 2, 3, 4, 5],
      [3, 4, 5, 6, 7],
      [5, 6, 7, 8, 9],
    ]);
  });

  it('bounds a window by the earliest and latest event time in it, whatever the arrival order', () => {
    const window = new CountWindow<string>({ rows: 3, slide: 3 });
    expect(window.add('a', 500)).toBeNull();
    expect(window.add('b', 100)).toBeNull();
    expect(window.add('c', 300)).toEqual({ items: ['a', 'b', 'c'], start: 100, end: 500 });
  });

  it('hands out a copy: later items do not change a completed window', () => {
    const window = new CountWindow<number>({ rows: 2, slide: 1 });
    window.add(1, 1);
    const first = window.add(2, 2);
    window.add(3, 3);
    expect(first?.items).toEqual([1, 2]);
  });

  it('starts over after a reset', () => {
    const window = new CountWindow<number>({ rows: 3, slide: 1 });
    feed(window, 1, 4);
    window.reset();
    expect(window.size).toBe(0);
    expect(window.add(10, 10)).toBeNull();
    expect(window.add(11, 11)).toBeNull();
    expect(window.add(12, 12)?.items).toEqual([10, 11, 12]);
  });

  it('refuses settings that would skip rows or never fill', () => {
    expect(() => new CountWindow({ rows: 0, slide: 1 })).toThrow('window rows must be ≥ 1');
    expect(() => new CountWindow({ rows: 5, slide: 6 })).toThrow('between 1 and');
    expect(() => new CountWindow({ rows: 5, slide: 0 })).toThrow('between 1 and');
  });

  it('replaces an item it still holds, for the windows to come only', () => {
    const window = new CountWindow<{ value: number }>({ rows: 3, slide: 1 });
    const first = { value: 1 };
    const second = { value: 2 };
    window.add(first, 1);
    window.add(second, 2);
    const completed = window.add({ value: 3 }, 3);
    expect(window.replace(second, { value: 20 })).toBe(true);
    expect(completed?.items.map((item) => item.value)).toEqual([1, 2, 3]);
    expect(window.add({ value: 4 }, 4)?.items.map((item) => item.value)).toEqual([20, 3, 4]);
    // Rolled out of the window: nothing to replace.
    expect(window.replace(first, { value: 10 })).toBe(false);
  });
});
