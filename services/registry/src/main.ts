import { runService } from '@readmit/platform';
import { registryEnvSchema } from './registry.config';
import { RegistryModule } from './registry.module';

runService({ name: 'registry', envSchema: registryEnvSchema, module: RegistryModule });
