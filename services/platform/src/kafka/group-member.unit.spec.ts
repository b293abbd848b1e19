import type { Kafka, Producer, Transaction } from 'kafkajs';
import pino from 'pino';
import { GroupMember } from './group-member';
import { isRetriable } from './kafka-errors';

/** A transactional producer stand-in whose commit and abort fail on demand, as in an outage. */
class FakeProducer {
  readonly calls: string[] = [];
  failCommit = false;
  failAbort = false;
  failBegin = false;
  constructor(readonly id: number) {}
  async connect() {
    this.calls.push('connect');
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
  async transaction(): Promise<Transaction> {
    if (this.failBegin) throw new Error('Transaction state exception: Invalid state transition');
    this.calls.push('begin');
    return {
      commit: async () => {
        this.calls.push('commit');
        if (this.failCommit)
          throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
            name: 'KafkaJSConnectionError',
            retriable: true,
          });
      },
      abort: async () => {
        this.calls.push('abort');
        if (this.failAbort) throw new Error('Connection error: connect ECONNREFUSED');
      },
    } as unknown as Transaction;
  }
}

class Member extends GroupMember {
  constructor(makeProducer: () => Producer) {
    super({} as Kafka, { groupId: 'g', topics: [] }, makeProducer, pino({ level: 'silent' }));
  }
  transact(work: () => Promise<void> = async () => undefined) {
    return this.inTransaction(work);
  }
}

function member() {
  const producers: FakeProducer[] = [];
  const made = new Member(() => {
    const producer = new FakeProducer(producers.length);
    producers.push(producer);
    return producer as unknown as Producer;
  });
  return { made, producers };
}

describe('GroupMember.inTransaction', () => {
  it('commits what the work wrote', async () => {
    const { made, producers } = member();
    await made.transact();
    expect(producers[0].calls).toEqual(['begin', 'commit']);
  });

  it('aborts when the work throws, and rethrows what it threw', async () => {
    const { made, producers } = member();
    await expect(
      made.transact(async () => {
        throw new Error('message too large');
      }),
    ).rejects.toThrow('message too large');
    expect(producers[0].calls).toEqual(['begin', 'abort']);
  });

  it('replaces the producer before the next transaction when a commit and its abort both failed', async () => {
    const { made, producers } = member();
    producers[0].failCommit = true;
    producers[0].failAbort = true;
    const failure = await made.transact().catch((error: unknown) => error);
    // The broker was away: worth retrying, not dead-lettering.
    expect(isRetriable(failure)).toBe(true);
    expect(producers).toHaveLength(1);

    await made.transact();
    expect(producers).toHaveLength(2);
    expect(producers[0].calls).toContain('disconnect');
    expect(producers[1].calls).toEqual(['connect', 'begin', 'commit']);
  });

  it('keeps the producer when the abort went through', async () => {
    const { made, producers } = member();
    producers[0].failCommit = true;
    await made.transact().catch(() => undefined);
    producers[0].failCommit = false;
    await made.transact();
    expect(producers).toHaveLength(1);
  });

  it('replaces the producer after a request timeout inside the transaction, even when the abort went through', async () => {
    const { made, producers } = member();
    const timedOut = Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), {
      name: 'KafkaJSRequestTimeoutError',
      retriable: true,
    });
    await made
      .transact(async () => {
        throw timedOut;
      })
      .catch(() => undefined);
    expect(producers[0].calls).toEqual(['begin', 'abort']);
    await made.transact();
    expect(producers).toHaveLength(2);
    expect(producers[1].calls).toEqual(['connect', 'begin', 'commit']);
  });

  it('treats a producer that cannot begin a transaction as broken and retriable', async () => {
    const { made, producers } = member();
    producers[0].failBegin = true;
    const failure = await made.transact().catch((error: unknown) => error);
    expect(isRetriable(failure)).toBe(true);
    await made.transact();
    expect(producers).toHaveLength(2);
    expect(producers[1].calls).toEqual(['connect', 'begin', 'commit']);
  });
});
