import type { SealedValue } from './cipher.js';

declare const SEALED_FROM: unique symbol;

type CredentialName = 'apikey' | 'key' | 'secret' | 'password' | 'token' | 'authorization';
type CredentialHeader = 'authorization' | 'proxy-authorization' | 'x-api-key' | 'x-goog-api-key' | 'api-key';

/** A credential field after sealing: a sealed value where the plaintext was, absent stays absent. */
type SealedField<V> = V extends null | undefined ? V : SealedValue;

type SealedHeaders<H> = H extends object
  ? { [K in keyof H]: K extends string ? (Lowercase<K> extends CredentialHeader ? SealedField<H[K]> : H[K]) : H[K] }
  : H;

type SealedDeep<T> = T extends string | number | boolean | bigint | null | undefined
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends ReadonlyArray<infer U>
      ? SealedDeep<U>[]
      : T extends object
        ? {
            [K in keyof T]: K extends string
              ? Lowercase<K> extends CredentialName
                ? SealedField<T[K]>
                : Lowercase<K> extends 'headers'
                  ? SealedHeaders<T[K]>
                  : SealedDeep<T[K]>
              : SealedDeep<T[K]>;
          }
        : T;

/**
 * The sealed form of a configuration `T`: every credential field replaced by a {@link SealedValue},
 * everything else unchanged. Remembers `T` so that `openSecrets(sealed, key)` returns a `T`.
 */
export type Sealed<T> = SealedDeep<T> & { readonly [SEALED_FROM]?: T };
