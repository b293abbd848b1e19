import { platformEnvSchema, runService } from '@readmit/platform';
import { RegistryModule } from './registry.module';

runService({ name: 'registry', envSchema: platformEnvSchema, module: RegistryModule });
