import type { ErrorObject, KeywordDefinition, ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';
import type { ElementRules } from './element-rules';

/**
 * The keywords prepareR4Schema adds to HL7's schema (r4-json-schema.ts says why). Each reports
 * ajv errors with their own instancePath, and `params` that never hold a value of the instance.
 */

type Errors = Array<Partial<ErrorObject>>;
type Record_ = Record<string, unknown>;

const isRecord = (value: unknown): value is Record_ =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON Pointer of a property below `at` (RFC 6901 escapes). */
const below = (at: string, name: string): string =>
  `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The validator of a resource type, compiled the first time it is asked for; undefined if none. */
export type ValidatorOf = (resourceType: string) => ValidateFunction | undefined;

/** `ResourceList` (contained, Bundle.entry.resource): validates the resource as its own type. */
export function fhirResourceKeyword(validatorOf: ValidatorOf): KeywordDefinition {
  const validate = (_schema: unknown, data: unknown, _parent: unknown, cxt?: DataValidationCxt) => {
    const at = cxt?.instancePath ?? '';
    const type = isRecord(data) ? data.resourceType : undefined;
    const validator = typeof type === 'string' ? validatorOf(type) : undefined;
    if (validator === undefined) {
      validate.errors = [
        {
          keyword: 'fhirResource',
          instancePath: at,
          params: {},
          message: 'is no known resource type',
        },
      ];
      return false;
    }
    if (validator(data, cxt)) return true;
    validate.errors = (validator.errors ?? []) as Errors;
    return false;
  };
  validate.errors = [] as Errors;
  return { keyword: 'fhirResource', schemaType: 'boolean', errors: true, validate };
}

/**
 * Required primitives and choice elements (element-rules.ts). It runs on every Extension, Dosage
 * and Observation, so the valid case allocates nothing: one pass over the object's keys.
 */
export const fhirElementsKeyword: KeywordDefinition = {
  keyword: 'fhirElements',
  type: 'object',
  schemaType: 'object',
  errors: true,
  compile(schema: ElementRules) {
    const { required, choices } = schema;
    const choiceOf = new Map<string, number>();
    choices.forEach(({ variants }, index) => {
      for (const variant of variants) {
        choiceOf.set(variant, index);
        choiceOf.set(`_${variant}`, index);
      }
    });
    const requiredChoices = choices.some((choice) => choice.required);
    const validate = (data: Record_, cxt?: DataValidationCxt) => {
      let errors: Errors | undefined;
      const fail = (keyword: string, name: string, element: string) =>
        (errors ??= []).push({
          keyword,
          instancePath: below(cxt?.instancePath ?? '', name),
          params: { element },
        });
      for (const name of required)
        if (data[name] === undefined && data[`_${name}`] === undefined)
          fail('fhirRequired', name, name);
      if (choices.length > 0) {
        let present: number[] | undefined;
        for (const key in data) {
          const index = choiceOf.get(key);
          if (index === undefined) continue;
          // `_valueString` beside `valueString` is the same value's extensions.
          if (key.charCodeAt(0) === 95 && data[key.slice(1)] !== undefined) continue;
          (present ??= new Array<number>(choices.length).fill(0))[index] += 1;
        }
        if (present !== undefined || requiredChoices)
          choices.forEach(({ element, required: needed }, index) => {
            const count = present?.[index] ?? 0;
            if (count > 1) fail('fhirChoice', element.slice(0, -3), element);
            else if (count === 0 && needed) fail('fhirRequired', element.slice(0, -3), element);
          });
      }
      if (errors === undefined) return true; // ajv reads errors only after false
      validate.errors = errors;
      return false;
    };
    validate.errors = [] as Errors;
    return validate;
  },
};

/** Days of a month (month 1–12); Date.UTC's day 0 is the last day of the month before. */
const daysIn = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();
const DAY = /^(\d{4})-(\d{2})-(\d{2})/;

/** True when a date, dateTime or instant names no day (`2021-02-29`) or a day of the calendar. */
export function isCalendarDate(text: string): boolean {
  const match = DAY.exec(text);
  if (match === null) return true; // partial (`2021-02`), or the pattern's to refuse
  const month = Number(match[2]);
  return month < 1 || month > 12 || Number(match[3]) <= daysIn(Number(match[1]), month);
}

export const fhirCalendarDateKeyword: KeywordDefinition = {
  keyword: 'fhirCalendarDate',
  type: 'string',
  schemaType: 'boolean',
  validate: (_schema: unknown, data: string) => isCalendarDate(data),
};

/** Milliseconds of a dateTime with a time (`…T10:00:00+01:00`); undefined for a date alone. */
const instantOf = (text: string): number | undefined =>
  text.length > 10 ? Date.parse(text) : undefined;

/**
 * per-1: start ≤ end. Compared when both carry a time (as instants, time zones applied) or both
 * are the same kind of date (as text); mixed precisions are not compared, as FHIRPath leaves them
 * undecided.
 */
export function periodInOrder(start: unknown, end: unknown): boolean {
  if (typeof start !== 'string' || typeof end !== 'string') return true;
  const from = instantOf(start);
  const to = instantOf(end);
  if (from !== undefined && to !== undefined) return !(from > to);
  if (from === undefined && to === undefined && start.length === end.length) return start <= end;
  return true;
}

export const fhirPeriodOrderKeyword: KeywordDefinition = {
  keyword: 'fhirPeriodOrder',
  type: 'object',
  schemaType: 'boolean',
  validate: (_schema: unknown, data: Record_) => periodInOrder(data.start, data.end),
};
