import { EXAMPLE_PSEUDONYMS } from '@readmit/contracts';
import { PseudonymKey } from './pseudonym-key';
import { Pseudonymizer } from './pseudonymizer';

describe("the contracts' example pseudonyms", () => {
  it('gives the example pseudonyms of the contracts under the example key', () => {
    const example = new Pseudonymizer(
      PseudonymKey.fromBase64(
        Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64'),
      ),
    );
    expect(example.pseudonymOf('encounter', '149190')).toBe(EXAMPLE_PSEUDONYMS.encounter);
    expect(example.pseudonymOf('patient', '55629189')).toBe(EXAMPLE_PSEUDONYMS.patient);
  });
});
