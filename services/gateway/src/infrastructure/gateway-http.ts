import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import { SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { raw, type NextFunction, type Request, type Response } from 'express';
import type { GatewayEnv } from '../gateway.config';

/** Generous for the largest batch: an encounter is about 1.2 KiB of JSON. */
const BYTES_PER_ENCOUNTER = 4 * 1024;
/**
 * Per row of an inference request: an encounter's column tensors are about the JSON of /v1, a
 * row of a feature tensor as JSON ~20 bytes per feature (a few hundred features).
 */
const BYTES_PER_INFERENCE_ROW = 16 * 1024;

/** The Open Inference Protocol's routes, whose bodies are read raw. */
const OPEN_INFERENCE = /^\/v2(\/|\?|$)/;

/**
 * The gateway's HTTP set-up that the platform's `createService` has no hook for: it starts
 * listening before it returns the application. So this provider does it from inside:
 *
 * - JSON bodies are read as text, up to a full batch (Nest's JSON parser stops at 100 KiB), and
 *   parsed by the controller (the platform's guard has checked the credential before) and answers invalid JSON in the
 *   house format. Registered while providers are built, before Nest adds its own parsers (it
 *   skips bodies already read).
 * - Bodies of the Open Inference Protocol (`/v2`) are read as bytes whatever their content type
 *   (tritonclient sends none; a binary tensor request is JSON followed by raw tensor data), and
 *   a body the parser refuses (too large, an unknown encoding) is answered in its error shape.
 *
 * The OpenAPI document (`/openapi.json`, Swagger UI at `/docs`) is the platform's, as for every
 * service; what the gateway says in it is in gateway.definition.ts.
 */
@Injectable()
export class GatewayHttp {
  private readonly adapter: ExpressAdapter;

  constructor(
    @Inject(HttpAdapterHost) host: HttpAdapterHost<ExpressAdapter>,
    @Inject(SERVICE_CONFIG) env: GatewayEnv,
  ) {
    this.adapter = host.httpAdapter;
    this.adapter.useBodyParser('text', false, {
      type: (request: Request) =>
        contentTypeOf(request) === 'application/json' && !OPEN_INFERENCE.test(request.url),
      limit: Math.max(64 * 1024, env.READMIT_GATEWAY_MAX_BATCH * BYTES_PER_ENCOUNTER),
    });
    const readRaw = raw({
      type: () => true,
      limit: Math.max(256 * 1024, env.READMIT_GATEWAY_MAX_BATCH * BYTES_PER_INFERENCE_ROW),
    });
    this.adapter.use('/v2', (request: Request, response: Response, next: NextFunction) =>
      readRaw(request, response, (error?: unknown) => {
        if (!error) return next();
        const { status, message } = error as { status?: number; message?: string };
        response
          .status(typeof status === 'number' && status >= 400 && status < 500 ? status : 400)
          .json({ error: `the body could not be read: ${message ?? 'unknown error'}` });
      }),
    );
  }
}

function contentTypeOf(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}
