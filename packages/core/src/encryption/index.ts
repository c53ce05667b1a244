export { AgeDecryptor, type DecryptOptions } from "./decrypt.js";
export { type EncryptionKeys, encryptStream } from "./encrypt.js";
export { type ParsedIdentity, type ParsedRecipient, parseIdentities, parseRecipients } from "./keys.js";
