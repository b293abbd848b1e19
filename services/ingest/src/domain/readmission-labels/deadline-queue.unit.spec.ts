import { DeadlineQueue } from './deadline-queue';

const timeOf = (item: string) => Number(item.split(':')[0]);

describe('DeadlineQueue', () => {
  it('hands out the items due strictly before a time, earliest first, and keeps the rest', () => {
    const queue = new DeadlineQueue<string>();
    const times = [50, 10, 40, 10, 90, 30, 70, 20, 60, 80];
    times.forEach((at, index) => queue.push(at, `${at}:${index}`));
    expect(queue.popBefore(10)).toEqual([]);
    const due = queue.popBefore(41);
    expect(due.map(timeOf)).toEqual([10, 10, 20, 30, 40]);
    expect(new Set(due).size).toBe(5);
    expect(queue.size).toBe(5);
    queue.push(5, '5:early');
    expect(queue.popBefore(1_000).map(timeOf)).toEqual([5, 50, 60, 70, 80, 90]);
    expect(queue.size).toBe(0);
  });
});
