import { bigintAsNumber } from '@readmit/platform/projections';
import type { ChampionEvaluation, SubgroupMetrics, TrainingLineage } from '@readmit/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Stage } from '../../domain/registry-state';
import type { ModelVersionRecord } from './registry-rows';

/** The table of ModelVersionRecord (registry_versions). */
@Entity({ name: 'registry_versions' })
export class ModelVersionRow implements ModelVersionRecord {
  @PrimaryColumn('text')
  modelName!: string;

  @PrimaryColumn('text')
  version!: string;

  @Column('text')
  stage!: Stage;

  @Column('timestamptz', { nullable: true })
  stageChangedAt!: Date | null;

  @Column('text', { nullable: true })
  runId!: string | null;

  @Column('text', { nullable: true })
  algorithm!: string | null;

  @Column('jsonb', { nullable: true })
  params!: Record<string, string> | null;

  @Column('text', { nullable: true })
  artifactUri!: string | null;

  @Column('text', { nullable: true })
  artifactSha256!: string | null;

  @Column('text', { nullable: true })
  featureSpecVersion!: string | null;

  @Column('double precision', { nullable: true })
  threshold!: number | null;

  @Column('jsonb', { nullable: true })
  metrics!: Record<string, number> | null;

  @Column('jsonb', { nullable: true })
  subgroupMetrics!: SubgroupMetrics[] | null;

  @Column('jsonb', { nullable: true })
  lineage!: TrainingLineage | null;

  @Column('jsonb', { nullable: true })
  championEvaluation!: ChampionEvaluation | null;

  @Column('bigint', { nullable: true, transformer: bigintAsNumber })
  trainingDurationMs!: number | null;

  @Column('timestamptz', { nullable: true })
  registeredAt!: Date | null;
}
