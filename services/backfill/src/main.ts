import { platformEnvSchema, runService } from '@readmit/platform';
import { BackfillModule } from './backfill.module';

runService({ name: 'backfill', envSchema: platformEnvSchema, module: BackfillModule });
