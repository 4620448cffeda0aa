#!/usr/bin/env node
// The CLI ships as TypeScript; tsx's loader compiles it on import so there is no build step to forget.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../platform/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
