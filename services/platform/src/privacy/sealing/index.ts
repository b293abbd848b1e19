/**
 * `@readmit/platform/privacy/sealing`: patient events sealed under their patient's data key on
 * the way to Kafka and opened on the way back (EventSerde does both when given an EventSealer).
 */
export * from './event-sealer';
export * from './sealed-fields-codec';
export * from './sealer-from-env';
export * from './forgotten-patients-follower';
