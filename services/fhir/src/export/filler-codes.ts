/**
 * What the exporter adds so that FHIR's counts come back as the row's: the UCI table counts
 * diagnoses, lab results, procedures and medications but names at most three diagnoses and the
 * 23 diabetes drugs. The fillers are real codes of common findings and tests of a diabetic
 * inpatient, so the FHIR reads like a hospital's.
 */

/** Common secondary diagnoses (ICD-9-CM, none a diabetes code): ranks 4 and on. */
export const FILLER_DIAGNOSES: readonly { code: string; display: string }[] = [
  { code: '401.9', display: 'Unspecified essential hypertension' },
  { code: '272.4', display: 'Other and unspecified hyperlipidemia' },
  { code: '414.01', display: 'Coronary atherosclerosis of native coronary artery' },
  { code: '428.0', display: 'Congestive heart failure, unspecified' },
  { code: '427.31', display: 'Atrial fibrillation' },
  { code: '585.9', display: 'Chronic kidney disease, unspecified' },
  { code: '599.0', display: 'Urinary tract infection, site not specified' },
  { code: '276.1', display: 'Hyposmolality and/or hyponatremia' },
  { code: '244.9', display: 'Unspecified acquired hypothyroidism' },
  { code: '530.81', display: 'Esophageal reflux' },
  { code: '496', display: 'Chronic airway obstruction, not elsewhere classified' },
  { code: '311', display: 'Depressive disorder, not elsewhere classified' },
  { code: '285.9', display: 'Anemia, unspecified' },
  { code: '305.1', display: 'Tobacco use disorder' },
  { code: '278.00', display: 'Obesity, unspecified' },
  { code: '715.90', display: 'Osteoarthrosis, unspecified whether generalized or localized' },
  { code: '327.23', display: 'Obstructive sleep apnea (adult) (pediatric)' },
  { code: 'V45.81', display: 'Aortocoronary bypass status' },
  { code: 'V58.67', display: 'Long-term (current) use of insulin' },
  { code: '780.79', display: 'Other malaise and fatigue' },
  { code: '493.90', display: 'Asthma, unspecified' },
  { code: '600.00', display: 'Hypertrophy (benign) of prostate without urinary obstruction' },
];

/** A laboratory test with a plausible result: filler lab results cycle through these. */
export interface FillerLab {
  readonly loinc: string;
  readonly display: string;
  readonly value: number;
  readonly unit: string;
}

/**
 * Routine inpatient panels (LOINC): basic metabolic, blood count, liver, lipids, coagulation.
 * No glucose and no HbA1c: those are read into max_glu_serum and A1Cresult and are only sent
 * for those columns.
 */
export const FILLER_LABS: readonly FillerLab[] = [
  { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', value: 139, unit: 'mmol/L' },
  { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', value: 4.2, unit: 'mmol/L' },
  { loinc: '2075-0', display: 'Chloride [Moles/volume] in Serum or Plasma', value: 102, unit: 'mmol/L' },
  { loinc: '2028-9', display: 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', value: 25, unit: 'mmol/L' },
  { loinc: '3094-0', display: 'Urea nitrogen [Mass/volume] in Serum or Plasma', value: 18, unit: 'mg/dL' },
  { loinc: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', value: 1.1, unit: 'mg/dL' },
  { loinc: '17861-6', display: 'Calcium [Mass/volume] in Serum or Plasma', value: 9.3, unit: 'mg/dL' },
  { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', value: 12.8, unit: 'g/dL' },
  { loinc: '4544-3', display: 'Hematocrit [Volume Fraction] of Blood by Automated count', value: 38.5, unit: '%' },
  { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', value: 7.4, unit: '10*3/uL' },
  { loinc: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', value: 245, unit: '10*3/uL' },
  { loinc: '789-8', display: 'Erythrocytes [#/volume] in Blood by Automated count', value: 4.5, unit: '10*6/uL' },
  { loinc: '2885-2', display: 'Protein [Mass/volume] in Serum or Plasma', value: 7.0, unit: 'g/dL' },
  { loinc: '1751-7', display: 'Albumin [Mass/volume] in Serum or Plasma', value: 3.9, unit: 'g/dL' },
  { loinc: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', value: 24, unit: 'U/L' },
  { loinc: '1920-8', display: 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', value: 22, unit: 'U/L' },
  { loinc: '6768-6', display: 'Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma', value: 82, unit: 'U/L' },
  { loinc: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma', value: 0.7, unit: 'mg/dL' },
  { loinc: '2093-3', display: 'Cholesterol [Mass/volume] in Serum or Plasma', value: 182, unit: 'mg/dL' },
  { loinc: '2571-8', display: 'Triglyceride [Mass/volume] in Serum or Plasma', value: 160, unit: 'mg/dL' },
  { loinc: '2085-9', display: 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', value: 42, unit: 'mg/dL' },
  { loinc: '2601-3', display: 'Magnesium [Moles/volume] in Serum or Plasma', value: 0.85, unit: 'mmol/L' },
  { loinc: '2777-1', display: 'Phosphate [Mass/volume] in Serum or Plasma', value: 3.6, unit: 'mg/dL' },
  { loinc: '5902-2', display: 'Prothrombin time (PT)', value: 12.4, unit: 's' },
  { loinc: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay', value: 1.1, unit: '{INR}' },
  { loinc: '3016-3', display: 'Thyrotropin [Units/volume] in Serum or Plasma', value: 2.1, unit: 'm[IU]/L' },
]; // prettier-ignore

/** Procedures other than lab tests (SNOMED CT) that a diabetic inpatient commonly has. */
export const FILLER_PROCEDURES: readonly { code: string; display: string }[] = [
  { code: '40701008', display: 'Echocardiography' },
  { code: '29303009', display: 'Electrocardiographic procedure' },
  { code: '399208008', display: 'Plain chest X-ray' },
  { code: '77477000', display: 'Computerized axial tomography' },
  { code: '16310003', display: 'Diagnostic ultrasonography' },
  { code: '113091000', display: 'Magnetic resonance imaging' },
  { code: '41976001', display: 'Cardiac catheterization' },
  { code: '73761001', display: 'Colonoscopy' },
  { code: '265764009', display: 'Renal dialysis' },
];

/**
 * Non-diabetes generics an inpatient is commonly given, by name: they only need to be distinct
 * medications (num_medications counts distinct generics), so they are sent as text, the form
 * the mapper counts by its lower-cased name. None is a diabetes drug or a name the mapper's
 * medication table holds. More than the UCI table's largest count (81).
 */
export const FILLER_GENERICS: readonly string[] = [
  'acetaminophen', 'aspirin', 'atorvastatin', 'simvastatin', 'pravastatin', 'rosuvastatin',
  'lisinopril', 'enalapril', 'ramipril', 'losartan', 'valsartan', 'amlodipine', 'diltiazem',
  'verapamil', 'nifedipine', 'metoprolol', 'atenolol', 'carvedilol', 'propranolol', 'labetalol',
  'hydralazine', 'clonidine', 'furosemide', 'bumetanide', 'hydrochlorothiazide', 'spironolactone',
  'torsemide', 'digoxin', 'amiodarone', 'warfarin', 'heparin', 'enoxaparin', 'clopidogrel',
  'nitroglycerin', 'isosorbide mononitrate', 'potassium chloride', 'magnesium sulfate',
  'calcium carbonate', 'sodium bicarbonate', 'levothyroxine', 'prednisone', 'methylprednisolone',
  'hydrocortisone', 'dexamethasone', 'albuterol', 'ipratropium', 'montelukast', 'fluticasone',
  'omeprazole', 'pantoprazole', 'famotidine', 'ondansetron', 'metoclopramide', 'docusate',
  'senna', 'bisacodyl', 'polyethylene glycol', 'lactulose', 'morphine', 'hydromorphone',
  'oxycodone', 'tramadol', 'fentanyl', 'gabapentin', 'lorazepam', 'alprazolam', 'zolpidem',
  'trazodone', 'sertraline', 'citalopram', 'fluoxetine', 'paroxetine', 'quetiapine', 'haloperidol',
  'risperidone', 'levetiracetam', 'phenytoin', 'allopurinol', 'tamsulosin', 'finasteride',
  'ceftriaxone', 'cefazolin', 'vancomycin', 'piperacillin', 'levofloxacin', 'ciprofloxacin',
  'azithromycin', 'metronidazole', 'amoxicillin', 'doxycycline', 'sulfamethoxazole', 'nystatin',
  'fluconazole', 'ferrous sulfate', 'folic acid', 'thiamine', 'cyanocobalamin',
]; // prettier-ignore
