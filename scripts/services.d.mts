// Types of ./services.mjs for the TypeScript that imports it (test/e2e, test/deploy, test/foundation).
export declare const root: string;
export declare const entries: Record<string, string>;
export declare function bundlePath(name: string): string;
export declare const SERVICE_NODE_FLAGS: string[];
export declare const PLAIN_NODE_FLAGS: string[];
export declare const OMS_SERVICES: string[];
export declare function nodeFlags(name: string): string[];
export declare function nodeCommand(name: string): string[];
export declare function checkDist(names?: string[], base?: string): string[];
export declare function bundleImports(text: string): string[];
