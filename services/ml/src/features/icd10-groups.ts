import type { DiagnosisCodeSystem } from '@readmit/contracts';
import { icd9Group, type Icd9Group } from './icd9-groups';

/**
 * ICD-10-CM diagnosis codes grouped into the same clinical groups as ICD-9-CM (`ICD9_GROUPS`,
 * Strack et al. 2014), so a model trained on the ICD-9 codes of the UCI diabetes table can score
 * encounters coded in ICD-10-CM.
 *
 * The groups are chapter-based: ICD-10 chapter I is circulatory as ICD-9 390–459 was, and so on.
 * Two ICD-9 details of Strack's grouping have no chapter in ICD-10 and are written out below:
 * diabetes is type 1 and type 2 diabetes mellitus only (E10–E11, as ICD-9 250), and the symptom
 * codes Strack moved out of "other" (ICD-9 785 circulatory, 786 respiratory, 787 digestive, 788
 * genitourinary) are spread over the R00–R99 categories, each placed here from the CMS General
 * Equivalence Mappings (2018 GEMs).
 * Codes whose GEM counterpart falls in another group still exist (e.g. TIA: ICD-9 435 is
 * circulatory, ICD-10 G45 is nervous system, so 'other'); the unit tests list the ones sampled.
 */

/** One row of the grouping table: every 3-character category from `from` to `to` (inclusive). */
export interface Icd10Range {
  readonly from: string;
  readonly to: string;
  readonly group: Icd9Group;
}

/**
 * The ICD-10-CM categories (the first three characters of a code) and their groups, sorted and
 * non-overlapping. Categories compare as upper-case ASCII strings, so a category with a letter
 * third (C4A, C7A, C7B, D3A, M1A, O9A, Z3A) sorts after the digits of its decade: C4A lies
 * between C49 and C50, and O9A after O99, which is why the pregnancy range ends at O9A.
 * A well-formed code in no row (R02, E14, T89, …: not ICD-10-CM categories) is 'other'.
 *
 * R-code rule. For each R category, every ICD-10-CM code in it that the 2018 forward GEM
 * (2018_I9gem.txt) reaches counts once, split evenly over the groups `icd9Group` gives its ICD-9
 * sources; the category takes the group with the largest share. The shares are in the comments
 * ("circ 4/4" = 4 of the category's 4 GEM-reached codes come from circulatory ICD-9 codes).
 * This keeps an R code in the group its ICD-9 counterpart had in training wherever it can.
 */
export const ICD10_RANGES: readonly Icd10Range[] = Object.freeze(
  (
    [
      // Chapter 1, infectious and parasitic (ICD-9 001–139: 'other').
      { from: 'A00', to: 'B99', group: 'other' },
      // Chapter 2, neoplasms: malignant C00–C96, in situ D00–D09, benign D10–D36, uncertain
      // D37–D48, unspecified D49 (ICD-9 140–239).
      { from: 'C00', to: 'D49', group: 'neoplasms' },
      // Chapter 3, blood and immune (ICD-9 280–289: 'other'). D50–D89 is NOT neoplasm although it
      // shares the letter D: GEM 2800 → D500, 2859 → D649, 28800 → D709.
      { from: 'D50', to: 'D89', group: 'other' },
      // Chapter 4, endocrine: thyroid E00–E07 (ICD-9 240–246: 'other').
      { from: 'E00', to: 'E07', group: 'other' },
      // Diabetes mellitus, E08–E13 (judgment call): only type 1 and type 2, E10–E11, are
      // 'diabetes', as only ICD-9 250 is under Strack's rule (GEM 25000 → E119, 25001 → E109). E08
      // (due to an underlying condition), E09 (drug- or chemical-induced) and E13 (other specified:
      // secondary NEC, postpancreatectomy, genetic defects) are 'other', the group their ICD-9
      // counterparts have in `icd9Group`:
      // - the 2018 GEM maps every ICD-9 249 code (secondary diabetes, 'other') to E08 and E09, and
      //   most 249.x0 to E13 too: 122 pairs, all 'other' on both sides with this choice;
      // - 249 only exists since October 2008 (FY2009); before, the years of the UCI table,
      //   secondary diabetes was coded 251.8 (GEM 2518 → E168, 'other' too);
      // - E13 receives 250 in just two approximate pairs, 25010 and 25012 (type 2 with
      //   ketoacidosis) → E1310, whose GEM alternatives E1110/E1169 are type 2: those two pairs
      //   cross ('diabetes' → 'other') and the tests list them.
      // So the same patient gets the same group in both systems. ICD-10 combination codes of type
      // 1/2 diabetes with a manifestation (E11.42 polyneuropathy, E11.3xxx retinopathy) are
      // 'diabetes' though their ICD-9 manifestation codes (3572, 362.0x) are 'other': crossings.
      // E12 and E14 are WHO ICD-10 only (not ICD-10-CM) and fall in no row.
      { from: 'E08', to: 'E09', group: 'other' },
      { from: 'E10', to: 'E11', group: 'diabetes' },
      { from: 'E13', to: 'E13', group: 'other' },
      // The rest of chapter 4 (nutritional, metabolic; ICD-9 251–279: 'other').
      { from: 'E15', to: 'E89', group: 'other' },
      // Chapter 5 mental (ICD-9 290–319), chapter 6 nervous (320–359), chapters 7–8 eye and ear
      // (360–389): all 'other'.
      { from: 'F01', to: 'F99', group: 'other' },
      { from: 'G00', to: 'G99', group: 'other' },
      { from: 'H00', to: 'H95', group: 'other' },
      // Chapter 9, circulatory (ICD-9 390–459).
      { from: 'I00', to: 'I99', group: 'circulatory' },
      // Chapter 10, respiratory (ICD-9 460–519).
      { from: 'J00', to: 'J99', group: 'respiratory' },
      // Chapter 11, digestive (ICD-9 520–579).
      { from: 'K00', to: 'K95', group: 'digestive' },
      // Chapter 12, skin (ICD-9 680–709: 'other').
      { from: 'L00', to: 'L99', group: 'other' },
      // Chapter 13, musculoskeletal (ICD-9 710–739); M1A (chronic gout) sorts inside.
      { from: 'M00', to: 'M99', group: 'musculoskeletal' },
      // Chapter 14, genitourinary (ICD-9 580–629).
      { from: 'N00', to: 'N99', group: 'genitourinary' },
      // Chapter 15, pregnancy, childbirth and the puerperium, O00–O9A (ICD-9 630–679: 'other').
      // Judgment call: O24 (diabetes in pregnancy) stays 'other'. Its ICD-9 counterparts are 648.0x
      // (pre-existing diabetes) and 648.8x (gestational; GEM 64800 → O24319, 64881 → O24419), both
      // 'other' under Strack's 250-only rule, and both systems tell coders to add the diabetes code
      // itself for pre-existing diabetes (250.x in ICD-9, E10/E11 in ICD-10 for type 1/2), which
      // carries the diabetes group; gestational diabetes has no 250 and no E10/E11.
      { from: 'O00', to: 'O9A', group: 'other' },
      // Chapter 16 perinatal (ICD-9 760–779), chapter 17 congenital (740–759): 'other'.
      { from: 'P00', to: 'P96', group: 'other' },
      { from: 'Q00', to: 'Q99', group: 'other' },
      // Chapter 18, symptoms and signs (ICD-9 780–799 'other', except Strack's 785–788).
      // R00 tachycardia/palpitations (7850, 7851, 42781, 42789), R01 murmurs (7852, 7853): circ
      // 3/3, 2/2.
      { from: 'R00', to: 'R01', group: 'circulatory' },
      // R03 abnormal blood-pressure reading comes from 7962/7963 (ICD-9 796, 'other' 2/2), not from
      // 785, so it is not circulatory.
      { from: 'R03', to: 'R03', group: 'other' },
      // R04 hemorrhage from respiratory passages (78630–78639 hemoptysis; 7847 epistaxis, 7848 are
      // 'other'): resp 4/6. R05 cough (7862): resp 1/1. R06 abnormal breathing (786.0x, 7861, 7868,
      // 7869, 51882; 77089 and 78499 are 'other'): resp 14.2/17. R07 chest and throat pain (786.5x;
      // 7841 throat pain is 'other'): resp 6/7.
      { from: 'R04', to: 'R07', group: 'respiratory' },
      // R09 other circulatory/respiratory signs is split: hypoxemia, asphyxia, respiratory arrest
      // and postnasal drip come from 79901, 79902, 7991, 78491 ('other'); pleurisy 5110, abnormal
      // sputum 7864 and chest sounds 7867 are respiratory; 7859 circulatory: other 4, resp 2.5,
      // circ 0.5 of 7, so 'other'. R10 abdominal pain comes from 789.0x/789.6x (ICD-9 789 'other',
      // not Strack's 787; 6089 and 6259 genitourinary): other 27.3/28.
      { from: 'R09', to: 'R10', group: 'other' },
      // R11 nausea/vomiting (787.0x, 5362, 56987; 07882 'other'): dig 6.5/7. R12 heartburn (7871),
      // R13 dysphagia (787.2x; V416 supplementary), R14 flatulence (7873), R15 fecal incontinence
      // (787.6x): dig 1/1, 6.5/7, 4/4, 4/4.
      { from: 'R11', to: 'R15', group: 'digestive' },
      // R16 hepatosplenomegaly (7891, 7892), R17 jaundice (7824), R18 ascites (789.5x; 56882
      // digestive): 'other' 2/2, 1/1, 1.5/2. R19 other digestive/abdominal signs is split: diarrhea
      // 78791, 7874, 7875, 7877, 78799 are digestive but abdominal mass/rigidity 789.3x/789.4x,
      // 7899, 7921, 78499 are 'other': other 19/26. R20–R23 skin (782.x), R25–R29 nervous and
      // musculoskeletal signs (781.x, 7961; 719.6x, 7197, 72982, 72989 musculoskeletal): other
      // 4.5/5 (R25), 4/5 (R26), 11.1/13 (R29).
      { from: 'R16', to: 'R29', group: 'other' },
      // R30 painful micturition (7881, 78899), R31 hematuria (599.7x, ICD-9 genitourinary), R32
      // incontinence (78830), R33 retention (78820, 78829), R34 anuria (7885), R35 polyuria
      // (788.4x), R36 urethral discharge (7887, 60882): genitourinary, each all of its codes.
      { from: 'R30', to: 'R36', group: 'genitourinary' },
      // R37 sexual dysfunction comes from 30270 (ICD-9 302, mental: 'other' 1/1).
      { from: 'R37', to: 'R37', group: 'other' },
      // R39 other urinary signs (7888, 78821, 788.6x, 788.9x): genitourinary 14/14.
      { from: 'R39', to: 'R39', group: 'genitourinary' },
      // R40–R56 cognition, speech, general symptoms (780.x, 784.x, 799.x): 'other'.
      { from: 'R40', to: 'R56', group: 'other' },
      // R57 shock (78550, 78551, 78559), R58 hemorrhage NEC (4590), R59 enlarged lymph nodes
      // (7856): circ 4/4, 1/1, 1/1 (785.6 sits in Strack's circulatory 785 though it is lymphatic).
      { from: 'R57', to: 'R59', group: 'circulatory' },
      // R60–R64 edema, fever NEC, lack of development, food intake, cachexia: 'other'.
      { from: 'R60', to: 'R64', group: 'other' },
      // R65 SIRS and severe sepsis: R6510, R6511, R6520 come from 99590–99594 (ICD-9 995, in
      // Strack's injury range 800–999), R6521 septic shock from 78552 (circulatory): injury 3/4.
      { from: 'R65', to: 'R65', group: 'injury' },
      // R68 other general symptoms (780.6x/780.9x, 7815, 78492; V47–V49 and 5277 only through R6889
      // and R682): other 9.1/11. R69–R99 abnormal findings (790–796, 798–799): 'other'.
      { from: 'R68', to: 'R99', group: 'other' },
      // Chapter 19, injury, poisoning and consequences of external causes (ICD-9 800–999).
      { from: 'S00', to: 'T88', group: 'injury' },
      // Codes for special purposes (U07.1 COVID-19, U09.9 post-COVID): no ICD-9 counterpart.
      { from: 'U00', to: 'U85', group: 'other' },
      // Chapter 20, external causes (ICD-9 E800–E999, 'other' in `icd9Group`).
      { from: 'V00', to: 'Y99', group: 'other' },
      // Chapter 21, factors influencing health status (ICD-9 V01–V91: 'supplementary').
      { from: 'Z00', to: 'Z99', group: 'supplementary' },
    ] satisfies Icd10Range[]
  ).map((range) => Object.freeze(range)),
);

/** A letter, a digit, then 1–5 letters or digits: an ICD-10-CM code without its dot. */
const DOTLESS = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
/** The dotted form: the 3-character category, a dot, then 1–4 letters or digits. */
const DOTTED = /^([A-Z][0-9][0-9A-Z])\.([0-9A-Z]{1,4})$/;

/**
 * The code upper-cased, trimmed and without its dot (`e11.9 ` → `E119`), or null when it is not
 * shaped like an ICD-10-CM code: a letter, a digit, then letters or digits, 3–7 characters in
 * all, with an optional dot only after the third. The shape is checked, not the code list:
 * `E14` and `R02` are well formed though not ICD-10-CM codes.
 */
export function normalizeIcd10(code: string): string | null {
  const text = code.trim().toUpperCase();
  const dotted = DOTTED.exec(text);
  const bare = dotted === null ? text : dotted[1] + dotted[2];
  return DOTLESS.test(bare) ? bare : null;
}

/** Whether the code is shaped like an ICD-10-CM code (see `normalizeIcd10`). */
export function isIcd10Code(code: string | null): boolean {
  return code !== null && normalizeIcd10(code) !== null;
}

/**
 * The group of an ICD-10-CM code such as `E11.9`, `E119`, `i50.9` or `S72.001A`; null for a
 * missing code (null, or empty after trimming). Dotted, dotless, any case and surrounding
 * whitespace give the same group.
 *
 * A string that is not shaped like an ICD-10-CM code is 'other', as `icd9Group` does for junk,
 * so the pipeline always has a group; callers that should reject bad input (ingestion) check
 * `isIcd10Code` first.
 */
export function icd10Group(code: string | null): Icd9Group | null {
  if (code === null || code.trim() === '') return null;
  const normalized = normalizeIcd10(code);
  if (normalized === null) return 'other';
  const category = normalized.slice(0, 3);
  for (const range of ICD10_RANGES) {
    if (category < range.from) break;
    if (category <= range.to) return range.group;
  }
  return 'other';
}

/**
 * The group of a diagnosis code in the stated system. ICD-9 codes go to `icd9Group`, after
 * trimming and putting back the dot of a dotless numeric code (`4280` → `428.0`, the form of
 * the GEM files), since `icd9Group` reads a numeric code as a number.
 */
export function diagnosisGroup(code: string | null, system: DiagnosisCodeSystem): Icd9Group | null {
  if (system === 'ICD10CM') return icd10Group(code);
  if (code === null) return null;
  const text = code.trim();
  return icd9Group(/^[0-9]{4,5}$/.test(text) ? `${text.slice(0, 3)}.${text.slice(3)}` : text);
}

/** ICD-9 external causes: E800–E999, an optional fourth digit, dotted or not (`E880.9`). */
const ICD9_E_CODE = /^E[89][0-9]{2}(\.?[0-9])?$/;
/** ICD-9 supplementary codes: V01–V91, up to two more digits, dotted or not (`V54.13`). */
const ICD9_V_CODE = /^V[0-9]{2}(\.?[0-9]{1,2})?$/;

/**
 * Which system a code's shape says it is in, when that is unambiguous:
 * - 'ICD9CM' for a numeric code (`428`, `250.83`, `4280`): every ICD-10-CM code starts with a
 *   letter.
 * - 'ICD10CM' for a code shaped like ICD-10-CM starting with a letter other than E or V: ICD-9
 *   has no other letters.
 * - 'ambiguous' for every code starting with E or V that is shaped like a code of either system
 *   (junk such as `EXYZ` is 'invalid'). ICD-9 has E codes (E800–E999, external causes) and V
 *   codes (V01–V91, supplementary); ICD-10-CM has E00–E89 (endocrine, including diabetes) and
 *   V00–V99 (transport accidents). Some strings are codes in both (`E8809`: ICD-9 E880.9 fall
 *   on stairs, ICD-10 E88.09 plasma-protein disorder); every ICD-9 V code (`V5413`, aftercare
 *   of a hip fracture) is also shaped like an ICD-10 transport-accident code; and a dotless
 *   `E119` is ICD-10 E11.9 only because it is no ICD-9 E code, which a typo can also produce.
 * - 'invalid' for a string neither system could hold; null for a missing code.
 *
 * This is a check, not a way to route codes: the groups of E and V codes differ between the
 * systems, so senders must state the system of their codes; use this only to reject a code
 * whose shape contradicts the stated system.
 */
export function guessDiagnosisCodeSystem(
  code: string | null,
): DiagnosisCodeSystem | 'ambiguous' | 'invalid' | null {
  if (code === null || code.trim() === '') return null;
  const text = code.trim().toUpperCase();
  if (/^[0-9]{3}(\.[0-9]{1,2})?$/.test(text) || /^[0-9]{4,5}$/.test(text)) return 'ICD9CM';
  const icd10 = normalizeIcd10(text) !== null;
  const first = text.charAt(0);
  if (first === 'E' || first === 'V') {
    const icd9 = first === 'E' ? ICD9_E_CODE.test(text) : ICD9_V_CODE.test(text);
    return icd9 || icd10 ? 'ambiguous' : 'invalid';
  }
  return icd10 ? 'ICD10CM' : 'invalid';
}
