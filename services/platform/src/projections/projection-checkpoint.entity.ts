import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last offset of each partition a projection has applied, written with the change it made. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpoint {
  @PrimaryColumn('text')
  projection!: string;

  @PrimaryColumn('text')
  topic!: string;

  @PrimaryColumn('integer')
  partition!: number;

  /** Kafka offsets are 64-bit; kept as text by the driver, compared as numbers in SQL. */
  @Column('bigint')
  offset!: string;

  @Column('timestamptz')
  updatedAt!: Date;
}
