import { Module } from '@nestjs/common';

/**
 * The gateway service. Its responsibilities are listed in DESIGN.md; this module is the
 * foundation shell (health, readiness, metrics and config from the platform) that the
 * gateway issue fills in.
 */
@Module({})
export class GatewayModule {}
