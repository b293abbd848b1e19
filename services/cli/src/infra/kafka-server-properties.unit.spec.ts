import { clusterNodePorts } from './components/kafka-cluster.component';
import { javaPropertiesValue, kafkaServerProperties } from './components/kafka.component';

describe("Kafka's server.properties", () => {
  const ports = {
    nodeId: 1,
    ports: { broker: 9092, controller: 9093 },
    voters: [{ nodeId: 1, controllerPort: 9093 }],
  };

  it('writes a log folder with a space as it is: java.util.Properties keeps inner spaces', () => {
    const lines = kafkaServerProperties(ports, '/tmp/x/my clone/.readmit/data/kafka').split('\n');
    expect(lines).toContain('log.dirs=/tmp/x/my clone/.readmit/data/kafka');
    expect(lines).toContain('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
  });

  it('keeps internal topics unreplicated on one node', () => {
    const lines = kafkaServerProperties(ports, '/data').split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'node.id=1',
        'controller.quorum.voters=1@127.0.0.1:9093',
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'min.insync.replicas=1',
      ]),
    );
  });

  it('makes each node of a three-node cluster a voter, on its own ports, with RF 3 and min ISR 2', () => {
    const first = { broker: 9092, controller: 9093 };
    const voters = [1, 2, 3].map((nodeId) => ({
      nodeId,
      controllerPort: clusterNodePorts(first, nodeId).controller,
    }));
    const lines = kafkaServerProperties(
      { nodeId: 2, ports: clusterNodePorts(first, 2), voters },
      '/data/kafka-2',
    ).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'node.id=2',
        'controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293',
        'listeners=PLAINTEXT://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193',
        'advertised.listeners=PLAINTEXT://localhost:9192',
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'offsets.topic.replication.factor=3',
        'transaction.state.log.replication.factor=3',
        'transaction.state.log.min.isr=2',
      ]),
    );
  });

  it('escapes what java.util.Properties would otherwise misread', () => {
    expect(javaPropertiesValue('C:\\clones\\readmit')).toBe('C:\\\\clones\\\\readmit');
    // Read as Latin-1: anything else is written as UTF-16 escapes.
    expect(javaPropertiesValue('/home/zoë/📁')).toBe('/home/zo\\u00eb/\\ud83d\\udcc1');
    expect(javaPropertiesValue(' lead')).toBe('\\ lead');
    expect(javaPropertiesValue('/a #b !c =d :e')).toBe('/a #b !c =d :e');
  });
});
