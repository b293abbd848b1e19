import { runService } from '@readmit/platform';
import { backfillEnvSchema } from './backfill.config';
import { BackfillModule } from './backfill.module';

runService({ name: 'backfill', envSchema: backfillEnvSchema, module: BackfillModule });
