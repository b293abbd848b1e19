import { runService } from '@readmit/platform';
import { scoringEnvSchema } from './scoring.config';
import { ScoringModule } from './scoring.module';

runService({ name: 'scoring', envSchema: scoringEnvSchema, module: ScoringModule });
