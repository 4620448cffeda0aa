/** One tensor of a model's signature, as recorded in the artifact config. */
export interface TensorSignature {
  name: string;
  /** numpy-style element type: float32, int64, ... */
  dtype: string;
  /** A number for fixed dimensions, the symbolic name (or null) for dynamic ones. */
  shape: (number | string | null)[] | null;
}
