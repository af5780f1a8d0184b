// Everything one iDempiere stand-in holds. The store (and the Models over it) is replaced on reset; logins, faults
// and the configuration survive it.
import { Auth } from './auth';
import { Faults } from './faults';
import { type ModelOptions, Models } from './models';
import { seed } from './seed';
import { Store } from './store';
import { WriteLog } from './writes';

export interface MinimalLogger {
  debug?: (obj: unknown, msg?: string) => void;
  warn?: (obj: unknown, msg?: string) => void;
}

export interface IdempiereState {
  store: Store;
  models: Models;
  readonly auth: Auth;
  /** shared by every Models the state ever holds: configure() changes it in place */
  readonly modelOptions: ModelOptions;
  readonly faults: Faults;
  readonly writes: WriteLog;
  readonly log: MinimalLogger | undefined;
}

/** The core GardenWorld length of POReference (configurable: POST /_sandbox/idempiere/config). */
const DEFAULT_PO_REFERENCE_LENGTH = 20;

function seededStore(): Store {
  const store = new Store();
  seed(store);
  return store;
}

export function createState(log?: MinimalLogger): IdempiereState {
  const store = seededStore();
  const modelOptions: ModelOptions = { poReferenceLength: DEFAULT_PO_REFERENCE_LENGTH, maxRecords: 100 };
  const faults = new Faults();
  return {
    store,
    models: new Models(store, modelOptions),
    auth: new Auth(),
    modelOptions,
    faults,
    writes: new WriteLog(() => faults.processingMsPerOrder, log),
    log,
  };
}

/** Back to the seed: a new store, an empty write log (login sessions survive). */
export function resetState(state: IdempiereState): void {
  state.store = seededStore();
  state.models = new Models(state.store, state.modelOptions);
  state.writes.reset();
}
