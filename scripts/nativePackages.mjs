// Native addons that esbuild leaves as require() calls: they load their binaries from node_modules at run time
// (the VSIX keeps only its target's binaries, see scripts/package.mjs). Every bundle of our code uses this list.
export const NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'];
