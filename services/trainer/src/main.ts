import { runService } from '@readmit/platform/bootstrap';
import { platformEnvSchema } from '@readmit/platform/config';
import { TrainerModule } from './trainer.module';

runService({ name: 'trainer', envSchema: platformEnvSchema, module: TrainerModule });
