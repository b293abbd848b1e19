import {
  BadRequestException,
  ConflictException,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { pseudonymPattern } from '@readmit/contracts';
import {
  actorOf,
  AuthenticatedPrincipal,
  RequireRole,
  type Principal,
} from '@readmit/platform/auth';
import { LOGGER } from '@readmit/platform/bootstrap';
import { EventPublisher, newEnvelope, PATIENT_SEALING } from '@readmit/platform/kafka';
import { DescribeRequest, JsonResponse } from '@readmit/platform/openapi';
import type { PatientSealing } from '@readmit/platform/privacy/sealing';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  forgetPatient,
  forgetPatientResult,
  NotAPatientPseudonymError,
  SealingOffError,
  type ForgetPatientResult,
} from './forget-patient';

/** The path: the patient's pseudonym (forgetPatient checks its form, isPseudonym, the same pattern). */
export const forgetParams = z.object({
  patient: z
    .string()
    .regex(pseudonymPattern('patient'))
    .describe('The patient pseudonym (pat_…), never a raw patient number.'),
});

/**
 * `POST /v1/patients/{patient}/forget` (operate): destroys the patient's data key and publishes
 * PatientForgotten (docs/security.md, "Forgetting a patient"). The path holds the patient's
 * pseudonym, never a raw patient number. 409 when the service seals nothing (READMIT_KEK unset).
 */
@ApiTags('patients')
@Controller('v1/patients')
export class ForgetPatientController {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(PATIENT_SEALING) private readonly sealing: PatientSealing | undefined,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':patient/forget')
  @RequireRole('operate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Forget a patient: destroy their data key and publish PatientForgotten',
    description: 'docs/security.md, "Forgetting a patient".',
  })
  @DescribeRequest({
    params: forgetParams,
    invalid: 'The path does not hold a patient pseudonym (field `patient`).',
    errors: { 409: 'This service seals nothing (READMIT_KEK unset): there is no key to destroy.' },
  })
  @JsonResponse(
    200,
    'Forgotten: the data key destroyed (if any) and PatientForgotten published.',
    forgetPatientResult,
  )
  async forget(
    @Param('patient') patient: string,
    @AuthenticatedPrincipal() principal: Principal,
  ): Promise<ForgetPatientResult> {
    try {
      const result = await forgetPatient(patient, actorOf(principal), {
        keys: this.sealing?.sealer.keys,
        publish: async (key, event) =>
          void (await this.publisher.publish('PatientForgotten', key, event)),
        envelope: () => newEnvelope('PatientForgotten', { producer: 'ingest@0.1.0' }),
      });
      // The pseudonym is not logged either (the event's contract: never logged).
      this.logger.info(
        {
          keyDestroyed: result.keyDestroyed,
          eventId: result.eventId,
          requestedBy: actorOf(principal),
        },
        'patient forgotten',
      );
      return result;
    } catch (error) {
      if (error instanceof NotAPatientPseudonymError)
        throw new BadRequestException({
          message: error.message,
          errors: [{ field: 'patient', message: 'must be a patient pseudonym (pat_…)' }],
        });
      if (error instanceof SealingOffError) throw new ConflictException({ message: error.message });
      throw error;
    }
  }
}
