import { badRequest } from "./errors.ts";

/**
 * Rejects JSON nested deeper than `maxDepth` before JSON.parse sees it, so a client cannot make the
 * parser or our recursive tensor walk exhaust the stack. One pass over the bytes, skipping strings.
 */
export function checkJsonDepth(buf: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw badRequest(`JSON nested deeper than ${maxDepth} levels`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
