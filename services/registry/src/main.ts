import { runService } from '@readmit/platform/bootstrap';
import { registryService } from './registry.definition';

runService(registryService);
