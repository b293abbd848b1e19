import { runService } from '@readmit/platform/bootstrap';
import { trainerService } from './trainer.definition';

runService(trainerService);
