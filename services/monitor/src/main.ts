import { runService } from '@readmit/platform/bootstrap';
import { monitorEnvSchema } from './monitor.config';
import { MonitorModule } from './monitor.module';

runService({ name: 'monitor', envSchema: monitorEnvSchema, module: MonitorModule });
