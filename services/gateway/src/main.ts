import { runService } from '@readmit/platform/bootstrap';
import { gatewayEnvSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';

runService({ name: 'gateway', envSchema: gatewayEnvSchema, module: GatewayModule });
