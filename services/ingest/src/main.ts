import { runService } from '@readmit/platform/bootstrap';
import { ingestService } from './ingest.definition';

runService(ingestService);
