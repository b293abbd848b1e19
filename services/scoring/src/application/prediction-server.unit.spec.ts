import { PLAINTEXT } from '@readmit/platform/config';
import type { EventPublisher, OutgoingEvent, TopicMessages } from '@readmit/platform/kafka';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { IncomingRequest } from '../infrastructure/batching-server-kafka';
import { PredictionServer } from './prediction-server';
import { ScoringMetrics } from './scoring-metrics';
import { ServingModels } from './serving-models';

/** What the server handed its publisher, call by call. */
interface Sent {
  readonly events: readonly OutgoingEvent[];
  readonly alongside: readonly TopicMessages[];
}

/**
 * A publisher whose produce requests fail as told (a Kafka broker refusing one partition of a
 * request cannot be arranged on demand): the server's fallback is what is under test here; the
 * happy path runs against real Kafka in test/integration/prediction-rpc.int.spec.ts.
 */
function publisherFailing(failures: number): { publisher: EventPublisher; sent: Sent[] } {
  const sent: Sent[] = [];
  let left = failures;
  const publishAll = async (
    events: readonly OutgoingEvent[],
    alongside: readonly TopicMessages[] = [],
  ) => {
    sent.push({ events, alongside });
    if (left-- > 0) throw new Error('broker refused the produce request');
    return [];
  };
  // Only publishAll is used by the server.
  return { publisher: { publishAll } as unknown as EventPublisher, sent };
}

function request(correlationId: string, data: unknown): IncomingRequest {
  return {
    data,
    partition: 0,
    offset: 0,
    producedAt: Date.now(),
    replyTo: { correlationId, topic: 'scoring.replies', partition: '0' },
  };
}

/** The reply values the server sent, as the gateway reads them. */
function repliesIn(sent: Sent): unknown[] {
  return sent.alongside.flatMap(({ messages }) =>
    messages.map(({ value }) => JSON.parse(String(value))),
  );
}

function serverWith(publisher: EventPublisher): PredictionServer {
  return new PredictionServer(new ServingModels(), publisher, pino({ level: 'silent' }), new ScoringMetrics(new Registry()), {
    brokers: ['localhost:1'], // never connected: answerAll is called directly
    security: PLAINTEXT,
    topicPrefix: '',
    groupId: 'unit',
    clientId: 'unit',
    producer: 'scoring',
    topContributions: 5,
  }); // prettier-ignore
}

describe('PredictionServer.answerAll when the replies cannot be sent', () => {
  const requests = [request('a', { encounters: [] }), request('b', { encounters: [{}] })];

  it('sends each request its own reply when the produce request succeeds', async () => {
    const { publisher, sent } = publisherFailing(0);
    const replies = await serverWith(publisher).answerAll(requests);
    expect(sent).toHaveLength(1);
    // No model serves in these tests: the replies a sent batch gets then.
    expect(replies.map((reply) => (reply.ok ? 'ok' : reply.message))).toEqual([
      'no champion model is serving yet',
      'no champion model is serving yet',
    ]);
    expect(repliesIn(sent[0])).toEqual(replies);
  });

  it('answers every request unavailable, in a second produce request without events', async () => {
    const { publisher, sent } = publisherFailing(1);
    const replies = await serverWith(publisher).answerAll(requests);
    const unavailable = {
      ok: false,
      error: 'unavailable',
      message: 'the predictions could not be recorded',
    };
    expect(replies).toEqual([unavailable, unavailable]);
    expect(sent).toHaveLength(2);
    expect(sent[1].events).toEqual([]);
    expect(repliesIn(sent[1])).toEqual([unavailable, unavailable]);
    // Each reply still goes to its own request (correlation id header).
    const correlationIds = sent[1].alongside.flatMap(({ messages }) =>
      messages.map(({ headers }) => String(headers?.['kafka_correlationId'])),
    );
    expect(correlationIds).toEqual(['a', 'b']);
  });

  it('still resolves when the unavailable replies cannot be sent either', async () => {
    const { publisher, sent } = publisherFailing(2);
    const replies = await serverWith(publisher).answerAll(requests);
    expect(sent).toHaveLength(2);
    expect(replies.every((reply) => !reply.ok && reply.error === 'unavailable')).toBe(true);
  });
});
