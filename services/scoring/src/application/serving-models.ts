import type { LoadedModel } from '@readmit/platform/serving';

export type ServingRole = 'champion' | 'challenger';

export interface ServingSnapshot {
  readonly champion: LoadedModel | null;
  readonly challenger: LoadedModel | null;
}

/** How long a replaced session stays open for batches that took it before the swap. */
const RETIRE_AFTER_MS = 30_000;

/**
 * The models this instance serves. A batch takes one snapshot and scores with it, so a swap
 * happens between batches: every batch, and every prediction in it, is scored by the version it
 * names. Replaced sessions are closed once no batch can still hold them.
 */
export class ServingModels {
  private current: ServingSnapshot = { champion: null, challenger: null };
  private readonly waiting: Array<() => void> = [];
  private readonly retiring = new Set<NodeJS.Timeout>();

  snapshot(): ServingSnapshot {
    return this.current;
  }

  /** Resolves once a champion is serving (encounters wait in the log until then). */
  whenChampion(): Promise<void> {
    if (this.current.champion) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Puts a model (or none) in a role; the one it replaces is retired. */
  replace(role: ServingRole, model: LoadedModel | null): void {
    const previous = this.current[role];
    if (previous === model) return;
    this.current = { ...this.current, [role]: model };
    // A model moved between roles (or re-thresholded) keeps its session: retire only unused ones.
    const inUse = [this.current.champion?.scorer, this.current.challenger?.scorer];
    if (previous && !inUse.includes(previous.scorer)) this.retire(previous);
    if (this.current.champion) for (const resolve of this.waiting.splice(0)) resolve();
  }

  private retire(model: LoadedModel): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      void model.scorer.close().catch(() => undefined);
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retiring.add(timer);
  }

  /** Closes every session (at shutdown, after the consumers stopped). */
  async close(): Promise<void> {
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    const { champion, challenger } = this.current;
    this.current = { champion: null, challenger: null };
    for (const scorer of new Set([champion?.scorer, challenger?.scorer]))
      await scorer?.close().catch(() => undefined);
  }
}
