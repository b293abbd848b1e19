import { runService } from '@readmit/platform/bootstrap';
import { backfillEnvSchema } from './backfill.config';
import { BackfillModule } from './backfill.module';

runService({ name: 'backfill', envSchema: backfillEnvSchema, module: BackfillModule });
