import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { JsonResponse, ValidQuery } from '@readmit/platform/openapi';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { IngestBatch } from '../../projections/batches/ingest-batch.entity';

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('At most this many.'),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('Batches with a sequence below this one (paging backwards from the newest).'),
});

/** `GET /v1/batches`: the newest batches first, from the batches projection in Postgres. */
@ApiTags('batches')
@RequireRole('read')
@Controller('v1/batches')
export class BatchesController {
  constructor(@Inject(PROJECTION_DATABASE) private readonly database: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'The newest batches of labelled encounters first' })
  @JsonResponse(200, '`{ batches: [...] }` from the batches projection')
  async list(
    @ValidQuery(listQuery) { limit, before }: z.output<typeof listQuery>,
  ): Promise<{ batches: IngestBatch[] }> {
    const builder = this.database
      .getRepository(IngestBatch)
      .createQueryBuilder('batch')
      .orderBy('batch.sequence', 'DESC')
      .take(limit);
    if (before !== undefined) builder.where('batch.sequence < :before', { before });
    return { batches: await builder.getMany() };
  }
}
