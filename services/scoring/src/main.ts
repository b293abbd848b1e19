import { runService } from '@readmit/platform/bootstrap';
import { scoringEnvSchema } from './scoring.config';
import { ScoringModule } from './scoring.module';

runService({ name: 'scoring', envSchema: scoringEnvSchema, module: ScoringModule });
