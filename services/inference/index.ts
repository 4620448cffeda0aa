/** The model server's programmatic surface: start it in-process, or parse flags and env as the container does. */
export { startServer, type RunningServer, type StartOptions, type DrainResult } from "./server.ts";
export { defaultConfig, parseServerArgs, optionsHelp, type ServerConfig, type Limits } from "./config.ts";
export { ConfigError } from "./errors.ts";
export { DEFAULT_MODEL_SETTINGS, type ModelSettings } from "./model-settings.ts";
export { runUntilSignal } from "./lifecycle.ts";
