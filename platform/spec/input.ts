import type { PlatformSpec } from "./types.ts";

/**
 * `modelplane:platform` as a user writes it (platform.schema.json): every field optional except a model's
 * name and artifact, which the schema requires. The loader turns it into a PlatformSpec with defaults.ts.
 */
type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type PlatformInput = DeepPartial<Omit<PlatformSpec, "models">> & {
  models?: ModelInput[];
};

export type ModelInput = DeepPartial<Omit<PlatformSpec["models"][number], "resources">> & {
  resources?: DeepPartial<Omit<PlatformSpec["models"][number]["resources"], "cpu">> & {
    /** YAML lets users write `cpu: 2`; it becomes the string "2". */
    cpu?: string | number;
  };
};
