/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null
/** A value a JSON round trip keeps as is: no `undefined`, functions, Dates or BigInts. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
/** A JSON object, the shape of a run summary. */
export type JsonObject = { [key: string]: JsonValue }
