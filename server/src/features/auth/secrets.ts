import path from 'node:path';
import type { Config } from '../../config.js';
import { FieldCrypto, loadMasterKey } from '../../crypto/field-crypto.js';

/** The keys sign-in needs: the access-token secret and the field encryption. */
export interface AuthSecrets {
  jwtSecret: string;
  fieldCrypto: FieldCrypto;
}

/**
 * Loads the keys from config, or — for the embedded default — generates them once under
 * `<dataDir>/keys/` (mode 0600) so tokens and encrypted data survive restarts.
 */
export function loadAuthSecrets(config: Pick<Config, 'JWT_SECRET' | 'FIELD_ENCRYPTION_KEY' | 'dataDir'>): AuthSecrets {
  const keysDir = path.join(config.dataDir, 'keys');
  const jwtSecret = config.JWT_SECRET ?? loadMasterKey({ keyFile: path.join(keysDir, 'jwt.key') }).toString('base64');
  const masterKey = loadMasterKey({
    ...(config.FIELD_ENCRYPTION_KEY ? { configuredKey: config.FIELD_ENCRYPTION_KEY } : {}),
    keyFile: path.join(keysDir, 'field-encryption.key'),
  });
  return { jwtSecret, fieldCrypto: new FieldCrypto(masterKey) };
}
