import type { DescribeOutcome } from '../scoring-connection';

/** How long scoring's answer stands: probes and metadata reads cost one round trip a second. */
export const SERVED_MODEL_TTL_MS = 1_000;

/**
 * What scoring serves, as it last said (asked over request-reply, ScoringConnection.describe):
 * the answer, a failure included, stands for `ttlMs`, and callers asking meanwhile share one
 * question. So readiness probes and metadata reads cost at most one round trip per `ttlMs`,
 * and a scoring service that does not answer costs one timeout, not one per caller.
 */
export class ServedModel {
  private last: { readonly at: number; readonly outcome: DescribeOutcome } | undefined;
  private asking: Promise<DescribeOutcome> | undefined;

  constructor(
    private readonly ask: () => Promise<DescribeOutcome>,
    private readonly ttlMs = SERVED_MODEL_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<DescribeOutcome> {
    if (this.last && this.now() - this.last.at < this.ttlMs)
      return Promise.resolve(this.last.outcome);
    this.asking ??= this.ask()
      .then((outcome) => {
        this.last = { at: this.now(), outcome };
        return outcome;
      })
      .finally(() => {
        this.asking = undefined;
      });
    return this.asking;
  }
}
