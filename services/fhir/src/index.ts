// @readmit/fhir: FHIR R4 in and out (issue 24). Pure: no I/O, no clock; callers read files and topics.
export type * from './mapping/fhir-r4';
export * from './mapping/code-systems';
export * from './mapping/concept-maps/index';
export * from './mapping/patient-history';
export * from './validation/fhir-issue';
export * from './validation/read-bundle';
export * from './validation/validate-resource';
