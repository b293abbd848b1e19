import type { Admin, Kafka } from 'kafkajs';

/**
 * A readiness check that asks the cluster to describe itself through one long-lived admin client,
 * so `/ready` does not open a new connection on every probe.
 */
export class KafkaReadiness {
  private admin: Admin | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly kafka: Kafka) {}

  readonly check = async (): Promise<void> => {
    const admin = await this.connectedAdmin();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
  };

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    await admin?.disconnect();
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      this.connecting = this.admin.connect().catch((error: unknown) => {
        this.admin = undefined;
        this.connecting = undefined;
        throw error;
      });
    }
    const admin = this.admin;
    await this.connecting;
    return admin;
  }
}
