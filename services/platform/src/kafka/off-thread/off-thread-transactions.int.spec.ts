import { TOPICS } from '@readmit/contracts';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { isolatedCatalog, physical, readTopic, testKafka } from '../../../../../test/support/kafka';
import { OffThreadTransactions } from './off-thread-transactions';

const message = (topic: string, key: string, bytes = 100) => ({
  topic,
  key,
  value: Buffer.alloc(bytes, 1),
  eventType: 'PredictionMade',
});

describe('OffThreadTransactions', () => {
  it('commits in order, refuses every commit after a failed one until fenced again', async () => {
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.backfillPredictions]);
    const topic = physical(TOPICS.backfillPredictions, prefix);
    const transactions = new OffThreadTransactions({
      brokers: testEndpoints().kafkaBrokers,
      clientId: 'off-thread-transactions-test',
      transactionalId: uniqueName('tx'),
      transactionTimeoutMs: 10_000,
      logLevel: 'fatal',
    });
    try {
      await transactions.fence();
      await transactions.commit([message(topic, 'first'), message(topic, 'second')]);
      // Asked together: the first is over the broker's message size and fails; the second
      // would commit a later checkpoint over the lost one, so it is refused.
      const tooLarge = transactions.commit([message(topic, 'too-large', 2 * 1024 * 1024)]);
      const after = transactions.commit([message(topic, 'after')]);
      await expect(tooLarge).rejects.toThrow(/larger than the max message size/);
      await expect(after).rejects.toThrow(/an earlier transaction failed/);
      await transactions.fence();
      await transactions.commit([message(topic, 'fenced-again')]);

      const read = await readTopic(kafka, topic, { count: 3, settleMs: 1_000 });
      expect(read.map(({ message: m }) => m.key?.toString()).sort()).toEqual([
        'fenced-again',
        'first',
        'second',
      ]);
      expect(
        read.every(({ message: m }) => m.headers?.eventType?.toString() === 'PredictionMade'),
      ).toBe(true);
    } finally {
      await transactions.disconnect();
    }
  });
});
