/** The package entry: `import { InferenceService, ModelPlatform } from "modelplane"`. */
export * from "./components/index.ts";
export type { PlatformSpec, ModelSpec, Environment } from "./platform/spec/types.ts";
