export { buildApp, redactUrl, type App, type AppDeps, type BuiltApp, type RouteInfo } from './app';
export { createApiKey, hashKey, type Access, type Role } from './auth';
export { signState, verifyState } from './state';
