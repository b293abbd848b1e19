// @readmit/fhir: FHIR R4 in and out (issue 24). Pure: no I/O, no clock; callers read files and topics.
export {};
