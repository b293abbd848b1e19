/**
 * Gathers the work submitted during one turn of the event loop and runs it as one call: kafkajs
 * hands the batches of one fetch to concurrent handlers, and scoring them together costs one
 * model run and one produce request instead of one per partition.
 */
export class Coalescer<Input, Output> {
  private waiting: { inputs: Input[]; settle: (outputs: Output[] | Error) => void }[] = [];
  private scheduled = false;

  constructor(private readonly runAll: (inputs: readonly Input[]) => Promise<Output[]>) {}

  /** The outputs for these inputs, in order, computed together with whatever else is waiting. */
  submit(inputs: readonly Input[]): Promise<Output[]> {
    return new Promise<Output[]>((resolve, reject) => {
      this.waiting.push({
        inputs: [...inputs],
        settle: (outputs) => (outputs instanceof Error ? reject(outputs) : resolve(outputs)),
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    const inputs = batch.flatMap((entry) => entry.inputs);
    try {
      const outputs = await this.runAll(inputs);
      if (outputs.length !== inputs.length)
        throw new Error(`${outputs.length} outputs for ${inputs.length} inputs`);
      let start = 0;
      for (const entry of batch) {
        entry.settle(outputs.slice(start, start + entry.inputs.length));
        start += entry.inputs.length;
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const entry of batch) entry.settle(failure);
    }
  }
}
