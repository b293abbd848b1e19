import { platformEnvSchema, runService } from '@readmit/platform';
import { ScoringModule } from './scoring.module';

runService({ name: 'scoring', envSchema: platformEnvSchema, module: ScoringModule });
