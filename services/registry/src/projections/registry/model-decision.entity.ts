import { bigintAsNumber } from '@readmit/platform/projections';
import type { PromotionCriterion } from '@readmit/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DecisionRowKind, ModelDecisionRecord } from './registry-rows';

/** The table of ModelDecisionRecord (registry_decisions), read in log order. */
@Entity({ name: 'registry_decisions' })
@Index(['modelName', 'logOffset'])
export class ModelDecisionRow implements ModelDecisionRecord {
  @PrimaryColumn('uuid')
  eventId!: string;

  @Column('text')
  modelName!: string;

  /** The version the decision is about (for a rollback, the version rolled back to). */
  @Column('text')
  version!: string;

  @Column('text')
  kind!: DecisionRowKind;

  /** The champion (or challenger) it was decided against; for a rollback, the version left. */
  @Column('text', { nullable: true })
  previousVersion!: string | null;

  @Column('text', { nullable: true })
  mode!: 'AUTOMATIC' | 'MANUAL' | null;

  @Column('text')
  decidedBy!: string;

  @Column('text')
  reason!: string;

  @Column('jsonb')
  criteria!: PromotionCriterion[];

  @Column('boolean')
  applied!: boolean;

  @Column('timestamptz')
  decidedAt!: Date;

  /** Position in ml.models (one partition): the order decisions were made in. */
  @Column('bigint', { transformer: bigintAsNumber })
  logOffset!: number;
}
