import { EventEmitter } from 'node:events';
import type { Consumer, ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { ReadinessRegistry } from '../health/readiness';
import { LogPositions } from './log-positions';
import { nextRestartDelay, RestartSchedule } from './restart-backoff';
import { SupervisedConsumer } from './supervised-consumer';

/**
 * A stand-in for kafkajs consumers: records what the supervisor asks of each one and lets the
 * test fire their instrumentation events (GROUP_JOIN, CRASH) as kafkajs would.
 */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'group_join', CRASH: 'crash', FETCH: 'fetch' };
  runConfig: ConsumerRunConfig | undefined;
  readonly calls: string[] = [];
  readonly seeks: Array<{ topic: string; partition: number; offset: string }> = [];
  constructor(
    readonly config: ConsumerConfig,
    private readonly failConnect: boolean,
  ) {
    super();
  }
  async connect() {
    this.calls.push('connect');
    if (this.failConnect) throw new Error('broker unreachable');
  }
  async subscribe() {
    this.calls.push('subscribe');
  }
  async run(config: ConsumerRunConfig) {
    this.runConfig = config;
    this.calls.push('run');
    this.join();
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
  seek(position: { topic: string; partition: number; offset: string }) {
    this.seeks.push(position);
  }
  join() {
    this.emit('group_join', { payload: {} });
  }
  crash(restart: boolean) {
    this.emit('crash', {
      payload: { error: new Error('Failed to find group coordinator'), restart },
    });
  }
}

function fakeKafka(failConnects: number) {
  const consumers: FakeConsumer[] = [];
  let failuresLeft = failConnects;
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      const fail = failuresLeft > 0 && consumers.length > 0;
      if (fail) failuresLeft -= 1;
      const consumer = new FakeConsumer(config, fail);
      consumers.push(consumer);
      return consumer as unknown as Consumer;
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}

const logger = pino({ level: 'silent' });

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SupervisedConsumer', () => {
  it('replaces a consumer that kafkajs leaves down after a crash, and is not ready meanwhile', async () => {
    const { kafka, consumers } = fakeKafka(0);
    const readiness = new ReadinessRegistry();
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'scoring',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({ eachMessage: async () => undefined }),
        readiness,
        backoff: { initialMs: 30, maxMs: 30 },
      },
      logger,
    );
    await supervised.start();
    expect(supervised.state).toBe('running');
    expect((await readiness.evaluate()).ready).toBe(true);

    consumers[0].crash(false);
    expect(supervised.state).toBe('restarting');
    const report = await readiness.evaluate();
    expect(report.ready).toBe(false);
    expect(report.checks['consumer:scoring'].error).toContain('Failed to find group coordinator');

    await until(() => supervised.state === 'running');
    expect(consumers).toHaveLength(2);
    expect(consumers[0].calls).toContain('disconnect');
    expect(consumers[1].calls).toEqual(['connect', 'subscribe', 'run']);
    expect(consumers[1].config.groupId).toBe('g');
    // The replacement takes the crashed consumer's place in the group (static membership).
    expect(consumers[0].config.groupInstanceId).toMatch(/^scoring-/);
    expect(consumers[1].config.groupInstanceId).toBe(consumers[0].config.groupInstanceId);
    expect(supervised.restartCount).toBe(1);
    expect((await readiness.evaluate()).ready).toBe(true);
    await supervised.stop();
  });

  it('takes every restart itself: kafkajs is told never to restart on its own', async () => {
    const { kafka, consumers } = fakeKafka(0);
    const supervised = new SupervisedConsumer(
      kafka,
      { name: 'c', config: { groupId: 'g' }, topics: ['t'], run: () => ({}) },
      logger,
    );
    await supervised.start();
    const restartOnFailure = consumers[0].config.retry?.restartOnFailure;
    expect(restartOnFailure).toBeDefined();
    await expect(restartOnFailure!(new Error('x'))).resolves.toBe(false);
    await supervised.stop();
  });

  it('keeps trying while the broker is away, with capped backoff, until a consumer runs', async () => {
    const { kafka, consumers } = fakeKafka(3);
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'c',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({}),
        backoff: { initialMs: 10, maxMs: 20 },
      },
      logger,
    );
    await supervised.start();
    consumers[0].crash(true);
    await until(() => supervised.state === 'running' && consumers.length === 5);
    expect(consumers.slice(1, 4).every((consumer) => consumer.calls.includes('disconnect'))).toBe(
      true,
    );
    expect(supervised.restartCount).toBe(4);
    await supervised.stop();
  });

  it('fails the first start with the reason, so a service with a wrong broker does not start', async () => {
    const kafka = {
      consumer: (config: ConsumerConfig) => new FakeConsumer(config, true) as unknown as Consumer,
    } as unknown as Kafka;
    const supervised = new SupervisedConsumer(
      kafka,
      { name: 'c', config: { groupId: 'g' }, topics: ['t'], run: () => ({}) },
      logger,
    );
    await expect(supervised.start()).rejects.toThrow('broker unreachable');
  });

  it('is not ready while work of its consumer retries in place, ready again once it recovers', async () => {
    const { kafka } = fakeKafka(0);
    const readiness = new ReadinessRegistry();
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'scoring',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({ eachMessage: async () => undefined }),
        readiness,
      },
      logger,
    );
    await supervised.start();
    const partitionZero = {};
    const partitionOne = {};
    supervised.stalled(partitionZero, new Error('Connection timeout'));
    supervised.stalled(partitionOne, new Error('Connection refused'));
    const report = await readiness.evaluate();
    expect(report.ready).toBe(false);
    expect(report.checks['consumer:scoring'].error).toMatch(/retrying in place \(Connection/);

    supervised.recovered(partitionZero);
    expect((await readiness.evaluate()).ready).toBe(false);
    supervised.recovered(partitionOne);
    expect((await readiness.evaluate()).ready).toBe(true);
    await supervised.stop();
  });

  it('is not ready when it has not fetched for a while with no batch in hand, and ready while a batch takes long', async () => {
    const { kafka, consumers } = fakeKafka(0);
    const readiness = new ReadinessRegistry();
    let finishBatch: () => void = () => undefined;
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'monitor',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({
          eachBatch: () => new Promise<void>((resolve) => (finishBatch = resolve)),
        }),
        readiness,
        fetchStaleMs: 40,
      },
      logger,
    );
    await supervised.start();
    expect((await readiness.evaluate()).ready).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const quiet = await readiness.evaluate();
    expect(quiet.ready).toBe(false);
    expect(quiet.checks['consumer:monitor'].error).toMatch(/has not fetched for/);

    consumers[0].emit('fetch', { payload: {} });
    expect((await readiness.evaluate()).ready).toBe(true);

    // A long batch is work, not a stall.
    const handling = consumers[0].runConfig?.eachBatch?.({} as EachBatchPayload);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await readiness.evaluate()).ready).toBe(true);
    finishBatch();
    await handling;
    expect((await readiness.evaluate()).ready).toBe(true);
    await supervised.stop();
  });

  it('does not come back after stop(), and leaves readiness', async () => {
    const { kafka, consumers } = fakeKafka(0);
    const readiness = new ReadinessRegistry();
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'c',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({}),
        readiness,
        backoff: { initialMs: 10, maxMs: 10 },
      },
      logger,
    );
    await supervised.start();
    consumers[0].crash(false);
    await supervised.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumers).toHaveLength(1);
    expect(supervised.state).toBe('stopped');
    expect((await readiness.evaluate()).checks).toEqual({});
  });

  it('hands every new consumer to onCreated and onRunning (listeners, seeks)', async () => {
    const { kafka, consumers } = fakeKafka(0);
    const positions = new LogPositions();
    positions.handled('t', 0, '41');
    const created: Consumer[] = [];
    const supervised = new SupervisedConsumer(
      kafka,
      {
        name: 'c',
        config: { groupId: 'g' },
        topics: ['t'],
        run: () => ({}),
        onCreated: (consumer) => created.push(consumer),
        onRunning: (consumer) => positions.seek(consumer),
        backoff: { initialMs: 5, maxMs: 5 },
      },
      logger,
    );
    const joins: number[] = [];
    supervised.onGroupJoin(() => joins.push(Date.now()));
    await supervised.start();
    consumers[0].crash(false);
    await until(() => supervised.state === 'running' && consumers.length === 2);
    expect(created).toHaveLength(2);
    expect(consumers[1].seeks).toEqual([{ topic: 't', partition: 0, offset: '42' }]);
    expect(joins).toHaveLength(2);
    await supervised.stop();
  });
});

describe('LogPositions', () => {
  it('skips what was handled and seeks past it', () => {
    const positions = new LogPositions();
    expect(positions.handledBefore('t', 0, '0')).toBe(false);
    positions.handled('t', 0, '9');
    positions.startAt('u', 2, '100');
    expect(positions.handledBefore('t', 0, '9')).toBe(true);
    expect(positions.handledBefore('t', 0, '10')).toBe(false);
    expect(positions.handledBefore('t', 1, '0')).toBe(false);
    expect(positions.handledBefore('u', 2, '99')).toBe(true);
    const seeks: unknown[] = [];
    positions.seek({ seek: (position) => seeks.push(position) });
    expect(seeks).toEqual([
      { topic: 't', partition: 0, offset: '10' },
      { topic: 'u', partition: 2, offset: '100' },
    ]);
  });
});

describe('nextRestartDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const backoff = { initialMs: 500, maxMs: 5_000 };
    expect([1, 2, 3, 4, 5, 50].map((failures) => nextRestartDelay(failures, backoff))).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });
});

describe('RestartSchedule', () => {
  it('backs off further with each failure in a row, starts over after a success, and runs only the last restart', async () => {
    const schedule = new RestartSchedule({ initialMs: 10, maxMs: 40 });
    const runs: string[] = [];
    expect(schedule.schedule(() => void runs.push('first'))).toBe(10);
    expect(schedule.schedule(() => void runs.push('second'))).toBe(20);
    expect(schedule.failuresInARow).toBe(2);
    await until(() => runs.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toEqual(['second']);

    schedule.succeeded();
    expect(schedule.schedule(() => void runs.push('third'))).toBe(10);
    schedule.cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toEqual(['second']);
  });
});
