// Types for nativePackages.mjs, which the unit tests bundle scripts with.
export declare const NATIVE_PACKAGES: string[];
