import { ForbiddenException, HttpException, type ArgumentsHost } from '@nestjs/common';
import type { Logger } from '@readmit/platform/logging';
import { InferenceError, InferenceErrorsFilter } from './inference-errors.filter';

/** What the filter answered: status and body. */
function answered(exception: unknown, logged: unknown[] = []) {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as ArgumentsHost;
  const logger = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
  new InferenceErrorsFilter(logger).catch(exception, host);
  return sent;
}

describe('InferenceErrorsFilter', () => {
  it('answers every /v2 error as {"error": "..."} with its status', () => {
    expect(answered(new InferenceError(404, "model 'x' is not served here"))).toEqual({
      status: 404,
      body: { error: "model 'x' is not served here" },
    });
    // The platform guard's refusals carry a message.
    expect(
      answered(new ForbiddenException({ message: 'this route needs the predict role' })),
    ).toEqual({ status: 403, body: { error: 'this route needs the predict role' } });
    expect(answered(new HttpException({ message: 'too many' }, 429))).toEqual({
      status: 429,
      body: { error: 'too many' },
    });
  });

  it('logs what it did not expect and answers 500 without its details', () => {
    const logged: unknown[] = [];
    expect(answered(new Error('boom at 149190'), logged)).toEqual({
      status: 500,
      body: { error: 'the request failed inside the gateway' },
    });
    expect(logged).toHaveLength(1);
  });
});
