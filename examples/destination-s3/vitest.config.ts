import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // s3rver encrypts its listing continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
    execArgv: ["--openssl-legacy-provider"],
  },
});
