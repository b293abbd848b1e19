import { Module } from '@nestjs/common';

/**
 * The registry service. Its responsibilities are listed in DESIGN.md; this module is the
 * foundation shell (health, readiness, metrics and config from the platform) that the
 * registry issue fills in.
 */
@Module({})
export class RegistryModule {}
