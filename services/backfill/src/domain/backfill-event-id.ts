import { hash } from 'node:crypto';

/**
 * The eventId of a backfill's prediction for an encounter: a UUID-shaped digest of both, the
 * same on every run, so a consumer can drop a repeat (a backfill requested again with the same
 * id, or a re-read range) by its event id.
 */
export function backfillPredictionId(backfillId: string, encounterId: string): string {
  // The one-shot hash: a Hash object per prediction was most of a backfill's id cost.
  const hex = hash('sha256', `${backfillId}\u0000${encounterId}`, 'hex');
  // Version 8 (custom) and the RFC 4122 variant, so it parses as a UUID.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
