import { platformEnvSchema, runService } from '@readmit/platform';
import { GatewayModule } from './gateway.module';

runService({ name: 'gateway', envSchema: platformEnvSchema, module: GatewayModule });
