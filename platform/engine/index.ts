export * from "./types.ts";
export { captureProgram, type CaptureOptions, type Program } from "./capture.ts";
export { synthesizeStack, synthesizeLoaded, PROJECT_NAME, type SynthOptions, type StackSynthResult } from "./synth.ts";
export { renderResources, manifestOf, masked, printableResource, isKubernetesObject, type RenderedFile } from "./manifests.ts";
export { renderTree, countByKind, kindOf } from "./tree.ts";
