/**
 * The compiled JSON Schemas of schemas/. ajv runs in strict mode with every
 * error collected (allErrors) and the failing schema attached (verbose), so a
 * schema's `x-message` ({keyword: message}) can replace ajv's generic text
 * for that keyword with OpenShift's own.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import configSchema from "../../schemas/config.schema.json" with { type: "json" };
import imageStreamSchema from "../../schemas/imagestream.schema.json" with { type: "json" };
import triggersSchema from "../../schemas/triggers.schema.json" with { type: "json" };
import type { Config } from "../model/generated/config.ts";
import type { ImageStream } from "../model/generated/imagestream.ts";
import type { ImageTriggers } from "../model/generated/triggers.ts";

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** The keyword that carries a human message for a schema rule. */
export const messageKeyword = "x-message";

function newAjv(useDefaults: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, useDefaults });
  ajv.addKeyword({ keyword: messageKeyword, schemaType: "object" });
  addFormats(ajv, ["date-time"]);
  return ajv;
}

/** The validators, compiled once per process. */
export interface Validators {
  readonly imageStream: ValidateFunction<ImageStream>;
  readonly triggers: ValidateFunction<ImageTriggers>;
  /** Fills defaults into the value it validates. */
  readonly config: ValidateFunction<Config>;
}

let compiled: Validators | undefined;

/** Returns the compiled validators, compiling them on first use. */
export function validators(): Validators {
  if (compiled !== undefined) return compiled;
  const ajv = newAjv(false);
  compiled = {
    imageStream: ajv.compile<ImageStream>(imageStreamSchema),
    triggers: ajv.compile<ImageTriggers>(triggersSchema),
    config: newAjv(true).compile<Config>(configSchema),
  };
  return compiled;
}
