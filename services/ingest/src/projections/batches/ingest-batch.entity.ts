import { bigintAsNumber } from '@readmit/platform/projections';
import type { FeatureProfile, OffsetRange } from '@readmit/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BatchRecord } from './evolve';

/** The batches projection: one row per BatchArrived, queried by the API and `readmit`. */
@Entity({ name: 'ingest_batches' })
export class IngestBatch implements BatchRecord {
  @PrimaryColumn('text')
  batchId!: string;

  @Index({ unique: true })
  @Column('bigint', { transformer: bigintAsNumber })
  sequence!: number;

  @Column('text')
  trigger!: BatchRecord['trigger'];

  @Column('bigint', { transformer: bigintAsNumber })
  encounterCount!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  labeledCount!: number;

  @Column('jsonb')
  labelCounts!: Record<string, number>;

  @Column('timestamptz')
  windowStart!: Date;

  @Column('timestamptz')
  windowEnd!: Date;

  @Column('jsonb')
  encounterRanges!: OffsetRange[];

  @Column('jsonb')
  outcomeRanges!: OffsetRange[];

  @Column('jsonb')
  profile!: FeatureProfile[];

  @Column('uuid')
  eventId!: string;

  @Column('timestamptz')
  arrivedAt!: Date;
}
