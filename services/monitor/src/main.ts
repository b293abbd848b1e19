import { platformEnvSchema, runService } from '@readmit/platform';
import { MonitorModule } from './monitor.module';

runService({ name: 'monitor', envSchema: platformEnvSchema, module: MonitorModule });
