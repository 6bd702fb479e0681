import { stringArray } from '../../../lib/claims/safe-values.js';

/** The miss path reuses a verified payload's frozen arrays instead of copying them per token. */
describe('stringArray on frozen arrays', () => {
  it('reuses a frozen plain array of strings', () => {
    const roles = Object.freeze(['admin', 'user']);
    expect(stringArray(roles)).toBe(roles);
  });

  it('still drops what is not a string from a frozen array', () => {
    const mixed = Object.freeze(['admin', 1, null, { role: 'root' }, 'user']);
    const result = stringArray(mixed);
    expect(result).toEqual(['admin', 'user']);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('copies a frozen subclass into a plain frozen array, so its methods cannot answer grant checks', () => {
    class Lenient extends Array<string> {
      override includes(): boolean {
        return true;
      }
    }
    const lenient = Object.freeze(Lenient.from(['user']) as Lenient);
    const result = stringArray(lenient);
    expect(Object.getPrototypeOf(result)).toBe(Array.prototype);
    expect(result.includes('admin')).toBe(false);
  });

  it('copies a frozen array with holes', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = Object.freeze(['user', , 'admin']);
    const result = stringArray(sparse);
    expect(result).toEqual(['user', 'admin']);
    expect(result).not.toBe(sparse);
  });

  it('an empty frozen array gives the shared empty list', () => {
    expect(stringArray(Object.freeze([]))).toEqual([]);
    expect(Object.isFrozen(stringArray(Object.freeze([])))).toBe(true);
  });
});
