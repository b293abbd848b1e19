import { Controller, HttpException, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { readBundle, type FhirIssue } from '@readmit/fhir';
import { RequireRole } from '@readmit/platform/auth';
import { LOGGER, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { DescribeRequest } from '@readmit/platform/openapi';
import type { Bundle, OperationOutcome } from '@readmit/fhir';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { completeRecords } from '../../infrastructure/complete-records';
import type { IngestEnv } from '../../ingest.config';
import { entryCountOf, fatesByEntry, outcomeOf, responseBundle, summaryOf } from './fhir-answers';
import { FhirIngestService } from './fhir-ingest.service';
import type { FhirEntry, FhirInputMode } from './ingest-fhir';
import { readNdjsonEntries, readWholeBody, BodyTooLargeError } from './fhir-bodies';

const FHIR_JSON = 'application/fhir+json';
const CATCH_UP_WAIT_MS = 10_000;
const RETRY_AFTER_SECONDS = 5;

/** Every answer of POST /fhir is a FHIR resource: a response Bundle or an OperationOutcome. */
const outcome = (status: number, description: string) =>
  ApiResponse({
    status,
    description,
    content: {
      [FHIR_JSON]: { schema: { type: 'object', description: 'A FHIR OperationOutcome.' } },
    },
  });

/**
 * `POST /fhir`: FHIR R4 in (docs/ingest.md, FHIR). A `Bundle` (`application/fhir+json`) of type
 * `transaction` (all or nothing, answered with a `transaction-response`), `batch` (each entry on
 * its own, answered with a `batch-response`) or `collection` (all or nothing, answered with an
 * OperationOutcome); or Bulk Data NDJSON (`application/fhir+ndjson`: the files of a `$export`,
 * concatenated, one resource per line), each line on its own. Every finished inpatient encounter
 * becomes one EncounterRecorded (docs/fhir-mapping.md); refusals are OperationOutcomes whose
 * issues name their location.
 */
@ApiTags('fhir')
@Controller('fhir')
export class FhirController {
  constructor(
    @Inject(FhirIngestService) private readonly fhir: FhirIngestService,
    @Inject(SERVICE_CONFIG) private readonly env: IngestEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @RequireRole('ingest')
  @ApiOperation({
    summary: 'FHIR R4 in: a transaction, batch or collection Bundle, or Bulk Data NDJSON',
    description:
      'Every finished inpatient encounter becomes one EncounterRecorded (docs/fhir-mapping.md). A transaction is answered with a transaction-response Bundle, a batch with a batch-response Bundle, a collection and NDJSON with an OperationOutcome; refusals are OperationOutcomes whose issues name their location.',
  })
  @DescribeRequest({
    body: {
      contentTypes: [FHIR_JSON, 'application/fhir+ndjson'],
      description:
        'A Bundle (application/fhir+json, also application/json), or NDJSON resources (application/fhir+ndjson, also application/x-ndjson).',
    },
  })
  @outcome(200, 'Taken: a response Bundle, or an OperationOutcome that sums up what was taken.')
  @outcome(400, 'Refused: not JSON, not a Bundle, or an all-or-nothing Bundle with a bad entry.')
  @outcome(413, 'The body is larger than READMIT_FHIR_MAX_BODY_MB.')
  @outcome(415, 'Neither application/fhir+json nor application/fhir+ndjson.')
  @outcome(503, 'Ingest is still reading the log, or publishing failed: send it again.')
  async ingest(@Req() request: Request, @Res() response: Response): Promise<void> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const answer = (status: number, body: Bundle | OperationOutcome) =>
      void response.status(status).type(FHIR_JSON).send(JSON.stringify(body));
    if (
      ![FHIR_JSON, 'application/json', 'application/fhir+ndjson', 'application/x-ndjson'].includes(
        type,
      )
    )
      return answer(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        outcomeOf([
          issue(
            'not-supported',
            `send ${FHIR_JSON} (a Bundle) or application/fhir+ndjson, not '${type || 'no content type'}'`,
          ),
        ]),
      );
    if (!(await this.fhir.whenReady(CATCH_UP_WAIT_MS))) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      return answer(
        HttpStatus.SERVICE_UNAVAILABLE,
        outcomeOf([
          issue(
            'transient',
            'ingest is still reading the encounters already on the log; retry later',
          ),
        ]),
      );
    }
    const limit = this.env.READMIT_FHIR_MAX_BODY_MB * 1024 * 1024;
    try {
      if (type.endsWith('ndjson')) {
        const body = completeRecords(request, 'lines');
        const { entries, issues } = await readNdjsonEntries(body.stream, limit);
        const ingested = await this.fhir.ingest(entries, 'each-entry', 'fhir');
        const result = { ...ingested, issues: [...issues, ...ingested.issues] };
        const cut = body.end()?.cut === true;
        return answer(
          HttpStatus.OK,
          outcomeOf(
            result.issues,
            `${summaryOf(result)}${cut ? '; the body was cut off: complete lines before the cut were taken' : ''}`,
          ),
        );
      }
      const json = await readWholeBody(request, limit);
      const bundle = readBundle(json);
      if (bundle.type === undefined)
        return answer(HttpStatus.BAD_REQUEST, outcomeOf(bundle.issues));
      const mode: FhirInputMode = bundle.type === 'batch' ? 'each-entry' : 'all-or-nothing';
      // An entry without a resource to take refuses an all-or-nothing bundle; a batch answers it.
      if (mode === 'all-or-nothing' && bundle.issues.length > 0)
        return answer(HttpStatus.BAD_REQUEST, outcomeOf(bundle.issues));
      const entries: FhirEntry[] = bundle.entries.map((entry) => ({
        resource: entry.resource,
        fullUrl: entry.fullUrl,
        location: entry.location,
        position: entry.index + 1,
      }));
      const result = await this.fhir.ingest(entries, mode, 'fhir');
      if (bundle.type === 'batch')
        return answer(
          HttpStatus.OK,
          responseBundle(
            'batch-response',
            fatesByEntry(entryCountOf(json), bundle.entries, result.fates, bundle.issues),
          ),
        );
      if (!result.accepted) return answer(HttpStatus.BAD_REQUEST, outcomeOf(result.issues));
      if (bundle.type === 'transaction')
        return answer(
          HttpStatus.OK,
          responseBundle(
            'transaction-response',
            fatesByEntry(entryCountOf(json), bundle.entries, result.fates, []),
          ),
        );
      return answer(HttpStatus.OK, outcomeOf([], summaryOf(result)));
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return answer(
          HttpStatus.PAYLOAD_TOO_LARGE,
          outcomeOf([issue('too-costly', error.message)]),
        );
      if (error instanceof SyntaxError)
        return answer(
          HttpStatus.BAD_REQUEST,
          outcomeOf([issue('structure', 'the body is not JSON (or ended before the Bundle did)')]),
        );
      throw this.failed(error);
    }
  }

  /** Publishing or storing failed: the client hears it may send again (encounters are deduplicated). */
  private failed(error: unknown): HttpException {
    const { name, message, code } = error as { name?: string; message?: string; code?: unknown };
    this.logger.error({ error: { name, message, code } }, 'fhir ingest failed');
    return new HttpException(
      outcomeOf([
        issue(
          'transient',
          'the input could not be published or stored; send it again (encounters already recorded are not recorded twice)',
        ),
      ]),
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

/** A problem with the request as a whole (its media type, size, JSON). */
function issue(code: FhirIssue['code'], diagnostics: string): FhirIssue {
  return { severity: 'error', code, diagnostics, expression: ['Bundle'] };
}
