/**
 * Named value transforms a field mapping can apply on the way to the destination. A transform that
 * throws makes that record's write fail (WRITE_FAILED), never the job.
 */
const TRANSFORMS: Record<string, (value: unknown) => unknown> = {
  trim: (value) => (typeof value === 'string' ? value.trim() : value),
  lowercase: (value) => (typeof value === 'string' ? value.toLowerCase() : value),
  uppercase: (value) => (typeof value === 'string' ? value.toUpperCase() : value),
  /** Empty strings become null: for apps that reject '' in optional columns. */
  emptyToNull: (value) => (value === '' ? null : value),
  /** Rejects non-numeric text instead of writing garbage into a numeric column. */
  number: (value) => {
    if (value === null || value === undefined || value === '') return null;
    const number = Number(value);
    if (Number.isNaN(number)) throw new Error(`"${String(value)}" is not a number`);
    return number;
  },
  string: (value) => (value === null || value === undefined ? value : String(value)),
};

export function knownTransform(name: string): boolean {
  return Object.hasOwn(TRANSFORMS, name);
}

export function transformNames(): string[] {
  return Object.keys(TRANSFORMS);
}

export function applyTransform(name: string | null, value: unknown): unknown {
  if (!name) return value;
  const transform = TRANSFORMS[name];
  if (!transform) throw new Error(`unknown transform "${name}"`);
  return transform(value);
}
