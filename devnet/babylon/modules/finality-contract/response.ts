/** @module Building a `Response<BabylonMsg>`. */
import {
  type Attribute,
  attribute,
  type BabylonMsg,
  type ContractEvent,
  type ContractResponse,
} from "./types.ts";

export class ResponseBuilder {
  readonly #attributes: Attribute[] = [];
  readonly #events: ContractEvent[] = [];
  readonly #messages: BabylonMsg[] = [];

  attribute(key: string, value: string): this {
    this.#attributes.push(attribute(key, value));
    return this;
  }

  event(type: string, attributes: ReadonlyArray<readonly [string, string]>): this {
    this.#events.push({ type, attributes: attributes.map(([key, value]) => attribute(key, value)) });
    return this;
  }

  message(message: BabylonMsg): this {
    this.#messages.push(message);
    return this;
  }

  build(): ContractResponse {
    return { attributes: [...this.#attributes], events: [...this.#events], messages: [...this.#messages] };
  }
}
