/** @module The error a bad daemon configuration raises: where it came from and the path of the bad field. */
import { BaseError } from "../errors/base.ts";

export class ConfigError extends BaseError {
  override name = "ConfigError";
  readonly source: string;
  readonly path: string;

  constructor(source: string, path: string, rule: string) {
    super("invalid_config", `${source}: ${path === "" ? "(root)" : path}: ${rule}`, {
      field: path,
      details: rule,
    });
    this.source = source;
    this.path = path;
  }
}
