// The error kinds the model layer raises, with the titles the REST plugin gives them (docs/idempiere.md,
// "Writing models and documents"): bad input is 400, a model rule refusing a save or a document action is 500.
import { RestError } from './store';

export const validation = (detail: string) => new RestError(400, 'Validation Error', detail);
export const saveError = (detail: string) => new RestError(500, 'Save error', `Save error with exception: ${detail}`);
export const docActionError = (detail: string) => new RestError(500, 'Failed Processing Document', detail);
