import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('runs the work submitted in one turn of the event loop as one call, answering each in order', async () => {
    const calls: number[][] = [];
    const coalescer = new Coalescer<number, number>(async (inputs) => {
      calls.push([...inputs]);
      return inputs.map((input) => input * 10);
    });
    const [first, second, third] = await Promise.all([
      coalescer.submit([1, 2]),
      coalescer.submit([3]),
      coalescer.submit([4, 5, 6]),
    ]);
    expect(calls).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(first).toEqual([10, 20]);
    expect(second).toEqual([30]);
    expect(third).toEqual([40, 50, 60]);
  });

  it('starts a new call for work submitted while one runs', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new Coalescer<number, number>(async (inputs) => {
      calls.push([...inputs]);
      if (calls.length === 1) await held;
      return [...inputs];
    });
    const first = coalescer.submit([1]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = coalescer.submit([2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1], [2]]);
    release();
    await expect(first).resolves.toEqual([1]);
    await expect(second).resolves.toEqual([2]);
  });

  it('fails every submission of a call that throws or answers the wrong number of outputs', async () => {
    const throwing = new Coalescer<number, number>(async () => {
      throw new Error('model down');
    });
    await expect(Promise.allSettled([throwing.submit([1]), throwing.submit([2])])).resolves.toEqual(
      [
        { status: 'rejected', reason: new Error('model down') },
        { status: 'rejected', reason: new Error('model down') },
      ],
    );
    const short = new Coalescer<number, number>(async () => [1]);
    await expect(short.submit([1, 2])).rejects.toThrow('1 outputs for 2 inputs');
  });
});
