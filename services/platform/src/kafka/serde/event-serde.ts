import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  decodeWireFormat,
  encodeWireFormat,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  subjectOf,
  topicName,
  topicOf,
  topicsOf,
  WireFormatError,
  type AvroRecord,
  type TopicDefinition,
  type EventType,
  type EventTypeMap,
} from '@readmit/contracts';
import avro from 'avsc';
import { PoisonMessageError, RetriableKafkaError, SchemaCompatibilityError } from '../kafka-errors';

export interface DecodedEvent<K extends EventType = EventType> {
  readonly eventType: K;
  readonly event: EventTypeMap[K];
  readonly schemaId: number;
}

export interface EventSerdeOptions {
  /** Prefix of physical topic names (and so of subjects); '' in production. */
  readonly topicPrefix?: string;
  /** Schemas to use instead of the generated ones (tests of schema evolution). */
  readonly schemas?: Partial<Record<EventType, AvroRecord>>;
}

const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Avro serde in the Confluent wire format. Writers use our schemas, registered at start-up
 * under BACKWARD compatibility; readers decode any registered writer version into our own
 * (reader) schema, so old events stay readable as the contracts evolve.
 */
export class EventSerde {
  private readonly schemas = new Map<EventType, AvroRecord>();
  private readonly readerTypes = new Map<EventType, avro.Type>();
  private readonly writerIds = new Map<EventType, number>();
  /** Writer ids of event types on topics other than their default one, by subject. */
  private readonly otherTopicWriterIds = new Map<string, number>();
  private readonly resolvers = new Map<
    number,
    { eventType: EventType; read: (payload: Buffer) => unknown }
  >();
  private readonly topicPrefix: string;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly registryUrl: string,
    options: EventSerdeOptions = {},
  ) {
    this.topicPrefix = options.topicPrefix ?? '';
    for (const eventType of EVENT_TYPES) {
      this.schemas.set(eventType, options.schemas?.[eventType] ?? EVENT_SCHEMAS[eventType]);
      this.readerTypes.set(
        eventType,
        avro.Type.forSchema(this.schemas.get(eventType) as avro.Schema),
      );
    }
  }

  static create(registryUrl: string, options: EventSerdeOptions = {}): EventSerde {
    return new EventSerde(
      new SchemaRegistry({ host: registryUrl, clientId: 'readmit' }),
      registryUrl,
      options,
    );
  }

  /** The subject of an event type on a topic (by default the topic that carries it). */
  subjectFor(eventType: EventType, topic: TopicDefinition = topicOf(eventType)): string {
    return subjectOf(topicName(topic, this.topicPrefix), eventType);
  }

  /**
   * Sets BACKWARD compatibility on each subject and registers our schema. A schema the registry
   * refuses throws SchemaCompatibilityError, before anything is produced.
   */
  async register(eventTypes: readonly EventType[] = EVENT_TYPES): Promise<void> {
    for (const eventType of eventTypes) {
      // An event type on several topics has a subject, and so a writer id, on each.
      for (const topic of topicsOf(eventType)) await this.registerOn(eventType, topic);
    }
  }

  private async registerOn(eventType: EventType, topic: TopicDefinition): Promise<void> {
    const subject = this.subjectFor(eventType, topic);
    await this.setBackwardCompatibility(subject);
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(this.schemas.get(eventType)) },
        { subject },
      );
      if (topic === topicOf(eventType)) this.writerIds.set(eventType, id);
      else this.otherTopicWriterIds.set(subject, id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/incompatib|409/i.test(message) || (error as { status?: number }).status === 409) {
        throw new SchemaCompatibilityError(subject, message);
      }
      throw new RetriableKafkaError(`registering ${subject} failed: ${message}`, {
        cause: error,
      });
    }
  }

  /** Serialises an event with its registered writer schema; invalid events fail with the field path. */
  encode<K extends EventType>(
    eventType: K,
    event: EventTypeMap[K],
    topic?: TopicDefinition,
  ): Buffer {
    // The default topic is the hot path: no subject string is built for it.
    const schemaId =
      topic === undefined || topic === topicOf(eventType)
        ? this.writerIds.get(eventType)
        : this.otherTopicWriterIds.get(this.subjectFor(eventType, topic));
    if (schemaId === undefined) {
      throw new Error(
        `${eventType} is not registered${topic ? ` on ${topic.name}` : ''}: call EventSerde.register() at start-up`,
      );
    }
    const type = this.readerTypes.get(eventType) as avro.Type;
    try {
      // avsc checks every value while it writes, so the happy path validates only once.
      return encodeWireFormat(schemaId, type.toBuffer(event));
    } catch {
      const problems: string[] = [];
      type.isValid(event, {
        // Paths and value kinds only: values may be patient data.
        errorHook: (path, value) =>
          problems.push(
            `${path.join('.') || '(root)'} (got ${value === null ? 'null' : typeof value})`,
          ),
      });
      throw new Error(
        `invalid ${eventType}: ${problems.slice(0, 5).join(', ') || 'value does not match the schema'}`,
      );
    }
  }

  /** Reads a message written with any registered version of any of our events. */
  async decode(message: Buffer | null): Promise<DecodedEvent> {
    let header: { schemaId: number; payload: Buffer };
    try {
      header = decodeWireFormat(message);
    } catch (error) {
      throw new PoisonMessageError('undecodable', (error as WireFormatError).message);
    }
    // Known schema ids are resolved without a trip through the event loop.
    const reader = this.resolvers.get(header.schemaId) ?? (await this.readerFor(header.schemaId));
    try {
      return {
        eventType: reader.eventType,
        event: reader.read(header.payload) as EventTypeMap[EventType],
        schemaId: header.schemaId,
      };
    } catch (error) {
      throw new PoisonMessageError(
        'undecodable',
        `payload does not match writer schema ${header.schemaId}: ${(error as Error).message}`,
      );
    }
  }

  private async readerFor(
    schemaId: number,
  ): Promise<{ eventType: EventType; read: (payload: Buffer) => unknown }> {
    const cached = this.resolvers.get(schemaId);
    if (cached) return cached;
    let writer: avro.Type;
    try {
      writer = (await this.registry.getSchema(schemaId)) as unknown as avro.Type;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/not found|404|40403/i.test(message) || (error as { status?: number }).status === 404) {
        throw new PoisonMessageError(
          'unknown_schema',
          `schema id ${schemaId} is not in the registry`,
        );
      }
      throw new RetriableKafkaError(`fetching schema ${schemaId} failed: ${message}`, {
        cause: error,
      });
    }
    const name = writer.name ?? '';
    const eventType = name.slice(name.lastIndexOf('.') + 1) as EventType;
    const readerType = this.readerTypes.get(eventType);
    if (!readerType) {
      throw new PoisonMessageError(
        'unknown_event_type',
        `schema id ${schemaId} is '${name}', not a Readmit event`,
      );
    }
    let resolver: avro.Resolver;
    try {
      resolver = readerType.createResolver(writer);
    } catch (error) {
      throw new PoisonMessageError(
        'undecodable',
        `writer schema ${schemaId} cannot be read as ${eventType}: ${(error as Error).message}`,
      );
    }
    const entry = {
      eventType,
      read: (payload: Buffer) => readerType.fromBuffer(payload, resolver),
    };
    this.resolvers.set(schemaId, entry);
    return entry;
  }

  private async setBackwardCompatibility(subject: string): Promise<void> {
    const response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': REGISTRY_CONTENT_TYPE, Accept: REGISTRY_CONTENT_TYPE },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    }).catch((error: unknown) => {
      throw new RetriableKafkaError(
        `schema registry at ${this.registryUrl} is unreachable: ${String(error)}`,
      );
    });
    if (!response.ok) {
      throw new RetriableKafkaError(
        `setting BACKWARD compatibility on ${subject} failed: HTTP ${response.status} ${await response.text()}`,
      );
    }
  }
}
