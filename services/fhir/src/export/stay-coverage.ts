import type { Coverage } from '../mapping/fhir-r4';
import type { StayFrame } from './stay-frame';
import { payerCoding } from './uci-codes';

/** Coverage runs this many days either side of the stay: never as far as another stay of the patient. */
const COVERAGE_MARGIN_DAYS = 180;

/**
 * The payer of the stay as an active Coverage of the patient whose period holds the admission;
 * none when the row has no payer_code.
 */
export function stayCoverage(payerCode: string | null, frame: StayFrame): Coverage[] {
  if (payerCode === null) return [];
  const coding = payerCoding(payerCode);
  return [
    {
      resourceType: 'Coverage',
      id: frame.id('coverage'),
      status: 'active',
      type: coding ? { coding: [coding], text: payerCode } : { text: payerCode },
      beneficiary: frame.patient,
      payor: [{ display: coding?.display ?? payerCode }],
      period: {
        start: frame.instant(frame.admissionDay - COVERAGE_MARGIN_DAYS, 0).slice(0, 10),
        end: frame.instant(frame.dischargeDay + COVERAGE_MARGIN_DAYS, 0).slice(0, 10),
      },
    },
  ];
}
