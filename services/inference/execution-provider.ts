/**
 * Picks onnxruntime execution providers. Asking for CUDA where the provider library is missing is a
 * start-up error unless CPU fallback was allowed explicitly: silently running a GPU deployment on
 * CPU would miss every latency objective while looking healthy.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ConfigError } from "./errors.ts";
import type { ExecutionProvider } from "./model-settings.ts";

function bindingDir(): string {
  const pkg = createRequire(import.meta.url).resolve("onnxruntime-node/package.json");
  return join(dirname(pkg), "bin", "napi-v6", process.platform, process.arch);
}

export function cudaAvailable(): boolean {
  return existsSync(join(bindingDir(), "libonnxruntime_providers_cuda.so"));
}

export interface ProviderChoice {
  providers: string[];
  /** Set when CUDA was asked for but CPU is used. */
  fallbackReason?: string;
}

export function chooseProviders(wanted: ExecutionProvider, allowCpuFallback: boolean, isCudaAvailable = cudaAvailable): ProviderChoice {
  if (wanted === "cpu") return { providers: ["cpu"] };
  if (isCudaAvailable()) return { providers: ["cuda", "cpu"] };
  const reason = `the CUDA execution provider is not installed (no libonnxruntime_providers_cuda.so in ${bindingDir()})`;
  if (!allowCpuFallback) throw new ConfigError(`${reason}; install it or allow CPU fallback explicitly`);
  return { providers: ["cpu"], fallbackReason: reason };
}
