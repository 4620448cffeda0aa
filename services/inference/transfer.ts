/**
 * The buffers of tensors that can move between threads without a copy: only whole, unshared
 * ArrayBuffers (a view into a bigger or runtime-owned buffer must be copied instead).
 */
export function transferList(tensors: Iterable<{ data: unknown }>): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const t of tensors) {
    const d = t.data as { buffer?: unknown; byteOffset?: number; byteLength?: number };
    if (d.buffer instanceof ArrayBuffer && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !list.includes(d.buffer)) list.push(d.buffer);
  }
  return list;
}
