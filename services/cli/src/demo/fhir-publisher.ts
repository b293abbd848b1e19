import type { Pseudonymize, ReadmissionClass } from '@readmit/contracts';
import {
  fhirBundle,
  syntheticReadmissions,
  type Bundle,
  type Resource,
  type SyntheticStay,
} from '@readmit/fhir';
import type { LoadReport } from '@readmit/ingest';
import { UCI_SAMPLE_PROFILE, type DriftSpec } from '@readmit/ml';

const DAY_MS = 86_400_000;
/**
 * The demo's history runs from 1999 to 2012 (the UCI years and after), each step of the loop
 * dated after the one before; chains that start late end by September 2015, when ICD-10-CM came.
 */
const TIMELINE = {
  firstDay: Date.UTC(1999, 0, 1) / DAY_MS,
  lastDay: Date.UTC(2012, 11, 31) / DAY_MS,
};
/** Stays per transaction bundle: a few weeks of the demo's history each. */
const STAYS_PER_BUNDLE = 50;
/** Attempts for a bundle ingest answers 503 (still reading the log), Retry-After apart. */
const ATTEMPTS = 60;

export interface FhirDemoPublisherOptions {
  /** The operator's key (role admin, so `ingest` too). */
  readonly apiKey: string;
  /** Every encounter the loop will publish: the timeline is shared out in proportion. */
  readonly totalEncounters: number;
  /** The run's pseudonyms, to know the derived outcomes (keyed by pseudonym) by encounter. */
  readonly pseudonymize: Pseudonymize;
  readonly report: (line: string) => void;
}

/**
 * Publishes the demo's encounters as a hospital would: synthetic FHIR R4 stays without labels,
 * POSTed to ingest's `/fhir` as transaction bundles in admission order, each step of the loop
 * later in time than the one before. The labels are in the dates (syntheticReadmissions): the
 * labeller in ingest derives them, and `agreement` compares its outcomes with the generator's.
 */
export class FhirDemoPublisher {
  private nextDay = TIMELINE.firstDay;
  private generated = 0;
  /** Stays of patients made in earlier steps, admitted after those steps' windows: not sent yet. */
  private pending: SyntheticStay[] = [];
  /** The generator's label of each stay whose label its dates carry, by encounter pseudonym. */
  private readonly expected = new Map<string, ReadmissionClass>();

  constructor(private readonly options: FhirDemoPublisherOptions) {}

  async publish(
    count: number,
    seed: number,
    drift: DriftSpec | undefined,
    ingestUrl: string,
  ): Promise<LoadReport> {
    const started = Date.now();
    const days = Math.max(
      1,
      Math.round(((TIMELINE.lastDay - TIMELINE.firstDay) * count) / this.options.totalEncounters),
    );
    const window = { firstDay: this.nextDay, lastDay: this.nextDay + days - 1 };
    this.nextDay += days;
    this.generated += count;
    // The same line as `readmit produce --synthetic`: what the run published, without any id.
    console.error(
      `producing ${count} synthetic encounters (seed ${seed}${drift ? `, drift from encounter ${drift.from}` : ''}) as FHIR stays admitted from ${isoDay(window.firstDay)}`,
    );
    const made = syntheticReadmissions(UCI_SAMPLE_PROFILE, count, seed, { window, drift });
    // A stay is sent in its time: those of earlier steps' patients that come back after an
    // earlier window now, this step's that come back after its window later (all at the last
    // step). Sent early, a later step's stays would arrive behind the labeller's watermark.
    const end = (window.lastDay + 1) * DAY_MS;
    const last = this.generated >= this.options.totalEncounters;
    const due = [...this.pending, ...made.stays].sort((a, b) => a.admittedAt - b.admittedAt);
    const sending = last ? due : due.filter((stay) => stay.admittedAt < end);
    this.pending = last ? [] : due.filter((stay) => stay.admittedAt >= end);
    for (const [encounterId, label] of made.expectedLabels)
      this.expected.set(this.options.pseudonymize('encounter', encounterId), label);
    let recorded = 0;
    for (let from = 0; from < sending.length; from += STAYS_PER_BUNDLE)
      recorded += await this.post(sending.slice(from, from + STAYS_PER_BUNDLE), ingestUrl);
    const durationMs = Date.now() - started;
    this.options.report(
      `   ${sending.length} stays in ${Math.ceil(sending.length / STAYS_PER_BUNDLE)} transaction bundles → ${recorded} EncounterRecorded, no labels (${Math.round(recorded / (durationMs / 1000))}/s); ${this.pending.length} stays of returning patients come later`,
    );
    return {
      rows: sending.length,
      encounters: recorded,
      outcomes: 0,
      rejected: sending.length - recorded,
      rejections: [],
      durationMs,
    };
  }

  /**
   * How the derived outcomes seen so far agree with the generator's labels, over the stays whose
   * dates carry one.
   */
  agreement(derived: ReadonlyMap<string, ReadmissionClass>): {
    compared: number;
    agreeing: number;
  } {
    let compared = 0;
    let agreeing = 0;
    for (const [encounter, label] of derived) {
      const expected = this.expected.get(encounter);
      if (expected === undefined) continue;
      compared += 1;
      if (expected === label) agreeing += 1;
    }
    return { compared, agreeing };
  }

  /** One transaction bundle of stays; answers how many of them ingest recorded. */
  private async post(stays: readonly SyntheticStay[], ingestUrl: string): Promise<number> {
    const resources = new Map<string, Resource>();
    const stayEntries: number[] = [];
    for (const stay of stays)
      for (const resource of stay.resources) {
        // Each stay carries its Patient: a bundle names it once.
        const key = `${resource.resourceType}/${resource.id ?? ''}`;
        if (resources.has(key)) continue;
        if (key === stay.encounter) stayEntries.push(resources.size);
        resources.set(key, resource);
      }
    const body = JSON.stringify(fhirBundle([...resources.values()], 'transaction'));
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${ingestUrl}/fhir`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', 'x-api-key': this.options.apiKey },
        body,
      });
      if (response.status === 503 && attempt < ATTEMPTS) {
        const wait = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        continue;
      }
      if (!response.ok)
        throw new Error(
          `ingest answered ${response.status} to a FHIR transaction: ${await response.text()}`,
        );
      const answer = (await response.json()) as Bundle;
      return stayEntries.filter((at) => answer.entry?.[at]?.response?.status.startsWith('201'))
        .length;
    }
  }
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
