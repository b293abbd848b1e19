import { platformEnvSchema, runService } from '@readmit/platform';
import { TrainerModule } from './trainer.module';

runService({ name: 'trainer', envSchema: platformEnvSchema, module: TrainerModule });
