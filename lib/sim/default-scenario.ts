import type { ScenarioInput } from "./scenario";

/**
 * The shipped what-if scenario: three readers around the clock at 85% utilisation,
 * about 3% of studies with a critical finding, an AI with sensitivity and specificity
 * 0.9, a 4-hour maximum wait. A month, after a day of warm-up.
 */
export const DEFAULT_SCENARIO: ScenarioInput = {
  seed: 2026,
  days: 31,
  warmupDays: 1,
  readers: 3,
  classes: [
    {
      name: "CT head, ED",
      modality: "CT",
      orderPriority: "HIGH",
      patientLocation: "ED",
      arrivalsPerHour: 4,
      criticalPrevalence: 0.1,
      readMinutes: { mean: 6, distribution: "lognormal", cv: 0.5 },
    },
    {
      name: "Chest X-ray, ED",
      modality: "DX",
      orderPriority: "HIGH",
      patientLocation: "ED",
      arrivalsPerHour: 6,
      criticalPrevalence: 0.03,
      readMinutes: { mean: 3, distribution: "lognormal", cv: 0.5 },
    },
    {
      name: "Chest X-ray, inpatient",
      modality: "DX",
      orderPriority: "ROUTINE",
      patientLocation: "INPATIENT",
      arrivalsPerHour: 8,
      criticalPrevalence: 0.02,
      readMinutes: { mean: 3, distribution: "lognormal", cv: 0.5 },
    },
    {
      name: "CT and MR, outpatient",
      modality: "CT",
      orderPriority: "ROUTINE",
      patientLocation: "OUTPATIENT",
      arrivalsPerHour: 8.7,
      criticalPrevalence: 0.01,
      readMinutes: { mean: 10, distribution: "lognormal", cv: 0.5 },
    },
  ],
  ai: { sensitivity: 0.9, specificity: 0.9 },
  priority: { maxWaitMinutes: 240 },
};
