import { Module } from '@nestjs/common';

/**
 * The backfill service. Its responsibilities are listed in DESIGN.md; this module is the
 * foundation shell (health, readiness, metrics and config from the platform) that the
 * backfill issue fills in.
 */
@Module({})
export class BackfillModule {}
