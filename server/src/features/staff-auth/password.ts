import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id parameters: 64 MiB, 2 passes, one lane. Measured on the 2-core dev box one verify
 * takes about 55 ms (3 passes: ~100 ms) — slow enough to make guessing expensive, fast enough that two concurrent
 * logins do not starve the server. The algorithm is the library default, argon2id (its const
 * enum cannot be referenced under isolatedModules); `hashPassword` checks the prefix.
 */
export const passwordHashOptions: Options = { memoryCost: 65_536, timeCost: 2, parallelism: 1 };

/** Hashes a password as an argon2id PHC string (`$argon2id$v=19$m=65536,t=2,p=1$…`). */
export async function hashPassword(password: string): Promise<string> {
  const encoded = await hash(password, passwordHashOptions);
  if (!encoded.startsWith('$argon2id$')) throw new Error('argon2 did not produce an argon2id hash');
  return encoded;
}

/** True when the password matches the hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  try {
    return await verify(encoded, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password with the same parameters, verified when the username is unknown
 * so that an unknown name costs the same time as a wrong password.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash(`dummy-${Math.random()}-${Date.now()}`, passwordHashOptions);
  return dummyHash;
}
