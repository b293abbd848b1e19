import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * A constructor for Node's HTTP server (it calls `new`) whose instances are made by `base` with
 * `prototype` as their prototype from the start. Node's IncomingMessage and ServerResponse are
 * plain constructor functions, so they can initialise an instance of another prototype.
 */
function constructing(base: (...args: never[]) => unknown, prototype: object): unknown {
  function Constructed(this: unknown, ...args: never[]): void {
    base.apply(this, args);
  }
  Constructed.prototype = prototype;
  return Constructed;
}

/**
 * Nest's Express adapter, with an HTTP server that makes each request and response with
 * Express's prototypes (`app.request`, `app.response`) already theirs. Express sets them on every
 * request (`Object.setPrototypeOf(req, app.request)` in `app.handle`); on V8 the objects whose
 * prototype changed after they were made outlived young collections, so ~17 KB per request
 * reached the old generation and the gateway ran a Mark-Compact every ~3 s at 200 requests/s
 * (a plain Node server doing the same work: none). With the prototypes already in place,
 * Express's call changes nothing. HTTPS and forced connection closing, which we do not use, keep
 * Nest's own set-up.
 */
export class ExpressHttpAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    // Node's typings know these two only as classes; they are functions at run time (see above).
    this.httpServer = createServer(
      {
        IncomingMessage: constructing(
          IncomingMessage as unknown as (...args: never[]) => unknown,
          app.request,
        ) as typeof IncomingMessage,
        ServerResponse: constructing(
          ServerResponse as unknown as (...args: never[]) => unknown,
          app.response,
        ) as typeof ServerResponse,
      },
      app,
    );
  }
}
