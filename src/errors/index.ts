export { BaseError, type BaseErrorOptions } from "./base.ts";
