// Types of ./build.mjs for the TypeScript that imports it.
export declare const distDir: string;
export declare function buildAll(names?: string[]): Promise<void>;
