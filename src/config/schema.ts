// A tiny declarative schema for config files: validates parsed YAML and names the bad field by its
// path, with the expected type or range and the value received.

export type Schema =
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean; nullable?: boolean }
  | { kind: 'string'; nonEmpty?: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; of: Schema; minItems?: number }
  | { kind: 'object'; fields: Record<string, Schema>; optional?: readonly string[] }
  | { kind: 'map'; of: Schema };

export class SchemaError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${file}: ${field || '(top level)'}: expected ${expected}, got ${show(got)}`);
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function describe(s: Schema): string {
  switch (s.kind) {
    case 'number': {
      const kind = s.integer ? 'an integer' : 'a number';
      const range: string[] = [];
      if (s.min !== undefined) range.push(`${s.exclusiveMin ? '>' : '≥'} ${s.min}`);
      if (s.max !== undefined) range.push(`≤ ${s.max}`);
      return `${kind}${range.length ? ' ' + range.join(' and ') : ''}${s.nullable ? ' or null' : ''}`;
    }
    case 'string':
      return s.nonEmpty ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${s.values.join(', ')}`;
    case 'array':
      return `a list${s.minItems ? ` of at least ${s.minItems}` : ''}`;
    case 'object':
      return `a mapping with keys ${Object.keys(s.fields).join(', ')}`;
    case 'map':
      return 'a mapping';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates `value` against `schema`, filling absent fields from `defaults` (same shape). Object
 * fields not in the schema are rejected (catches typos). Returns a fresh value; throws SchemaError.
 */
export function validate(schema: Schema, value: unknown, defaults: unknown, file: string, path = ''): unknown {
  if (value === undefined) {
    if (defaults === undefined) throw new SchemaError(file, path, describe(schema), undefined);
    return validate(schema, defaults, undefined, file, path);
  }
  switch (schema.kind) {
    case 'number': {
      if (value === null && schema.nullable) return null;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!schema.integer || Number.isInteger(value)) &&
        (schema.min === undefined || (schema.exclusiveMin ? value > schema.min : value >= schema.min)) &&
        (schema.max === undefined || value <= schema.max);
      if (!ok) throw new SchemaError(file, path, describe(schema), value);
      return value;
    }
    case 'string':
      if (typeof value !== 'string' || (schema.nonEmpty && value.trim() === '')) throw new SchemaError(file, path, describe(schema), value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new SchemaError(file, path, describe(schema), value);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !schema.values.includes(value)) throw new SchemaError(file, path, describe(schema), value);
      return value;
    case 'array': {
      if (!Array.isArray(value) || value.length < (schema.minItems ?? 0)) throw new SchemaError(file, path, describe(schema), value);
      return value.map((v, i) => validate(schema.of, v, undefined, file, join(path, i)));
    }
    case 'object': {
      if (!isObject(value)) throw new SchemaError(file, path, describe(schema), value);
      for (const key of Object.keys(value)) {
        if (!(key in schema.fields)) {
          throw new SchemaError(file, join(path, key), `no such field (known: ${Object.keys(schema.fields).join(', ')})`, value[key]);
        }
      }
      const d = isObject(defaults) ? defaults : {};
      const out: Record<string, unknown> = {};
      for (const [key, fieldSchema] of Object.entries(schema.fields)) {
        const v = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
        const dv = Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
        if (v === undefined && dv === undefined && schema.optional?.includes(key)) continue;
        out[key] = validate(fieldSchema, v, dv, file, join(path, key));
      }
      return out;
    }
    case 'map': {
      if (!isObject(value)) throw new SchemaError(file, path, describe(schema), value);
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, v] of Object.entries(value)) out[key] = validate(schema.of, v, undefined, file, join(path, key));
      return out;
    }
  }
}
