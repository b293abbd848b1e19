import { Module } from '@nestjs/common';

/**
 * The monitor service. Its responsibilities are listed in DESIGN.md; this module is the
 * foundation shell (health, readiness, metrics and config from the platform) that the
 * monitor issue fills in.
 */
@Module({})
export class MonitorModule {}
