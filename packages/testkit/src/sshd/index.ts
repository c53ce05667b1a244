export { pickFreePort } from "./free-port.js";
export { fingerprintOf, generateKey, type KeyOptions, type KeyPair } from "./keys.js";
export { type SshdOptions, type SshdServer, startSshd } from "./sshd.js";
export { TEST_PASSWORD, TEST_USER } from "./test-user.js";
