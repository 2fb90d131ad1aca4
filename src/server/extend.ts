/**
 * `base` with `more`'s members added (or overriding), accessors included: object spread would
 * read a getter such as `requests` once and freeze its value.
 */
export function extend<T extends object, U extends object>(base: T, more: U): Omit<T, keyof U> & U {
  return Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(base), ...Object.getOwnPropertyDescriptors(more) },
  ) as Omit<T, keyof U> & U;
}
