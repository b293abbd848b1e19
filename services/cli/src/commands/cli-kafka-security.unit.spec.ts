import { InfraError } from '../infra/infra-error';
import { cliKafkaSecurity } from './topics.command';

describe('the CLI’s Kafka security', () => {
  it('is plaintext with nothing set, and reads the services’ variables', () => {
    expect(cliKafkaSecurity({})).toEqual({ tls: null, sasl: null });
    expect(
      cliKafkaSecurity({
        READMIT_KAFKA_TLS: 'true',
        READMIT_KAFKA_SASL_MECHANISM: 'plain',
        READMIT_KAFKA_SASL_USERNAME: 'API_KEY',
        READMIT_KAFKA_SASL_PASSWORD: 'API_SECRET',
      }),
    ).toEqual({
      tls: {},
      sasl: { mechanism: 'plain', username: 'API_KEY', password: 'API_SECRET' },
    });
  });

  it('refuses what a service would refuse, naming the variable', () => {
    expect(() => cliKafkaSecurity({ READMIT_KAFKA_TLS: 'maybe' })).toThrow(
      new InfraError('READMIT_KAFKA_TLS: must be true or false'),
    );
    expect(() =>
      cliKafkaSecurity({
        READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        READMIT_KAFKA_TLS: 'true',
      }),
    ).toThrow(
      /READMIT_KAFKA_SASL_USERNAME: required with READMIT_KAFKA_SASL_MECHANISM=scram-sha-512/,
    );
  });
});
