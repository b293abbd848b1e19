/**
 * Items by the event time at which they are due, earliest first (a binary min-heap): the
 * labeller looks only at the stays whose deadline the watermark passed, not at every open one.
 */
export class DeadlineQueue<T> {
  private readonly heap: Array<{ readonly at: number; readonly item: T }> = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, item });
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (heap[parent].at <= heap[child].at) break;
      [heap[parent], heap[child]] = [heap[child], heap[parent]];
      child = parent;
    }
  }

  /** Removes and returns every item due strictly before `time`, earliest first. */
  popBefore(time: number): T[] {
    const due: T[] = [];
    while (this.heap.length > 0 && this.heap[0].at < time) due.push(this.popFirst());
    return due;
  }

  private popFirst(): T {
    const heap = this.heap;
    const first = heap[0];
    const last = heap.pop() as { at: number; item: T };
    if (heap.length > 0) {
      heap[0] = last;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let smallest = parent;
        if (left < heap.length && heap[left].at < heap[smallest].at) smallest = left;
        if (right < heap.length && heap[right].at < heap[smallest].at) smallest = right;
        if (smallest === parent) break;
        [heap[parent], heap[smallest]] = [heap[smallest], heap[parent]];
        parent = smallest;
      }
    }
    return first.item;
  }
}
