// The domain's fixed vocabularies, defined once with their zod schemas: everything else
// (ingest, the engine, settings, filters, the simulator, the pages) imports them from here.
import { z } from "zod";

/** DICOM's RequestedProcedurePriority / order priority values, most urgent first. */
export const ORDER_PRIORITIES = ["STAT", "HIGH", "MEDIUM", "ROUTINE", "LOW"] as const;
export const orderPrioritySchema = z.enum(ORDER_PRIORITIES);
export type OrderPriority = z.infer<typeof orderPrioritySchema>;

/** Rows of the SLA table and filter choices: the order priorities, and UNKNOWN for an order that gives none. */
export const PRIORITY_CLASSES = [...ORDER_PRIORITIES, "UNKNOWN"] as const;
export const priorityClassSchema = z.enum(PRIORITY_CLASSES);
export type PriorityClass = z.infer<typeof priorityClassSchema>;

/** Where the patient is, classified from the location tag. */
export const PATIENT_LOCATIONS = ["ED", "INPATIENT", "OUTPATIENT", "UNKNOWN"] as const;
export const patientLocationSchema = z.enum(PATIENT_LOCATIONS);
export type PatientLocation = z.infer<typeof patientLocationSchema>;
