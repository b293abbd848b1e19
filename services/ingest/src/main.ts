import { runService } from '@readmit/platform/bootstrap';
import { ingestEnvSchema } from './ingest.config';
import { IngestModule } from './ingest.module';

runService({ name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule });
