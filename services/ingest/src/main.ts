import { platformEnvSchema, runService } from '@readmit/platform';
import { IngestModule } from './ingest.module';

runService({ name: 'ingest', envSchema: platformEnvSchema, module: IngestModule });
