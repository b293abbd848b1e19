import { javaPropertiesValue, kafkaServerProperties } from './components/kafka.component';

describe("Kafka's server.properties", () => {
  const ports = { kafka: 9092, kafkaController: 9093 };

  it('writes a log folder with a space as it is: java.util.Properties keeps inner spaces', () => {
    const lines = kafkaServerProperties(ports, '/tmp/x/my clone/.readmit/data/kafka').split('\n');
    expect(lines).toContain('log.dirs=/tmp/x/my clone/.readmit/data/kafka');
    expect(lines).toContain('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
  });

  it('escapes what java.util.Properties would otherwise misread', () => {
    expect(javaPropertiesValue('C:\\clones\\readmit')).toBe('C:\\\\clones\\\\readmit');
    // Read as Latin-1: anything else is written as UTF-16 escapes.
    expect(javaPropertiesValue('/home/zoë/📁')).toBe('/home/zo\\u00eb/\\ud83d\\udcc1');
    expect(javaPropertiesValue(' lead')).toBe('\\ lead');
    expect(javaPropertiesValue('/a #b !c =d :e')).toBe('/a #b !c =d :e');
  });
});
