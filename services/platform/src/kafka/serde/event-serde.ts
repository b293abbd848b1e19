import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistryAuth } from '../../config/schema-registry-auth';
import {
  decodeWireFormat,
  encodeWireFormat,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  subjectOf,
  topicName,
  topicOf,
  topicsOf,
  unwritableIdentifier,
  upcastIdentifiers,
  WIRE_FORMAT_HEADER_LENGTH,
  MAGIC_BYTE,
  WireFormatError,
  type AvroRecord,
  type TopicDefinition,
  type EventType,
  type EventTypeMap,
} from '@readmit/contracts';
import avro from 'avsc';
import { EVENT_VALIDATORS, invalidEvent, type EventValidators } from '../event-validation';
import type { EventSealer, EventToWrite, PrepareOptions } from '../../privacy/sealing/event-sealer';
import {
  dropEmptySealedFields,
  isSealed,
  openFields,
  sealedContentReaderOf,
  sealingPatientOf,
  type SealedContentReader,
} from '../../privacy/sealing/sealed-fields-codec';
import {
  PatientForgottenError,
  PoisonMessageError,
  RetriableKafkaError,
  SchemaCompatibilityError,
} from '../kafka-errors';

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
  /**
   * The field rules decoded events must keep, by event type (default EVENT_VALIDATORS): an event
   * that breaks them is read as an InvalidEventError, like any other poison message.
   */
  readonly validators?: EventValidators;
  /**
   * Seals patient events as they are written and opens them as they are read, with patients'
   * data keys (READMIT_KEK). Without it, events are written in the clear and a sealed event
   * read is poison ('sealed_without_keys').
   */
  readonly sealer?: EventSealer;
  /** HTTP basic credentials for the registry (READMIT_SCHEMA_REGISTRY_USERNAME/_PASSWORD). */
  readonly registryAuth?: SchemaRegistryAuth;
}

/** The Authorization header for the registry's credentials, if any. */
export function registryAuthHeaders(auth: SchemaRegistryAuth | undefined): Record<string, string> {
  if (!auth) return {};
  const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  return { Authorization: `Basic ${basic}` };
}

const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** How messages of one writer schema are read: our reader type, resolved from it when needed. */
interface SchemaReader {
  readonly eventType: EventType;
  readonly type: avro.Type;
  /** Absent when the writer schema is our own. */
  readonly resolver: avro.Resolver | undefined;
  /** How to read what this writer sealed; absent when it predates sealing or seals nothing. */
  readonly sealed: SealedContentReader | undefined;
}

/** A message read with its writer schema, its sealed fields (if any) not opened yet. */
interface ReadEvent {
  readonly decoded: DecodedEvent;
  readonly reader: SchemaReader;
}

/** The writer schema id of a wire-format message; a message not in that format is poison. */
function schemaIdOf(message: Buffer | null): number {
  try {
    return decodeWireFormat(message).schemaId;
  } catch (error) {
    throw new PoisonMessageError('undecodable', (error as WireFormatError).message);
  }
}

/** The schema id when the message is in the wire format, otherwise null (no throw). */
function peekSchemaId(message: Buffer | null): number | null {
  return message && message.length >= WIRE_FORMAT_HEADER_LENGTH && message[0] === MAGIC_BYTE
    ? message.readInt32BE(1)
    : null;
}

/** Reads one message's payload (after its 5-byte header) with its writer schema's reader. */
function readWith(reader: SchemaReader, schemaId: number, message: Buffer): ReadEvent {
  let value: unknown;
  let end: number;
  try {
    ({ value, offset: end } = reader.type.decode(
      message,
      WIRE_FORMAT_HEADER_LENGTH,
      reader.resolver,
    ));
  } catch (error) {
    throw new PoisonMessageError(
      'undecodable',
      `payload does not match writer schema ${schemaId}: ${(error as Error).message}`,
    );
  }
  // A short payload reads as -1; bytes left over mean it was written with another schema.
  if (end !== message.length)
    throw new PoisonMessageError(
      'undecodable',
      `payload does not match writer schema ${schemaId}: ${end < 0 ? 'truncated' : 'trailing bytes'}`,
    );
  const event = value as EventTypeMap[EventType];
  // Identifiers written as longs before pseudonyms read as legacy clear ids: strings only.
  upcastIdentifiers(reader.eventType, event);
  return { decoded: { eventType: reader.eventType, event, schemaId }, reader };
}

/**
 * Refuses an event whose identifier fields are not pseudonyms (a clear id, a number): the one
 * place every producer's events pass, so no identifier reaches Kafka in the clear. The error
 * names the field, never its value.
 */
function assertPseudonymous<K extends EventType>(eventType: K, event: EventTypeMap[K]): void {
  const field = unwritableIdentifier(eventType, event);
  if (field !== null)
    throw new Error(
      `invalid ${eventType}: ${field} is not a pseudonym (identifiers are written only as their keyed pseudonyms)`,
    );
}

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
  /** The same ids by topic definition and event type: no subject string per message. */
  private readonly otherTopicIdCache = new Map<TopicDefinition, Map<EventType, number>>();
  private readonly resolvers = new Map<number, SchemaReader>();
  /** Prefix of physical topic names: the catalog's names follow it. */
  readonly topicPrefix: string;
  private readonly validators: EventValidators;
  private readonly sealer: EventSealer | undefined;
  private readonly registryAuth: SchemaRegistryAuth | undefined;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly registryUrl: string,
    options: EventSerdeOptions = {},
  ) {
    this.topicPrefix = options.topicPrefix ?? '';
    this.validators = options.validators ?? EVENT_VALIDATORS;
    this.sealer = options.sealer;
    this.registryAuth = options.registryAuth;
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
      new SchemaRegistry({
        host: registryUrl,
        clientId: 'readmit',
        // Its Auth type is an open record of strings; ours is the two it needs.
        auth: options.registryAuth ? { ...options.registryAuth } : undefined,
      }),
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
      else {
        this.otherTopicWriterIds.set(subject, id);
        this.otherTopicIdCache.clear();
      }
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
    const schemaId = this.writerIdOf(eventType, topic);
    assertPseudonymous(eventType, event);
    const type = this.readerTypes.get(eventType) as avro.Type;
    const written = this.sealer ? this.sealer.sealForWriting(eventType, event) : event;
    try {
      // avsc checks every value while it writes, so the happy path validates only once.
      return encodeWireFormat(schemaId, type.toBuffer(written));
    } catch {
      throw this.invalidEvent(eventType, event);
    }
  }

  /**
   * Serialises an event in the wire format straight into `target` at `offset`: returns where it
   * ends, or a negative number when it does not fit (a PackWriter then grows and asks again).
   */
  encodeInto<K extends EventType>(
    eventType: K,
    event: EventTypeMap[K],
    target: Buffer,
    offset: number,
    topic?: TopicDefinition,
  ): number {
    const schemaId = this.writerIdOf(eventType, topic);
    assertPseudonymous(eventType, event);
    if (offset + WIRE_FORMAT_HEADER_LENGTH > target.length) return -1;
    target[offset] = MAGIC_BYTE;
    target.writeInt32BE(schemaId, offset + 1);
    const type = this.readerTypes.get(eventType) as avro.Type;
    const written = this.sealer ? this.sealer.sealForWriting(eventType, event) : event;
    let end: number;
    try {
      end = type.encode(written, target, offset + WIRE_FORMAT_HEADER_LENGTH);
    } catch {
      throw this.invalidEvent(eventType, event);
    }
    // avsc returns the bytes missing (negative) when the value does not fit.
    return end < 0 ? -1 : end;
  }

  /**
   * Loads the data keys that sealing these events will need (made on a patient's first record,
   * unless `makeKeys: false`), so that encoding them stays synchronous. Publishers call it before
   * encoding a batch; without a sealer it does nothing. Returns the patients left without a key
   * (forgotten; only when keys are not made): their events must not be encoded.
   */
  async prepareToWrite(
    events: readonly EventToWrite[],
    options: PrepareOptions = {},
  ): Promise<ReadonlySet<string>> {
    if (!this.sealer) return new Set();
    try {
      return await this.sealer.prepare(events, options);
    } catch (error) {
      throw new RetriableKafkaError(`loading patients' data keys failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private writerIdOf(eventType: EventType, topic: TopicDefinition | undefined): number {
    // The hot paths build no subject string: the default topic, or a topic seen before.
    const schemaId =
      topic === undefined || topic === topicOf(eventType)
        ? this.writerIds.get(eventType)
        : (this.otherTopicIdCache.get(topic)?.get(eventType) ??
          this.otherTopicIdOf(eventType, topic));
    if (schemaId === undefined) {
      throw new Error(
        `${eventType} is not registered${topic ? ` on ${topic.name}` : ''}: call EventSerde.register() at start-up`,
      );
    }
    return schemaId;
  }

  private otherTopicIdOf(eventType: EventType, topic: TopicDefinition): number | undefined {
    const schemaId = this.otherTopicWriterIds.get(this.subjectFor(eventType, topic));
    if (schemaId === undefined) return undefined;
    const byType = this.otherTopicIdCache.get(topic) ?? new Map<EventType, number>();
    byType.set(eventType, schemaId);
    this.otherTopicIdCache.set(topic, byType);
    return schemaId;
  }

  private invalidEvent(eventType: EventType, event: unknown): Error {
    const type = this.readerTypes.get(eventType) as avro.Type;
    const problems: string[] = [];
    type.isValid(event, {
      // Paths and value kinds only: values may be patient data.
      errorHook: (path, value) =>
        problems.push(
          `${path.join('.') || '(root)'} (got ${value === null ? 'null' : typeof value})`,
        ),
    });
    return new Error(
      `invalid ${eventType}: ${problems.slice(0, 5).join(', ') || 'value does not match the schema'}`,
    );
  }

  /**
   * Reads a message written with any registered version of any of our events. An event that
   * breaks its type's field rules throws InvalidEventError: every reader gets valid events only.
   */
  async decode(message: Buffer | null): Promise<DecodedEvent> {
    const schemaId = schemaIdOf(message);
    // Known schema ids are resolved without a trip through the event loop.
    const reader = this.resolvers.get(schemaId) ?? (await this.readerFor(schemaId));
    const [result] = await this.opened([readWith(reader, schemaId, message as Buffer)]);
    if (result instanceof PoisonMessageError) throw result;
    return this.validated(result);
  }

  /**
   * Opens the sealed events among `read` with their patients' data keys, fetched in one trip:
   * an event whose patient was forgotten is a PatientForgottenError in its place, one that does
   * not open (altered, moved, another key) is poison. A key store that cannot be reached throws
   * a RetriableKafkaError.
   */
  private async opened(
    read: ReadonlyArray<ReadEvent | PoisonMessageError>,
  ): Promise<Array<DecodedEvent | PoisonMessageError>> {
    const patients = new Set<string>();
    for (const item of read)
      if (!(item instanceof PoisonMessageError) && isSealed(item.decoded.event))
        patients.add(sealingPatientOf(item.decoded.event));
    let keys = new Map<string, Buffer>();
    if (this.sealer && patients.size > 0) {
      try {
        keys = await this.sealer.keysOf([...patients]);
      } catch (error) {
        throw new RetriableKafkaError(`reading patients' data keys failed: ${String(error)}`, {
          cause: error,
        });
      }
    }
    return read.map((item) => {
      if (item instanceof PoisonMessageError) return item;
      const { decoded, reader } = item;
      if (!isSealed(decoded.event)) {
        dropEmptySealedFields(decoded.event);
        return decoded;
      }
      if (!this.sealer || !reader.sealed)
        return new PoisonMessageError(
          'sealed_without_keys',
          `${decoded.eventType} is sealed under a patient's data key and this reader holds no keys (set READMIT_KEK)`,
        );
      const key = keys.get(sealingPatientOf(decoded.event));
      if (!key) return new PatientForgottenError(decoded.eventType);
      try {
        openFields(decoded.eventType, decoded.event, key, reader.sealed);
        return decoded;
      } catch (error) {
        return new PoisonMessageError(
          'undecodable',
          `the sealed fields of ${decoded.eventType} do not open with its patient's key: ${(error as Error).message}`,
        );
      }
    });
  }

  private validated(decoded: DecodedEvent): DecodedEvent {
    const invalid = invalidEvent(this.validators, decoded.eventType, decoded.event);
    if (invalid) throw invalid;
    return decoded;
  }

  /**
   * Reads many messages at once: writer schemas not seen yet are fetched first (a registry
   * trip per new id), then every message is read in one synchronous pass, with no await per
   * message. A message that cannot be read is its PoisonMessageError in the result, in its
   * place (an event that breaks its field rules is its InvalidEventError), so the others still
   * stand; a registry that cannot be reached throws.
   */
  async decodeAll(
    messages: ReadonlyArray<Buffer | null>,
  ): Promise<Array<DecodedEvent | PoisonMessageError>> {
    const unknownIds = new Set<number>();
    for (const message of messages) {
      const schemaId = peekSchemaId(message);
      if (schemaId !== null && !this.resolvers.has(schemaId)) unknownIds.add(schemaId);
    }
    const unreadable = new Map<number, PoisonMessageError>();
    for (const schemaId of unknownIds) {
      await this.readerFor(schemaId).catch((error: unknown) => {
        if (!(error instanceof PoisonMessageError)) throw error;
        unreadable.set(schemaId, error);
      });
    }
    const read = messages.map((message) => {
      try {
        const schemaId = schemaIdOf(message);
        const reader = this.resolvers.get(schemaId);
        if (!reader) throw unreadable.get(schemaId) as PoisonMessageError;
        return readWith(reader, schemaId, message as Buffer);
      } catch (error) {
        if (error instanceof PoisonMessageError) return error;
        throw error;
      }
    });
    // Sealed events are opened with every key they need fetched at once, then validated.
    return (await this.opened(read)).map((item) => {
      if (item instanceof PoisonMessageError) return item;
      try {
        return this.validated(item);
      } catch (error) {
        if (error instanceof PoisonMessageError) return error;
        throw error;
      }
    });
  }

  private async readerFor(schemaId: number): Promise<SchemaReader> {
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
    // A writer schema that is our own needs no resolution: reading it directly is faster.
    const sealed = sealedContentReaderOf(eventType, writer.schema() as unknown as AvroRecord);
    if (JSON.stringify(writer.schema()) === JSON.stringify(readerType.schema())) {
      const entry: SchemaReader = { eventType, type: readerType, resolver: undefined, sealed };
      this.resolvers.set(schemaId, entry);
      return entry;
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
    const entry: SchemaReader = { eventType, type: readerType, resolver, sealed };
    this.resolvers.set(schemaId, entry);
    return entry;
  }

  private async setBackwardCompatibility(subject: string): Promise<void> {
    const response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: {
        'Content-Type': REGISTRY_CONTENT_TYPE,
        Accept: REGISTRY_CONTENT_TYPE,
        ...registryAuthHeaders(this.registryAuth),
      },
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
