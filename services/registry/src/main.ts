import { runService } from '@readmit/platform/bootstrap';
import { registryEnvSchema } from './registry.config';
import { RegistryModule } from './registry.module';

runService({ name: 'registry', envSchema: registryEnvSchema, module: RegistryModule });
