// The error kinds the model layer raises, with the titles the REST plugin gives them (docs/idempiere.md,
// "Writing models and documents" and "Error classes"). "@Key@" tokens in a title or detail are rendered in the
// login's language by errorBody (messages.ts, as Msg.getMsg / Msg.parseTranslation do).
import { RestError } from './store';

/** 400 IDempiereRestException(Msg.getMsg("ValidationError"), …): bad input, mandatory or foreign-key checks. */
export const validation = (detail: string) => new RestError(400, '@ValidationError@', detail);

/**
 * A model's beforeSave refusing the record itself: ModelResourceImpl#create/#update catch around saveEx →
 * getResponseErrorFromException(ex, "Save error"): 500, the title in English in every language, the detail the
 * exception's message.
 */
export const saveError = (detail: string) => new RestError(500, 'Save error', detail);

/**
 * ModelResourceImpl#runDocAction failed: 500, title Msg.getMsg("FailedProcessingDocument"), detail the process
 * message through Msg.parseTranslation ("@NoLines@" → "No Document Lines found").
 */
export const docActionError = (detail: string) => new RestError(500, '@FailedProcessingDocument@', detail);

/**
 * LookupTypeConverter#fromJsonValue: an object foreign key ({uid}, {identifier}, {lookupColumn, lookupValue}) that
 * finds no record. On the header it reaches the outer catch of ModelResourceImpl#create: 500 "Server error".
 */
export const lookupError = (value: unknown, table: string) =>
  new RestError(500, 'Server error', `Could not convert value ${JSON.stringify(value)} for ${table}`);

/**
 * ModelResourceImpl#createChild catches whatever a child's conversion, save or grandchildren throw and #create
 * answers 500 "Save error", "Save error with exception: <message>" (even for a child's 400 validation).
 */
export const childSaveError = (err: RestError) =>
  new RestError(500, 'Save error', `Save error with exception: ${err.detail}`);
