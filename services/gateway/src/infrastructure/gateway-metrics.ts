import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { METRICS_REGISTRY } from '@readmit/platform/bootstrap';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The gateway's own metrics: HTTP requests, and the round trip to the scoring service. */
@Injectable()
export class GatewayMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Sending a request to scoring until its reply arrives (or the timeout), by outcome. */
  readonly scoringSeconds: Histogram<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'readmit_gateway_requests_total',
      help: 'HTTP requests to the prediction endpoints, by method, route and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.requestSeconds = new Histogram({
      name: 'readmit_gateway_request_seconds',
      help: 'HTTP request latency of the prediction endpoints, from the request to the response, by method, route and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.scoringSeconds = new Histogram({
      name: 'readmit_gateway_scoring_seconds',
      help: 'Round trip of a prediction request to the scoring service over Kafka, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }
}

/**
 * Counts and times every request to the routes it is applied to, whatever answered it (a guard,
 * validation, scoring), once the response is finished.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(GatewayMetrics) private readonly metrics: GatewayMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    response.on('finish', () => {
      // The route pattern, not the URL, keeps the label set small.
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: request.method, route, status: String(response.statusCode) };
      this.metrics.requests.inc(labels);
      this.metrics.requestSeconds.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  }
}
