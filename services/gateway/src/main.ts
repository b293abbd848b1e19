import { runService } from '@readmit/platform/bootstrap';
import { gatewayService } from './gateway.definition';

runService(gatewayService);
