import { CairnError } from "../errors.js";

/** No identity given opens the file: name what was tried and what the file was made for. */
export function noIdentityError(what: string, tried: string[], madeFor: string[] | undefined): CairnError {
  const made = madeFor && madeFor.length > 0 ? ` It was encrypted for ${madeFor.join(", ")}.` : "";
  return new CairnError(
    "DECRYPT_NO_IDENTITY",
    tried.length === 0
      ? `${what} is encrypted and no identity was given.${made}`
      : `none of the identities given (${tried.join(", ")}) can decrypt ${what}.${made}`,
    {
      hint: "pass the matching private key with --identity FILE, or set the job's encryption.identities (or its passphrase) in the config",
    },
  );
}
