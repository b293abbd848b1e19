import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { IngestBatch } from '../../projections/batches/ingest-batch.entity';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Batches with a sequence below this one (paging backwards from the newest). */
  before: z.coerce.number().int().positive().optional(),
});

/** `GET /v1/batches`: the newest batches first, from the batches projection in Postgres. */
@RequireRole('read')
@Controller('v1/batches')
export class BatchesController {
  constructor(@Inject(PROJECTION_DATABASE) private readonly database: DataSource) {}

  @Get()
  async list(@Query() query: Record<string, string>): Promise<{ batches: IngestBatch[] }> {
    const parsed = listQuery.safeParse(query);
    if (!parsed.success) {
      throw new BadRequestException({
        message: 'invalid query',
        errors: parsed.error.issues.map((issue) => ({
          field: issue.path.join('.'),
          message: issue.message,
        })),
      });
    }
    const { limit, before } = parsed.data;
    const builder = this.database
      .getRepository(IngestBatch)
      .createQueryBuilder('batch')
      .orderBy('batch.sequence', 'DESC')
      .take(limit);
    if (before !== undefined) builder.where('batch.sequence < :before', { before });
    return { batches: await builder.getMany() };
  }
}
