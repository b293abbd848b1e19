import { Module } from '@nestjs/common';

/**
 * The trainer service. Its responsibilities are listed in DESIGN.md; this module is the
 * foundation shell (health, readiness, metrics and config from the platform) that the
 * trainer issue fills in.
 */
@Module({})
export class TrainerModule {}
