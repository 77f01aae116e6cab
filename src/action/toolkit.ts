/**
 * What the Action does to the workflow run: log lines, annotations, step
 * outputs, the job summary, masking and the step's failure. The entry point
 * implements it with `@actions/core`; nothing else in the tree may import
 * `@actions/*` (eslint and test/architecture.test.ts hold this), so the CLI
 * and the scheduled runner never call an Actions-only API.
 */

/** Where an annotation points: GitHub's AnnotationProperties. */
export interface AnnotationProperties {
  /** The annotation's title: the diagnostic's code. */
  readonly title?: string;
  /** Relative to the workspace root, with forward slashes. */
  readonly file?: string;
  readonly startLine?: number;
  readonly endLine?: number;
  /** Only when the annotation is on one line (GitHub drops columns otherwise). */
  readonly startColumn?: number;
  readonly endColumn?: number;
}

/** The Actions toolkit, as far as the Action uses it. */
export interface ActionToolkit {
  readonly info: (message: string) => void;
  readonly warning: (message: string, properties?: AnnotationProperties) => void;
  readonly error: (message: string, properties?: AnnotationProperties) => void;
  readonly setOutput: (name: string, value: string) => void;
  /** Registers a value GitHub replaces with *** in every log line after this. */
  readonly setSecret: (secret: string) => void;
  /** Appends Markdown to the job summary. */
  readonly appendSummary: (markdown: string) => Promise<void>;
  /** Marks the step failed with one message (called at most once). */
  readonly setFailed: (message: string) => void;
}
