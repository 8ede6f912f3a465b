/**
 * The base of every SDK object: wire fields as own enumerable properties (snake_case, as the
 * API sends them, dates as `Date`), the client as a hidden property, and a model registry used
 * to wrap API responses by schema name or by `container_type`.
 */
import {
  DATE_SET,
  OPAQUE_SET,
  convertShared,
  parseDates,
  serializeDates,
  toDate,
} from './dates.js';
import { callOptions, type SdkContext } from './context.js';

export type ModelClass<T extends Model = Model> = new (client: SdkContext, data: object) => T;

const bySchema = new Map<string, ModelClass>();
const byType = new Map<string, ModelClass>();

/** Register a class for `x-fw-model` schema names and (optionally) a `container_type`. */
export function registerModel(
  cls: ModelClass,
  names: readonly string[],
  containerType?: string,
): void {
  for (const n of names) bySchema.set(n, cls);
  if (containerType) byType.set(containerType, cls);
}

/** The class registered for a model name or container type, if any. */
export function modelClass(name: string): ModelClass | undefined {
  return bySchema.get(name) ?? byType.get(name);
}

/**
 * Wrap a raw API value as the SDK object for `modelName` (arrays element-wise). A raw object
 * carrying `container_type` (or resolver `node_type`) gets the class of that type, so the generic
 * `Container` responses become `Project`, `Session`… objects.
 */
export function wrapModel(
  client: SdkContext,
  modelName: string | undefined,
  raw: unknown,
): unknown {
  if (Array.isArray(raw)) return raw.map((r) => wrapModel(client, modelName, r));
  if (raw === null || typeof raw !== 'object' || raw instanceof Model) return raw;
  const r = raw as { container_type?: unknown; node_type?: unknown };
  const discriminator = typeof r.container_type === 'string' ? r.container_type : r.node_type;
  const cls =
    (typeof discriminator === 'string' ? byType.get(discriminator.toLowerCase()) : undefined) ??
    (modelName ? bySchema.get(modelName) : undefined);
  return cls ? new cls(client, raw) : parseDates(raw);
}

/** Define a hidden, non-enumerable property (kept out of JSON and `Object.keys`). */
export function hide(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: false,
    writable: true,
    configurable: true,
  });
}

/** What the constructor does with a wire field (bits of a `FieldPlan` entry). */
const DATE_NAME = 1; // a string value may be an ISO date (`DATE_FIELDS`)
const NESTED = 2; // an object value is converted (`convertShared`): not free-form, not `rawFields`
const SHADOWS = 4; // the name is also a prototype member (`id`): needs defineProperty

/**
 * Per class: what to do with each wire field name, found once. The same few dozen names come with
 * every item of a list, so one map lookup a field replaces three set lookups and a walk of the
 * prototype chain (`key in model`). The SDK installs every prototype member when its modules load,
 * before any model is made; a member added later by hand is still seen for names not yet met.
 */
type FieldPlan = Map<string, number>;
const plans = new WeakMap<object, FieldPlan>();

function planOf(model: Model): FieldPlan {
  const cls = model.constructor;
  let plan = plans.get(cls);
  if (plan === undefined) plans.set(cls, (plan = new Map()));
  return plan;
}

function fieldKind(model: Model, plan: FieldPlan, key: string): number {
  const raw = (model.constructor as { rawFields?: ReadonlySet<string> }).rawFields;
  let kind = DATE_SET.has(key) ? DATE_NAME : 0;
  if (!OPAQUE_SET.has(key) && !raw?.has(key)) kind |= NESTED;
  if (key in Object.getPrototypeOf(model)) kind |= SHADOWS;
  plan.set(key, kind);
  return kind;
}

/** Base class of every SDK object. */
export abstract class Model {
  // The client in a private field: as hidden as a non-enumerable property (not in JSON, keys or
  // spreads), at the cost of a plain field rather than a defineProperty per object.
  #client: SdkContext;

  /** @internal the client that created this object */
  get _client(): SdkContext {
    return this.#client;
  }

  constructor(client: SdkContext, data: object) {
    this.#client = client;
    const src = data as Record<string, unknown>;
    const proto = Object.getPrototypeOf(src);
    // Only plain (wire) objects get their dates converted, as `parseDates` does.
    const plain = proto === Object.prototype || proto === null;
    const keys = Object.keys(src);
    const plan = planOf(this);
    // One pass over the wire object, converting each field in place of `parseDates`'s full copy:
    // nested values without dates are kept as they are (`convertShared`). Fields the class's
    // `init` wraps in models of their own (`rawFields`) are left for those models to convert.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const kind = plan.get(key) ?? fieldKind(this, plan, key);
      const v = src[key];
      let value = v;
      if (plain) {
        if (typeof v === 'string') {
          if (kind & DATE_NAME) value = toDate(v);
        } else if (kind & NESTED && v !== null && typeof v === 'object') {
          value = convertShared(v);
        }
      }
      // A wire field may share a name with an accessor or method (`id`): defineProperty for those;
      // a plain assignment (the same own, enumerable, writable field, and cheaper) for the rest.
      if (kind & SHADOWS)
        Object.defineProperty(this, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else (this as Record<string, unknown>)[key] = value;
    }
    this.init();
  }

  /**
   * Wire fields left unconverted by the constructor because `init` makes models of them (which
   * convert their own dates); `init` converts them with `convertShared` when it does not.
   */
  static readonly rawFields?: ReadonlySet<string>;

  /** Hook for subclasses to wrap nested values after the fields are set. */
  protected init(): void {}

  /** The object's id (`_id` on the wire; jobs and some others send `id`). */
  get id(): string {
    const self = this as unknown as { _id?: unknown };
    return self._id as string;
  }

  /** The wire fields as a plain object (dates as ISO strings when serialised). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) out[k] = v;
    return out;
  }

  /** The wire fields as plain JSON data (dates as ISO strings). */
  toData(): Record<string, unknown> {
    return serializeDates(this.toJSON()) as Record<string, unknown>;
  }
}

/**
 * An object the API can fetch and change by id: `get_{type}` / `modify_{type}`, where `type` is
 * the class's `containerType` (`project`, `job`, `user`…).
 */
export abstract class ResourceModel extends Model {
  /** The kind of object (`project`, `job`…); a constant of the class, also an own field. */
  declare readonly container_type: string;

  protected override init(): void {
    const type = (this.constructor as unknown as { containerType: string }).containerType;
    // No prototype defines `container_type`, so this is the same own, enumerable field that
    // defineProperty would make (or overwrites the wire's), without the descriptor.
    (this as { container_type: string }).container_type = type;
  }

  /** `{ type, id }`, e.g. for gear inputs, job destinations and `downloadTar`. */
  ref(): { type: string; id: string } {
    return { type: this.container_type, id: this.id };
  }
}

/**
 * `reload()`: a fresh copy from the server (`GET /{types}/{id}`, the full model); the object is
 * left as it is. Installed here and typed per class (`Session.reload(): Promise<Session>`, also on
 * the list forms), so a list item's `reload()` is typed as the full model.
 */
Object.defineProperty(ResourceModel.prototype, 'reload', {
  configurable: true,
  writable: true,
  value(this: ResourceModel, options?: object) {
    return this._client.callOp(`get_${this.container_type}`, this.id, callOptions(options));
  },
});
