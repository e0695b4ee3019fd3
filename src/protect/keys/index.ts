export {
  type EnvKeySpec,
  type FileKeySpec,
  KEY_ID_PATTERN,
  type KeyEncoding,
  KeyMaterial,
  type KeyPurpose,
  KeyRing,
  type KeySpec,
  type LoadKeyOptions,
  loadKey,
  loadKeyRing,
  MIN_KEY_BYTES,
} from './key-ring.js';
