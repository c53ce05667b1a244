import { z } from "zod";

/**
 * `encryption:` on a job. Public keys are the recommended mode: the backup host then holds no
 * secret, and a compromised host cannot read what it already shipped.
 */
export const encryptionConfigSchema = z
  .strictObject({
    /** Public keys to encrypt for (`age1...`, `ssh-ed25519 ...`, `ssh-rsa ...`), or files of them via `${file:...}`. */
    recipients: z.array(z.string().min(1)).min(1).optional(),
    /** A passphrase instead of recipients (scrypt, as `age -p`); a secret: use `${env:...}` or `${file:...}`. */
    passphrase: z.string().min(1).optional(),
    /** Private keys for restore and verify only (`${file:...}` of an age identity file or SSH key). */
    identities: z.array(z.string().min(1)).optional(),
  })
  .refine((e) => (e.recipients === undefined) !== (e.passphrase === undefined), {
    message: "give either `recipients` (public keys, recommended) or a `passphrase`, not both or neither",
  });

export type EncryptionConfig = z.infer<typeof encryptionConfigSchema>;
