import type { Schema } from "./contract";

/**
 * Where `value` breaks `schema` (the subset of JSON Schema the contract uses), as
 * `path: what`; empty when it conforms. Used on successful answers: what the API returns must
 * be what the contract promises the generated client.
 */
export function schemaErrors(schema: Schema, value: unknown, path = "$"): string[] {
  if (schema.enum !== undefined) {
    return schema.enum.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} not in enum`];
  }
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length > 1) {
    const fits = types.some((type) => schemaErrors({ ...schema, type }, value, path).length === 0);
    return fits ? [] : [`${path}: ${JSON.stringify(value)} is none of ${types.join(", ")}`];
  }
  const errors: string[] = [];
  switch (types[0]) {
    case undefined:
      return [];
    case "null":
      return value === null ? [] : [`${path}: not null`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: not a boolean`];
    case "integer":
    case "number":
      if (typeof value !== "number" || (types[0] === "integer" && !Number.isInteger(value))) {
        return [`${path}: not a ${types[0]}`];
      }
      if (schema.minimum !== undefined && value < schema.minimum)
        errors.push(`${path}: below minimum`);
      if (schema.maximum !== undefined && value > schema.maximum)
        errors.push(`${path}: above maximum`);
      return errors;
    case "string":
      if (typeof value !== "string") return [`${path}: not a string`];
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        errors.push(`${path}: does not match ${schema.pattern}`);
      }
      if (schema.minLength !== undefined && value.length < schema.minLength)
        errors.push(`${path}: too short`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        errors.push(`${path}: too long`);
      if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
        errors.push(`${path}: not a date-time`);
      }
      return errors;
    case "array":
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return value.flatMap((item, i) => schemaErrors(schema.items ?? {}, item, `${path}[${i}]`));
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        return [`${path}: not an object`];
      const object = value as Record<string, unknown>;
      for (const name of schema.required ?? []) {
        if (!(name in object)) errors.push(`${path}.${name}: missing`);
      }
      for (const [name, inner] of Object.entries(object)) {
        const property = schema.properties?.[name];
        if (property !== undefined)
          errors.push(...schemaErrors(property, inner, `${path}.${name}`));
        else if (schema.additionalProperties === false)
          errors.push(`${path}.${name}: not in the contract`);
      }
      return errors;
    }
    default:
      return [];
  }
}
