/**
 * A component was given arguments that cannot work together. The message starts with the field path, so it
 * is shown as the user's error, like a spec error: `modelplane` exits 2 with the message, and the Pulumi CLI
 * prints it without a stack trace.
 */
export class ArgumentError extends Error {
  override name = "ArgumentError";
  /**
   * The marker `pulumi.RunError.isInstance` looks for (the SDK checks this flag, not the class), so the Pulumi
   * CLI reports the message alone. Set here rather than by subclassing RunError to keep Pulumi out of the
   * modules that only validate.
   */
  readonly __pulumiRunError = true;
}
